/*
 * shrink_failure.h: when a checked replay fails, the runner shrinks the trace (shrink.h) to
 * the smallest one that fails the same way, writes it into a directory (build/replay gives
 * BUILD/shrunk), and adds to the failure's message:
 *
 *     shrunk to 3 operations (from 13; 41 replays, 0.2 s): build/shrunk/dlist-tiny-basic.rep
 *       | a 0 24
 *       | a 1 100
 *       | f 0
 *       replay it: build/replay -s dlist build/shrunk/dlist-tiny-basic.rep
 *       its heap:  build/replay -s dlist --map 9 build/shrunk/dlist-tiny-basic.rep
 *
 * Bounded by SHRINK_SECONDS: "shrinking stopped at N operations" when time ran out.
 */
#ifndef SHRINK_FAILURE_H
#define SHRINK_FAILURE_H

#include <stddef.h>
#include <stdint.h>

#include "checked.h"

enum { SHRINK_SECONDS = 10, SHRINK_SHOWN_OPERATIONS = 12 };

struct shrink_failure_setup {
    const struct checked_setup *base; /* the failed replay's setup: its trace, stage, limit, -c */
    const char *stage_name;
    const char *reproduce_as;         /* "build/replay -s dlist -c --limit 64M" */
    const char *directory;            /* where the shrunk trace goes */
    double time_limit_seconds;        /* of one replay */
    int close_in_child, quiet_fd;     /* as isolate_run takes them */
    int hung;                         /* the failure was a hang: not shrunk */
    uint32_t ended_at;                /* the failed replay's op_position */
};

/* Shrink, write, and append what was found (or why nothing was) to message. */
void shrink_failure(const struct shrink_failure_setup *setup, char *message, size_t message_size);

#endif /* SHRINK_FAILURE_H */
