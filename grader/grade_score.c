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
#include "grade_hidden.h"
#include "reference_cache.h"

#include "report.h"
#include "scaling.h"
#include "text.h"
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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

/* The runner is the kit's own code (fence/main_runner.c): it runs as the grader does, and
 * confines each stage program it starts itself. Its limits keep a fault of the machine from
 * holding up the grading; the stage's own limits are the fence's. */
static struct run_limits runner_limits(const struct grading *g)
{
    const struct rubric *r = &g->rubric;
    return (struct run_limits){
        .wall_seconds = r->runner_seconds, .cpu_seconds = r->runner_seconds,
        .file_bytes = 0, .nofile = 256, .as_nobody = 0,
    };
}

/* Run `runner` (its stage is `stage`) on traces; fill results[i] for each (0: no result). The
 * runner is the kit's fence runner with `runner` as its stage program, or, for a reference
 * that is not timed (`linked`), the kit's own runner with the reference linked in: kit code
 * through and through, so it needs no fence, and runs several times faster. Timed against the
 * C library, `reference` (NULL: none) is the reference stage's program, timed in the same runs
 * (the results' reference_ratio). */
void grade_run_stage(struct grading *g, const char *runner, const char *reference, int linked, const char *stage,
                     enum timing timing, const char *limit, char *const traces[], size_t count,
                     struct trace_result *results, int *got, struct run_outcome *outcome)
{
    char as[128], runs[16], seconds[32], uid[16], data[32], jail[GRADE_PATH + 16], runner_path[GRADE_PATH * 2],
        libc_program[GRADE_PATH * 2];
    snprintf(as, sizeof as, "build/replay -s %s", stage);
    snprintf(runs, sizeof runs, "%u", g->rubric.runs);
    snprintf(seconds, sizeof seconds, "%g", g->rubric.replay_seconds);
    snprintf(uid, sizeof uid, "%u", (unsigned)g->slot.uid);
    snprintf(data, sizeof data, "%llu", g->rubric.static_bytes_limit + GRADE_PROGRAM_DATA_ALLOWANCE_BYTES);
    snprintf(jail, sizeof jail, "%s/jail", g->work);
    snprintf(runner_path, sizeof runner_path, "%s/lib/runner", g->work);
    snprintf(libc_program, sizeof libc_program, "%s/lib/libc-program", g->work);
    char *argv[GRADE_MAX_TRACES + 32];
    int argc = 0;
    argv[argc++] = linked ? (char *)runner : runner_path;
    if (!linked) {
        argv[argc++] = "--program";
        argv[argc++] = (char *)runner;
        argv[argc++] = "--libc-program";
        argv[argc++] = libc_program;
        argv[argc++] = "--program-data";
        argv[argc++] = data;
        if (reference != NULL && timing == TIMING_AGAINST_LIBC) {
            argv[argc++] = "--reference-program";
            argv[argc++] = (char *)reference;
        }
    }
    if (linked) {
        /* the kit's reference, linked in: nothing to confine */
    } else if (g->sandboxed && g->slot.index >= 0) {
        argv[argc++] = "--run-as";
        argv[argc++] = uid;
        argv[argc++] = "--jail";
        argv[argc++] = jail;
    } else {
        argv[argc++] = "--no-filter";
    }
    argv[argc++] = "--as";
    argv[argc++] = as;
    argv[argc++] = "--limit";
    argv[argc++] = (char *)limit;
    argv[argc++] = "-t";
    argv[argc++] = seconds;
    argv[argc++] = "--results-fd";
    argv[argc++] = "3";
    if (timing == TIMING_NONE) {
        argv[argc++] = "--no-time";
    } else if (timing == TIMING_PROBE) {
        argv[argc++] = "-c";
        argv[argc++] = "--probe-checker";
    } else {
        argv[argc++] = "-n";
        argv[argc++] = runs;
        if (timing == TIMING_STAGE_ONLY)
            argv[argc++] = "--stage-only";
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
    snprintf(out, size, "%s", text != NULL ? text_last_lines(text, strlen(text), lines) : "");
}

struct stage_results {
    struct trace_result *student, *reference;
    int *student_got, *reference_got;
};

/* ---- what each stage is about ------------------------------------------------------------ *
 *
 * A stage's correctness points are for doing what the stage is about (rubric.ini, promise):
 *   reuse  each trace is replayed under a memory limit of reuse_factor times its peak live
 *          payload (at least that plus 64 KiB): any allocator that reuses freed memory fits with
 *          room to spare; running out there (a refused call or a NULL) fails the trace. And
 *          the stage must pass at least reuse_share of the traces that need reuse (their
 *          requests add up to more than that limit), or it earns no correctness points: an
 *          allocator that never reuses passes only the traces that need none.
 *   map    every block comes from a mapping of its own: a trace that allocates must see hm_mmap.
 */

static int needs_reuse(const struct grading *g, const struct trace_entry *t)
{
    return (double)t->requested_bytes > g->rubric.reuse_factor * (double)t->peak_live_bytes;
}

static uint64_t reuse_limit_bytes(const struct grading *g, const struct trace_entry *t)
{
    uint64_t limit = (uint64_t)(g->rubric.reuse_factor * (double)t->peak_live_bytes);
    uint64_t least = t->peak_live_bytes + (UINT64_C(64) << 10);
    if (limit < least)
        limit = least;
    return limit < g->rubric.memory_limit_bytes ? limit : g->rubric.memory_limit_bytes;
}

/* The memory limit a stage's replay of the trace gets (the runner's --limit), as text. */
static void trace_limit(const struct grading *g, const struct stage_rubric *sr, const struct trace_entry *t,
                        char *out, size_t out_size)
{
    if (sr->promise == PROMISE_REUSE)
        snprintf(out, out_size, "%llu", (unsigned long long)reuse_limit_bytes(g, t));
    else
        snprintf(out, out_size, "%s", g->rubric.memory_limit);
}

static void fail_trace(struct trace_result *r, const struct trace_entry *t, const char *why)
{
    r->correct = 0;
    snprintf(r->error, sizeof r->error, "%s: %s", t->path, why);
}

static void keep_promise(struct grading *g, const struct stage_rubric *sr, struct stage_results *s)
{
    size_t need_reuse = 0, reused = 0;
    for (size_t i = 0; i < g->trace_count; i++) {
        const struct trace_entry *t = &g->traces[i];
        struct trace_result *r = &s->student[i];
        if (!s->student_got[i] || !r->correct)
            continue;
        char why[1024];
        if (sr->promise == PROMISE_REUSE && (r->null_results > 0 || r->counts.enomem > 0)) {
            snprintf(why, sizeof why,
                     "the stage ran out of memory under the reuse limit of %llu bytes (%g times the trace's peak "
                     "live payload of %llu bytes): an allocator that reuses freed memory fits here with room to "
                     "spare\n    reproduce: build/replay -s %s --limit %llu %s", (unsigned long long)reuse_limit_bytes(g, t),
                     g->rubric.reuse_factor, (unsigned long long)t->peak_live_bytes, sr->name,
                     (unsigned long long)reuse_limit_bytes(g, t), t->path);
            fail_trace(r, t, why);
        } else if (sr->promise == PROMISE_MAP && t->requested_bytes > 0 && r->counts.mmap == 0) {
            snprintf(why, sizeof why, "the stage never called hm_mmap: stage %s gives every block a mapping of its "
                     "own\n    reproduce: build/replay -s %s %s", sr->name, sr->name, t->path);
            fail_trace(r, t, why);
        }
    }
    if (sr->promise != PROMISE_REUSE)
        return;
    for (size_t i = 0; i < g->trace_count; i++)
        if (needs_reuse(g, &g->traces[i])) {
            need_reuse++;
            reused += s->student_got[i] && s->student[i].correct;
        }
    if (need_reuse == 0 || (double)reused >= g->rubric.reuse_share * (double)need_reuse)
        return;
    for (size_t i = 0; i < g->trace_count; i++) {
        if (!s->student_got[i] || !s->student[i].correct)
            continue;
        char why[512];
        snprintf(why, sizeof why, "passed, but earns nothing: stage %s is about reusing freed memory, and it passed "
                 "only %zu of the %zu traces that need reuse (at least %.0f%% must pass)", sr->name, reused, need_reuse,
                 100 * g->rubric.reuse_share);
        fail_trace(&s->student[i], &g->traces[i], why);
    }
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
    double high = sr->utilization_high > 0 ? sr->utilization_high : g->rubric.utilization_high;
    double score = round2(points * scaled(ratio, g->rubric.utilization_low, high));
    snprintf(output, sizeof output,
             "mean utilization %.3f against the reference's %.3f: %.0f%% of it (all points from %.0f%%, none at "
             "%.0f%% or below)", student, reference, 100 * ratio, 100 * high,
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
        const struct trace_result *a = &s->student[i]; /* the reference was timed in its runs */
        if (a->timed && a->speed_ratio > 0 && a->reference_ratio > 0) {
            student_log += log(a->speed_ratio);
            reference_log += log(a->reference_ratio);
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
             "%.2fx the C library's speed against the reference's %.2fx, %s: %.0f%% of it (all "
             "points from %.0f%%, none at %.0f%% or below)\n    see: build/replay -s %s,libc",
             student, reference,
             g->recorded_reference != NULL ? "the reference's as recorded when the kit was made (another machine "
                                             "and moment: an estimate)"
                                           : "both measured now",
             100 * ratio, 100 * g->rubric.throughput_high, 100 * g->rubric.throughput_low, sr->name);
    grading_add(g, sr->name, KIND_THROUGHPUT, "throughput", score, points, 0, output);
}

static void describe_growth(char *out, size_t size, const char *what, const double cost[SCALING_LENGTHS],
                            enum cost_unit unit, enum growth growth, int required)
{
    const char *name = scaling_unit_name(unit);
    snprintf(out, size, "%s: %.0f %s at 1k free chunks, %.0f %s at 10k, %.0f %s at 100k: %s%s", what, cost[0], name,
             cost[1], name, cost[2], name, scaling_growth_name(growth), required ? " (must be O(1))" : " (not graded)");
}

static void score_complexity(struct grading *g, const struct stage_rubric *sr, const char *runner, size_t correct)
{
    double points = sr->points[KIND_COMPLEXITY];
    char output[1024];
    if (!every_trace_correct(g, sr, KIND_COMPLEXITY, "complexity", correct))
        return;
    char *traces[SCALING_LENGTHS];
    for (int i = 0; i < SCALING_LENGTHS; i++)
        traces[i] = g->scaling[i];
    static struct trace_result results[SCALING_LENGTHS];
    int got[SCALING_LENGTHS];
    struct scaling_row best = { .malloc_growth = GROWTH_UNKNOWN, .free_growth = GROWTH_UNKNOWN };
    int ok = 0;
    /* Measured at most twice: noise only ever adds time (and instructions, where they are
     * counted, have none), so an O(1) stage that shows O(1) once is O(1), and an O(n) one never
     * shows a 100-fold longer list costing the same. */
    for (int attempt = 0; attempt < 2 && !ok; attempt++) {
        struct run_outcome outcome;
        grade_run_stage(g, runner, NULL, 0, sr->name, TIMING_STAGE_ONLY, g->rubric.memory_limit, traces, SCALING_LENGTHS, results,
                  got, &outcome);
        run_outcome_free(&outcome);
        struct stage_run run = { .results = results, .count = 0 };
        snprintf(run.name, sizeof run.name, "%s", sr->name);
        for (int i = 0; i < SCALING_LENGTHS; i++)
            if (got[i])
                run.count = (size_t)i + 1;
        struct scaling_row row = scaling_measure(&run);
        if (!got[0] || !got[1] || !got[2]) {
            for (int i = 0; i < SCALING_LENGTHS; i++)
                row.malloc_cost[i] = row.free_cost[i] = -1;
            row.malloc_growth = row.free_growth = GROWTH_UNKNOWN;
        }
        ok = (!sr->malloc_o1 || row.malloc_growth == GROWTH_CONSTANT) &&
             (!sr->free_o1 || row.free_growth == GROWTH_CONSTANT);
        if (attempt == 0 || ok)
            best = row;
    }
    char line1[256], line2[256];
    describe_growth(line1, sizeof line1, "malloc", best.malloc_cost, best.malloc_unit, best.malloc_growth,
                    sr->malloc_o1);
    describe_growth(line2, sizeof line2, "free", best.free_cost, best.free_unit, best.free_growth, sr->free_o1);
    snprintf(output, sizeof output, "%s\n%s\n    reproduce: build/replay -s %s --scaling", line1, line2, sr->name);
    if (best.malloc_growth == GROWTH_UNKNOWN && best.free_growth == GROWTH_UNKNOWN)
        snprintf(output, sizeof output, "the free-list workloads did not run to the end\n    reproduce: "
                 "build/replay -s %s --scaling", sr->name);
    grading_add(g, sr->name, KIND_COMPLEXITY, "complexity", ok ? points : 0, points, 0, output);
}

/* The build test of a stage: its points when it built, and what the compiler and the checks
 * said. Returns 1 when the stage program was linked. */
static int score_build(struct grading *g, const struct stage_rubric *sr, const struct stage_build *b)
{
    char *text = NULL;
    size_t text_size = 0;
    FILE *out = open_memstream(&text, &text_size);
    if (out == NULL) {
        fprintf(stderr, "grade: out of memory\n");
        exit(2);
    }
    if (!b->submitted)
        fprintf(out, "not submitted: the submission has no %s.c", sr->name);
    else if (!b->compiled)
        fprintf(out, "%s.c does not compile:\n%s", sr->name, b->compiler_output ? b->compiler_output : b->violation);
    else if (!b->allowed || !b->linked)
        fprintf(out, "%s", b->violation);
    else if (b->compiler_output != NULL && b->compiler_output[0] != '\0')
        fprintf(out, "compiled, with warnings (not fatal):\n%s", b->compiler_output);
    else
        fprintf(out, "compiled cleanly");
    fclose(out);
    grading_add(g, sr->name, KIND_BUILD, "build", b->linked ? sr->points[KIND_BUILD] : 0, sr->points[KIND_BUILD], 0,
                text);
    free(text);
    if (!b->linked)
        not_graded(g, sr, b->submitted ? "not graded: the stage did not build (see its build test)"
                                       : "not graded: the stage was not submitted");
    return b->linked;
}

/* How a stage's traces are run: its program; the reference linked into the kit's runner, for
 * its utilization (NULL: none); timed or not, and then the reference's program, timed in the
 * stage's own runs (NULL: none). */
struct stage_plan {
    const char *program;
    const char *reference;
    int timed;
    const char *timed_reference;
    int recorded;          /* the reference's results are read from --recorded-reference */
    int reference_digested; /* reference_digest holds the reference program's SHA-256 */
    uint8_t reference_digest[SHA256_DIGEST_BYTES];
};

/* The reference's untimed result on a trace: kept from an earlier grading when the trace is
 * public (reference_cache.h), else measured now (and kept). */
int grade_reference_kept(struct grading *g, const char *reference, const uint8_t *digest, const char *stage,
                         const struct trace_entry *t, enum timing timing, const char *limit, struct trace_result *result)
{
    char name[REFERENCE_CACHE_NAME_BYTES], dir[GRADE_PATH * 2], file[GRADE_PATH * 3], key[96];
    snprintf(dir, sizeof dir, "%s/grader/reference-results", g->build);
    snprintf(file, sizeof file, "%s/%s", g->work, t->path);
    /* The key: the limit, and what was run (the untimed results' names are the limit alone). */
    snprintf(key, sizeof key, "%s%s", timing == TIMING_PROBE ? "probes " : "", limit);
    int probes = timing == TIMING_PROBE;
    int keep = !t->hidden && digest != NULL && reference_cache_name(digest, file, t->path, key, name) == 0;
    if (keep && reference_kept_read(dir, name, t->path, result) && (probes ? result->probed : !result->timed))
        return 1;
    char *trace[1] = { (char *)t->path };
    int got = 0;
    struct run_outcome outcome;
    grade_run_stage(g, reference, NULL, 1, stage, timing, limit, trace, 1, result, &got, &outcome);
    run_outcome_free(&outcome);
    if (keep && got && (probes ? result->probed : !result->timed))
        reference_kept_write(dir, name, result);
    return got;
}

static void run_reference(struct grading *g, const struct stage_rubric *sr, const struct stage_plan *plan,
                          const struct trace_entry *t, const char *limit, struct trace_result *result, int *got)
{
    if (plan->recorded)
        *got = grade_recorded_get(g, sr->name, t, "untimed", result);
    else
        *got = grade_reference_kept(g, plan->reference, plan->reference_digested ? plan->reference_digest : NULL,
                                    sr->name, t, TIMING_NONE, limit, result);
    if (*got && !plan->recorded)
        grade_recorded_put(g, sr->name, t, "untimed", result);
}

/* The reference's speed against the C library on each public trace: kept with the stage's timed
 * result (it was timed in the same runs) for --record-reference; put back into the stage's
 * results from --recorded-reference, where no reference program ran. */
static void record_speeds(struct grading *g, const struct stage_rubric *sr, const struct stage_plan *plan,
                          struct stage_results *s)
{
    for (size_t i = 0; i < g->trace_count; i++) {
        struct trace_result *r = &s->student[i];
        if (!s->student_got[i] || !r->timed)
            continue;
        static struct trace_result recorded;
        if (plan->recorded && grade_recorded_get(g, sr->name, &g->traces[i], "timed", &recorded))
            r->reference_ratio = recorded.reference_ratio;
        else if (!plan->recorded && r->reference_ratio > 0)
            grade_recorded_put(g, sr->name, &g->traces[i], "timed", r);
    }
}

/* Has the grading spent its time budget? */
static int over_budget(const struct grading *g)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double elapsed = (double)(now.tv_sec - g->started.tv_sec) + (double)(now.tv_nsec - g->started.tv_nsec) / 1e9;
    return elapsed > g->rubric.submission_seconds;
}

/* Every trace, the stage's program and then the reference's, one after the other so that both
 * see the same moment of the machine. A stage that hangs stop_after_timeouts times, or a
 * grading past its budget, runs no further trace: skip[i] says why. */
static void run_traces(struct grading *g, const struct stage_rubric *sr, const struct stage_plan *plan,
                       struct stage_results *s, const char **skip)
{
    unsigned timeouts = 0;
    static char hung_text[512], budget_text[512];
    snprintf(hung_text, sizeof hung_text, "not run: stage %s hung on %u traces already (each was stopped)", sr->name,
             g->rubric.stop_after_timeouts);
    snprintf(budget_text, sizeof budget_text, "not run: the grading spent its time budget (submission_seconds = %g)",
             g->rubric.submission_seconds);
    for (size_t i = 0; i < g->trace_count; i++) {
        const struct trace_entry *t = &g->traces[i];
        char *trace[1] = { g->traces[i].path };
        if (timeouts >= g->rubric.stop_after_timeouts || over_budget(g)) {
            skip[i] = timeouts >= g->rubric.stop_after_timeouts ? hung_text : budget_text;
            continue;
        }
        struct run_outcome outcome;
        char limit[32];
        trace_limit(g, sr, t, limit, sizeof limit);
        grade_run_stage(g, plan->program, plan->timed_reference, 0, sr->name, plan->timed ? TIMING_AGAINST_LIBC : TIMING_NONE, limit, trace, 1, &s->student[i], &s->student_got[i],
                  &outcome);
        struct run_limits limits = runner_limits(g);
        if (!s->student_got[i] && !t->hidden) {
            char how[256], tail[2048];
            run_describe(&outcome, &limits, how, sizeof how);
            tail_of(outcome.output, tail, sizeof tail, 12);
            snprintf(s->student[i].error, sizeof s->student[i].error,
                     "%s: the stage's runner %s before it reported a result%s%s\n    reproduce: build/replay -s %s "
                     "--limit %s %s", t->path, how, tail[0] ? "; it printed:\n" : "", tail, sr->name, limit, t->path);
            s->student_got[i] = 1; /* a result that says why */
            s->student[i].correct = 0;
        }
        if (outcome.timed_out || (s->student_got[i] && s->student[i].hung))
            timeouts++;
        run_outcome_free(&outcome);
        if (plan->reference != NULL)
            run_reference(g, sr, plan, t, limit, &s->reference[i], &s->reference_got[i]);
    }
}

/* Utilization and throughput against the reference, or all-or-nothing without one. */
static void score_measures(struct grading *g, const struct stage_rubric *sr, const struct stage_plan *plan,
                           struct stage_results *s, size_t correct)
{
    for (enum kind kind = KIND_UTILIZATION; kind <= KIND_THROUGHPUT; kind++) {
        if (sr->points[kind] <= 0)
            continue;
        if (plan->reference == NULL) {
            if (g->pregrade)
                grade_no_reference(g, sr, kind);
            else if (every_trace_correct(g, sr, kind, KIND_NAMES[kind], correct))
                grading_add(g, sr->name, kind, KIND_NAMES[kind], sr->points[kind], sr->points[kind], 0,
                            "no reference to compare with");
        } else if (kind == KIND_UTILIZATION) {
            score_utilization(g, sr, s, correct);
        } else {
            score_throughput(g, sr, s, correct);
        }
    }
}

void grade_no_reference(struct grading *g, const struct stage_rubric *sr, enum kind kind)
{
    char why[256];
    snprintf(why, sizeof why, "not pre-graded: this kit has no reference stage %s, which the real grading compares "
             "with (%g points)", sr->name, sr->points[kind]);
    grading_add(g, sr->name, kind, KIND_NAMES[kind], 0, 0, 0, why);
}

/* Grade one stage from its build (build_free'd here). */
static void grade_stage(struct grading *g, const struct stage_rubric *sr, struct stage_build *b)
{
    if (!score_build(g, sr, b)) {
        build_free(b);
        return;
    }
    struct stage_plan plan = { .program = b->runner, .timed = sr->points[KIND_THROUGHPUT] > 0 };
    /* The reference's utilization is the same linked in as behind the fence, and comes faster.
     * Timed, its program runs as the stage's does (a static program behind the fence), in the
     * same runs as the stage's and the C library's, so that their speeds compare. */
    char reference[GRADE_PATH * 2], timed_reference[GRADE_PATH * 2];
    snprintf(reference, sizeof reference, "%s/ref/%s-linked", g->work, sr->name);
    snprintf(timed_reference, sizeof timed_reference, "%s/ref/%s", g->work, sr->name);
    if ((sr->points[KIND_UTILIZATION] > 0 || plan.timed) && g->recorded_reference != NULL) {
        plan.reference = "recorded";
        plan.recorded = 1; /* the stage is timed against the C library alone */
    } else if (sr->points[KIND_UTILIZATION] > 0 || plan.timed) {
        if (access(reference, X_OK) == 0 && (!plan.timed || access(timed_reference, X_OK) == 0)) {
            plan.reference = reference;
            plan.timed_reference = plan.timed ? timed_reference : NULL;
            plan.reference_digested = reference_cache_file_digest(reference, plan.reference_digest) == 0;
        } else if (!g->pregrade) {
            grading_note(g, "no reference stage %s in the kit's build: utilization and throughput of %s get full "
                         "points", sr->name, sr->name);
        }
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
    run_traces(g, sr, &plan, &s, skip);
    record_speeds(g, sr, &plan, &s);
    keep_promise(g, sr, &s);
    score_correctness(g, sr, &s, skip);
    size_t correct = 0;
    for (size_t i = 0; i < g->trace_count; i++)
        correct += s.student_got[i] && s.student[i].correct;
    score_measures(g, sr, &plan, &s, correct);
    if (sr->points[KIND_COMPLEXITY] > 0)
        score_complexity(g, sr, b->runner, correct);
    if (sr->points[KIND_CHECKER] > 0)
        score_checker(g, sr, b->runner, s.student, s.student_got);
    free(s.student);
    free(s.reference);
    free(s.student_got);
    free(s.reference_got);
    free(skip);
    build_free(b);
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

/* The kit's files copied into the work directory (a trace may be large: 1 GiB at most). */
static int copy_plain(const char *from, const char *to, mode_t mode)
{
    char error[GRADE_PATH * 2];
    return copy_file(from, to, (size_t)1 << 30, mode, error, sizeof error);
}

/* Copy the traces a glob (relative to the kit) names to the same relative paths in WORK. */
/* The traces of one glob pattern from the kit's root, copied into the work directory. */
static int add_trace_pattern(struct grading *g, const char *pattern, int pattern_length, int hidden)
{
    char full[GRADE_PATH * 2];
    snprintf(full, sizeof full, "%s/%.*s", g->kit, pattern_length, pattern);
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

/* The traces of `patterns`: glob patterns from the kit's root, separated by spaces (the
 * synthetic traces' and the real programs', say: grader/README.md). */
static int add_traces(struct grading *g, const char *patterns, int hidden)
{
    for (const char *at = patterns + strspn(patterns, " \t"); *at != '\0'; at += strspn(at, " \t")) {
        int length = (int)strcspn(at, " \t");
        if (add_trace_pattern(g, at, length, hidden) != 0)
            return -1;
        at += length;
    }
    return 0;
}

/* What each trace asks of an allocator: its peak live payload, all it requests (stage promises). */
static int measure_traces(struct grading *g)
{
    static struct trace trace;
    for (size_t i = 0; i < g->trace_count; i++) {
        struct trace_entry *t = &g->traces[i];
        char path[GRADE_PATH * 2], error[GRADE_PATH + 256];
        snprintf(path, sizeof path, "%s/%s", g->work, t->path);
        if (trace_load(path, &trace, error, sizeof error) != 0) {
            fprintf(stderr, "grade: %s\n", error);
            return -1;
        }
        t->peak_live_bytes = trace_peak_live_bytes(&trace);
        t->requested_bytes = trace.payload_bytes_total;
        trace_release(&trace);
    }
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
    /* The fence: the kit's runner, the C library's program, the stage side a submission is
     * linked with; an empty directory, the root of every stage program. */
    struct { const char *from; const char *to; mode_t mode; } libs[] = {
        { "fence/runner", "lib/runner", 0755 },
        { "fence/libc", "lib/libc-program", 0755 },
        { "fence/libstageside.a", "lib/libstageside.a", 0644 },
    };
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        snprintf(from, sizeof from, "%s/%s", g->build, libs[i].from);
        snprintf(path, sizeof path, "%s/%s", g->work, libs[i].to);
        if (copy_plain(from, path, libs[i].mode) != 0) {
            fprintf(stderr, "grade: cannot copy %s (run make grader)\n", from);
            return -1;
        }
    }
    snprintf(path, sizeof path, "%s/jail", g->work);
    if (mkdir(path, 0555) != 0 || chmod(path, 0555) != 0) {
        fprintf(stderr, "grade: cannot make the empty directory %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (g->pregrade)
        grading_note(g, "PRE-GRADE (make grade): the public part of the rubric, graded as the grader grades it. The "
                     "real grading adds the hidden traces (%s), made from the instructor's secret, over which "
                     "correctness is split too, and runs each stage as a user of its own, with a system-call "
                     "filter, in an empty root", g->rubric.hidden[0] ? g->rubric.hidden : "none in this rubric");
    else if (!g->sandboxed)
        grading_note(g, "NOT SANDBOXED (--no-sandbox): a local, unofficial run: student code ran with limits and a "
                     "timeout, in a program of its own, but as you, without the system-call filter");
    for (size_t i = 0; i < g->stage_count; i++) {
        snprintf(from, sizeof from, "%s/stages/%s", g->build, g->stages[i]);
        snprintf(path, sizeof path, "%s/ref/%s-linked", g->work, g->stages[i]);
        if (access(from, X_OK) == 0 && copy_plain(from, path, 0755) != 0)
            return -1;
        snprintf(from, sizeof from, "%s/fence/stages/%s", g->build, g->stages[i]);
        snprintf(path, sizeof path, "%s/ref/%s", g->work, g->stages[i]);
        if (access(from, X_OK) == 0 && copy_plain(from, path, 0755) != 0)
            return -1;
    }
    if (add_traces(g, g->rubric.public_traces, 0) != 0 || (!g->pregrade && hidden_traces_add(g) != 0))
        return -1;
    if (g->trace_count == 0) {
        fprintf(stderr, "grade: no trace: %s matches none, and the rubric names no hidden ones\n", g->rubric.public_traces);
        return -1;
    }
    if (measure_traces(g) != 0 || checker_traces_check(g) != 0)
        return -1;
    char workloads[SCALING_LENGTHS][SCALING_PATH_BYTES], error[SCALING_PATH_BYTES + 128];
    if (scaling_workloads(g->build, workloads, error, sizeof error) != 0) {
        fprintf(stderr, "grade: %s\n", error);
        return -1;
    }
    for (int i = 0; i < SCALING_LENGTHS; i++) {
        snprintf(g->scaling[i], sizeof g->scaling[i], "scaling/freelist-%u.rep", SCALING_FREE_CHUNKS[i]);
        snprintf(path, sizeof path, "%s/%s", g->work, g->scaling[i]);
        if (copy_plain(workloads[i], path, 0644) != 0)
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
    /* The builds first, all at once: they are independent, and the replays wait on all of them. */
    static struct stage_build builds[GRADE_MAX_STAGES]; /* 6 KiB each: not on the stack */
    build_stages(g, builds);
    for (size_t i = 0; i < g->stage_count; i++)
        grade_stage(g, rubric_stage(&g->rubric, g->stages[i]), &builds[i]);
    grading_slot_end(g);
    if (g->keep_work)
        fprintf(stderr, "grade: the work directory is kept: %s\n", g->work);
    else
        remove_tree(g->work);
    return 0;
}
