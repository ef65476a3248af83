/*
 * grade_main.c: the command line of the autograder.
 *
 *   grader/grade [--stages LIST] [--results FILE] [--csv FILE] [--rubric FILE] [--keep] SUBMISSION
 *   grader/grade --pre-grade [--stages LIST] [--rubric FILE] SUBMISSION      (make grade STAGE=NAME)
 *
 * Exit status 0 when grading ran, whatever the score; 2 when it could not (bad options, a
 * broken rubric, a kit that is not built).
 */
#include "grade.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef GRADE_CC
#define GRADE_CC "cc"
#endif
#ifndef GRADE_CFLAGS
#define GRADE_CFLAGS "-std=c17 -O2 -g -Wall -Wextra"
#endif
#ifndef GRADE_LDFLAGS
#define GRADE_LDFLAGS ""
#endif

static void usage(FILE *out)
{
    fprintf(out,
            "usage: grader/grade [--stages LIST] [--results FILE] [--csv FILE] [--rubric FILE] [--keep]\n"
            "                    SUBMISSION\n"
            "Grades a directory holding some of the stage files the rubric names (minimal.c pad.c ...):\n"
            "builds each with the kit's harness, checks what it calls, replays the traces, scores.\n"
            "  --stages LIST    grade only these stages (comma-separated)\n"
            "  --results FILE   write Gradescope's results.json\n"
            "  --csv FILE       append one row (submission, score, max_score, one column per stage)\n"
            "  --rubric FILE    the rubric (default grader/rubric.ini of the kit)\n"
            "  --keep           keep the work directory (its path is printed)\n"
            "  --no-sandbox     a local, unofficial run without root: no user of its own, no system-call\n"
            "                   filter (the report says so); official grading refuses to run without them\n"
            "  --pre-grade      a student's pre-grade (make grade STAGE=NAME): the rubric's public part\n"
            "                   (no hidden traces, no secret), without root or sandbox; the report says\n"
            "                   what the real grading adds\n"
            "  --record-reference DIR    keep the reference's results in DIR (make student, for the kit)\n"
            "  --recorded-reference DIR  use them instead of reference programs (the kit's make grade)\n");
}

/* Why official grading cannot run here, said once: 0 when it can. */
static int sandbox_missing(const struct grading *g)
{
    if (geteuid() != 0) {
        fprintf(stderr, "grade: grading runs each submission as a user of its own, which needs root: run it as "
                        "root (sudo grader/grade ...), or add --no-sandbox for a local, unofficial run\n");
        return -1;
    }
    char runner[GRADE_PATH * 2], probe[GRADE_PATH * 2 + 64];
    snprintf(runner, sizeof runner, "%s/fence/runner", g->build);
    snprintf(probe, sizeof probe, "'%s' --filter-available", runner);
    if (system(probe) != 0) {
        fprintf(stderr, "grade: %s was built without the system-call filter: apt-get install libseccomp-dev, then "
                        "make grader (or add --no-sandbox for a local, unofficial run)\n", runner);
        return -1;
    }
    return 0;
}

static int choose_stages(struct grading *g, const char *list)
{
    if (list == NULL) {
        for (size_t i = 0; i < g->rubric.stage_count; i++)
            snprintf(g->stages[g->stage_count++], GRADE_NAME, "%s", g->rubric.stages[i].name);
        return 0;
    }
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", list);
    for (char *name = strtok(copy, ", "); name != NULL; name = strtok(NULL, ", ")) {
        if (rubric_stage(&g->rubric, name) == NULL) {
            fprintf(stderr, "grade: --stages: the rubric %s has no stage '%s'\n", g->rubric.path, name);
            return -1;
        }
        int seen = 0;
        for (size_t i = 0; i < g->stage_count; i++)
            seen |= strcmp(g->stages[i], name) == 0;
        if (!seen && g->stage_count < GRADE_MAX_STAGES)
            snprintf(g->stages[g->stage_count++], GRADE_NAME, "%s", name);
    }
    return g->stage_count > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    static struct grading g;
    const char *stages = NULL, *results = NULL, *csv = NULL, *rubric = NULL;
    g.kit = ".";
    g.build = "build";
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *flag = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(flag, "-h") == 0 || strcmp(flag, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(flag, "--keep") == 0) {
            g.keep_work = 1;
            continue;
        } else if (strcmp(flag, "--no-sandbox") == 0) {
            g.no_sandbox = 1;
            continue;
        } else if (strcmp(flag, "--pre-grade") == 0) {
            g.pregrade = g.no_sandbox = 1;
            continue;
        } else if (value == NULL) {
            fprintf(stderr, "grade: option %s needs a value\n", flag);
            usage(stderr);
            return 2;
        }
        const char **slot = strcmp(flag, "--stages") == 0 ? &stages : strcmp(flag, "--results") == 0 ? &results
                            : strcmp(flag, "--csv") == 0 ? &csv : strcmp(flag, "--rubric") == 0 ? &rubric
                            : strcmp(flag, "--kit") == 0 ? &g.kit : strcmp(flag, "--build") == 0 ? &g.build
                            : strcmp(flag, "--record-reference") == 0 ? &g.record_reference
                            : strcmp(flag, "--recorded-reference") == 0 ? &g.recorded_reference : NULL;
        if (slot == NULL) {
            fprintf(stderr, "grade: unknown option '%s'\n", flag);
            usage(stderr);
            return 2;
        }
        *slot = value;
        i++;
    }
    if (i != argc - 1) {
        usage(stderr);
        return 2;
    }
    g.submission = argv[i];
    struct stat st;
    if (stat(g.submission, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "grade: %s is not a directory\n", g.submission);
        return 2;
    }
    umask(022);
    char rubric_path[GRADE_PATH];
    snprintf(rubric_path, sizeof rubric_path, "%s/grader/rubric.ini", g.kit);
    if (rubric_load(rubric != NULL ? rubric : rubric_path, &g.rubric) != 0 || choose_stages(&g, stages) != 0)
        return 2;
    if (g.pregrade && results != NULL) {
        fprintf(stderr, "grade: --pre-grade writes no results.json: a pre-grade is not a grade\n");
        return 2;
    }
    snprintf(g.tools.cc, sizeof g.tools.cc, "%s", GRADE_CC);
    snprintf(g.tools.cflags, sizeof g.tools.cflags, "%s", GRADE_CFLAGS);
    snprintf(g.tools.ldflags, sizeof g.tools.ldflags, "%s", GRADE_LDFLAGS);
    g.tools.sanitized = strstr(GRADE_CFLAGS, "-fsanitize") != NULL;
    g.tools.coverage = strstr(GRADE_CFLAGS, "--coverage") != NULL;
    /* Official grading confines every stage program (fence/spawn.h): a user of its own and an
     * empty root need root, the filter a runner built with libseccomp. */
    if (!g.no_sandbox && sandbox_missing(&g) != 0)
        return 2;
    g.sandboxed = !g.no_sandbox;
    /* The grading's priority (the rubric's nice), which every process of it inherits: above the
     * machine's other work, so that its timed runs and its time budgets hold on a busy machine.
     * Only root may raise it: otherwise it stays as it is. */
    if (setpriority(PRIO_PROCESS, 0, g.rubric.nice) != 0 && run_as_root())
        grading_note(&g, "the grading ran at its usual priority: setpriority to nice %d failed: %s", g.rubric.nice,
                     strerror(errno));
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    g.started = start;
    if (grade_submission(&g) != 0)
        return 2;
    clock_gettime(CLOCK_MONOTONIC, &end);
    g.seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    report_text(stdout, &g);
    fflush(stdout);
    int status = 0;
    if (results != NULL && report_results_json(results, &g) != 0)
        status = 2;
    if (csv != NULL && report_csv_row(csv, &g) != 0)
        status = 2;
    for (size_t t = 0; t < g.test_count; t++)
        free(g.tests[t].output);
    free(g.tests);
    return status;
}
