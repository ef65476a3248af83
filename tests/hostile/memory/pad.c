/*
 * hostile submission "memory", stage pad: every hm_malloc takes 4 MiB more with hm_sbrk and
 * touches all of it, and never looks at what hm_sbrk returned.
 * Stopped by: the memory limit of simulated memory (--limit): past it hm_sbrk fails, so the
 * process never holds more than the limit; the stage then writes through sbrk's failure value,
 * (void *)-1, and crashes.
 */
// hostile-trace: traces/binary-small.rep
// hostile-options: --limit 64M
// hostile-expect: the stage crashed with SIGSEGV (segmentation fault)
// hostile-most-memory: 64M
#include "heapmgr.h"

#include <stdint.h>
#include <string.h>

static void *bump(size_t size);

enum { GRAB_BYTES = 4 << 20 };

void *hm_malloc(size_t size)
{
    char *more = hm_sbrk(GRAB_BYTES); /* the attack: more memory on every call... */
    memset(more, 1, GRAB_BYTES);      /* ...all of it touched, and no failure checked */
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
