/*
 * checker_probe.h: is a stage's hm_check any good? Break its heap as a bug would, and ask.
 *
 * A probe replays a trace, checked, up to a point, changes one word of the stage's memory and
 * calls hm_check, once. A checker that returns non-zero has seen it; one that returns 0 has
 * missed it. The replay ends there: nothing is restored, since hm_check may have acted on what
 * it found. At each point one probe changes nothing (the control), and there hm_check must
 * return 0: the checker cannot tell a probe from a control (both are its one call, at the same
 * operation), so one that answers "broken" for the moment rather than for the heap is caught,
 * and loses what it would have gained.
 *
 * The probe needs no knowledge of the stage's layout. The harness knows every live block's
 * payload; every other byte of the heap and the mappings is the stage's: headers, footers,
 * free chunks' links, padding. So a corruption is named by where it strikes relative to the
 * live blocks, which every stage's replay of a trace shares (the same ids are live at the
 * same operation), and a stage is judged against the reference stage on the same probes:
 *
 *   before-*   the word just before a live block's payload (a header, in every stage here):
 *              grown by 16, doubled, zeroed, or its lowest bit (a status bit) flipped
 *   after-*    the word just after a live block whose size is a multiple of 16 (so that no
 *              rounding lies between: a footer, or the next chunk's header); the same four
 *   link-live  in a free region of the heap (a gap of at least 64 bytes between live blocks),
 *              the first word that holds an address of the stage's memory (a link), pointed
 *              at a live block's payload
 *   link-out   that word pointed outside the stage's memory (past the break)
 *   swapped    the words before two live blocks whose words differ, swapped
 *
 * Which block or region is struck is chosen by the probe's seed among those that qualify, in
 * order of their ids (regions: of address), so that two stages of one trace are struck alike.
 */
#ifndef CHECKER_PROBE_H
#define CHECKER_PROBE_H

#include <stddef.h>
#include <stdint.h>

enum probe_kind {
    PROBE_BEFORE_GROWN, PROBE_BEFORE_DOUBLED, PROBE_BEFORE_ZEROED, PROBE_BEFORE_FLIPPED,
    PROBE_AFTER_GROWN, PROBE_AFTER_DOUBLED, PROBE_AFTER_ZEROED, PROBE_AFTER_FLIPPED,
    PROBE_LINK_TO_LIVE, PROBE_LINK_OUTSIDE, PROBE_SWAPPED,
    PROBE_CONTROL, /* nothing changed */
    PROBE_KINDS
};

/* Where a trace is probed: at a third and at two thirds of its first PROBE_SPAN_OPS operations.
 * Each probe replays the trace up to its point, so the span bounds a probe's cost (the mmap
 * stage's calls cross to its program and back); a few thousand operations make a heap of
 * hundreds of blocks and holes, enough for every kind. */
enum { PROBE_POINTS = 2, PROBE_SPAN_OPS = 3000 };
static inline uint32_t checker_probe_point(uint32_t op_count, int point)
{
    uint64_t span = op_count < PROBE_SPAN_OPS ? op_count : PROBE_SPAN_OPS;
    return (uint32_t)(span * (uint64_t)(point + 1) / (PROBE_POINTS + 1));
}

enum probe_verdict {
    PROBE_NOT_RUN,           /* the replay did not reach the point (it failed before) */
    PROBE_DETECTED,          /* hm_check returned non-zero after the corruption */
    PROBE_MISSED,            /* it returned 0 */
    PROBE_NO_TARGET,         /* nothing at this point qualifies for this kind */
    PROBE_COMPLAINED,        /* the control: hm_check returned non-zero on a healthy heap */
    PROBE_CRASHED,           /* hm_check crashed or hung */
    PROBE_CLEAN,             /* the control: hm_check returned 0, as it must */
};

/* A live block, as the checked replay knows it. */
struct probe_block {
    uint32_t id;
    uintptr_t address;
    uint64_t bytes;
};

/* "before-doubled" */
const char *checker_probe_kind_name(enum probe_kind kind);

/* "detected", "missed", ... */
const char *checker_probe_verdict_name(enum probe_verdict verdict);

/* Strike: choose the target of `kind` among `blocks` (the live blocks that hold memory, in
 * order of their ids), with `seed`, and change the stage's memory there. Returns 0 and what it
 * did in `what` ("heap+0x40, the 8 bytes before id 3's payload: 0x31 doubled to 0x62"), or -1
 * when no target qualifies (`what` says why). Simulated memory only (simmem.h). */
int checker_probe_strike(enum probe_kind kind, const struct probe_block *blocks, size_t count, uint64_t seed,
                         char *what, size_t what_size);

#endif /* CHECKER_PROBE_H */
