/*
 * plot_data.c: build/plot-data, the JSON that build/replay saves (--save-json) as the data
 * files that the gnuplot scripts of plots/ draw.
 *
 *   build/plot-data -o DIR [--suite FILE.json] [--scaling FILE.json]
 *
 * --suite is a run over traces (make compare's first replay), --scaling a run with --scaling
 * (its second). Written into DIR, for the scripts to read:
 *
 *   stages.gp               gnuplot variables: the stages in the run's order, which are
 *                           baselines, how many traces of each group, the scaling's stages
 *   summary.dat             a row per stage: utilization, speed vs libc, Kops/s; two blocks
 *                           (gnuplot's index 0 and 1): the synthetic traces, the real programs'
 *   trace-utilization.dat   a row per trace, a column per stage; trace-speed.dat: speed vs libc
 *   scaling.dat             a block per stage: free chunks kept, ns per malloc, ns per free
 *
 * A figure that was not measured (a failed trace, an untimed run) is "-", which the scripts
 * leave out. The summaries are report.c's own (report_summarize_group), so a plot shows what
 * the tables print. A file that is not what build/replay writes is refused with
 * FILE:LINE: problem, and exit status 2.
 */
#include "json.h"
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *program = "plot-data";

/* A run as build/replay had it: the stages' names and flags and their per-trace results,
 * with what the plots need filled in. */
struct run {
    struct stage_run *stages;
    size_t count;
};

/* ---- reading ---------------------------------------------------------------------------- */

static int read_number(struct json_file *file, const struct json_value *object, const char *key, double *out)
{
    const struct json_value *value = json_member(file, object, key, JSON_NUMBER);
    if (value == NULL)
        return -1;
    *out = value->number;
    return 0;
}

static int read_count(struct json_file *file, const struct json_value *object, const char *key, uint64_t *out)
{
    double number;
    if (read_number(file, object, key, &number) != 0)
        return -1;
    if (number < 0 || number > 1.8e19 || number != (double)(uint64_t)number) {
        json_problem(file, json_member(file, object, key, JSON_NUMBER), "\"%s\" should be a count, not %g", key,
                     number);
        return -1;
    }
    *out = (uint64_t)number;
    return 0;
}

static int read_flag(struct json_file *file, const struct json_value *object, const char *key, int *out)
{
    const struct json_value *value = json_member(file, object, key, JSON_BOOL);
    if (value == NULL)
        return -1;
    *out = value->number != 0;
    return 0;
}

static int read_text(struct json_file *file, const struct json_value *object, const char *key, char *out,
                     size_t out_size)
{
    const struct json_value *value = json_member(file, object, key, JSON_STRING);
    if (value == NULL)
        return -1;
    if (strlen(value->text) >= out_size) {
        json_problem(file, value, "\"%s\" is longer than %zu bytes", key, out_size - 1);
        return -1;
    }
    snprintf(out, out_size, "%s", value->text);
    return 0;
}

/* A timed segment: its name, operations and median seconds. */
static int read_segment(struct json_file *file, const struct json_value *json, struct segment_result *segment)
{
    uint64_t ops;
    if (read_text(file, json, "name", segment->name, sizeof segment->name) != 0 ||
        read_count(file, json, "ops", &ops) != 0 || read_number(file, json, "seconds", &segment->seconds) != 0)
        return -1;
    segment->ops = (uint32_t)ops;
    return 0;
}

static int read_trace(struct json_file *file, const struct json_value *json, struct trace_result *r)
{
    const struct json_value *calls, *segments;
    if (read_text(file, json, "trace", r->trace_path, sizeof r->trace_path) != 0 ||
        read_text(file, json, "name", r->trace_name, sizeof r->trace_name) != 0 ||
        read_count(file, json, "ops", &r->ops) != 0 || read_flag(file, json, "correct", &r->correct) != 0 ||
        read_count(file, json, "peak_payload_bytes", &r->peak_payload_bytes) != 0 ||
        read_count(file, json, "peak_footprint_bytes", &r->peak_footprint_bytes) != 0 ||
        read_flag(file, json, "timed", &r->timed) != 0 ||
        read_number(file, json, "stage_seconds", &r->stage_seconds) != 0 ||
        read_number(file, json, "libc_seconds", &r->libc_seconds) != 0 ||
        read_number(file, json, "speed_vs_libc", &r->speed_ratio) != 0 ||
        (calls = json_member(file, json, "system_calls", JSON_OBJECT)) == NULL ||
        read_count(file, calls, "brk", &r->counts.brk) != 0 || read_count(file, calls, "sbrk", &r->counts.sbrk) != 0 ||
        read_count(file, calls, "mmap", &r->counts.mmap) != 0 ||
        read_count(file, calls, "munmap", &r->counts.munmap) != 0 ||
        (segments = json_member(file, json, "segments", JSON_ARRAY)) == NULL)
        return -1;
    r->loaded = 1;
    if (segments->count > REPORT_MAX_SEGMENTS) {
        json_problem(file, segments, "%zu segments: build/replay writes at most %d", segments->count,
                     REPORT_MAX_SEGMENTS);
        return -1;
    }
    r->segment_count = (uint32_t)segments->count;
    for (size_t i = 0; i < segments->count; i++)
        if (read_segment(file, &segments->items[i], &r->segments[i]) != 0)
            return -1;
    return 0;
}

static int read_stage(struct json_file *file, const struct json_value *json, struct stage_run *stage)
{
    const struct json_value *traces;
    if (read_text(file, json, "stage", stage->name, sizeof stage->name) != 0 ||
        read_flag(file, json, "is_libc", &stage->is_libc) != 0 ||
        read_flag(file, json, "baseline", &stage->is_baseline) != 0 ||
        json_member(file, json, "summary", JSON_OBJECT) == NULL ||
        (traces = json_member(file, json, "traces", JSON_ARRAY)) == NULL)
        return -1;
    if (strpbrk(stage->name, " \t\"'\\") != NULL || stage->name[0] == '\0') {
        json_problem(file, json, "the stage name \"%s\" is not a name (no spaces or quotes: stages/NAME.c)",
                     stage->name);
        return -1;
    }
    stage->results = calloc(traces->count ? traces->count : 1, sizeof *stage->results);
    if (stage->results == NULL) {
        json_problem(file, traces, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < traces->count; i++, stage->count++)
        if (read_trace(file, &traces->items[i], &stage->results[i]) != 0)
            return -1;
    return 0;
}

/* The run in `path`, into `run`. Returns 0, or -1 having printed FILE:LINE: problem. */
static int read_run(const char *path, struct run *run)
{
    struct json_file file = { .path = path };
    struct json_value *top = json_read_file(&file);
    const struct json_value *stages = top == NULL ? NULL : json_member(&file, top, "stages", JSON_ARRAY);
    int status = stages == NULL ? -1 : 0;
    if (stages != NULL && stages->count == 0) {
        json_problem(&file, stages, "no stages: build/replay ran none");
        status = -1;
    }
    if (status == 0) {
        run->stages = calloc(stages->count, sizeof *run->stages);
        for (size_t s = 0; s < stages->count && status == 0; s++, run->count++)
            status = read_stage(&file, &stages->items[s], &run->stages[s]);
    }
    /* Every stage replayed the same traces: the per-trace table has a row for each. */
    for (size_t s = 1; status == 0 && s < run->count; s++) {
        const struct stage_run *first = &run->stages[0], *this = &run->stages[s];
        size_t t = 0;
        while (t < first->count && t < this->count &&
               strcmp(first->results[t].trace_path, this->results[t].trace_path) == 0)
            t++;
        if (t < first->count || t < this->count) {
            json_problem(&file, &stages->items[s], "the stage %s replayed other traces than %s (trace %zu)",
                         this->name, first->name, t + 1);
            status = -1;
        }
    }
    if (status != 0)
        fprintf(stderr, "%s\n", file.message);
    json_free(top);
    return status;
}

/* ---- writing ------------------------------------------------------------------------------ */

static FILE *open_output(const char *directory, const char *name, char *path, size_t path_size)
{
    snprintf(path, path_size, "%s/%s", directory, name);
    FILE *out = fopen(path, "w");
    if (out == NULL)
        fprintf(stderr, "%s: cannot write %s: %s\n", program, path, strerror(errno));
    return out;
}

static int close_output(FILE *out, const char *path)
{
    if (ferror(out) | (fclose(out) != 0)) {
        fprintf(stderr, "%s: cannot write %s\n", program, path);
        return -1;
    }
    return 0;
}

static void put_value(FILE *out, int present, double value)
{
    if (present)
        fprintf(out, " %.6g", value);
    else
        fputs(" -", out);
}

/* How many stages a figure shows, and the names of those it cannot (nothing measured: a stage
 * that failed every trace, or was not timed), which the scripts print beside the plot so that
 * every stage of the run is named in it. */
struct shown {
    size_t stages;
    char missing[2048];
};

static void note_shown(struct shown *shown, const char *name, int measured)
{
    size_t used = strlen(shown->missing);
    if (measured)
        shown->stages++;
    else if (used + strlen(name) + 2 < sizeof shown->missing)
        snprintf(shown->missing + used, sizeof shown->missing - used, "%s%s", used ? " " : "", name);
}

/* PREFIX_shown = N, PREFIX_missing = "NAME ..." */
static void put_shown(FILE *variables, const char *prefix, const struct shown *shown)
{
    fprintf(variables, "%s_shown = %zu\n%s_missing = \"%s\"\n", prefix, shown->stages, prefix, shown->missing);
}

/* Each stage's summary over one group of traces, as a block of rows. */
static void summary_block(FILE *out, const struct run *run, enum trace_group group, const char *title,
                          struct shown *shown)
{
    fprintf(out, "# %s\n# stage baseline utilization speed_vs_libc kops_per_second correct traces\n", title);
    for (size_t s = 0; s < run->count; s++) {
        const struct stage_run *stage = &run->stages[s];
        struct stage_summary sum = report_summarize_group(stage, group);
        fprintf(out, "%s %d", stage->name, stage->is_baseline);
        put_value(out, sum.correct > 0, sum.mean_utilization);
        put_value(out, sum.timed > 0 && sum.speed_vs_libc > 0, sum.speed_vs_libc);
        note_shown(shown, stage->name, sum.correct > 0 && sum.timed > 0 && sum.speed_vs_libc > 0);
        put_value(out, sum.timed > 0 && sum.kops_per_second > 0, sum.kops_per_second);
        fprintf(out, " %zu %zu\n", sum.correct, sum.traces);
    }
}

enum trace_figure { FIGURE_UTILIZATION, FIGURE_SPEED };

/* A row per trace (the synthetic first, then the real programs', named real/NAME), a column
 * per stage. */
static void trace_table(FILE *out, const struct run *run, enum trace_figure figure, struct shown *shown)
{
    fputs("trace", out); /* the header first: the scripts skip one line */
    for (size_t s = 0; s < run->count; s++)
        fprintf(out, " %s", run->stages[s].name);
    fprintf(out, "\n# %s per trace (rows) and stage (columns); -: not measured\n",
            figure == FIGURE_UTILIZATION ? "utilization (peak live payload / peak footprint)"
                                         : "speed vs libc (libc's time / the stage's)");
    const struct stage_run *first = &run->stages[0];
    for (int real = 0; real <= 1; real++) {
        for (size_t t = 0; t < first->count; t++) {
            if (report_is_real(first->results[t].trace_path) != real)
                continue;
            fprintf(out, "%s%s", real ? "real/" : "", first->results[t].trace_name);
            for (size_t s = 0; s < run->count; s++) {
                const struct trace_result *r = &run->stages[s].results[t];
                if (figure == FIGURE_UTILIZATION)
                    put_value(out, r->correct, result_utilization(r));
                else
                    put_value(out, r->correct && r->timed && r->speed_ratio > 0, r->speed_ratio);
            }
            fputc('\n', out);
        }
    }
    for (size_t s = 0; s < run->count; s++) {
        int measured = 0;
        for (size_t t = 0; t < run->stages[s].count; t++) {
            const struct trace_result *r = &run->stages[s].results[t];
            measured |= figure == FIGURE_UTILIZATION ? r->correct : r->correct && r->timed && r->speed_ratio > 0;
        }
        note_shown(shown, run->stages[s].name, measured);
    }
}

/* One operation of the segment `name`, in ns; -1 when not measured. */
static double segment_ns(const struct trace_result *r, const char *name)
{
    if (!r->correct || !r->timed)
        return -1;
    for (uint32_t i = 0; i < r->segment_count; i++)
        if (strcmp(r->segments[i].name, name) == 0 && r->segments[i].ops > 0)
            return r->segments[i].seconds * 1e9 / r->segments[i].ops;
    return -1;
}

/* The free chunks a scaling workload keeps, from its name (freelist-N: traces/gen/freelist.c's). */
static int free_chunks(const struct trace_result *r, unsigned *chunks)
{
    int end = 0;
    return sscanf(r->trace_name, "freelist-%u%n", chunks, &end) == 1 && r->trace_name[end] == '\0' ? 0 : -1;
}

static int scaling_table_write(FILE *out, const struct run *run, const char *path, struct shown *malloc_shown,
                               struct shown *free_shown)
{
    for (size_t s = 0; s < run->count; s++) {
        const struct stage_run *stage = &run->stages[s];
        fprintf(out, "%s# %s\n# free_chunks malloc_ns free_ns\n", s ? "\n\n" : "", stage->name);
        int malloc_measured = 0, free_measured = 0;
        for (size_t t = 0; t < stage->count; t++) {
            unsigned chunks;
            if (free_chunks(&stage->results[t], &chunks) != 0) {
                fprintf(stderr, "%s: %s: the trace %s of %s is not a scaling workload (freelist-N): "
                        "give --scaling the JSON of build/replay --scaling\n", program, path,
                        stage->results[t].trace_name, stage->name);
                return -1;
            }
            double malloc_ns = segment_ns(&stage->results[t], "malloc"), free_ns = segment_ns(&stage->results[t], "free");
            fprintf(out, "%u", chunks);
            put_value(out, malloc_ns > 0, malloc_ns);
            put_value(out, free_ns > 0, free_ns);
            fputc('\n', out);
            malloc_measured |= malloc_ns > 0;
            free_measured |= free_ns > 0;
        }
        note_shown(malloc_shown, stage->name, malloc_measured);
        note_shown(free_shown, stage->name, free_measured);
    }
    return 0;
}

static void word_list(FILE *out, const char *variable, const struct run *run, int baselines_as_flags)
{
    fprintf(out, "%s = \"", variable);
    for (size_t s = 0; s < run->count; s++) {
        if (baselines_as_flags)
            fprintf(out, "%s%d", s ? " " : "", run->stages[s].is_baseline);
        else
            fprintf(out, "%s%s", s ? " " : "", run->stages[s].name);
    }
    fputs("\"\n", out);
}

static int write_suite(const char *directory, const struct run *run, FILE *variables)
{
    char path[4200];
    size_t real = 0;
    for (size_t t = 0; t < run->stages[0].count; t++)
        real += report_is_real(run->stages[0].results[t].trace_path) != 0;
    word_list(variables, "stages", run, 0);
    word_list(variables, "is_baseline", run, 1);
    fprintf(variables, "synthetic_traces = %zu\nreal_traces = %zu\n", run->stages[0].count - real, real);

    FILE *out = open_output(directory, "summary.dat", path, sizeof path);
    if (out == NULL)
        return -1;
    struct shown synthetic = { 0 }, real_shown = { 0 }, by_trace[2] = { { 0 }, { 0 } };
    summary_block(out, run, GROUP_SYNTHETIC, "the synthetic traces (gnuplot's index 0)", &synthetic);
    fputs("\n\n", out);
    summary_block(out, run, GROUP_REAL, "the real programs' traces, traces/real/ (index 1)", &real_shown);
    put_shown(variables, "synthetic", &synthetic);
    put_shown(variables, "real", &real_shown);
    if (close_output(out, path) != 0)
        return -1;
    for (int figure = FIGURE_UTILIZATION; figure <= FIGURE_SPEED; figure++) {
        out = open_output(directory, figure == FIGURE_UTILIZATION ? "trace-utilization.dat" : "trace-speed.dat",
                          path, sizeof path);
        if (out == NULL)
            return -1;
        trace_table(out, run, (enum trace_figure)figure, &by_trace[figure]);
        put_shown(variables, figure == FIGURE_UTILIZATION ? "utilization" : "speed", &by_trace[figure]);
        if (close_output(out, path) != 0)
            return -1;
    }
    return 0;
}

static int write_scaling(const char *directory, const struct run *run, const char *json_path, FILE *variables)
{
    char path[4200];
    word_list(variables, "scaling_stages", run, 0);
    word_list(variables, "scaling_is_baseline", run, 1);
    FILE *out = open_output(directory, "scaling.dat", path, sizeof path);
    if (out == NULL)
        return -1;
    struct shown malloc_shown = { 0 }, free_shown = { 0 };
    int status = scaling_table_write(out, run, json_path, &malloc_shown, &free_shown);
    put_shown(variables, "malloc", &malloc_shown);
    put_shown(variables, "free", &free_shown);
    return close_output(out, path) != 0 ? -1 : status;
}

static void release(struct run *run)
{
    for (size_t s = 0; s < run->count; s++)
        free(run->stages[s].results);
    free(run->stages);
}

static int usage(void)
{
    fprintf(stderr, "usage: %s -o DIR [--suite FILE.json] [--scaling FILE.json]\n"
                    "  the JSON of build/replay --save-json as the data files of plots/*.gp\n", program);
    return 2;
}

int main(int argc, char **argv)
{
    const char *directory = NULL, *suite_path = NULL, *scaling_path = NULL;
    program = argv[0];
    for (int i = 1; i < argc; i++) {
        const char **slot = strcmp(argv[i], "-o") == 0          ? &directory
                            : strcmp(argv[i], "--suite") == 0   ? &suite_path
                            : strcmp(argv[i], "--scaling") == 0 ? &scaling_path
                                                                : NULL;
        if (slot == NULL || i + 1 == argc)
            return usage();
        *slot = argv[++i];
    }
    if (directory == NULL || (suite_path == NULL && scaling_path == NULL))
        return usage();
    if (mkdir(directory, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: cannot make %s: %s\n", program, directory, strerror(errno));
        return 2;
    }
    struct run suite = { 0 }, scaling = { 0 };
    int status = 0;
    if (suite_path != NULL && read_run(suite_path, &suite) != 0)
        status = 2;
    if (scaling_path != NULL && read_run(scaling_path, &scaling) != 0)
        status = 2;
    char path[4200];
    FILE *variables = status == 0 ? open_output(directory, "stages.gp", path, sizeof path) : NULL;
    if (status == 0 && variables == NULL)
        status = 1;
    if (variables != NULL) {
        fputs("# written by build/plot-data: what the data files of this folder hold, for plots/*.gp\n", variables);
        if (suite_path != NULL && write_suite(directory, &suite, variables) != 0)
            status = 1;
        if (status == 0 && scaling_path != NULL && write_scaling(directory, &scaling, scaling_path, variables) != 0)
            status = 1;
        if (close_output(variables, path) != 0)
            status = 1;
    }
    release(&suite);
    release(&scaling);
    return status;
}
