/*
 * test_timed.c: the timed replay and what the runner checks of it (timed.h, timed_proof.h),
 * as a specification.
 *
 * The stage is defined here: a bump allocator whose behaviour in the timed replay the test
 * chooses (`timed_mode`, set before the child is forked). Each test replays a small trace as
 * the runner does: a checked replay that writes the expected fingerprints, then a timed replay
 * whose checkpoints a timed_proof serves. Nothing here asserts how fast anything is.
 */
#include "checked.h"
#include "checkpoint.h"
#include "heapmgr.h"
#include "isolate.h"
#include "timed.h"
#include "timed_proof.h"
#include "trace.h"
#include "unit.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ---- the stage --------------------------------------------------------------------------- */

enum timed_mode {
    HONEST,         /* the same work in every replay */
    SHIFTED,        /* its blocks 16 bytes further on, in the timed replay */
    READS_EXPECTED, /* reads the checked replay's fingerprints, in the timed replay */
    EARLY,          /* reaches the first mark's checkpoint itself at its first call (timed replay) */
    SKIPS_AHEAD,    /* reaches the last checkpoint itself at its first call (timed replay) */
    READS_TRACE,    /* reads the trace's operations where the runner loaded them (timed replay) */
    PEEKS_AHEAD,    /* looks at the last operation through what the replay shows (timed replay) */
    READS_TRACE_APART, /* reads the trace's operations in the checked replay, run apart */
};
static enum timed_mode timed_mode;
static int in_timed_child;             /* set by the test's own body, before the replay */
static volatile uint64_t *answers;     /* the expected fingerprints, for READS_EXPECTED */
static uint32_t forged_checkpoint;     /* for EARLY and SKIPS_AHEAD */
static struct trace trace;
static struct trace_op *shown; /* the operations the timed child may see so far */

struct header {
    uint64_t bytes;
    uint64_t unused;
};

static void *bump(size_t size)
{
    if (size > ((size_t)1 << 30))
        return NULL;
    size_t chunk = sizeof(struct header) + (size + 15) / 16 * 16;
    struct header *h = hm_sbrk((intptr_t)chunk);
    if (h == (void *)-1)
        return NULL;
    h->bytes = size;
    return h + 1;
}

void *hm_malloc(size_t size)
{
    if (in_timed_child && timed_mode == READS_EXPECTED)
        (void)*(const volatile uint64_t *)&answers[0];
    if (in_timed_child && (timed_mode == EARLY || timed_mode == SKIPS_AHEAD)) {
        timed_mode = HONEST;
        checkpoint_reach(forged_checkpoint);
    }
    if (in_timed_child && timed_mode == SHIFTED)
        bump(0);
    if ((in_timed_child && timed_mode == READS_TRACE) || timed_mode == READS_TRACE_APART)
        (void)*(volatile uint64_t *)&trace.ops[trace.op_count - 1].size;
    if (in_timed_child && timed_mode == PEEKS_AHEAD) {
        timed_mode = HONEST;
        const volatile struct trace_op *last = &shown[trace.op_count - 1];
        if (last->size != 0 || last->nmemb != 0 || shown[0].size != 24)
            abort(); /* the last segment is shown before its time, or the first is not */
    }
    return bump(size);
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
    if (moved != NULL) {
        uint64_t old = ((struct header *)ptr - 1)->bytes;
        memcpy(moved, ptr, old < size ? old : size);
    }
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

/* ---- replaying as the runner does ---------------------------------------------------------- */

static const char TRACE_TEXT[] = "1\n4\n9\n1\n"
                                 "a 0 24\n"
                                 "a 1 100\n"
                                 "# mark: middle\n"
                                 "f 0\n"
                                 "a 2 40\n"
                                 "r 1 300\n"
                                 "# mark: last\n"
                                 "c 3 4 8\n"
                                 "f 1\n"
                                 "f 2\n"
                                 "f 3\n";
enum { TRACE_OPS = 9, TRACE_FIRST_OP_LINE = 5 };

static uint64_t *expected, *observed;
static size_t fingerprint_bytes;

static uint64_t *share(size_t bytes)
{
    void *region = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return region == MAP_FAILED ? NULL : region;
}

/* The trace loaded, the regions shared, the checked replay run: 0 when it passed. */
static int prepare(void)
{
    char error[512];
    trace_release(&trace);
    if (trace_parse("unit.rep", TRACE_TEXT, sizeof TRACE_TEXT - 1, &trace, error, sizeof error) != 0) {
        printf("#   %s\n", error);
        return -1;
    }
    fingerprint_bytes = trace.op_count * sizeof *expected;
    if (expected == NULL) {
        expected = share(fingerprint_bytes);
        observed = share(fingerprint_bytes);
        shown = (struct trace_op *)share(trace.op_count * sizeof *shown);
    }
    memset(expected, 0, fingerprint_bytes);
    timed_mode = HONEST;
    struct checked_setup setup = { .trace = &trace, .limit_bytes = 1u << 20, .fingerprints = expected,
                                   .calls = &STAGE_LINKED };
    struct child_outcome outcome = isolate_run(checked_replay, &setup, 10, -1, -1);
    if (outcome.end != CHILD_FINISHED || isolate_report()->failed) {
        printf("#   checked replay: %s\n", isolate_report()->error);
        return -1;
    }
    return 0;
}

static void timed_child(void *setup)
{
    in_timed_child = 1;
    timed_replay(setup);
}

/* A timed replay in `mode`, its checkpoints served by proof. */
static struct child_outcome timed(enum timed_mode mode, int use_libc, struct timed_proof *proof)
{
    timed_mode = mode;
    answers = expected;
    forged_checkpoint = mode == EARLY ? timed_checkpoint_after(0) : timed_last_checkpoint(&trace);
    struct timed_setup setup = {
        .trace = &trace, .limit_bytes = 1u << 20, .use_libc = use_libc,
        .observed = observed, .expected = expected, .expected_bytes = fingerprint_bytes, .shown = shown,
    };
    timed_proof_start(proof, &trace, use_libc ? "the C library" : "the stage", use_libc ? NULL : expected,
                      observed, shown);
    const struct checkpoint_server server = { timed_proof_checkpoint, proof, timed_last_checkpoint(&trace) };
    return isolate_run_checkpointed(timed_child, &setup, 10, -1, -1, &server);
}

/* ---- the tests --------------------------------------------------------------------------- */

/* The checked replay's fingerprints: offsets + 1 for blocks, 0 for free. */
static void checked_replay_writes_fingerprints(void)
{
    if (prepare() != 0) {
        unit_fail(__FILE__, __LINE__, "the checked replay failed");
        return;
    }
    expect(expected[0] == 16 + 1);       /* a 0 24: past the first header */
    expect(expected[1] == 16 + 32 + 16 + 1); /* a 1 100: after 16 + 32 bytes */
    expect(expected[2] == 0);            /* f 0 */
    expect(expected[8] == 0);            /* f 3 */
}

/* An honest stage passes every checkpoint; its time is the sum of its segments'. */
static void honest_replay_passes(void)
{
    static struct timed_proof proof;
    if (prepare() != 0) {
        unit_fail(__FILE__, __LINE__, "the checked replay failed");
        return;
    }
    struct child_outcome outcome = timed(HONEST, 0, &proof);
    expect(outcome.end == CHILD_FINISHED);
    expect(timed_proof_complete(&proof));
    expect(proof.passed == 4); /* ready, two marks, the end */
    expect(proof.ops_passed == TRACE_OPS);
    expect(proof.segment_ns[0] + proof.segment_ns[1] + proof.segment_ns[2] == proof.elapsed_ns);
    expect(memcmp(observed, expected, fingerprint_bytes) == 0);
}

/* Other results than the checked replay's: refused at the next checkpoint, the first named. */
static void other_results_refused(void)
{
    static struct timed_proof proof;
    if (prepare() != 0) {
        unit_fail(__FILE__, __LINE__, "the checked replay failed");
        return;
    }
    struct child_outcome outcome = timed(SHIFTED, 0, &proof);
    expect(outcome.checkpoint_refused);
    expect(outcome.refused_checkpoint == timed_checkpoint_after(0)); /* the mark "middle" */
    expect(!timed_proof_complete(&proof));
    expect_text(proof.error, "unit.rep:5: a 0 24 (malloc(24) for id 0): the timed replay of the stage "
                             "returned heap+0x20 where the checked replay returned heap+0x10");
    expect_text(proof.error, "does it depend on uninitialized memory or addresses?");
}

/* The checked replay's results are not in the timed child's memory: reading them faults. */
static void expected_unmapped_in_timed_child(void)
{
    static struct timed_proof proof;
    if (prepare() != 0) {
        unit_fail(__FILE__, __LINE__, "the checked replay failed");
        return;
    }
    struct child_outcome outcome = timed(READS_EXPECTED, 0, &proof);
    expect(outcome.end == CHILD_SIGNALED && outcome.signal == SIGSEGV);
    expect(isolate_report()->fault_address == (uintptr_t)expected);
}

/* Nor can it read the operations to come: the trace's own are unmapped in the timed child... */
static void trace_unmapped_in_timed_child(void)
{
    static struct timed_proof proof;
    if (prepare() != 0) {
        unit_fail(__FILE__, __LINE__, "the checked replay failed");
        return;
    }
    struct child_outcome outcome = timed(READS_TRACE, 0, &proof);
    expect(outcome.end == CHILD_SIGNALED && outcome.signal == SIGSEGV);
}

/* ... and the runner shows each segment's only at the checkpoint before it. */
static void later_segments_hidden_from_timed_child(void)
{
    static struct timed_proof proof;
    if (prepare() != 0) {
        unit_fail(__FILE__, __LINE__, "the checked replay failed");
        return;
    }
    struct child_outcome outcome = timed(PEEKS_AHEAD, 0, &proof);
    expect(outcome.end == CHILD_FINISHED);
    expect(timed_proof_complete(&proof));
}

/* A stage that reaches a checkpoint itself, before the work: refused, though the shared memory
 * held the right answers from an earlier replay (the child starts from "not done"). */
static void early_checkpoint_refused(void)
{
    static struct timed_proof proof;
    if (prepare() != 0) {
        unit_fail(__FILE__, __LINE__, "the checked replay failed");
        return;
    }
    memcpy(observed, expected, fingerprint_bytes);
    struct child_outcome outcome = timed(EARLY, 0, &proof);
    expect(outcome.checkpoint_refused);
    expect_text(proof.error, "unit.rep:5: a 0 24 (malloc(24) for id 0): the timed replay of the stage "
                             "reached its checkpoint at the mark 'middle' before it had made this call");
}

/* Checkpoints come in order: one skipped ahead is refused. */
static void checkpoint_out_of_order_refused(void)
{
    static struct timed_proof proof;
    if (prepare() != 0) {
        unit_fail(__FILE__, __LINE__, "the checked replay failed");
        return;
    }
    struct child_outcome outcome = timed(SKIPS_AHEAD, 0, &proof);
    if (!outcome.checkpoint_refused || outcome.refused_checkpoint != 4) /* seen once in CI: say how */
        fprintf(stderr, "  the child ended %d (signal %d, exit %d) after %.3f s, refused %d at checkpoint %u: %s\n",
                (int)outcome.end, outcome.signal, outcome.exit_status, outcome.seconds, outcome.checkpoint_refused,
                outcome.refused_checkpoint, proof.error);
    expect(outcome.checkpoint_refused && outcome.refused_checkpoint == 4);
    expect_text(proof.error, "unit.rep: the timed replay of the stage signalled checkpoint 4 where "
                             "checkpoint 2 of 4 was due (after operation 0)");
}

/* The C library's timed replay passes its checkpoints; its results are not compared. */
static void libc_replay_not_compared(void)
{
    static struct timed_proof proof;
    if (prepare() != 0) {
        unit_fail(__FILE__, __LINE__, "the checked replay failed");
        return;
    }
    struct child_outcome outcome = timed(HONEST, 1, &proof);
    expect(outcome.end == CHILD_FINISHED);
    expect(timed_proof_complete(&proof));
    expect(observed[2] == 0 && observed[0] != TIMED_NOT_DONE && observed[8] == 0);
}

/* The checkpoints of a trace: ready, one after each segment; the operations before each. */
static void checkpoint_numbers(void)
{
    if (prepare() != 0) {
        unit_fail(__FILE__, __LINE__, "the checked replay failed");
        return;
    }
    expect(trace.mark_count == 2);
    expect(timed_last_checkpoint(&trace) == 4);
    expect(timed_segment_end(&trace, 0) == 2);
    expect(timed_segment_end(&trace, 1) == 5);
    expect(timed_segment_end(&trace, 2) == TRACE_OPS);
    expect(trace.op_lines[0] == TRACE_FIRST_OP_LINE);
}

int main(void)
{
    RUN(checked_replay_writes_fingerprints);
    RUN(honest_replay_passes);
    RUN(other_results_refused);
    RUN(expected_unmapped_in_timed_child);
    RUN(trace_unmapped_in_timed_child);
    RUN(later_segments_hidden_from_timed_child);
    RUN(early_checkpoint_refused);
    RUN(checkpoint_out_of_order_refused);
    RUN(libc_replay_not_compared);
    RUN(checkpoint_numbers);
    trace_release(&trace);
    return unit_exit_status();
}
