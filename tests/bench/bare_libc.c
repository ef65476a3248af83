/*
 * bare_libc.c: how much the harness's timed replay costs, measured.
 *
 * Replays a trace against the C library two ways, interleaved, each run in a fresh process:
 * a bare loop that calls malloc, free, realloc and calloc directly, and the harness's timed
 * replay of the libc stage (which also writes each result's fingerprint, and stops at each
 * mark of the trace). Both are timed as the runner times a replay: the child stops at a
 * checkpoint before and after its work, and the parent reads the child's CPU time there
 * (checkpoint.h). Prints the medians and their ratio: the harness's overhead.
 *
 *   build/bench/bare_libc [-n RUNS] TRACE
 */
#include "checkpoint.h"
#include "hostmem.h"
#include "isolate.h"
#include "median.h"
#include "options.h"
#include "timed.h"
#include "timed_proof.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

enum { MOST_RUNS = 101 };

/* The loop as a student would write it, without the harness: checkpoint 1 before, 2 after. */
static void bare_loop(void *argument)
{
    const struct trace *trace = argument;
    size_t slot_bytes = (trace->id_count ? trace->id_count : 1) * sizeof(void *);
    void **slots = host_alloc(slot_bytes);
    /* Its tables in memory before the clock starts, as the harness's are (timed.c). */
    memset(slots, 0, slot_bytes);
    timed_map_in(trace->ops, (size_t)trace->op_count * sizeof *trace->ops);
    checkpoint_reach(1);
    for (uint32_t i = 0; i < trace->op_count; i++) {
        const struct trace_op *op = &trace->ops[i];
        switch (op->kind) {
        case OP_MALLOC: slots[op->id] = malloc(op->size); break;
        case OP_FREE: free(slots[op->id]); break;
        case OP_REALLOC: slots[op->id] = realloc(slots[op->id], op->size); break;
        case OP_ALIGNED: slots[op->id] = malloc(trace_aligned_request_bytes(op)); break;
        default: slots[op->id] = calloc(op->nmemb, op->size); break;
        }
    }
    checkpoint_reach(2);
    isolate_report()->finished = 1;
}

/* The bare loop's server: the child's CPU time at its two checkpoints. */
struct stopwatch {
    uint64_t start_ns, end_ns;
};

static int stopwatch_serve(void *context, uint32_t number, const struct checkpoint_reading *reading)
{
    struct stopwatch *watch = context;
    const uint64_t child_cpu_ns = reading->cpu_ns;
    if (number == 1)
        watch->start_ns = child_cpu_ns;
    else
        watch->end_ns = child_cpu_ns;
    return 0;
}

static void must_finish(struct child_outcome outcome)
{
    if (outcome.end != CHILD_FINISHED) {
        fprintf(stderr, "bare_libc: a run did not finish\n");
        exit(1);
    }
}

static double time_bare(const struct trace *trace)
{
    struct stopwatch watch = { 0, 0 };
    const struct checkpoint_server server = { stopwatch_serve, &watch, 2 };
    must_finish(isolate_run_checkpointed(bare_loop, (void *)trace, 60, -1, -1, &server));
    return (double)(watch.end_ns - watch.start_ns) / 1e9;
}

static double time_harness(struct timed_setup *setup)
{
    static struct timed_proof proof;
    timed_proof_start(&proof, setup->trace, "the C library", NULL, setup->observed,
                      (struct trace_op *)setup->shown);
    const struct checkpoint_server server = { timed_proof_checkpoint, &proof, timed_last_checkpoint(setup->trace) };
    must_finish(isolate_run_checkpointed(timed_replay, setup, 60, -1, -1, &server));
    if (!timed_proof_complete(&proof)) {
        fprintf(stderr, "bare_libc: a run did not pass its checkpoints: %s\n", proof.error);
        exit(1);
    }
    return (double)proof.elapsed_ns / 1e9;
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
    size_t observed_bytes = (size_t)(trace.op_count ? trace.op_count : 1) * sizeof(uint64_t);
    void *observed = mmap(NULL, observed_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (observed == MAP_FAILED) {
        perror("bare_libc: the fingerprints' memory");
        return 2;
    }
    size_t shown_bytes = (size_t)(trace.op_count ? trace.op_count : 1) * sizeof *trace.ops;
    void *shown = mmap(NULL, shown_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shown == MAP_FAILED) {
        perror("bare_libc: the operations' memory");
        return 2;
    }
    struct timed_setup harness = { .trace = &trace, .use_libc = 1, .observed = observed, .shown = shown };
    double bare[MOST_RUNS] = { 0 }, through_harness[MOST_RUNS] = { 0 }, ratio[MOST_RUNS] = { 0 };
    for (uint32_t run = 0; run < runs; run++) {
        int harness_first = run % 2;
        double a = harness_first ? time_harness(&harness) : time_bare(&trace);
        double b = harness_first ? time_bare(&trace) : time_harness(&harness);
        bare[run] = harness_first ? b : a;
        through_harness[run] = harness_first ? a : b;
        ratio[run] = through_harness[run] / bare[run];
    }
    double bare_median = median(bare, runs), harness_median = median(through_harness, runs);
    printf("trace %s: %u operations, %u runs of each, interleaved, each in a fresh process (CPU time)\n",
           trace.name, trace.op_count, runs);
    printf("  bare loop calling malloc/free directly: %.3f ms (median), %.0f Kops/s\n", bare_median * 1e3,
           trace.op_count / bare_median / 1e3);
    printf("  harness timed replay, libc stage:       %.3f ms (median), %.0f Kops/s\n", harness_median * 1e3,
           trace.op_count / harness_median / 1e3);
    printf("  overhead (median of paired ratios):     %+.1f%%\n", (median(ratio, runs) - 1) * 100);
    return 0;
}
