/*
 * hostile submission "hangs", stage list: hm_malloc never returns.
 * Stopped by: the runner's wall-clock limit (-t), which kills the child's process group, and
 * RLIMIT_CPU a second after it.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-options: -t 1
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage did not finish within 1 s
#include "heapmgr.h"

#include <stdint.h>
#include <string.h>

static void *bump(size_t size);

void *hm_malloc(size_t size)
{
    for (volatile uint64_t spins = 0;; spins++)
        continue; /* the hang */
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
