/* libc_stage.c: the C library's malloc as the baseline stage (see libc_stage.h). */
#include "libc_stage.h"

#include <malloc.h>
#include <stdlib.h>
#include <unistd.h>

/* Below this, glibc never maps a block by itself (its mmap threshold starts at 128 KiB and
 * only rises), so a smaller request can grow the footprint only by moving the break. */
enum { SMALLEST_MAPPED_REQUEST = 64 * 1024 };

static struct {
    uint64_t baseline_bytes;
    uint64_t footprint_bytes;
    void *last_break;
} libc;

void *libc_malloc(size_t size)
{
    return malloc(size);
}

void libc_free(void *ptr)
{
    free(ptr);
}

void *libc_realloc(void *ptr, size_t size)
{
    return realloc(ptr, size);
}

void *libc_calloc(size_t nmemb, size_t size)
{
    return calloc(nmemb, size);
}

static uint64_t arena_and_mapped_bytes(void)
{
    struct mallinfo2 info = mallinfo2();
    return (uint64_t)info.arena + (uint64_t)info.hblkhd;
}

static void libc_footprint_start(void)
{
    /* The harness's own stdio buffers started the arena; give back its free top so that
     * the replay's blocks do not hide in memory the baseline already counted. */
    if (mallinfo2().arena != 0)
        malloc_trim(0);
    libc.baseline_bytes = arena_and_mapped_bytes();
    libc.footprint_bytes = 0;
    libc.last_break = sbrk(0);
}

static uint64_t libc_footprint_after(uint64_t request_bytes)
{
    void *now = sbrk(0);
    if (now != libc.last_break || request_bytes >= SMALLEST_MAPPED_REQUEST) {
        uint64_t total = arena_and_mapped_bytes();
        libc.footprint_bytes = total > libc.baseline_bytes ? total - libc.baseline_bytes : 0;
        libc.last_break = now;
    }
    return libc.footprint_bytes;
}

const struct real_allocator LIBC_ALLOCATOR = {
    .name = "libc", .malloc = libc_malloc, .free = libc_free, .realloc = libc_realloc, .calloc = libc_calloc,
    .footprint_start = libc_footprint_start, .footprint_after = libc_footprint_after,
};
