/*
 * shrink.h: make a failing trace small enough to read by hand, keeping its failure.
 *
 * A trace of 100,000 operations that fails a check at operation 73,412 teaches little; the same
 * failure in six operations shows what the stage gets wrong. shrink_trace finds such a trace by
 * delta debugging (Zeller's ddmin): it drops parts of the trace as long as `test` says that what
 * is left still fails the same check, then makes the sizes small. shrink_write saves the result
 * as a .rep file that build/replay replays like any other.
 *
 *     struct trace smallest;
 *     struct shrink_outcome outcome;
 *     char error[512];
 *     if (shrink_trace(&failing, fails_the_same, &how, 10.0, &smallest, &outcome, error,
 *                      sizeof error) == 0) {
 *         shrink_write(&smallest, "x-shrunk.rep", "x-shrunk",
 *                      "shrunk from traces/x.rep by build/replay -s dlist", error, sizeof error);
 *         trace_release(&smallest);
 *     }
 *
 * Every trace the shrinker hands to `test` is well formed (trace_parse has read it), its ids are
 * 0 .. k-1, it has no "# mark:" lines, and its path is "NAME-shrunk.rep" for the failing trace's
 * NAME. The result is the last trace for which `test` returned 1.
 */
#ifndef SHRINK_H
#define SHRINK_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

/* 1 when the candidate trace still fails the same check, 0 when it does not (it passes, or it
 * fails otherwise). Any other value counts as 0. `candidate` is the shrinker's: read it, keep
 * nothing of it after returning. */
typedef int shrink_test(const struct trace *candidate, void *context);

struct shrink_outcome {
    uint32_t tests_run;   /* calls of `test` */
    int stopped_by_time;  /* 1 when seconds_limit ran out before the shrinker had finished */
};

/*
 * shrink_trace: shrink `failing`, which fails (test(failing) == 1, which the shrinker does not
 * check), to a smaller well-formed trace that still fails, into *smallest: a trace as trace_load
 * returns it, to be given back with trace_release. `failing` itself is only read.
 *
 * It runs for at most about seconds_limit seconds of wall-clock time (plus the test running at
 * that moment); when time runs out, *smallest is the smallest failing trace found so far.
 * *smallest has ids 0 .. k-1 (k the most blocks live at once), the header 1, k, its operation
 * count, its peak live payload (trace_peak_live_bytes), and none of the marks.
 *
 * When no smaller trace fails and `failing` with its ids renumbered does not fail either,
 * *smallest is `failing` as it was, without its marks.
 *
 * Returns 0 (error becomes ""), or -1 when memory runs out or `failing` is not well formed,
 * with one line in error[error_size] and *smallest all zero. outcome may be NULL.
 */
int shrink_trace(const struct trace *failing, shrink_test *test, void *context, double seconds_limit,
                 struct trace *smallest, struct shrink_outcome *outcome, char *error,
                 size_t error_size);

/*
 * shrink_write: write `trace` to `path` as a .rep file that trace_load reads back to the same
 * header and operations:
 *
 *     # name: NAME
 *     # source: SOURCE          such as "shrunk from traces/x.rep by build/replay -s dlist"
 *     1                         the trace's four header numbers (header[0], id_count, op_count,
 *     2                         header[3])
 *     3
 *     48
 *     a 0 16                    its operations, one a line, so operation i is on line 7 + i
 *     ...
 *
 * The file is written beside `path` first and renamed, so a failed write never leaves half a
 * trace under `path`. name and source are one line each (no control character; at most 1000
 * characters). Returns 0 (error becomes ""), or -1 with "PATH: message" in error[error_size].
 */
int shrink_write(const struct trace *trace, const char *path, const char *name, const char *source,
                 char *error, size_t error_size);

#endif /* SHRINK_H */
