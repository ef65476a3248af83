/*
 * timed.h: the timed replay: the trace's operations as fast as they can be called, with no
 * checks, for throughput. The same loop serves the stage and the C library baseline, each
 * compiled with direct calls, so that neither pays for an indirection the other does not.
 */
#ifndef TIMED_H
#define TIMED_H

#include <stdint.h>

#include "trace.h"

struct timed_setup {
    const struct trace *trace;
    uint64_t limit_bytes;
    int use_libc; /* time the C library instead of the stage */
};

/* The body of a timed replay child (see isolate_run): the argument is a timed_setup;
 * the elapsed nanoseconds go to isolate_report()->elapsed_ns. */
void timed_replay(void *setup);

#endif /* TIMED_H */
