/* report.c: tables for people, JSON for programs (see report.h). */
#include "report.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

static const char *paint(int color, const char *code)
{
    return color ? code : "";
}
static const char GREEN[] = "\033[32m", RED[] = "\033[31m", BOLD[] = "\033[1m", PLAIN[] = "\033[0m";

int report_is_real(const char *trace_path)
{
    return strncmp(trace_path, "real/", 5) == 0 || strstr(trace_path, "/real/") != NULL;
}

int report_trace_in_group(const struct trace_result *r, enum trace_group group)
{
    return group == GROUP_ALL || (group == GROUP_REAL) == report_is_real(r->trace_path);
}

struct stage_summary report_summarize(const struct stage_run *run)
{
    return report_summarize_group(run, GROUP_ALL);
}

struct stage_summary report_summarize_group(const struct stage_run *run, enum trace_group group)
{
    struct stage_summary s = { 0 };
    double utilization_sum = 0, stage_seconds = 0, log_ratio_sum = 0;
    uint64_t timed_ops = 0;
    for (size_t i = 0; i < run->count; i++) {
        const struct trace_result *r = &run->results[i];
        if (!report_trace_in_group(r, group))
            continue;
        s.traces++;
        s.ops += r->ops;
        if (!r->correct)
            continue;
        s.correct++;
        s.correct_ops += r->ops;
        s.system_calls += result_system_calls(r);
        utilization_sum += result_utilization(r);
        if (r->timed) {
            s.timed++;
            timed_ops += r->ops;
            stage_seconds += r->stage_seconds;
            log_ratio_sum += log(r->speed_ratio > 0 ? r->speed_ratio : 1e-9);
        }
    }
    s.mean_utilization = s.correct ? utilization_sum / (double)s.correct : 0;
    s.kops_per_second = stage_seconds > 0 ? (double)timed_ops / stage_seconds / 1000 : 0;
    s.speed_vs_libc = s.timed ? exp(log_ratio_sum / (double)s.timed) : 0;
    s.syscalls_per_op = s.correct_ops ? (double)s.system_calls / (double)s.correct_ops : 0;
    return s;
}

/* "12.3K", "4.0M": bytes in four or five characters. */
static void human_bytes(uint64_t bytes, char *out, size_t out_size)
{
    const char *units = "BKMGT";
    double value = (double)bytes;
    int unit = 0;
    while (value >= 1024 && unit < 4) {
        value /= 1024;
        unit++;
    }
    if (unit == 0)
        snprintf(out, out_size, "%" PRIu64 "B", bytes);
    else
        snprintf(out, out_size, "%.*f%c", value < 10 ? 1 : 0, value, units[unit]);
}

static void format_or_dash(char *out, size_t out_size, int present, const char *format, double value)
{
    if (present)
        snprintf(out, out_size, format, value);
    else
        snprintf(out, out_size, "-");
}

/* A stage's summary as the text of table cells, "-" where there is nothing to show. */
struct summary_cells {
    char correct[32], util[16], kops[24], ratio[24], calls[24];
};

static struct summary_cells summary_cells(const struct stage_run *run, const struct stage_summary *s)
{
    struct summary_cells c;
    snprintf(c.correct, sizeof c.correct, "%zu/%zu", s->correct, s->traces);
    format_or_dash(c.util, sizeof c.util, s->correct, "%.2f", s->mean_utilization);
    format_or_dash(c.kops, sizeof c.kops, s->timed, "%.0f", s->kops_per_second);
    format_or_dash(c.ratio, sizeof c.ratio, s->timed, "%.2fx", s->speed_vs_libc);
    format_or_dash(c.calls, sizeof c.calls, s->correct && !run->is_baseline, "%.4f", s->syscalls_per_op);
    return c;
}

/* The summary row of a trace table, over one group of its traces. */
static void summary_line(FILE *out, const struct stage_run *run, enum trace_group group, const char *label)
{
    struct stage_summary s = report_summarize_group(run, group);
    struct summary_cells c = summary_cells(run, &s);
    fprintf(out, "  %-22s %9" PRIu64 " %-7s %5s %8s %8s %9s %8s %11s\n", label, s.ops, c.correct, c.util, "", "",
            c.kops, c.ratio, c.calls);
}

void report_trace_table(FILE *out, const struct stage_run *run, int color)
{
    fprintf(out, "%s%s%s\n", paint(color, BOLD), run->name, paint(color, PLAIN));
    fprintf(out, "  %-22s %9s %-7s %5s %8s %8s %9s %8s %11s\n", "trace", "ops", "result", "util",
            "payload", "heap", "Kops/s", "vs libc", "syscalls/op");
    for (size_t i = 0; i < run->count; i++) {
        const struct trace_result *r = &run->results[i];
        char util[16], payload[16], footprint[16], kops[24], ratio[24], calls[24];
        format_or_dash(util, sizeof util, r->correct, "%.2f", result_utilization(r));
        human_bytes(r->peak_payload_bytes, payload, sizeof payload);
        human_bytes(r->peak_footprint_bytes, footprint, sizeof footprint);
        format_or_dash(kops, sizeof kops, r->timed && r->stage_seconds > 0, "%.0f",
                       r->stage_seconds > 0 ? (double)r->ops / r->stage_seconds / 1000 : 0);
        format_or_dash(ratio, sizeof ratio, r->timed && r->speed_ratio > 0, "%.2fx", r->speed_ratio); /* 0: --stage-only */
        format_or_dash(calls, sizeof calls, r->correct && !run->is_baseline, "%.4f",
                       r->ops ? (double)result_system_calls(r) / (double)r->ops : 0);
        const char *verdict = !r->loaded ? "BAD" : r->correct ? "ok" : "FAIL";
        fprintf(out, "  %-22.22s %9" PRIu64 " %s%-7s%s %5s %8s %8s %9s %8s %11s\n", r->trace_name, r->ops,
                paint(color, r->correct ? GREEN : RED), verdict, paint(color, PLAIN), util,
                r->correct ? payload : "-", r->correct ? footprint : "-", kops, ratio, calls);
    }
    struct stage_summary real = report_summarize_group(run, GROUP_REAL);
    if (real.traces > 0 && real.traces < run->count) {
        summary_line(out, run, GROUP_SYNTHETIC, "synthetic traces");
        summary_line(out, run, GROUP_REAL, "real programs");
    }
    summary_line(out, run, GROUP_ALL, "all traces");
    fputc('\n', out);
}

void report_side_by_side_header(FILE *out)
{
    fprintf(out, "%-12s %9s %11s %9s %8s %11s\n", "stage", "correct", "utilization", "Kops/s", "vs libc",
            "syscalls/op");
}

/* Did the stage fail only where it stopped at hm_todo, and somewhere? A skeleton still being
 * written: one line says so, instead of a failure per trace. */
static const struct trace_result *only_unfinished(const struct stage_run *run)
{
    const struct trace_result *first = NULL;
    for (size_t i = 0; i < run->count; i++) {
        const struct trace_result *r = &run->results[i];
        if (!r->correct && !r->unfinished)
            return NULL;
        if (!r->correct && first == NULL)
            first = r;
    }
    return first;
}

void report_side_by_side_row(FILE *out, const struct stage_run *run, int color, enum trace_group group)
{
    struct stage_summary s = report_summarize_group(run, group);
    struct summary_cells c = summary_cells(run, &s);
    int all_correct = s.correct == s.traces;
    const char *correct = only_unfinished(run) != NULL ? "unfinished" : c.correct;
    fprintf(out, "%-12.12s %s%9s%s %11s %9s %8s %11s\n", run->name, paint(color, all_correct ? GREEN : RED),
            correct, paint(color, PLAIN), c.util, c.kops, c.ratio, c.calls);
    fflush(out);
}

void report_side_by_side_footer(FILE *out)
{
    fprintf(out, "\nutilization: mean over the correct traces of peak live payload / peak footprint\n"
                 "Kops/s: all operations / all time (median run of each trace)\n"
                 "vs libc: geometric mean over the traces of libc's time / the stage's, paired runs in the\n"
                 "same invocation; above 1.00x is faster than the C library\n");
}

void report_errors(FILE *out, const struct stage_run *run, int color)
{
    const struct trace_result *unfinished = only_unfinished(run);
    size_t stopped = 0;
    for (size_t i = 0; i < run->count; i++)
        stopped += !run->results[i].correct;
    if (unfinished != NULL && stopped > 1) { /* one line, not one a trace; the first in full */
        fprintf(out, "%s%s:%s unfinished: %zu of %zu traces stop at a part not written yet; the first: %s\n",
                paint(color, RED), run->name, paint(color, PLAIN), stopped, run->count, unfinished->error);
        return;
    }
    for (size_t i = 0; i < run->count; i++) {
        const struct trace_result *r = &run->results[i];
        if (!r->correct && r->error[0] != '\0')
            fprintf(out, "%s%s:%s %s\n", paint(color, RED), run->name, paint(color, PLAIN), r->error);
    }
}

static void json_string(FILE *out, const char *text)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)text; *c != '\0'; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(out, "\\%c", *c);
        else if (*c == '\n')
            fputs("\\n", out);
        else if (*c < 0x20 || *c == 0x7f)
            fprintf(out, "\\u%04x", *c);
        else
            fputc(*c, out);
    }
    fputc('"', out);
}

static void json_trace(FILE *out, const struct trace_result *r)
{
    fputs("        {\"trace\": ", out);
    json_string(out, r->trace_path);
    fputs(", \"name\": ", out);
    json_string(out, r->trace_name);
    fprintf(out, ", \"ops\": %" PRIu64 ", \"correct\": %s, \"utilization\": %.6f, \"peak_payload_bytes\": %"
            PRIu64 ", \"peak_footprint_bytes\": %" PRIu64 ",\n", r->ops, r->correct ? "true" : "false",
            result_utilization(r), r->peak_payload_bytes, r->peak_footprint_bytes);
    fprintf(out, "         \"system_calls\": {\"brk\": %" PRIu64 ", \"sbrk\": %" PRIu64 ", \"sbrk0\": %" PRIu64
            ", \"mmap\": %" PRIu64 ", \"munmap\": %" PRIu64 ", \"enomem\": %" PRIu64 "},\n", r->counts.brk,
            r->counts.sbrk, r->counts.sbrk_queries, r->counts.mmap, r->counts.munmap, r->counts.enomem);
    fprintf(out, "         \"timed\": %s, \"runs\": %u, \"stage_seconds\": %.9f, \"libc_seconds\": %.9f, "
            "\"speed_vs_libc\": %.6f, \"checked_seconds\": %.6f, \"segments\": ", r->timed ? "true" : "false",
            r->runs, r->stage_seconds, r->libc_seconds, r->speed_ratio, r->checked_seconds);
    fputs("[", out);
    for (uint32_t i = 0; i < r->segment_count; i++) {
        fprintf(out, "%s{\"name\": ", i ? ", " : "");
        json_string(out, r->segments[i].name);
        fprintf(out, ", \"ops\": %u, \"seconds\": %.9f, \"instructions\": ", r->segments[i].ops,
                r->segments[i].seconds);
        if (r->segments[i].instructions < 0)
            fputs("null}", out); /* not counted: the CPU has no counter here (instruction_count.h) */
        else
            fprintf(out, "%.0f}", r->segments[i].instructions);
    }
    fputs("],\n         \"error\": ", out);
    if (r->correct)
        fputs("null", out);
    else
        json_string(out, r->error);
    fputs("}", out);
}

void report_json(FILE *out, const struct stage_run *runs, size_t count, unsigned long long limit_bytes)
{
    fprintf(out, "{\n  \"limit_bytes\": %llu,\n  \"stages\": [\n", limit_bytes);
    for (size_t s = 0; s < count; s++) {
        const struct stage_run *run = &runs[s];
        struct stage_summary sum = report_summarize(run);
        fputs("    {\"stage\": ", out);
        json_string(out, run->name);
        fprintf(out, ", \"is_libc\": %s, \"baseline\": %s,\n     \"summary\": {\"traces\": %zu, \"correct\": %zu, \"ops\": %" PRIu64
                ", \"mean_utilization\": %.6f, \"kops_per_second\": %.3f, \"speed_vs_libc\": %.6f, "
                "\"syscalls_per_op\": %.6f},\n     \"traces\": [\n", run->is_libc ? "true" : "false",
                run->is_baseline ? "true" : "false", sum.traces, sum.correct, sum.ops, sum.mean_utilization, sum.kops_per_second, sum.speed_vs_libc,
                sum.syscalls_per_op);
        for (size_t i = 0; i < run->count; i++) {
            json_trace(out, &run->results[i]);
            fputs(i + 1 < run->count ? ",\n" : "\n", out);
        }
        fprintf(out, "     ]}%s\n", s + 1 < count ? "," : "");
    }
    fputs("  ]\n}\n", out);
}
