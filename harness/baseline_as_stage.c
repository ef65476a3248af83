/* baseline_as_stage.c: a production allocator as a stage of its own (build/stages/jemalloc,
 * build/stages/mimalloc, build/stages/tcmalloc: this file built with BASELINE_NAME), a
 * baseline beside the C library's (libc_as_stage.c). Loaded at run time (baselines.h).
 *
 *   build/stages/NAME --available   prints nothing and exits 0 when the library loads, else
 *                                   prints why (with the package to install) and exits 3 */
#include "baselines.h"
#include "heapmgr.h"
#include "runner.h"
#include "stage_calls.h"
#include "timed.h"
#include "warm.h"

#include <stdio.h>
#include <string.h>

#ifndef BASELINE_NAME
#error "build this file with -DBASELINE_NAME='\"jemalloc\"' (or mimalloc, tcmalloc)"
#endif

enum { BASELINE_MISSING = 3 };

static const struct real_allocator *baseline;

void *hm_malloc(size_t size)
{
    return baseline->malloc(size);
}

void hm_free(void *ptr)
{
    baseline->free(ptr);
}

/* The kit's interface frees the block of realloc(p, 0) and returns NULL (heapmgr.h), as the C
 * library does; C leaves it to the implementation, and mimalloc returns a small block. The
 * baseline meets the interface here, as a stage must. */
void *hm_realloc(void *ptr, size_t size)
{
    if (ptr != NULL && size == 0) {
        baseline->free(ptr);
        return NULL;
    }
    return baseline->realloc(ptr, size);
}

void *hm_calloc(size_t nmemb, size_t size)
{
    return baseline->calloc(nmemb, size);
}

/* A production allocator checks what it chooses to, as it goes. */
int hm_check(void)
{
    return 0;
}

int main(int argc, char **argv)
{
    char error[512];
    baseline = baseline_load(BASELINE_NAME, argv, error, sizeof error);
    int asked = argc == 2 && strcmp(argv[1], "--available") == 0;
    if (baseline == NULL) {
        fprintf(asked ? stdout : stderr, "%s%s%s\n", asked ? "" : argv[0], asked ? "" : ": ", error);
        return asked ? BASELINE_MISSING : 2;
    }
    if (asked)
        return 0;
    static struct stage_calls calls = {
        .name = BASELINE_NAME, .malloc = hm_malloc, .free = hm_free, .realloc = hm_realloc, .calloc = hm_calloc,
        .check = hm_check,
    };
    calls.real_memory = baseline;
    const struct runner_stage stage = { .calls = &calls, .timed_body = timed_replay, .is_baseline = 1, .warm = warm_main };
    return runner_main(argc, argv, &stage);
}
