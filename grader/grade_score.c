/*
 * grade_score.c: grade each stage of a submission by the rubric.
 *
 * For each stage: build it (grade_build.c); then, trace by trace, run the student's runner
 * and the kit's reference runner of the same stage one after the other, so that both see the
 * same moment of the machine; then score correctness per trace, utilization and throughput
 * against the reference, and complexity from the free-list workloads.
 *
 * A result counts only when it is a line that parses, from the runner the grader started for
 * that trace, naming that trace; anything else counts as a failure.
 */
#include "grade.h"

#include "report.h"
#include "scaling.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct test *grading_add(struct grading *g, const char *stage, enum kind kind, const char *name,
                         double score, double max_score, int hidden, const char *output)
{
    if (g->test_count == g->test_capacity) {
        size_t capacity = g->test_capacity ? 2 * g->test_capacity : 64;
        struct test *grown = realloc(g->tests, capacity * sizeof *grown);
        if (grown == NULL)
            return NULL;
        g->tests = grown;
        g->test_capacity = capacity;
    }
    struct test *t = &g->tests[g->test_count++];
    memset(t, 0, sizeof *t);
    snprintf(t->stage, sizeof t->stage, "%s", stage);
    snprintf(t->name, sizeof t->name, "%s", name);
    t->kind = kind;
    t->score = score;
    t->max_score = max_score;
    t->hidden = hidden;
    t->passed = score >= max_score - 1e-9;
    t->output = output != NULL ? strdup(output) : NULL;
    return t;
}

void grading_note(struct grading *g, const char *format, ...)
{
    size_t used = strlen(g->notes);
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(g->notes + used, sizeof g->notes - used, format, arguments);
    va_end(arguments);
    used = strlen(g->notes);
    if (used + 1 < sizeof g->notes) {
        g->notes[used] = '\n';
        g->notes[used + 1] = '\0';
    }
}

double grading_total(const struct grading *g, const char *stage, int max)
{
    double total = 0;
    for (size_t i = 0; i < g->test_count; i++)
        if (stage == NULL || strcmp(g->tests[i].stage, stage) == 0)
            total += max ? g->tests[i].max_score : g->tests[i].score;
    return total;
}

/* ---- running one stage on one trace -------------------------------------------------- */

static struct run_limits runner_limits(const struct grading *g)
{
    const struct rubric *r = &g->rubric;
    return (struct run_limits){
        .wall_seconds = r->runner_seconds, .cpu_seconds = r->runner_seconds,
        /* The simulated memory reserves address space for five times its limit. */
        .address_space_bytes = g->tools.sanitized ? 0 : 6 * r->memory_limit_bytes + (UINT64_C(4) << 30),
        /* No file size limit: the runner writes no file (its output goes to pipes), simulated
         * memory is a memory file as long as its reservation, and every process that runs the
         * stage gets an output limit of its own (ISOLATE_OUTPUT_LIMIT_BYTES). */
        .file_bytes = 0, .nofile = 64, .nproc = 64, .as_nobody = run_as_root(),
    };
}

/* Run `runner` (its stage is `stage`) on traces; fill results[i] for each (0: no result). */
static void run_stage(struct grading *g, const char *runner, const char *stage, int timed,
                      char *const traces[], size_t count, struct trace_result *results, int *got,
                      struct run_outcome *outcome)
{
    char as[128], runs[16], seconds[32];
    snprintf(as, sizeof as, "build/replay -s %s", stage);
    snprintf(runs, sizeof runs, "%u", g->rubric.runs);
    snprintf(seconds, sizeof seconds, "%g", g->rubric.replay_seconds);
    char *argv[GRADE_MAX_TRACES + 20];
    int argc = 0;
    argv[argc++] = (char *)runner;
    argv[argc++] = "--as";
    argv[argc++] = as;
    argv[argc++] = "--limit";
    argv[argc++] = g->rubric.memory_limit;
    argv[argc++] = "-t";
    argv[argc++] = seconds;
    argv[argc++] = "--results-fd";
    argv[argc++] = "3";
    if (timed) {
        argv[argc++] = "-n";
        argv[argc++] = runs;
    } else {
        argv[argc++] = "--no-time";
    }
    for (size_t i = 0; i < count && i < GRADE_MAX_TRACES; i++)
        argv[argc++] = traces[i];
    argv[argc] = NULL;
    struct run_limits limits = runner_limits(g);
    limits.wall_seconds *= (double)count;
    limits.cpu_seconds *= (double)count;
    for (size_t i = 0; i < count; i++)
        got[i] = 0;
    if (run_untrusted(argv, g->work, &limits, outcome) != 0)
        return;
    /* The lines, in order: the i-th result must name the i-th trace. */
    size_t next = 0;
    static struct trace_result parsed;
    for (char *line = outcome->results; line != NULL && *line != '\0' && next < count;) {
        char *end = strchr(line, '\n');
        if (end == NULL)
            break; /* an unfinished line is no result */
        *end = '\0';
        if (result_read(line, &parsed) == 0 && strcmp(parsed.trace_path, traces[next]) == 0) {
            results[next] = parsed;
            got[next] = 1;
            next++;
        }
        line = end + 1;
    }
}

/* The last lines of what a runner printed, for a student to read. */
static void tail_of(const char *text, char *out, size_t size, int lines)
{
    out[0] = '\0';
    if (text == NULL || *text == '\0')
        return;
    const char *from = text + strlen(text);
    for (int n = 0; from > text && n <= lines; from--)
        if (from[-1] == '\n' && from != text + strlen(text))
            n++;
    snprintf(out, size, "%s", from);
}

/* ---- scoring ---------------------------------------------------------------------------- */

static double scaled(double value, double low, double high)
{
    if (value <= low)
        return 0;
    if (value >= high)
        return 1;
    return (value - low) / (high - low);
}

static double round2(double x)
{
    return round(x * 100) / 100;
}

static void not_graded(struct grading *g, const struct stage_rubric *sr, const char *why)
{
    for (int kind = KIND_CORRECTNESS; kind < KIND_COUNT; kind++)
        if (sr->points[kind] > 0)
            grading_add(g, sr->name, (enum kind)kind, KIND_NAMES[kind], 0, sr->points[kind], 0, why);
}

struct stage_results {
    struct trace_result *student, *reference;
    int *student_got, *reference_got;
};

static void score_correctness(struct grading *g, const struct stage_rubric *sr, struct stage_results *s,
                              const char *const *skip_reason)
{
    double each = g->trace_count ? sr->points[KIND_CORRECTNESS] / (double)g->trace_count : 0;
    size_t hidden_number = 0;
    for (size_t i = 0; i < g->trace_count; i++) {
        const struct trace_entry *t = &g->traces[i];
        int ok = s->student_got[i] && s->student[i].correct;
        char name[320], output[REPORT_TEXT_BYTES + 8192];
        if (t->hidden)
            snprintf(name, sizeof name, "correctness: hidden trace %zu", ++hidden_number);
        else
            snprintf(name, sizeof name, "correctness: %s", t->name);
        if (ok)
            snprintf(output, sizeof output, "passed");
        else if (t->hidden)
            snprintf(output, sizeof output, "failed (a hidden trace: no details are given)");
        else if (skip_reason[i] != NULL)
            snprintf(output, sizeof output, "%s", skip_reason[i]);
        else if (s->student_got[i])
            snprintf(output, sizeof output, "%s", s->student[i].error);
        else
            snprintf(output, sizeof output, "no result for this trace\n    reproduce: build/replay -s %s --limit %s %s",
                     sr->name, g->rubric.memory_limit, t->path);
        grading_add(g, sr->name, KIND_CORRECTNESS, name, ok ? each : 0, each, t->hidden, output);
    }
}

/* Utilization and throughput are scored only when every trace is correct: otherwise none of
 * the points, and say why. Returns 1 when the stage may be scored. */
static int every_trace_correct(struct grading *g, const struct stage_rubric *sr, enum kind kind,
                               const char *name, size_t correct)
{
    if (correct == g->trace_count)
        return 1;
    char output[128];
    snprintf(output, sizeof output, "needs every trace correct (%zu of %zu are)", correct, g->trace_count);
    grading_add(g, sr->name, kind, name, 0, sr->points[kind], 0, output);
    return 0;
}

static void score_utilization(struct grading *g, const struct stage_rubric *sr, struct stage_results *s,
                              size_t correct)
{
    if (!every_trace_correct(g, sr, KIND_UTILIZATION, "utilization", correct))
        return;
    double points = sr->points[KIND_UTILIZATION];
    char output[512];
    double student = 0, reference = 0;
    size_t reference_count = 0;
    for (size_t i = 0; i < g->trace_count; i++) {
        student += result_utilization(&s->student[i]);
        if (s->reference_got[i] && s->reference[i].correct) {
            reference += result_utilization(&s->reference[i]);
            reference_count++;
        }
    }
    student /= (double)g->trace_count;
    if (reference_count < g->trace_count || reference <= 0) {
        grading_add(g, sr->name, KIND_UTILIZATION, "utilization", points, points, 0,
                    "the reference stage could not be measured: full points given");
        grading_note(g, "the reference stage %s failed a trace: its utilization was not scored", sr->name);
        return;
    }
    reference /= (double)g->trace_count;
    double ratio = student / reference;
    double score = round2(points * scaled(ratio, g->rubric.utilization_low, g->rubric.utilization_high));
    snprintf(output, sizeof output,
             "mean utilization %.3f against the reference's %.3f: %.0f%% of it (all points from %.0f%%, none at "
             "%.0f%% or below)", student, reference, 100 * ratio, 100 * g->rubric.utilization_high,
             100 * g->rubric.utilization_low);
    grading_add(g, sr->name, KIND_UTILIZATION, "utilization", score, points, 0, output);
}

static void score_throughput(struct grading *g, const struct stage_rubric *sr, struct stage_results *s,
                             size_t correct)
{
    if (!every_trace_correct(g, sr, KIND_THROUGHPUT, "throughput", correct))
        return;
    double points = sr->points[KIND_THROUGHPUT];
    char output[640];
    double student_log = 0, reference_log = 0;
    size_t n = 0;
    for (size_t i = 0; i < g->trace_count; i++) {
        const struct trace_result *a = &s->student[i], *b = &s->reference[i];
        if (a->timed && a->speed_ratio > 0 && s->reference_got[i] && b->timed && b->speed_ratio > 0) {
            student_log += log(a->speed_ratio);
            reference_log += log(b->speed_ratio);
            n++;
        }
    }
    if (n == 0) {
        grading_add(g, sr->name, KIND_THROUGHPUT, "throughput", points, points, 0,
                    "the reference stage could not be timed: full points given");
        grading_note(g, "the reference stage %s could not be timed: its throughput was not scored", sr->name);
        return;
    }
    double student = exp(student_log / (double)n), reference = exp(reference_log / (double)n);
    double ratio = student / reference;
    double score = round2(points * scaled(ratio, g->rubric.throughput_low, g->rubric.throughput_high));
    snprintf(output, sizeof output,
             "%.2fx the C library's speed against the reference's %.2fx, both measured now: %.0f%% of it (all "
             "points from %.0f%%, none at %.0f%% or below)\n    see: build/replay -s %s,libc",
             student, reference, 100 * ratio, 100 * g->rubric.throughput_high, 100 * g->rubric.throughput_low,
             sr->name);
    grading_add(g, sr->name, KIND_THROUGHPUT, "throughput", score, points, 0, output);
}

static void describe_growth(char *out, size_t size, const char *what, const double ns[SCALING_LENGTHS],
                            enum growth growth, int required)
{
    snprintf(out, size, "%s: %.0f ns at 1k free chunks, %.0f ns at 10k, %.0f ns at 100k: %s%s", what, ns[0], ns[1],
             ns[2], scaling_growth_name(growth), required ? " (must be O(1))" : " (not graded)");
}

static void score_complexity(struct grading *g, const struct stage_rubric *sr, const char *runner, size_t correct)
{
    double points = sr->points[KIND_COMPLEXITY];
    char output[1024];
    if (correct < g->trace_count) {
        snprintf(output, sizeof output, "needs every trace correct (%zu of %zu are)", correct, g->trace_count);
        grading_add(g, sr->name, KIND_COMPLEXITY, "complexity", 0, points, 0, output);
        return;
    }
    char *traces[SCALING_LENGTHS];
    for (int i = 0; i < SCALING_LENGTHS; i++)
        traces[i] = g->scaling[i];
    static struct trace_result results[SCALING_LENGTHS];
    int got[SCALING_LENGTHS];
    struct scaling_row best = { .malloc_growth = GROWTH_UNKNOWN, .free_growth = GROWTH_UNKNOWN };
    int ok = 0;
    /* Measured at most twice: noise only ever adds time, so an O(1) stage that shows O(1) once
     * is O(1), and an O(n) one never shows a 100-fold longer list costing the same. */
    for (int attempt = 0; attempt < 2 && !ok; attempt++) {
        struct run_outcome outcome;
        run_stage(g, runner, sr->name, 1, traces, SCALING_LENGTHS, results, got, &outcome);
        run_outcome_free(&outcome);
        struct stage_run run = { .results = results, .count = 0 };
        snprintf(run.name, sizeof run.name, "%s", sr->name);
        for (int i = 0; i < SCALING_LENGTHS; i++)
            if (got[i])
                run.count = (size_t)i + 1;
        struct scaling_row row = scaling_measure(&run);
        if (!got[0] || !got[1] || !got[2]) {
            for (int i = 0; i < SCALING_LENGTHS; i++)
                row.malloc_ns[i] = row.free_ns[i] = -1;
            row.malloc_growth = row.free_growth = GROWTH_UNKNOWN;
        }
        ok = (!sr->malloc_o1 || row.malloc_growth == GROWTH_CONSTANT) &&
             (!sr->free_o1 || row.free_growth == GROWTH_CONSTANT);
        if (attempt == 0 || ok)
            best = row;
    }
    char line1[256], line2[256];
    describe_growth(line1, sizeof line1, "malloc", best.malloc_ns, best.malloc_growth, sr->malloc_o1);
    describe_growth(line2, sizeof line2, "free", best.free_ns, best.free_growth, sr->free_o1);
    snprintf(output, sizeof output, "%s\n%s\n    reproduce: build/replay -s %s --scaling", line1, line2, sr->name);
    if (best.malloc_growth == GROWTH_UNKNOWN && best.free_growth == GROWTH_UNKNOWN)
        snprintf(output, sizeof output, "the free-list workloads did not run to the end\n    reproduce: "
                 "build/replay -s %s --scaling", sr->name);
    grading_add(g, sr->name, KIND_COMPLEXITY, "complexity", ok ? points : 0, points, 0, output);
}

static void grade_stage(struct grading *g, const struct stage_rubric *sr)
{
    struct stage_build b;
    build_stage(g, sr->name, &b);
    char *text = NULL;
    size_t text_size = 0;
    FILE *out = open_memstream(&text, &text_size);
    if (out == NULL)
        return;
    if (!b.submitted)
        fprintf(out, "not submitted: the submission has no %s.c", sr->name);
    else if (!b.compiled)
        fprintf(out, "%s.c does not compile:\n%s", sr->name, b.compiler_output ? b.compiler_output : b.violation);
    else if (!b.allowed || !b.linked)
        fprintf(out, "%s", b.violation);
    else if (b.compiler_output != NULL && b.compiler_output[0] != '\0')
        fprintf(out, "compiled, with warnings (not fatal):\n%s", b.compiler_output);
    else
        fprintf(out, "compiled cleanly");
    fclose(out);
    int built = b.linked;
    grading_add(g, sr->name, KIND_BUILD, "build", built ? sr->points[KIND_BUILD] : 0, sr->points[KIND_BUILD], 0, text);
    free(text);
    if (!built) {
        not_graded(g, sr, b.submitted ? "not graded: the stage did not build (see its build test)"
                                      : "not graded: the stage was not submitted");
        build_free(&b);
        return;
    }
    int timed = sr->points[KIND_THROUGHPUT] > 0;
    int need_reference = sr->points[KIND_UTILIZATION] > 0 || timed;
    char reference[GRADE_PATH * 2];
    snprintf(reference, sizeof reference, "%s/ref/%s", g->work, sr->name);
    if (need_reference && access(reference, X_OK) != 0) {
        grading_note(g, "no reference stage %s in the kit's build: utilization and throughput of %s get full points",
                     sr->name, sr->name);
        need_reference = 0;
    }
    struct stage_results s = {
        calloc(g->trace_count, sizeof *s.student), calloc(g->trace_count, sizeof *s.reference),
        calloc(g->trace_count, sizeof(int)), calloc(g->trace_count, sizeof(int)),
    };
    const char **skip = calloc(g->trace_count, sizeof *skip);
    if (s.student == NULL || s.reference == NULL || s.student_got == NULL || s.reference_got == NULL || skip == NULL) {
        fprintf(stderr, "grade: out of memory\n");
        exit(2);
    }
    unsigned timeouts = 0;
    static char skip_text[512];
    snprintf(skip_text, sizeof skip_text, "not run: stage %s hung on %u traces already (each was stopped)",
             sr->name, g->rubric.stop_after_timeouts);
    for (size_t i = 0; i < g->trace_count; i++) {
        char *trace[1] = { g->traces[i].path };
        if (timeouts >= g->rubric.stop_after_timeouts) {
            skip[i] = skip_text;
            continue;
        }
        struct run_outcome outcome;
        run_stage(g, b.runner, sr->name, timed, trace, 1, &s.student[i], &s.student_got[i], &outcome);
        struct run_limits limits = runner_limits(g);
        if (!s.student_got[i] && !g->traces[i].hidden) {
            char how[256], tail[2048];
            run_describe(&outcome, &limits, how, sizeof how);
            tail_of(outcome.output, tail, sizeof tail, 12);
            snprintf(s.student[i].error, sizeof s.student[i].error,
                     "%s: the stage's runner %s before it reported a result%s%s\n    reproduce: build/replay -s %s "
                     "--limit %s %s", g->traces[i].path, how, tail[0] ? "; it printed:\n" : "", tail, sr->name,
                     g->rubric.memory_limit, g->traces[i].path);
            s.student_got[i] = 1; /* a result that says why */
            s.student[i].correct = 0;
        }
        if (outcome.timed_out || (s.student_got[i] && strstr(s.student[i].error, "did not finish within")))
            timeouts++;
        run_outcome_free(&outcome);
        if (need_reference) {
            run_stage(g, reference, sr->name, timed, trace, 1, &s.reference[i], &s.reference_got[i], &outcome);
            run_outcome_free(&outcome);
        }
    }
    score_correctness(g, sr, &s, skip);
    size_t correct = 0;
    for (size_t i = 0; i < g->trace_count; i++)
        correct += s.student_got[i] && s.student[i].correct;
    if (sr->points[KIND_UTILIZATION] > 0) {
        if (need_reference)
            score_utilization(g, sr, &s, correct);
        else
            grading_add(g, sr->name, KIND_UTILIZATION, "utilization", correct == g->trace_count ? sr->points[KIND_UTILIZATION] : 0,
                        sr->points[KIND_UTILIZATION], 0, "no reference to compare with");
    }
    if (timed) {
        if (need_reference)
            score_throughput(g, sr, &s, correct);
        else
            grading_add(g, sr->name, KIND_THROUGHPUT, "throughput", correct == g->trace_count ? sr->points[KIND_THROUGHPUT] : 0,
                        sr->points[KIND_THROUGHPUT], 0, "no reference to compare with");
    }
    if (sr->points[KIND_COMPLEXITY] > 0)
        score_complexity(g, sr, b.runner, correct);
    free(s.student);
    free(s.reference);
    free(s.student_got);
    free(s.reference_got);
    free(skip);
    build_free(&b);
}

/* ---- the work directory ---------------------------------------------------------------- */

static int mkdirs(const char *path)
{
    char copy[GRADE_PATH * 3];
    snprintf(copy, sizeof copy, "%s", path);
    for (char *slash = strchr(copy + 1, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (mkdir(copy, 0755) != 0 && errno != EEXIST)
            return -1;
        *slash = '/';
    }
    return mkdir(copy, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

static int copy_plain(const char *from, const char *to, mode_t mode)
{
    FILE *in = fopen(from, "rb");
    if (in == NULL)
        return -1;
    FILE *out = fopen(to, "wb");
    if (out == NULL) {
        fclose(in);
        return -1;
    }
    char buffer[65536];
    size_t got;
    int status = 0;
    while ((got = fread(buffer, 1, sizeof buffer, in)) > 0)
        if (fwrite(buffer, 1, got, out) != got)
            status = -1;
    fclose(in);
    if (fclose(out) != 0)
        status = -1;
    return status == 0 ? chmod(to, mode) : -1;
}

/* Copy the traces a glob (relative to the kit) names to the same relative paths in WORK. */
static int add_traces(struct grading *g, const char *pattern, int hidden)
{
    char full[GRADE_PATH * 2];
    snprintf(full, sizeof full, "%s/%s", g->kit, pattern);
    glob_t found;
    if (glob(full, 0, NULL, &found) != 0)
        return 0;
    size_t kit_length = strlen(g->kit) + 1;
    for (size_t i = 0; i < found.gl_pathc && g->trace_count < GRADE_MAX_TRACES; i++) {
        struct trace_entry *t = &g->traces[g->trace_count];
        const char *relative = found.gl_pathv[i] + kit_length;
        snprintf(t->path, sizeof t->path, "%s", relative);
        char to[GRADE_PATH * 3], dir[GRADE_PATH * 3];
        snprintf(to, sizeof to, "%s/%s", g->work, relative);
        snprintf(dir, sizeof dir, "%s", to);
        *strrchr(dir, '/') = '\0';
        if (mkdirs(dir) != 0 || copy_plain(found.gl_pathv[i], to, 0644) != 0) {
            fprintf(stderr, "grade: cannot copy %s\n", found.gl_pathv[i]);
            globfree(&found);
            return -1;
        }
        const char *base = strrchr(relative, '/') ? strrchr(relative, '/') + 1 : relative;
        snprintf(t->name, sizeof t->name, "%.*s", (int)(strcspn(base, ".")), base);
        t->hidden = hidden;
        g->trace_count++;
    }
    globfree(&found);
    return 0;
}

static int setup_work(struct grading *g)
{
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || tmp[0] == '\0')
        tmp = "/tmp";
    snprintf(g->work, sizeof g->work, "%s/heapkit-grade.XXXXXX", tmp);
    if (mkdtemp(g->work) == NULL || chmod(g->work, 0755) != 0) {
        fprintf(stderr, "grade: cannot make a work directory in %s: %s\n", tmp, strerror(errno));
        return -1;
    }
    char path[GRADE_PATH * 2], from[GRADE_PATH * 2];
    const char *dirs[] = { "include", "src", "bin", "lib", "ref", "scaling" };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", g->work, dirs[i]);
        if (mkdir(path, 0755) != 0)
            return -1;
    }
    struct { const char *from, *to; } files[] = {
        { "stages/heapmgr.h", "include/heapmgr.h" },
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(from, sizeof from, "%s/%s", g->kit, files[i].from);
        snprintf(path, sizeof path, "%s/%s", g->work, files[i].to);
        if (copy_plain(from, path, 0644) != 0) {
            fprintf(stderr, "grade: cannot copy %s\n", from);
            return -1;
        }
    }
    /* The runner's main: the sandboxed one when the kit has it. */
    char sandbox_main[GRADE_PATH * 2], sandbox_lib[GRADE_PATH * 2];
    snprintf(sandbox_main, sizeof sandbox_main, "%s/grader/sandboxed_main.o", g->build);
    snprintf(sandbox_lib, sizeof sandbox_lib, "%s/grader/libsandbox.a", g->build);
    g->sandboxed = access(sandbox_main, R_OK) == 0 && access(sandbox_lib, R_OK) == 0;
    struct { const char *from; const char *to; } libs[] = {
        { "libharness.a", "lib/libharness.a" },
        { g->sandboxed ? "grader/sandboxed_main.o" : "obj/harness/main_stage.o", "lib/main.o" },
        { g->sandboxed ? "grader/libsandbox.a" : NULL, "lib/libsandbox.a" },
    };
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        if (libs[i].from == NULL)
            continue;
        snprintf(from, sizeof from, "%s/%s", g->build, libs[i].from);
        snprintf(path, sizeof path, "%s/%s", g->work, libs[i].to);
        if (copy_plain(from, path, 0644) != 0) {
            fprintf(stderr, "grade: cannot copy %s (run make grader)\n", from);
            return -1;
        }
    }
    if (!g->sandboxed)
        grading_note(g, "WARNING: graded WITHOUT the run-time sandbox (%s is not built): student code ran with "
                     "limits and a timeout but no system-call filter", sandbox_lib);
    for (size_t i = 0; i < g->stage_count; i++) {
        snprintf(from, sizeof from, "%s/stages/%s", g->build, g->stages[i]);
        snprintf(path, sizeof path, "%s/ref/%s", g->work, g->stages[i]);
        if (access(from, X_OK) == 0 && copy_plain(from, path, 0755) != 0)
            return -1;
    }
    if (add_traces(g, g->rubric.public_traces, 0) != 0 || add_traces(g, g->rubric.hidden_traces, 1) != 0)
        return -1;
    if (g->trace_count == 0) {
        fprintf(stderr, "grade: no trace matches %s or %s\n", g->rubric.public_traces, g->rubric.hidden_traces);
        return -1;
    }
    for (int i = 0; i < SCALING_LENGTHS; i++) {
        snprintf(from, sizeof from, "%s/scaling/freelist-%u.rep", g->build, SCALING_FREE_CHUNKS[i]);
        if (access(from, R_OK) != 0) {
            char command[GRADE_PATH * 3];
            snprintf(command, sizeof command, "mkdir -p '%s/scaling' && '%s/gen/freelist' '%s/scaling' >/dev/null",
                     g->build, g->build, g->build);
            if (system(command) != 0) {
                fprintf(stderr, "grade: cannot make the free-list workloads with %s/gen/freelist\n", g->build);
                return -1;
            }
        }
        snprintf(g->scaling[i], sizeof g->scaling[i], "scaling/freelist-%u.rep", SCALING_FREE_CHUNKS[i]);
        snprintf(path, sizeof path, "%s/%s", g->work, g->scaling[i]);
        if (copy_plain(from, path, 0644) != 0)
            return -1;
    }
    return 0;
}

static void remove_tree(const char *path)
{
    char *argv[] = { "rm", "-rf", (char *)path, NULL };
    char *output;
    run_tool(argv, NULL, 0, 120, &output);
    free(output);
}

int grade_submission(struct grading *g)
{
    if (grading_slot_begin(g) != 0)
        return -1;
    if (setup_work(g) != 0) {
        grading_slot_end(g);
        if (g->work[0] && !g->keep_work)
            remove_tree(g->work);
        return -1;
    }
    for (size_t i = 0; i < g->stage_count; i++)
        grade_stage(g, rubric_stage(&g->rubric, g->stages[i]));
    grading_slot_end(g);
    if (g->keep_work)
        fprintf(stderr, "grade: the work directory is kept: %s\n", g->work);
    else
        remove_tree(g->work);
    return 0;
}
