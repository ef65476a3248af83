/* summary.c: build/run's report (see summary.h). */
#include "summary.h"

#include <inttypes.h>
#include <string.h>

/* Rows shown at most: a build or a test suite may start hundreds of processes; those that made
 * the most calls are shown, the rest counted on one line. */
enum { MOST_ROWS = 12 };

static uint64_t operations(const struct run_record *r)
{
    uint64_t total = 0;
    for (int kind = 0; kind < RUN_CALL_KINDS; kind++)
        if (kind != CALL_USABLE_SIZE) /* asks the table only: the stage does nothing */
            total += r->calls[kind];
    return total;
}

static uint64_t system_calls(const struct run_record *r)
{
    uint64_t total = 0;
    for (int kind = 0; kind < RUN_SYSCALL_KINDS; kind++)
        total += r->syscalls[kind];
    return total;
}

/* "12.3 MiB": bytes for people. */
static void format_bytes(uint64_t bytes, char *out, size_t out_size)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    double value = (double)bytes;
    size_t unit = 0;
    while (value >= 1024 && unit + 1 < sizeof units / sizeof units[0]) {
        value /= 1024;
        unit++;
    }
    if (unit == 0)
        snprintf(out, out_size, "%" PRIu64 " B", bytes);
    else
        snprintf(out, out_size, "%.1f %s", value, units[unit]);
}

static const char *ending_words(uint32_t ending)
{
    switch (ending) {
    case ENDED_CHECK_FAILED: return "check failed";
    case ENDED_TODO: /* the summary says why */
    case ENDED_MISUSE: return "stopped";
    case ENDED_SETUP_FAILED: return "could not start";
    default: return "";
    }
}

static void print_row(FILE *out, const struct run_record *r)
{
    char name[64], footprint[32], utilization[16], per_operation[16];
    snprintf(name, sizeof name, "%.20s %" PRId32 "%s", r->program, r->pid, r->forked ? " (fork)" : "");
    uint64_t ops = operations(r);
    format_bytes(r->peak_footprint_bytes, footprint, sizeof footprint);
    if (r->peak_footprint_bytes > 0)
        snprintf(utilization, sizeof utilization, "%.2f",
                 (double)r->peak_payload_bytes / (double)r->peak_footprint_bytes);
    else
        snprintf(utilization, sizeof utilization, "-");
    if (ops > 0)
        snprintf(per_operation, sizeof per_operation, "%.4f", (double)system_calls(r) / (double)ops);
    else
        snprintf(per_operation, sizeof per_operation, "-");
    fprintf(out, "  %-28s %10" PRIu64 " %10" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %7" PRIu64
            " %11s %14s %11s\n", name, r->calls[CALL_MALLOC], r->calls[CALL_FREE], r->calls[CALL_CALLOC],
            r->calls[CALL_REALLOC], r->calls[CALL_ALIGNED], r->calls[CALL_USABLE_SIZE], per_operation, footprint,
            utilization);
}

/* Is record a among the MOST_ROWS with the most operations (ties: the earlier one)? */
static bool shown(const struct run_summary *s, size_t a)
{
    size_t ahead = 0;
    for (size_t b = 0; b < s->record_count && ahead < MOST_ROWS; b++) {
        uint64_t ops_a = operations(&s->records[a]), ops_b = operations(&s->records[b]);
        if (ops_b > ops_a || (ops_b == ops_a && b < a))
            ahead++;
    }
    return ahead < MOST_ROWS;
}

size_t summary_print(FILE *out, const struct run_summary *s)
{
    fprintf(out, "heapkit run: stage %s%s, %zu process%s on the stage, %.2f s\n", s->stage,
            s->checked ? " (checked)" : "", s->record_count, s->record_count == 1 ? "" : "es", s->seconds);
    if (s->record_count == 0) {
        fprintf(out, "  no process reported: the program ran without the stage (a static or setuid program ignores "
                     "LD_PRELOAD), or every process ended without exit (killed by a signal, _exit, exec)\n");
        return 0;
    }
    fprintf(out, "  %-28s %10s %10s %8s %8s %8s %7s %11s %14s %11s\n", "process (pid)", "malloc", "free",
            "calloc", "realloc", "aligned", "usable", "syscalls/op", "peak footprint", "utilization");
    struct run_record hidden = { .program = "" };
    size_t hidden_count = 0, stopped = 0;
    uint64_t unknown_frees = 0;
    for (size_t i = 0; i < s->record_count; i++) {
        const struct run_record *r = &s->records[i];
        unknown_frees += r->unknown_frees;
        if (shown(s, i)) {
            print_row(out, r);
            continue;
        }
        hidden_count++;
        for (int kind = 0; kind < RUN_CALL_KINDS; kind++)
            hidden.calls[kind] += r->calls[kind];
    }
    if (hidden_count > 0) {
        fprintf(out, "  ... %zu more processes, with fewer calls: %" PRIu64 " in all\n", hidden_count,
                operations(&hidden));
    }
    fprintf(out, "  (aligned: posix_memalign, aligned_alloc, memalign, valloc, pvalloc; usable: malloc_usable_size;\n"
                 "   utilization: peak live payload / peak footprint, the heap's bytes and the mapped ones)\n");
    if (unknown_frees > 0)
        fprintf(out, "heapkit run: %" PRIu64 " free%s of pointers the heap never gave (or gave back already) were "
                     "ignored: run with --check to stop at the first\n", unknown_frees, unknown_frees == 1 ? "" : "s");
    for (size_t i = 0; i < s->record_count; i++) {
        const struct run_record *r = &s->records[i];
        if (r->ending == ENDED_EXIT)
            continue;
        stopped++;
        fprintf(out, "heapkit run: %s (pid %" PRId32 "): %s: %s\n", r->program, r->pid, ending_words(r->ending),
                r->summary);
    }
    if (s->torn_bytes > 0)
        fprintf(out, "heapkit run: %zu bytes of the records were not a whole record (a process stopped while "
                     "writing its own)\n", s->torn_bytes);
    return stopped;
}
