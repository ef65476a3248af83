/*
 * checked.h: the checked replay. Every operation's result is proved correct, none skipped:
 *
 *   NULL only when the memory cannot be had    inside the heap or a live mapping
 *   16-byte alignment                          no overlap with any live block (O(log n))
 *   payload kept: every block is filled with a pattern of its id and offset, verified on
 *     free, on realloc and at the end, so a stage that writes into a live block is caught
 *   realloc keeps min(old, new) bytes          calloc memory is zero
 *   free(NULL), malloc(0), realloc(NULL, n), realloc(p, 0) as heapmgr.h says
 *   no write past the break, no memory released under a live block, no bad munmap
 *   with run_heap_checker, hm_check() returns 0 after every operation
 *
 * A checker probe (checker_probe.h) is a checked replay cut short, whose end tests hm_check.
 *
 * It also measures: peak live payload, peak footprint, and the system calls by kind.
 */
#ifndef CHECKED_H
#define CHECKED_H

#include <stdint.h>

#include "heap_snapshot.h"
#include "stage_calls.h"
#include "trace.h"

struct checked_setup {
    const struct trace *trace;
    uint64_t limit_bytes;
    int run_heap_checker; /* -c */
    const struct stage_calls *calls; /* how the stage is reached, and on what memory (stage_calls.h) */
    /* NULL, or room for op_count entries (memory the runner shares): the checker writes each
     * operation's result there, as fingerprint_of gives it, for the timed replays to repeat. */
    uint64_t *fingerprints;
    /* A checker probe (checker_probe.h): replay the operations before probe_op, then strike
     * with probe_kind and ask hm_check; the verdict goes to the report. */
    int probing;
    int probe_kind;
    uint32_t probe_op;
    uint64_t probe_seed;
    /* Pictures of the heap (heap_snapshot.h): snapshots.fd is 0 when none are asked for. */
    struct snapshot_request snapshots;
};

/* An operation's result as a number that is the same on every run: the offset of the block
 * from the start of simulated memory, plus 1 (0 for NULL, and for free). A deterministic stage
 * gives the same sequence in every replay of a trace, checked or timed. */
static inline uint64_t fingerprint_of(const void *result, uintptr_t memory_start)
{
    return result == NULL ? 0 : (uint64_t)((uintptr_t)result - memory_start) + 1;
}

/* The body of a checked replay child (see isolate_run): the argument is a checked_setup;
 * the results go to isolate_report(). */
void checked_replay(void *setup);

#endif /* CHECKED_H */
