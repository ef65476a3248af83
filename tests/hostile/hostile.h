/*
 * hostile.h: the harmless rest of a hostile stage. Each hostile submission puts its attack in
 * hm_malloc (or a constructor) and takes the other four functions from here: a bump allocator,
 * correct and wasteful, so that the only thing wrong with the stage is the attack.
 *
 * A graded submission is one file per stage: the tests that grade these (tests/jobs/grader.sh)
 * put this header's text in place of its #include; the sandbox tests compile them with
 * -Itests/hostile.
 */
#ifndef HOSTILE_H
#define HOSTILE_H

#include "heapmgr.h"

#include <stdint.h>
#include <string.h>


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

#endif /* HOSTILE_H */
