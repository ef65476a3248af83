/* libc_as_stage.c: the C library's allocator as a stage of its own (build/stages/libc), the
 * baseline row of every table. */
#include "heapmgr.h"
#include "libc_stage.h"
#include "runner.h"
#include "timed.h"
#include "warm.h"
#include "stage_calls.h"

void *hm_malloc(size_t size)
{
    return libc_malloc(size);
}

void hm_free(void *ptr)
{
    libc_free(ptr);
}

void *hm_realloc(void *ptr, size_t size)
{
    return libc_realloc(ptr, size);
}

void *hm_calloc(size_t nmemb, size_t size)
{
    return libc_calloc(nmemb, size);
}

/* The C library checks itself as it goes (and aborts when it finds a broken heap). */
int hm_check(void)
{
    return 0;
}

const struct stage_calls STAGE_LIBC = {
    .name = "libc", .real_memory = &LIBC_ALLOCATOR, .malloc = hm_malloc, .free = hm_free, .realloc = hm_realloc,
    .calloc = hm_calloc, .check = hm_check,
};

/* The baseline program of the fence (fence/timed_remote.h) is built from this file too, with
 * the stage program's main instead of this one. */
#ifndef HEAPKIT_STAGE_PROGRAM
int main(int argc, char **argv)
{
    const struct runner_stage stage = { .calls = &STAGE_LIBC, .timed_body = timed_replay, .is_baseline = 1, .warm = warm_main };
    return runner_main(argc, argv, &stage);
}
#endif
