/* warm.c: warm replays for the bench (see warm.h). */
#include "warm.h"

#include "hostmem.h"
#include "libc_stage.h"
#include "simmem.h"
#include "stage_calls.h"
#include "timed.h"
#include "trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The same replay runs up to 1.5 times slower in one process than in the next (where its
 * memory lands; what else the machine does for that second): each side is measured in this
 * many processes, alternating, and keeps its best; and each process's tables start a
 * different number of pages further on. */
enum { MOST_PASSES = 1000, WARM_PROCESSES = 5 };

/* Between two passes, other work through the same allocator (other_work): this many random
 * operations on a table of this many blocks. */
enum { OTHER_WORK_OPERATIONS = 20000, OTHER_WORK_SLOTS = 256 };

/* What one process measured: its first pass and its best later one, in seconds. */
struct warm_figures {
    double cold_seconds, warm_seconds;
};

static double cpu_seconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* Which blocks are live after the trace's last operation: their ids, so that a pass can free
 * them before the next (a slot that a free emptied keeps its stale address). */
static uint8_t *blocks_live_at_end(const struct trace *trace)
{
    uint8_t *live = calloc(trace->id_count ? trace->id_count : 1, 1);
    for (uint32_t i = 0; live != NULL && i < trace->op_count; i++) {
        const struct trace_op *op = &trace->ops[i];
        live[op->id] = op->kind != OP_FREE && !(op->kind == OP_REALLOC && op->size == 0);
    }
    return live;
}

/*
 * Other work, untimed, before each pass: random mallocs (half of 1 to 256 bytes, half of 1 to
 * 4096) and frees through the same allocator, a different stretch each pass, all freed at its
 * end. Without it the processor learns the replay: a pass repeats the last one's branches
 * exactly, as no program does. Measured on calloc-mix (--warm 15, ns per operation, best
 * pass): bins 11.7 without it, 24.9 with it; mimalloc 8.9 and 13.0; the C library 35.5 and
 * 38.2 (its heap is left less tidy), hybrid 27.1 and 26.6. Eight traces of calloc-mix's
 * generator with different seeds, replayed in turn (nothing repeats), gave bins 25.5 and
 * mimalloc 15.8; and a loop of random branches between passes, which touches no memory, took
 * bins from 11.4 to 22.7: what a repeated replay trains is the branch predictor, not the
 * caches. The same work for every allocator.
 */
static void other_work(const struct timed_allocator *with, uint32_t pass)
{
    static void *blocks[OTHER_WORK_SLOTS];
    uint64_t x = (uint64_t)(pass + 1) * 0x9e3779b97f4a7c15u; /* the same stretch for every allocator */
    for (int i = 0; i < OTHER_WORK_OPERATIONS; i++) { /* xorshift64 */
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        size_t slot = (size_t)(x >> 20) % OTHER_WORK_SLOTS;
        if (blocks[slot] != NULL) {
            with->free(blocks[slot]);
            blocks[slot] = NULL;
        } else {
            size_t most_bytes = (x >> 40) & 1 ? 256 : 4096;
            blocks[slot] = with->malloc(1 + (size_t)(x >> 8) % most_bytes);
        }
    }
    for (size_t slot = 0; slot < OTHER_WORK_SLOTS; slot++)
        if (blocks[slot] != NULL) {
            with->free(blocks[slot]);
            blocks[slot] = NULL;
        }
}

/* In the child: PASSES replays, other work before each but the first; the figures are written
 * to `out`. */
static void measure(const struct timed_work *work, const uint8_t *live, uint32_t passes, int out)
{
    char error[256];
    /* Its tables and heap a different number of pages further on than the last process's. */
    if (host_alloc(4096 * (1 + (size_t)getpid() % 61)) == NULL)
        _exit(1);
    uint32_t slot_count = work->id_count ? work->id_count : 1;
    size_t ops_bytes = (size_t)(work->op_count ? work->op_count : 1) * sizeof *work->ops;
    size_t observed_bytes = (size_t)(work->op_count ? work->op_count : 1) * sizeof *work->observed;
    void **slots = host_alloc((size_t)slot_count * sizeof *slots);
    struct timed_work mine = *work;
    struct trace_op *ops = host_alloc(ops_bytes);
    mine.ops = ops;
    mine.observed = host_alloc(observed_bytes);
    if (slots == NULL || ops == NULL || mine.observed == NULL ||
        (!work->use_libc && work->real == NULL && simmem_init(work->limit_bytes, 0, error, sizeof error) != 0))
        _exit(1);
    memcpy(ops, work->ops, ops_bytes);
    work = &mine;
    timed_map_in(work->observed, observed_bytes);
    timed_start_fingerprints(work);
    const struct timed_allocator with = timed_allocator(work);
    struct warm_figures figures = { 0, 0 };
    for (uint32_t pass = 0; pass < passes; pass++) {
        if (pass > 0)
            other_work(&with, pass); /* not before the first: it stays cold */
        memset(slots, 0, (size_t)slot_count * sizeof *slots);
        double start = cpu_seconds();
        timed_run_ops(work, 0, work->op_count, slots);
        double taken = cpu_seconds() - start;
        if (pass == 0)
            figures.cold_seconds = taken;
        else if (pass == 1 || taken < figures.warm_seconds)
            figures.warm_seconds = taken;
        for (uint32_t id = 0; id < work->id_count; id++)
            if (live[id] && slots[id] != NULL)
                with.free(slots[id]);
    }
    _exit(write(out, &figures, sizeof figures) == (ssize_t)sizeof figures ? 0 : 1);
}

/* One side's figures, from a fresh child. -1: it failed (why, in `why`). */
static int run_side(const struct timed_work *work, const uint8_t *live, uint32_t passes,
                    struct warm_figures *figures, char *why, size_t why_size)
{
    int channel[2];
    if (pipe(channel) != 0) {
        snprintf(why, why_size, "pipe: %s", strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t child = fork();
    if (child < 0) {
        snprintf(why, why_size, "fork: %s", strerror(errno));
        close(channel[0]);
        close(channel[1]);
        return -1;
    }
    if (child == 0) {
        close(channel[0]);
        measure(work, live, passes, channel[1]);
    }
    close(channel[1]);
    ssize_t got = read(channel[0], figures, sizeof *figures);
    close(channel[0]);
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    if (got == (ssize_t)sizeof *figures && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFSIGNALED(status))
        snprintf(why, why_size, "%s killed by signal %d (%s)", work->use_libc ? "the C library's replay" : "the replay",
                 WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        snprintf(why, why_size, "%s ended without its figures", work->use_libc ? "the C library's replay" : "the replay");
    return -1;
}

/* run_side, its figures kept where they beat `best`'s. */
static int measure_best(const struct timed_work *work, const uint8_t *live, uint32_t passes,
                        struct warm_figures *best, char *why, size_t why_size)
{
    struct warm_figures figures;
    if (run_side(work, live, passes, &figures, why, why_size) != 0)
        return -1;
    best->cold_seconds = figures.cold_seconds < best->cold_seconds ? figures.cold_seconds : best->cold_seconds;
    best->warm_seconds = figures.warm_seconds < best->warm_seconds ? figures.warm_seconds : best->warm_seconds;
    return 0;
}

int warm_main(int argc, char **argv, const struct runner_stage *stage)
{
    char *end = NULL;
    unsigned long passes = argc >= 3 ? strtoul(argv[2], &end, 10) : 0;
    if (argc < 4 || end == argv[2] || *end != '\0' || passes < 2 || passes > MOST_PASSES) {
        fprintf(stderr, "usage: %s --warm PASSES TRACE...  (PASSES from 2 to %d: the first is cold)\n", argv[0],
                MOST_PASSES);
        return 2;
    }
    const struct real_allocator *real = stage->calls->real_memory;
    int status = 0;
    static struct trace trace;
    for (int i = 3; i < argc; i++) {
        char error[1024];
        if (trace_load(argv[i], &trace, error, sizeof error) != 0) {
            fprintf(stderr, "%s\n", error);
            status = 1;
            continue;
        }
        uint8_t *live = blocks_live_at_end(&trace);
        if (live == NULL) {
            fprintf(stderr, "%s: out of memory for the warm replay\n", trace.path);
            return 1;
        }
        struct timed_work work = {
            .ops = trace.ops, .op_count = trace.op_count, .id_count = trace.id_count,
            .limit_bytes = RUNNER_DEFAULT_LIMIT_BYTES,
            .real = timed_direct_allocator(real),
            .use_libc = real == &LIBC_ALLOCATOR,
        };
        const struct timed_work libc_work = { .ops = trace.ops, .op_count = trace.op_count,
                                              .id_count = trace.id_count, .use_libc = 1 };
        struct warm_figures mine = { 1e9, 1e9 }, libc = { 1e9, 1e9 };
        char why[256];
        int failed = 0;
        for (int process = 0; process < WARM_PROCESSES && !failed; process++)
            failed = measure_best(&work, live, (uint32_t)passes, &mine, why, sizeof why) != 0 ||
                     measure_best(&libc_work, live, (uint32_t)passes, &libc, why, sizeof why) != 0;
        if (failed) {
            printf("%s failed: %s\n", trace.name, why);
            status = 1;
        } else {
            double per_op = trace.op_count ? 1e9 / trace.op_count : 0;
            printf("%s %u %.2f %.2f %.2f %.2f\n", trace.name, trace.op_count, mine.cold_seconds * per_op,
                   mine.warm_seconds * per_op, libc.cold_seconds * per_op, libc.warm_seconds * per_op);
        }
        fflush(stdout);
        free(live);
        trace_release(&trace);
    }
    return status;
}
