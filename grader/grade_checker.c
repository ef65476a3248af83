/*
 * grade_checker.c: the checker entry: does the stage's hm_check see a broken heap?
 *
 * The runner probes it (checker_probe.h): on each of the rubric's checker_traces, at two points,
 * one word of the stage's memory is changed in each of 11 ways, each in a replay of its own, and
 * hm_check is asked once; at each point a control changes nothing. The reference stage is probed
 * the same way in the same grading, and a corruption counts where the reference's checker sees
 * it: the stage earns the share of those its own checker sees. A checker that says a healthy heap
 * is broken earns nothing: in the -c replay of a trace the harness found correct, or at a control.
 */
#include "checker_probe.h"
#include "grade.h"
#include "reference_cache.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MOST_CHECKER_TRACES = 8, MISSES_SHOWN = 6 };

/* The rubric's checker traces, as indices of g->traces; returns how many, or -1 with the name
 * that is not a public trace in `missing`. */
static int checker_trace_indices(const struct grading *g, size_t indices[MOST_CHECKER_TRACES], char *missing,
                                 size_t missing_size)
{
    char names[GRADE_PATH];
    snprintf(names, sizeof names, "%s", g->rubric.checker_traces);
    int count = 0;
    for (char *save = NULL, *name = strtok_r(names, " \t,", &save); name != NULL; name = strtok_r(NULL, " \t,", &save)) {
        size_t i = 0;
        while (i < g->trace_count && (g->traces[i].hidden || strcmp(g->traces[i].name, name) != 0))
            i++;
        if (i == g->trace_count || count == MOST_CHECKER_TRACES) {
            snprintf(missing, missing_size, "%s", name);
            return -1;
        }
        indices[count++] = i;
    }
    return count;
}

int checker_traces_check(const struct grading *g)
{
    size_t indices[MOST_CHECKER_TRACES];
    char missing[GRADE_NAME * 4];
    int wanted = 0;
    for (size_t s = 0; s < g->rubric.stage_count; s++)
        wanted |= g->rubric.stages[s].points[KIND_CHECKER] > 0;
    if (!wanted)
        return 0;
    int count = checker_trace_indices(g, indices, missing, sizeof missing);
    if (count > 0)
        return 0;
    if (count == 0)
        fprintf(stderr, "grade: %s: checker points are given, but checker_traces names no trace\n", g->rubric.path);
    else
        fprintf(stderr, "grade: %s: checker_traces: '%s' is not one of the public traces (%s), or more than %d "
                "are named\n", g->rubric.path, missing, g->rubric.public_traces, MOST_CHECKER_TRACES);
    return -1;
}

/* What the reproduce line of the entry says. */
static void reproduce_line(const struct grading *g, const struct stage_rubric *sr, const size_t *indices, int count,
                           char *out, size_t size)
{
    int used = snprintf(out, size, "    reproduce: build/replay -s %s --probe-checker", sr->name);
    for (int k = 0; k < count && used > 0 && (size_t)used < size; k++)
        used += snprintf(out + used, size - (size_t)used, " %s", g->traces[indices[k]].path);
}

/* The tally of one grading of the checker, and the lines that explain it. */
struct checker_tally {
    unsigned counted, detected; /* probes the reference's checker saw; of which the stage's saw */
    int false_alarm;            /* the stage's checker said a healthy heap was broken */
    char why_nothing[2048];     /* ...where, in the grader's words */
    char misses[MISSES_SHOWN][600];
    unsigned miss_count;
};

static void note_miss(struct checker_tally *t, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void note_miss(struct checker_tally *t, const char *format, ...)
{
    if (t->miss_count < MISSES_SHOWN) {
        va_list arguments;
        va_start(arguments, format);
        vsnprintf(t->misses[t->miss_count], sizeof t->misses[0], format, arguments);
        va_end(arguments);
    }
    t->miss_count++;
}

/* One trace: the stage's probes against the reference's. */
static void tally_trace(struct checker_tally *t, const struct trace_entry *entry, const struct trace_result *student,
                        int student_got, const struct trace_result *reference, const struct trace_result *plain,
                        int plain_got)
{
    if (!reference->probed)
        return; /* nothing to compare with: the caller said so */
    unsigned reference_saw = 0;
    for (int point = 0; point < PROBE_POINTS; point++)
        for (int kind = 0; kind < PROBE_KINDS; kind++)
            reference_saw += kind != PROBE_CONTROL && reference->probes[point][kind].verdict == PROBE_DETECTED;
    if (!student_got || !student->correct || !student->probed) {
        t->counted += reference_saw;
        const char *error = student_got ? student->error : "the runner reported no result";
        /* hm_check failed a replay whose results the harness found correct without -c. */
        if (student_got && strstr(error, "hm_check() found a broken invariant") != NULL && plain_got && plain->correct) {
            t->false_alarm = 1;
            snprintf(t->why_nothing, sizeof t->why_nothing,
                     "hm_check said the heap was broken in the -c replay of %s, whose every result the harness "
                     "found correct (the trace passes without -c): a checker must not fail a correct heap (unless "
                     "the stage breaks an invariant that no result shows yet: read what it printed)\n%s",
                     entry->name, error);
            return;
        }
        size_t line = strcspn(error, "\n");
        note_miss(t, "%s: not probed: its -c replay failed (%.*s): the %u corruptions there count as missed",
                  entry->name, (int)(line < 300 ? line : 300), error, reference_saw);
        return;
    }
    for (int point = 0; point < PROBE_POINTS; point++)
        for (int kind = 0; kind < PROBE_KINDS; kind++) {
            const struct probe_result *mine = &student->probes[point][kind];
            if (kind == PROBE_CONTROL && mine->verdict == PROBE_COMPLAINED && !t->false_alarm) {
                t->false_alarm = 1;
                snprintf(t->why_nothing, sizeof t->why_nothing,
                         "%s at op %u, the control (the heap as the harness found it, correct, nothing changed): "
                         "hm_check said it was broken. A checker cannot tell the control from a probe, so one that "
                         "answers for the moment rather than for the heap is caught here\n    %s",
                         entry->name, student->probe_ops[point], mine->text);
            }
            /* A probe counts where the reference's checker saw it and the stage's heap had what it
             * strikes (a stage whose word before each block is always 0 cannot have it doubled). */
            if (kind == PROBE_CONTROL || reference->probes[point][kind].verdict != PROBE_DETECTED ||
                mine->verdict == PROBE_NO_TARGET)
                continue;
            t->counted++;
            if (mine->verdict == PROBE_DETECTED)
                t->detected++;
            else
                note_miss(t, "%s at op %u, %s: %s", entry->name, student->probe_ops[point],
                          checker_probe_kind_name((enum probe_kind)kind), mine->text);
        }
}

/* The reference's probes of one trace: kept between gradings, as its untimed results are
 * (grade_reference_kept). Returns whether it has them. */
static int reference_probes(struct grading *g, const struct stage_rubric *sr, const char *reference,
                            const struct trace_entry *trace, struct trace_result *result)
{
    uint8_t digest[SHA256_DIGEST_BYTES];
    int digested = reference_cache_file_digest(reference, digest) == 0;
    return grade_reference_kept(g, reference, digested ? digest : NULL, sr->name, trace, TIMING_PROBE,
                                g->rubric.memory_limit, result);
}

void score_checker(struct grading *g, const struct stage_rubric *sr, const char *runner,
                   const struct trace_result *plain, const int *plain_got)
{
    double points = sr->points[KIND_CHECKER];
    size_t indices[MOST_CHECKER_TRACES];
    char missing[GRADE_NAME * 4], reproduce[1024];
    int count = checker_trace_indices(g, indices, missing, sizeof missing);
    if (count <= 0)
        return; /* checker_traces_check refused the grading already */
    reproduce_line(g, sr, indices, count, reproduce, sizeof reproduce);
    char reference[GRADE_PATH * 2];
    snprintf(reference, sizeof reference, "%s/ref/%s-linked", g->work, sr->name);
    if (access(reference, X_OK) != 0 && g->pregrade && g->recorded_reference == NULL) {
        grade_no_reference(g, sr, KIND_CHECKER);
        return;
    }
    if (access(reference, X_OK) != 0 && g->recorded_reference == NULL) {
        grading_note(g, "no reference stage %s in the kit's build: the checker of %s gets full points", sr->name,
                     sr->name);
        grading_add(g, sr->name, KIND_CHECKER, "checker", points, points, 0, "no reference to compare with");
        return;
    }
    char *traces[MOST_CHECKER_TRACES];
    for (int k = 0; k < count; k++)
        traces[k] = g->traces[indices[k]].path;
    static struct trace_result student[MOST_CHECKER_TRACES], calibration[MOST_CHECKER_TRACES];
    int student_got[MOST_CHECKER_TRACES], calibration_got[MOST_CHECKER_TRACES];
    struct run_outcome outcome;
    grade_run_stage(g, runner, NULL, 0, sr->name, TIMING_PROBE, g->rubric.memory_limit, traces, (size_t)count,
                    student, student_got, &outcome);
    run_outcome_free(&outcome);
    if (g->recorded_reference != NULL) { /* a kit without the reference: as it was recorded */
        for (int k = 0; k < count; k++)
            calibration_got[k] = grade_recorded_get(g, sr->name, &g->traces[indices[k]], "probes", &calibration[k]);
    } else {
        for (int k = 0; k < count; k++) {
            calibration_got[k] = reference_probes(g, sr, reference, &g->traces[indices[k]], &calibration[k]);
            if (calibration_got[k])
                grade_recorded_put(g, sr->name, &g->traces[indices[k]], "probes", &calibration[k]);
        }
    }

    static struct checker_tally tally;
    memset(&tally, 0, sizeof tally);
    for (int k = 0; k < count && !tally.false_alarm; k++) {
        if (!calibration_got[k] || !calibration[k].probed) {
            grading_note(g, "the reference stage %s could not be probed on %s: that trace does not count in the "
                         "checker of %s", sr->name, g->traces[indices[k]].name, sr->name);
            continue;
        }
        tally_trace(&tally, &g->traces[indices[k]], &student[k], student_got[k], &calibration[k],
                    &plain[indices[k]], plain_got[indices[k]]);
    }

    char *text = NULL;
    size_t text_size = 0;
    FILE *out = open_memstream(&text, &text_size);
    if (out == NULL) {
        fprintf(stderr, "grade: out of memory\n");
        exit(2);
    }
    double score;
    if (tally.false_alarm) {
        score = 0;
        fprintf(out, "no points: %s\n", tally.why_nothing);
    } else if (tally.counted == 0) {
        score = points;
        fprintf(out, "the reference's checker sees none of the probes' corruptions here: nothing to compare\n");
    } else {
        score = points * tally.detected / tally.counted;
        fprintf(out, "hm_check saw %u of the %u corruptions that the reference's hm_check sees (%.0f%%)\n",
                tally.detected, tally.counted, 100.0 * tally.detected / tally.counted);
        for (unsigned i = 0; i < tally.miss_count && i < MISSES_SHOWN; i++)
            fprintf(out, "    missed: %s\n", tally.misses[i]);
        if (tally.miss_count > MISSES_SHOWN)
            fprintf(out, "    (and %u more)\n", tally.miss_count - MISSES_SHOWN);
    }
    fprintf(out, "%s", reproduce);
    fclose(out);
    grading_add(g, sr->name, KIND_CHECKER, "checker", score, points, 0, text);
    free(text);
}
