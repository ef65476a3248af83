/*
 * hostile submission "prints", stage list: hm_malloc prints 64 MiB to stderr.
 * Stopped by: the file-size limit on the replay's output (16 MiB, SIGXFSZ); the runner shows
 * only the first 64 KiB of a stage's output, or its last lines when the replay fails.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage crashed with SIGXFSZ (it printed more than 16 MiB to stderr, the limit)
// hostile-most-output: 256K
#include "heapmgr.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void *bump(size_t size);

void *hm_malloc(size_t size)
{
    static char line[1024];
    memset(line, 'x', sizeof line - 2);
    line[sizeof line - 2] = '\n';
    for (int i = 0; i < 64 * 1024; i++)
        fputs(line, stderr); /* the attack: 64 MiB */
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
