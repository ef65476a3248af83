/*
 * heap_page.h: build/replay --html FILE: one self-contained page that steps through a replay
 * (heap_page.c). No network, no external script or font: the page is its data and its code.
 */
#ifndef HEAP_PAGE_H
#define HEAP_PAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "heap_snapshot.h"
#include "trace.h"

struct heap_page_input {
    const char *stage;                 /* "dlist" */
    const struct trace *trace;         /* the whole trace: its lines are shown */
    const struct snapshot_file *file;  /* snapshots of the window, points of every operation */
    uint32_t first_op, last_op;        /* the window, from 0, inclusive (the snapshots') */
    int failed;                        /* a check failed */
    uint32_t failed_op;                /* at this operation (from 0): highlighted, opened first */
    const char *failure;               /* the harness's message, several lines */
    const char *window_note;           /* why the window is what it is, in words ("" when whole) */
    int open_at_given;                 /* open at open_op (--map's line), not the failure or the start */
    uint32_t open_op;
};

/* Write the page to `out`. Returns 0, or -1 with a message in error. */
int heap_page_write(FILE *out, const struct heap_page_input *input, char *error, size_t error_size);

#endif /* HEAP_PAGE_H */
