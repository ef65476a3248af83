/*
 * bare_libc.c: how much the harness's timed replay costs, measured.
 *
 * Replays a trace against the C library two ways, interleaved, each run in a fresh process:
 * a bare loop that calls malloc, free, realloc and calloc directly, and the harness's timed
 * replay of the libc stage. Prints the medians and their ratio: the harness's overhead.
 *
 *   build/bench/bare_libc [-n RUNS] TRACE
 */
#include "hostmem.h"
#include "isolate.h"
#include "median.h"
#include "options.h"
#include "timed.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MOST_RUNS = 101 };

static uint64_t now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

/* The loop as a student would write it, without the harness. */
static void bare_loop(void *argument)
{
    const struct trace *trace = argument;
    void **slots = host_alloc((trace->id_count ? trace->id_count : 1) * sizeof *slots);
    uint64_t start = now_ns();
    for (uint32_t i = 0; i < trace->op_count; i++) {
        const struct trace_op *op = &trace->ops[i];
        switch (op->kind) {
        case OP_MALLOC: slots[op->id] = malloc(op->size); break;
        case OP_FREE: free(slots[op->id]); break;
        case OP_REALLOC: slots[op->id] = realloc(slots[op->id], op->size); break;
        default: slots[op->id] = calloc(op->nmemb, op->size); break;
        }
    }
    isolate_report()->elapsed_ns = now_ns() - start;
    isolate_report()->finished = 1;
}

static double run_once(void (*body)(void *), void *argument)
{
    struct child_outcome outcome = isolate_run(body, argument, 60, -1, -1);
    if (outcome.end != CHILD_FINISHED) {
        fprintf(stderr, "bare_libc: a run did not finish\n");
        exit(1);
    }
    return (double)isolate_report()->elapsed_ns / 1e9;
}

int main(int argc, char **argv)
{
    uint32_t runs = 11;
    int first = 1;
    if (argc > 3 && strcmp(argv[1], "-n") == 0) {
        if (parse_count(argv[2], 1, MOST_RUNS, &runs) != 0) {
            fprintf(stderr, "bare_libc: -n %s: give 1 to %d runs\n", argv[2], MOST_RUNS);
            return 2;
        }
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: %s [-n RUNS] TRACE\n", argv[0]);
        return 2;
    }
    static struct trace trace;
    char error[4400];
    if (trace_load(argv[first], &trace, error, sizeof error) != 0) {
        fprintf(stderr, "%s\n", error);
        return 2;
    }
    struct timed_setup harness = { .trace = &trace, .use_libc = 1 };
    double bare[MOST_RUNS], through_harness[MOST_RUNS], ratio[MOST_RUNS];
    for (uint32_t run = 0; run < runs; run++) {
        int harness_first = run % 2;
        double a = run_once(harness_first ? timed_replay : bare_loop, harness_first ? (void *)&harness : &trace);
        double b = run_once(harness_first ? bare_loop : timed_replay, harness_first ? (void *)&trace : &harness);
        bare[run] = harness_first ? b : a;
        through_harness[run] = harness_first ? a : b;
        ratio[run] = through_harness[run] / bare[run];
    }
    double bare_median = median(bare, runs), harness_median = median(through_harness, runs);
    printf("trace %s: %u operations, %u runs of each, interleaved, each in a fresh process\n",
           trace.name, trace.op_count, runs);
    printf("  bare loop calling malloc/free directly: %.3f ms (median), %.0f Kops/s\n", bare_median * 1e3,
           trace.op_count / bare_median / 1e3);
    printf("  harness timed replay, libc stage:       %.3f ms (median), %.0f Kops/s\n", harness_median * 1e3,
           trace.op_count / harness_median / 1e3);
    printf("  overhead (median of paired ratios):     %+.1f%%\n", (median(ratio, runs) - 1) * 100);
    return 0;
}
