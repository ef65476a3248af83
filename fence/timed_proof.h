/*
 * timed_proof.h: the runner's side of a timed replay: the time, measured by the runner, and
 * the proof, checked by the runner, that the child did the work it was timed on.
 *
 * The replay child runs the stage's code, which may write anything in the child's memory; so
 * nothing the child says is believed. At each of its checkpoints (timed.h), the child asleep:
 *
 *   - the time: the child's CPU time, read from the kernel (checkpoint.h). A segment's time
 *     is the CPU time between its two checkpoints; the replay's, from "ready" to the end.
 *     Where the CPU counts them, a segment's instructions too (instruction_count.h).
 *   - the order: the checkpoint must be the one due next.
 *   - the work: the fingerprint the child wrote for each operation since the last checkpoint
 *     (observed) must be the one the checked replay wrote for it (expected). The child never
 *     sees the expected ones (timed.c unmaps them before the stage runs), so it matches them
 *     only by making the calls and getting the same results.
 *   - no work ahead of time: the child unmaps the trace too, and sees a segment's operations
 *     only once the checkpoint before it is passed (shown), so no segment's work can be done,
 *     and timed, in an earlier one.
 *
 * The replay counts only when it passed every checkpoint, the last one included.
 */
#ifndef TIMED_PROOF_H
#define TIMED_PROOF_H

#include <stdint.h>

#include "checkpoint.h"
#include "isolate.h"
#include "trace.h"

struct timed_proof {
    const struct trace *trace;
    const char *who;                   /* "the stage", "the C library" */
    const uint64_t *expected;          /* NULL: results not compared (the C library's) */
    const uint64_t *observed;          /* written by the child */
    struct trace_op *shown;            /* the operations the child may see (timed.h) */
    uint32_t passed;                   /* checkpoints passed */
    uint32_t ops_passed;               /* operations done by the last checkpoint passed */
    uint64_t ready_ns, previous_ns;    /* the child's CPU time at "ready", at the last checkpoint */
    int started;                       /* the exec's checkpoint passed (a stage program's replay) */
    uint64_t started_ns;               /* the child's CPU time then */
    uint64_t started_instructions;     /* and its instructions */
    uint64_t elapsed_ns;               /* from "ready" (from the exec, when started) to the end */
    uint64_t segment_ns[REPORT_MAX_SEGMENTS];
    uint64_t previous_instructions;    /* the child's instructions at the last checkpoint */
    uint64_t segment_instructions[REPORT_MAX_SEGMENTS]; /* INSTRUCTIONS_UNKNOWN: not counted */
    char error[1024];                  /* why a checkpoint was refused */
};

/* Before the child starts. who: what is timed, for messages ("the stage"); expected: the
 * checked replay's fingerprints, or NULL. */
void timed_proof_start(struct timed_proof *proof, const struct trace *trace, const char *who,
                       const uint64_t *expected, const uint64_t *observed, struct trace_op *shown);

/* The checkpoint server (checkpoint.h's serve): context is the timed_proof. */
int timed_proof_checkpoint(void *proof, uint32_t number, const struct checkpoint_reading *reading);

/* Did the child pass every checkpoint, the end included? */
int timed_proof_complete(const struct timed_proof *proof);

#endif /* TIMED_PROOF_H */
