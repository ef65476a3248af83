/*
 * timed.h: the timed replay: the trace's operations as fast as they can be called, with no
 * checks, for throughput. The same loop serves the stage and the C library baseline, each
 * compiled with direct calls, so that neither pays for an indirection the other does not.
 *
 * The child only works; the runner measures. The child stops at checkpoints (checkpoint.h):
 *
 *   1                      ready: set up, about to make its first call (free(NULL), as the
 *                          checked replay's first probe, then the operations)
 *   2 .. mark_count + 1    after the operations before each "# mark:" line of the trace
 *   mark_count + 2         the end: every operation done
 *
 * and the runner reads the child's CPU time at each one (timed_proof.h). Everything before
 * checkpoint 1 is the harness's own code, run before any of the stage's: the tables faulted
 * in, the checked replay's results unmapped, the child confined (isolate_enter_stage). After
 * each operation the child writes its result's fingerprint (checked.h) where the runner can
 * compare it with the checked replay's, at the next checkpoint.
 */
#ifndef TIMED_H
#define TIMED_H

#include <stddef.h>
#include <stdint.h>

#include "real_allocator.h"
#include "trace.h"

struct timed_setup {
    const struct trace *trace;
    uint64_t limit_bytes;
    int use_libc; /* time the C library instead of the stage */
    const struct real_allocator *real; /* the stage is this production allocator: call it directly */
    int use_reference; /* time the reference stage instead (a fence runner's --reference-program) */
    /* op_count entries the runner shares with the child: each operation's fingerprint, as
     * fingerprint_of gives it (0 for free), TIMED_NOT_DONE until it is done. */
    uint64_t *observed;
    /* The checked replay's fingerprints, which the child has by the fork and must not see:
     * unmapped before the first call into the allocator. NULL for none. */
    void *expected;
    size_t expected_bytes;
    /* op_count entries the runner shares with the child: the trace's operations, each
     * segment's copied in by the runner at the checkpoint before it (timed_proof.h). The child
     * replays these, and unmaps its own copy of the trace's operations before the stage runs,
     * so that no segment's work can be done ahead of time. */
    const struct trace_op *shown;
    /* The memory files of observed and shown, for a stage program (fence/timed_remote.c). */
    int observed_file, shown_file;
};

/* What timed_run needs: the operations (those of each segment shown by its checkpoint), where
 * each result's fingerprint goes, and where each segment ends. A replay child of a linked-in
 * stage gets it from timed_replay; a stage program (fence/stage_program.c) from its runner. */
struct timed_work {
    const struct trace_op *ops;
    uint64_t *observed;
    uint32_t op_count, id_count, mark_count;
    const uint32_t *segment_ends; /* mark_count + 1 entries: each mark's op index, then op_count */
    uint64_t limit_bytes;
    int use_libc;
    const struct real_allocator *real; /* a production allocator, called through its own functions */
    /* What the stage must not see, unmapped once the replay's own memory is taken (so that none
     * of it lands where these were) and before "ready": the checked replay's results, the
     * trace's operations. NULL for none. */
    void *hide[2];
    size_t hide_bytes[2];
};

/* Set up (the slots, simulated memory), reach "ready", run every segment, reaching the
 * checkpoint after each, and set the report's finished. */
void timed_run(const struct timed_work *work);

/* The operations [from, to) of work, each result's fingerprint into work->observed, through the
 * C library (use_libc), the production allocator (real) or the stage: the one loop of every
 * timed replay, cold (timed_run) or warm (warm.h). timed_start_fingerprints first. */
void timed_run_ops(const struct timed_work *work, uint32_t from, uint32_t to, void **slots);

/* The functions a timed work's side allocates with: the C library's, a production allocator's
 * own (timed_work.real), or the stage's. For work around the replay (harness/warm.c); the timed
 * loop itself has each side's functions compiled in. */
struct timed_allocator {
    void *(*malloc)(size_t size);
    void (*free)(void *ptr);
    void *(*realloc)(void *ptr, size_t size);
    void *(*calloc)(size_t nmemb, size_t size);
};
struct timed_allocator timed_allocator(const struct timed_work *work);
void timed_start_fingerprints(const struct timed_work *work);

/* The production allocator a runner's stage side is timed through directly (timed_work.real):
 * its real_memory when that is one (baselines.h), NULL for a stage or the C library. */
static inline const struct real_allocator *timed_direct_allocator(const struct real_allocator *real_memory)
{
    return real_memory != &LIBC_ALLOCATOR ? real_memory : NULL;
}

enum { TIMED_CHECKPOINT_READY = 1 };

/* A stage program's replay (fence/timed_remote.c) also stops once before its exec, in the kit's
 * forked child, before any of the program's code has run: its clock starts there, so work a
 * stage does before "ready" (whose checkpoint its own code could reach, or delay) is counted.
 * Accepted only first, and only once (timed_proof.c). */
#define TIMED_CHECKPOINT_STARTED UINT32_C(0x7fffffff)

/* An operation's fingerprint before the operation is done: memory filled with 0xff bytes. No
 * result has it (it would be the last byte of the address space). */
#define TIMED_NOT_DONE UINT64_MAX
enum { TIMED_NOT_DONE_BYTE = 0xff };

/* The checkpoint reached after segment `segment` (0 to mark_count) of the trace. */
static inline uint32_t timed_checkpoint_after(uint32_t segment)
{
    return segment + 2;
}

/* The last checkpoint of a timed replay of the trace: the end. */
static inline uint32_t timed_last_checkpoint(const struct trace *trace)
{
    return timed_checkpoint_after(trace->mark_count);
}

/* The operations before the end of segment `segment`: the index of the mark that closes it,
 * or op_count for the last. */
static inline uint32_t timed_segment_end(const struct trace *trace, uint32_t segment)
{
    return segment < trace->mark_count ? trace->marks[segment].op_index : trace->op_count;
}

/* The body of a timed replay child (see isolate_run_checkpointed): the argument is a
 * timed_setup. It sets isolate_report()->finished at its end, and reports nothing else. */
/* Map in the pages of [start, start + bytes) by reading them, before a clock starts: a child's
 * first touch of each page faults (a fork copies no page table of shared memory, nor always of
 * large private regions), and a fault inside the timed loop would count as the allocator's
 * time (the operations: 24 bytes each, about 6,000 faults for a million). The timed replay
 * does it for the operations the runner shares with it, which hold nothing yet at that point. */
void timed_map_in(const void *start, size_t bytes);

void timed_replay(void *setup);

#endif /* TIMED_H */
