/*
 * result.h: what one stage did on one trace, and how it travels from a stage runner
 * (build/stages/NAME) to build/replay: one line of tab-separated key=value fields, text
 * escaped, so that a stage's own output on stdout or stderr can never be mistaken for it.
 */
#ifndef RESULT_H
#define RESULT_H

#include <stdint.h>
#include <stdio.h>

#include "checker_probe.h"
#include "isolate.h"
#include "trace.h"

/* The stage's time on one segment of a trace between "# mark:" lines (median of the runs). */
struct segment_result {
    char name[TRACE_MARK_NAME]; /* "start" before the first mark */
    uint32_t ops;
    double seconds;
    double instructions; /* user-space instructions (instruction_count.h); -1: not counted */
};

/* One checker probe of a trace (--probe-checker): its verdict, and what was struck. */
struct probe_result {
    uint8_t verdict; /* enum probe_verdict */
    char text[512];
};

struct trace_result {
    char stage[256];
    char trace_path[4096];
    char trace_name[256];
    uint64_t ops;
    int loaded;           /* the trace was read */
    int correct;          /* every check passed */
    int hung;             /* a replay was stopped as a hang (time limit, or asleep): typed, for the grader */
    int unfinished;       /* the stage stopped at hm_todo: a part not written yet */
    int timed;            /* throughput was measured */
    uint64_t peak_payload_bytes;
    uint64_t peak_footprint_bytes;
    uint64_t null_results; /* NULL where a request of bytes could not be had (the memory limit) */
    struct simmem_counts counts;
    uint32_t runs;        /* timed runs of the stage, and as many of the C library */
    double stage_seconds; /* median of the stage's timed runs */
    double libc_seconds;  /* median of the C library's, interleaved with them */
    double speed_ratio;   /* median over neighbouring pairs of libc time / stage time */
    double reference_seconds, reference_ratio; /* the same of a reference stage timed in the
                                                  same runs (the grader's), 0 when none was */
    double checked_seconds; /* wall-clock time of the checked replay */
    uint32_t segment_count; /* 1 + the trace's marks, when timed */
    struct segment_result segments[REPORT_MAX_SEGMENTS];
    char error[REPORT_TEXT_BYTES + 4096]; /* the first failed check, with how to reproduce it */
    int probed;            /* the checker was probed (--probe-checker) */
    uint32_t probe_ops[PROBE_POINTS]; /* the operations before each point */
    struct probe_result probes[PROBE_POINTS][PROBE_KINDS];
};

static inline double result_utilization(const struct trace_result *r)
{
    return r->peak_footprint_bytes ? (double)r->peak_payload_bytes / (double)r->peak_footprint_bytes : 0.0;
}

static inline uint64_t result_system_calls(const struct trace_result *r)
{
    return r->counts.brk + r->counts.sbrk + r->counts.mmap + r->counts.munmap;
}

/* Write the result as one line to the file descriptor `fd`. It uses no stdio stream and no
 * malloc, so that a stage runner leaves the C library's arena untouched for the libc stage. */
void result_write(int fd, const struct trace_result *result);

/* Read a line that result_write wrote. Returns 0, or -1 when the line is not a result. */
int result_read(const char *line, struct trace_result *result);

#endif /* RESULT_H */
