/*
 * report.h: the tables build/replay prints, and its JSON.
 *
 * Per trace: ops, correct, utilization (peak live payload / peak footprint), Kops/s (from the
 * median timed run), speed relative to the C library, system calls per operation.
 * Per stage (a row of the side-by-side table): traces correct, mean utilization over the
 * correct traces, Kops/s over the whole suite (total operations / total median time), speed
 * relative to the C library as the geometric mean of the traces' ratios (every trace counts
 * the same, so one trace dominated by page faults cannot swing the figure), system calls per op.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "result.h"

struct stage_run {
    char name[256];
    struct trace_result *results;
    size_t count;
    int is_libc;
    int is_baseline;   /* an allocator the stages are measured against: libc, jemalloc, ... */
    int runner_status; /* the runner's exit status: 2 when it could not draw a --map or --html */
};

struct stage_summary {
    size_t traces, correct, timed;
    uint64_t ops, correct_ops, system_calls;
    double mean_utilization;
    double kops_per_second;   /* 0 when nothing was timed */
    double speed_vs_libc;     /* 0 when nothing was timed */
    double syscalls_per_op;
};

/* Which traces a summary covers: every one, the synthetic ones, or those recorded from real
 * programs (in a folder named real/, such as traces/real/: build/record's). The tables show the
 * two groups apart: the lectures' weaknesses and what programs really ask. */
enum trace_group { GROUP_ALL, GROUP_SYNTHETIC, GROUP_REAL };

int report_is_real(const char *trace_path);
int report_trace_in_group(const struct trace_result *r, enum trace_group group);

struct stage_summary report_summarize(const struct stage_run *run);
struct stage_summary report_summarize_group(const struct stage_run *run, enum trace_group group);

void report_trace_table(FILE *out, const struct stage_run *run, int color);
void report_side_by_side_header(FILE *out);
void report_side_by_side_row(FILE *out, const struct stage_run *run, int color, enum trace_group group);
void report_side_by_side_footer(FILE *out);

/* The first error of each trace that failed, as the checks wrote them. */
void report_errors(FILE *out, const struct stage_run *run, int color);

void report_json(FILE *out, const struct stage_run *runs, size_t count, unsigned long long limit_bytes);

#endif /* REPORT_H */
