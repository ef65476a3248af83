/*
 * summary.h: what build/run prints when the program has ended: a row per process that ran on
 * the stage (its calls by kind, system calls per operation, peak footprint, utilization), and
 * why a process was stopped, from the records the library wrote (record.h).
 */
#ifndef RUN_SUMMARY_H
#define RUN_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "record.h"

struct run_summary {
    const char *stage;
    bool checked;
    double seconds;                   /* the program's wall time */
    const struct run_record *records; /* in the order the processes ended */
    size_t record_count;
    size_t torn_bytes;                /* bytes at the end that made no whole record */
};

/* Print it. Returns the number of processes that were stopped (a failed check, hm_todo...). */
size_t summary_print(FILE *out, const struct run_summary *summary);

#endif /* RUN_SUMMARY_H */
