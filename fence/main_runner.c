/*
 * main_runner.c: the runner of the fence (build/fence/runner): the kit's runner (harness/
 * runner.c: the same options, the same result lines) with the stage in a program of its own.
 *
 *   build/fence/runner --program STAGE-PROGRAM --libc-program LIBC-PROGRAM
 *                      [--reference-program PROGRAM] [--run-as UID] [--jail EMPTY-DIR]
 *                      [--program-data SIZE] [--no-filter] [runner options] TRACE...
 *
 * It holds no stage code: whatever the stage program does, this process checks it, times it
 * and writes the result line. --reference-program (the grader's) times a reference stage's
 * program in the same runs as the stage and the C library, interleaved with them, so that the
 * machine's moment lands on all three: its speed ratio is the result line's ref_ratio (its
 * results are not compared: it is the kit's). --run-as and --jail need root (the grader is); --no-filter runs
 * the program without the system-call filter (a student's local --no-sandbox run, or a build
 * without libseccomp).
 */
#include "filter.h"
#include "isolate.h"
#include "options.h"
#include "remote.h"
#include "runner.h"
#include "spawn.h"
#include "stage_calls.h"
#include "timed_remote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
    const char *program_path, *libc_path, *reference_path, *jail;
    uint32_t run_as;
    uint64_t data_bytes;
    int no_filter;
    struct fence_program stage, libc, reference;
} fence = { .data_bytes = UINT64_C(256) << 20 };

static int fence_option(const char *flag, const char *value)
{
    uint32_t count;
    if (strcmp(flag, "--no-filter") == 0) {
        fence.no_filter = 1;
        return 1;
    }
    const char **text = strcmp(flag, "--program") == 0 ? &fence.program_path
                        : strcmp(flag, "--libc-program") == 0 ? &fence.libc_path
                        : strcmp(flag, "--reference-program") == 0 ? &fence.reference_path
                        : strcmp(flag, "--jail") == 0 ? &fence.jail : NULL;
    if (text != NULL && value != NULL) {
        *text = value;
        return 2;
    }
    if (strcmp(flag, "--run-as") == 0 && parse_count(value, 1, 0x7fffffff, &count) == 0) {
        fence.run_as = count;
        return 2;
    }
    if (strcmp(flag, "--program-data") == 0 && parse_size(value, &fence.data_bytes) == 0)
        return 2;
    return 0;
}

static int fence_has_reference(void)
{
    return fence.reference_path != NULL;
}

static int fence_ready(void)
{
    char error[4200];
    if (fence.program_path == NULL) {
        fprintf(stderr, "runner: --program STAGE-PROGRAM is needed (the stage is not linked into this runner)\n");
        return -1;
    }
    if (!fence.no_filter && !fence_filter_available()) {
        fprintf(stderr, "runner: built without libseccomp, so without the system-call filter: apt-get install "
                        "libseccomp-dev and rebuild, or run with --no-filter\n");
        return -1;
    }
    if (fence_program_open(&fence.stage, fence.program_path, error, sizeof error) != 0 ||
        (fence.libc_path != NULL && fence_program_open(&fence.libc, fence.libc_path, error, sizeof error) != 0) ||
        (fence.reference_path != NULL &&
         fence_program_open(&fence.reference, fence.reference_path, error, sizeof error) != 0)) {
        fprintf(stderr, "runner: %s\n", error);
        return -1;
    }
    const struct fence_confinement confinement = {
        .filter = !fence.no_filter, .run_as = fence.run_as, .jail = fence.jail,
    };
    fence_confine(&confinement);
    remote_use_program(&fence.stage, fence.data_bytes);
    timed_remote_use(&fence.stage, fence.libc_path != NULL ? &fence.libc : NULL,
                     fence.reference_path != NULL ? &fence.reference : NULL, fence.data_bytes);
    isolate_set_syscall_namer(fence_syscall_name);
    return 0;
}

int main(int argc, char **argv)
{
    /* For the grader: does this runner have the filter? (exit status 0: yes) */
    if (argc == 2 && strcmp(argv[1], "--filter-available") == 0)
        return fence_filter_available() ? 0 : 1;
    const struct runner_stage stage = {
        .calls = &STAGE_APART, .timed_body = timed_remote_replay, .option = fence_option, .ready = fence_ready,
        .has_reference = fence_has_reference,
        /* A replay's time limit is the stage's: starting its program (an exec, the filter, the
         * C library's start) is not counted against it. */
        .start_seconds = 2,
    };
    return runner_main(argc, argv, &stage);
}
