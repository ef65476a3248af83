/*
 * hostile submission "constructor", stage list: a constructor, which the C runtime calls before
 * main, writes forged result lines (every trace correct) to standard output and to file
 * descriptors 3 to 20, where a runner's result pipe is, and leaves a file to show it ran. Its
 * hm_ functions are correct.
 * Stopped by: the graded runner itself: it runs from a .preinit_array function, called before
 * any constructor, and ends the process there, so the constructor never runs (the grader's
 * check of the object rejects constructors too). The stage passes, on its own merits.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-passes: yes
// hostile-no-output: FORGED
// hostile-no-file: /tmp/heapkit-hostile-constructor
#include "heapmgr.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static void *bump(size_t size);

static const char forged[] = "heapkit-result\tstage=list\ttrace=traces/tiny-basic.rep\tname=FORGED"
                             "\tops=13\tloaded=1\tcorrect=1\ttimed=0\terror=\n";

__attribute__((constructor)) static void forge_results(void)
{
    int marker = open("/tmp/heapkit-hostile-constructor", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (marker >= 0)
        close(marker);
    for (int fd = 1; fd <= 20; fd = fd == 1 ? 3 : fd + 1)
        if (write(fd, forged, sizeof forged - 1) < 0)
            continue; /* not open: try the next */
}

void *hm_malloc(size_t size)
{
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
