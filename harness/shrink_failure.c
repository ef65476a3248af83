/*
 * shrink_failure.c: after a failed checked replay, the smallest trace that fails the same way
 * (see shrink_failure.h). Each candidate the shrinker proposes is replayed checked, in a child
 * like every replay, and "the same way" is the failure's kind: its summary, numbers left out,
 * so that "wrote 8 bytes past the break" at one line is the same failure as "wrote 24 bytes
 * past the break" at another.
 */
#include "shrink_failure.h"

#include "isolate.h"
#include "shrink.h"
#include "text.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The kind of a failure: its summary with every number (decimal or hex) replaced by '#'. */
static void kind_of(const char *summary, char *kind, size_t kind_size)
{
    size_t used = 0;
    for (const char *at = summary; *at != '\0' && *at != '\n' && used + 2 < kind_size;) {
        if (isdigit((unsigned char)*at)) {
            while (isxdigit((unsigned char)*at) || *at == 'x')
                at++;
            kind[used++] = '#';
        } else {
            kind[used++] = *at++;
        }
    }
    kind[used] = '\0';
}

/* The summary of the failure a child left: after "where (call): " of a failed check, or how the
 * stage ended. Empty when the replay passed. */
static void failure_summary(const struct child_outcome *outcome, const struct child_report *report,
                            double time_limit_seconds, char *out, size_t out_size)
{
    out[0] = '\0';
    if (outcome->end == CHILD_FINISHED && !report->failed)
        return;
    if (outcome->end != CHILD_FINISHED) {
        isolate_describe_end(outcome, report, time_limit_seconds, out, out_size);
        return;
    }
    const char *summary = strstr(report->error, "): ");
    summary = summary != NULL ? summary + 3 : report->error;
    snprintf(out, out_size, "%.*s", (int)strcspn(summary, "\n"), summary);
}

struct shrink_context {
    const struct checked_setup *base;
    double time_limit_seconds;
    int close_in_child, quiet_fd;
    char kind[512];          /* what every candidate must fail with */
    uint32_t ended_at;       /* the last replay's op_position */
    int in_trace;            /* the original failed at one of its operations */
};

/* One replay of `trace` as base's; its failure's kind into kind. */
static void replay_for_kind(struct shrink_context *c, const struct trace *trace, char *kind, size_t kind_size)
{
    struct checked_setup setup = *c->base;
    setup.trace = trace;
    setup.fingerprints = NULL;
    setup.snapshots = (struct snapshot_request){ 0 };
    struct child_outcome outcome = isolate_run(checked_replay, &setup, c->time_limit_seconds, c->close_in_child,
                                               c->quiet_fd);
    const struct child_report *report = isolate_report();
    char summary[1024];
    failure_summary(&outcome, report, c->time_limit_seconds, summary, sizeof summary);
    kind_of(summary, kind, kind_size);
    c->ended_at = report->op_position;
}

/* Did the last replay end inside the trace's operations (not in the probes after them)? */
static int ended_in_trace(const struct shrink_context *c, const struct trace *trace)
{
    return c->ended_at >= 1 && c->ended_at <= trace->op_count;
}

/* The same kind, at an operation of the trace when the original failed at one (a failure in
 * the probes after the last operation has no line to map). */
static int fails_the_same(const struct trace *candidate, void *context)
{
    struct shrink_context *c = context;
    char kind[512];
    replay_for_kind(c, candidate, kind, sizeof kind);
    return kind[0] != '\0' && strcmp(kind, c->kind) == 0 && ended_in_trace(c, candidate) == c->in_trace;
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Append a line to message. */
__attribute__((format(printf, 3, 4)))
static void append(char *message, size_t message_size, const char *format, ...)
{
    size_t used = strlen(message);
    if (used + 1 >= message_size)
        return;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(message + used, message_size - used, format, arguments);
    va_end(arguments);
}

void shrink_failure(const struct shrink_failure_setup *s, char *message, size_t message_size)
{
    const struct trace *trace = s->base->trace;
    if (s->hung) {
        append(message, message_size, "\n    not shrunk: each try of a hang would take its time limit");
        return;
    }
    if (s->ended_at == 0) {
        append(message, message_size, "\n    not shrunk: it failed before the trace's first operation");
        return;
    }
    struct shrink_context context = { s->base, s->time_limit_seconds, s->close_in_child, s->quiet_fd, "", 0, 0 };
    replay_for_kind(&context, trace, context.kind, sizeof context.kind); /* the failure, as a child sees it */
    context.in_trace = ended_in_trace(&context, trace);
    if (context.kind[0] == '\0') {
        append(message, message_size, "\n    not shrunk: a replay of its own did not fail (the stage is not deterministic?)");
        return;
    }
    struct trace smallest;
    struct shrink_outcome outcome;
    char error[600];
    double start = now_seconds();
    if (shrink_trace(trace, fails_the_same, &context, SHRINK_SECONDS, &smallest, &outcome, error, sizeof error) != 0) {
        append(message, message_size, "\n    not shrunk: %s", error);
        return;
    }
    double seconds = now_seconds() - start;
    char path[4400], source[700];
    const char *stage;
    int stage_length = text_last_name(s->stage_name, &stage);
    if (mkdir(s->directory, 0777) != 0 && errno != EEXIST) {
        append(message, message_size, "\n    not shrunk: cannot make %s: %s", s->directory, strerror(errno));
        trace_release(&smallest);
        return;
    }
    snprintf(path, sizeof path, "%s/%.*s-%s.rep", s->directory, stage_length, stage, trace->name);
    snprintf(source, sizeof source, "shrunk from %.300s by %.300s", trace->path, s->reproduce_as);
    char name[300];
    snprintf(name, sizeof name, "%.*s-%s", stage_length, stage, trace->name);
    if (shrink_write(&smallest, path, name, source, error, sizeof error) != 0) {
        append(message, message_size, "\n    not shrunk: %s", error);
        trace_release(&smallest);
        return;
    }
    /* Where the shrunk trace fails: its line, for the map. */
    struct trace written;
    uint32_t line = 0;
    if (trace_load(path, &written, error, sizeof error) == 0) {
        char kind[512];
        replay_for_kind(&context, &written, kind, sizeof kind);
        if (context.ended_at >= 1 && context.ended_at <= written.op_count)
            line = written.op_lines[context.ended_at - 1];
        trace_release(&written);
    }
    append(message, message_size, "\n    %s %u operation%s (from %u; %u replays, %.1f s): %s",
           outcome.stopped_by_time ? "shrinking stopped at" : "shrunk to", smallest.op_count,
           smallest.op_count == 1 ? "" : "s", trace->op_count, outcome.tests_run, seconds, path);
    if (smallest.op_count <= SHRINK_SHOWN_OPERATIONS) {
        for (uint32_t i = 0; i < smallest.op_count; i++) {
            char text[96];
            trace_format_op(&smallest.ops[i], text, sizeof text);
            append(message, message_size, "\n      | %s", text);
        }
    }
    append(message, message_size, "\n      replay it: %s %s", s->reproduce_as, path);
    if (line != 0)
        append(message, message_size, "\n      its heap:  %s --map %u %s", s->reproduce_as, line, path);
    trace_release(&smallest);
}
