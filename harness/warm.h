/*
 * warm.h: warm replays, for make bench:  build/stages/NAME --warm PASSES TRACE...
 *
 * The kit's timed replay (timed.h) is cold: each replay runs in a fresh process, and the
 * allocator's first touch of every page it hands out counts as its time. A program that
 * allocates for long is mostly warm: it allocates again from memory it already holds. Here
 * each trace is replayed PASSES times in one fresh process, through the timed replay's own
 * loop (timed_run_ops); what is live at the end of a pass is freed, untimed, before the next,
 * and other work goes through the same allocator between passes (20,000 random operations,
 * untimed), since a replay repeated exactly is learned by the processor (warm.c measures how).
 * A pass's time is the process's CPU time; the warm figure is the best pass after the first,
 * the cold one the first pass, each the best of several such processes (warm.c says why).
 * The C library's replays, in processes of their own, alike. One line per trace:
 *
 *   TRACE OPERATIONS COLD_NS WARM_NS LIBC_COLD_NS LIBC_WARM_NS   (nanoseconds per operation)
 *
 * Nothing is checked (build/replay -c does that) and nothing is fenced: this measures, for
 * the bench, allocators already known to be correct. A replay that crashes prints
 * "TRACE failed: ..." and the exit status is 1.
 */
#ifndef WARM_H
#define WARM_H

#include "runner.h"

/* argv[1] is "--warm". Returns the exit status. */
int warm_main(int argc, char **argv, const struct runner_stage *stage);

#endif /* WARM_H */
