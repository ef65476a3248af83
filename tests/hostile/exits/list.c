/*
 * hostile submission "exits", stage list: hm_malloc ends the process with exit(0), as if the
 * replay had finished.
 * Stopped by: the replay's own account: a child that ends before the end of the trace did not
 * finish, whatever its exit status.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage ended the process with exit status 0 before the replay ended
#include "heapmgr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *bump(size_t size);

void *hm_malloc(size_t size)
{
    (void)size;
    exit(0); /* the attack */
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
