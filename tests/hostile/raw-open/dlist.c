/*
 * hostile submission "raw-open", stage dlist: hm_malloc creates a file through the 32-bit
 * system-call gate (int 0x80), whose call numbers are i386's, to slip past a filter written
 * for x86-64's numbers.
 * Stopped by: the system-call filter, which refuses every call of another architecture.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'open (i386, int 0x80)', which a stage may not make
// hostile-no-file: /tmp/heapkit-hostile-int80
#include "heapmgr.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static void *bump(size_t size);

/* i386's open is call 5, its arguments in ebx, ecx and edx. (Its path must lie below 4 GiB to
 * be read at all; the filter stops the call before the kernel looks at it.) */
void *hm_malloc(size_t size)
{
#if defined(__x86_64__)
    static const char path[] = "/tmp/heapkit-hostile-int80";
    long result;
    __asm__ volatile("int $0x80"
                     : "=a"(result)
                     : "a"(5L), "b"((long)path), "c"((long)(O_WRONLY | O_CREAT | O_TRUNC)), "d"(0644L)
                     : "memory"); /* the attack */
    (void)result;
#else
    close(open("/tmp/heapkit-hostile-int80", O_WRONLY | O_CREAT | O_TRUNC, 0644)); /* no int 0x80 here */
#endif
    return bump(size);
}

/* ---- a bump allocator: correct, wasteful, and beside the point -------------------------- */

struct header {
    uint64_t bytes; /* what the caller asked for: realloc copies this many */
    uint64_t unused;
};

static void *bump(size_t size)
{
    if (size > ((size_t)1 << 40))
        return NULL;
    size_t chunk_bytes = sizeof(struct header) + ((size < 16 ? 16 : size) + 15) / 16 * 16;
    struct header *chunk = hm_sbrk((intptr_t)chunk_bytes);
    if (chunk == (void *)-1)
        return NULL;
    chunk->bytes = size;
    return chunk + 1;
}

void hm_free(void *ptr)
{
    (void)ptr;
}

void *hm_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return hm_malloc(size);
    if (size == 0)
        return NULL;
    void *moved = bump(size);
    if (moved == NULL)
        return NULL;
    const struct header *old = (const struct header *)ptr - 1;
    memcpy(moved, ptr, old->bytes < size ? old->bytes : size);
    return moved;
}

void *hm_calloc(size_t nmemb, size_t size)
{
    if (nmemb != 0 && size > SIZE_MAX / nmemb)
        return NULL;
    void *block = bump(nmemb * size);
    if (block != NULL)
        memset(block, 0, nmemb * size);
    return block;
}

int hm_check(void)
{
    return 0;
}
