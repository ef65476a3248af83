/*
 * replay.c: build/replay, the command students and instructors run.
 *
 *   build/replay [-s STAGE[,STAGE...]|all|libc] [-c] [-v] [-n RUNS] [-t SECONDS]
 *                [--limit SIZE] [--no-time] [--separate] [--json] [TRACE...]
 *
 * It reads every trace first (a malformed one stops everything with FILE:LINE: message),
 * then starts one runner per stage (build/stages/NAME: the stage linked with the harness)
 * and prints what they found: a table per stage, or the stages side by side.
 */
#include "options.h"
#include "report.h"
#include "result.h"
#include "text.h"
#include "runner.h"
#include "pictures.h"
#include "probe_table.h"
#include "scaling.h"
#include "trace.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The lecture order; other stages follow alphabetically, the C library last. */
/* The lecture's six stages, then the capstone that goes beyond them. */
static const char *const COURSE_ORDER[] = { "minimal", "pad", "list", "dlist", "bins", "mmap", "hybrid" };
enum { COURSE_STAGES = sizeof COURSE_ORDER / sizeof COURSE_ORDER[0] };
/* The allocators the stages are measured against: a group of their own, after every stage. */
static const char *const BASELINE_ORDER[] = { "libc", "jemalloc", "mimalloc", "tcmalloc" };
enum { BASELINES = sizeof BASELINE_ORDER / sizeof BASELINE_ORDER[0] };

struct options {
    const char *stages;      /* as given to -s */
    int checked, verbose, json, measure_time, scaling, separate, probe_checker;
    const char *runs, *time_limit, *limit; /* passed on to the runners as given */
    const char *save_json;                 /* --save-json FILE: the JSON too, beside the tables */
    const char *map, *html;                /* --map LINE|fail, --html FILE: passed on as given */
    int shrink;                            /* a failing trace is shrunk (not with --no-shrink) */
    uint64_t limit_bytes;
    char **traces;
    size_t trace_count;
};

static const char *program = "replay";

static void usage(FILE *out)
{
    fprintf(out,
            "usage: %s [-s STAGE[,STAGE...]|all|libc] [-c] [-v] [-n RUNS] [-t SECONDS]\n"
            "              [--limit SIZE] [--no-time] [--separate] [--json] [--save-json FILE]\n"
            "              [--scaling | --probe-checker] [--map LINE|fail] [--html FILE] [--no-shrink]\n"
            "              [TRACE...]\n"
            "\n"
            "Replays allocation traces against stages, checks every result, measures utilization\n"
            "and throughput against the C library.\n"
            "\n"
            "  -s STAGE      a stage of stages/ (minimal, list, ...), several with commas, 'all'\n"
            "                (every stage, then the C library and the production allocators that\n"
            "                are installed, side by side: the default), 'libc', 'jemalloc',\n"
            "                'mimalloc', 'tcmalloc', or the path of a runner program\n"
            "                (build/tests/stages/NAME)\n"
            "  -c            also call the stage's hm_check() after every operation\n"
            "  -v            a table per stage with a row per trace\n"
            "  -n RUNS       timed runs per trace, each in a fresh process (default 5)\n"
            "  -t SECONDS    time limit of one replay (default 10; 60 with -c)\n"
            "  --limit SIZE  memory limit of the simulated system calls, such as 64M (default 4G)\n"
            "  --no-time     check only: no timed runs\n"
            "  --separate    run the stage as the grader does: in a static program of its own\n"
            "                (build/fence/stages/NAME), confined, reached through shared memory;\n"
            "                -s PATH is then a stage program (slower: every call crosses over)\n"
            "  --json        print JSON instead of tables\n"
            "  --save-json FILE  also write the JSON to FILE\n"
            "  --scaling     how malloc and free cost grows with the free list: replay workloads\n"
            "                that keep 1k, 10k and 100k free chunks (made in BUILD/scaling/)\n"
            "  --probe-checker  grade hm_check: replay each trace with -c, then corrupt the heap at\n"
            "                two points of its first 3,000 operations, in 11 ways, and ask\n"
            "                hm_check whether it sees it\n"
            "                (each corruption in a replay of its own; nothing is timed)\n"
            "  --map LINE    print the heap after the operation on trace line LINE, or after the\n"
            "                one that failed (--map fail): each chunk in address order, each free\n"
            "                list in list order (one stage, one trace; nothing is timed)\n"
            "  --html FILE   write a page that steps through the replay, the heap drawn to scale\n"
            "                after each operation (up to 1000 of them: ending at a failure, or\n"
            "                around --map's line)\n"
            "  --no-shrink   a trace that fails is not shrunk (by default the smallest trace that\n"
            "                fails the same way is written to build/shrunk/ and shown)\n"
            "  TRACE...      .rep files (default: every trace in traces/)\n",
            program);
}

static int bad_usage(const char *format, const char *what)
{
    fprintf(stderr, "%s: ", program);
    fprintf(stderr, format, what);
    fprintf(stderr, " (see %s --help)\n", program);
    return -1;
}

static int read_options(int argc, char **argv, struct options *o)
{
    *o = (struct options){ .stages = "all", .measure_time = 1, .shrink = 1, .limit_bytes = RUNNER_DEFAULT_LIMIT_BYTES };
    /* Options and traces may come in any order, as with GNU tools; "--" ends the options. */
    static char *traces[4096];
    size_t trace_count = 0;
    int options_ended = 0;
    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        uint32_t count;
        double seconds;
        if (options_ended || flag[0] != '-' || flag[1] == '\0') {
            if (trace_count == sizeof traces / sizeof traces[0])
                return bad_usage("more than %s traces: give fewer at a time", "4096");
            traces[trace_count++] = argv[i];
            continue;
        }
        if (strcmp(flag, "--") == 0) {
            options_ended = 1;
            continue;
        }
        if (strcmp(flag, "-h") == 0 || strcmp(flag, "--help") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(flag, "-c") == 0) {
            o->checked = 1;
        } else if (strcmp(flag, "-v") == 0) {
            o->verbose = 1;
        } else if (strcmp(flag, "--json") == 0) {
            o->json = 1;
        } else if (strcmp(flag, "--no-time") == 0) {
            o->measure_time = 0;
        } else if (strcmp(flag, "--no-shrink") == 0) {
            o->shrink = 0;
        } else if (strcmp(flag, "--separate") == 0) {
            o->separate = 1;
        } else if (strcmp(flag, "--scaling") == 0) {
            o->scaling = 1;
        } else if (strcmp(flag, "--probe-checker") == 0) {
            o->probe_checker = 1;
        } else if (strcmp(flag, "--map") == 0 || strcmp(flag, "--html") == 0) {
            uint32_t line;
            if (value == NULL || value[0] == '\0')
                return bad_usage("option %s needs a value", flag);
            if (flag[2] == 'm' && pictures_parse_line(value, &line) != 0)
                return bad_usage("--map %s: give a trace line number, such as --map 12, or --map fail", value);
            *(flag[2] == 'm' ? &o->map : &o->html) = value;
            i++;
        } else if (strcmp(flag, "--save-json") == 0) {
            if (value == NULL)
                return bad_usage("option %s needs a value", flag);
            o->save_json = value;
            i++;
        } else if (strcmp(flag, "-s") == 0 || strcmp(flag, "-n") == 0 || strcmp(flag, "-t") == 0 ||
                   strcmp(flag, "--limit") == 0) {
            if (value == NULL)
                return bad_usage("option %s needs a value", flag);
            i++;
            if (flag[1] == 's') {
                o->stages = value;
            } else if (flag[1] == 'n') {
                if (parse_count(value, 1, 101, &count) != 0)
                    return bad_usage("-n %s: the number of runs must be a whole number from 1 to 101", value);
                o->runs = value;
            } else if (flag[1] == 't') {
                if (parse_seconds(value, &seconds) != 0)
                    return bad_usage("-t %s: the time limit must be a positive number of seconds", value);
                o->time_limit = value;
            } else {
                if (parse_size(value, &o->limit_bytes) != 0 || o->limit_bytes < RUNNER_LEAST_LIMIT_BYTES ||
                    o->limit_bytes > RUNNER_MOST_LIMIT_BYTES)
                    return bad_usage("--limit %s: give a size from 4K to 256G, such as 64M or 1G", value);
                o->limit = value;
            }
        } else {
            return bad_usage("unknown option '%s'", flag);
        }
    }
    o->traces = traces;
    o->trace_count = trace_count;
    return 0;
}

/* ---- where things are ------------------------------------------------------------------ */

static char build_dir[PATH_MAX]; /* the directory of this program: build/ */
static char kit_root[PATH_MAX];  /* the directory holding stages/heapmgr.h */

/* The nearest directory at or above `start` that holds stages/heapmgr.h, into kit_root. */
static int find_kit_above(const char *start)
{
    char directory[PATH_MAX];
    snprintf(directory, sizeof directory, "%s", start);
    for (;;) {
        char header[PATH_MAX + 32];
        snprintf(header, sizeof header, "%s/stages/heapmgr.h", directory);
        if (access(header, R_OK) == 0) {
            snprintf(kit_root, sizeof kit_root, "%s", directory);
            return 0;
        }
        char *cut = strrchr(directory, '/');
        if (cut == NULL || cut == directory)
            return -1;
        *cut = '\0';
    }
}

/* build/ is where this program is; the kit is above it, or (for a build directory elsewhere,
 * such as make BUILD=/tmp/b) above the working directory. */
static int find_kit(void)
{
    char self[PATH_MAX], cwd[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    if (length <= 0)
        return -1;
    self[length] = '\0';
    *strrchr(self, '/') = '\0';
    snprintf(build_dir, sizeof build_dir, "%s", self);
    if (find_kit_above(build_dir) == 0)
        return 0;
    return getcwd(cwd, sizeof cwd) != NULL ? find_kit_above(cwd) : -1;
}

/* The bundled traces, every traces/NAME.rep, relative to the kit when we are in it. */
static int default_traces(struct options *o)
{
    char pattern[PATH_MAX + 32], cwd[PATH_MAX];
    int inside = getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, kit_root) == 0;
    snprintf(pattern, sizeof pattern, "%s%straces/*.rep", inside ? "" : kit_root, inside ? "" : "/");
    static glob_t found;
    int status = glob(pattern, 0, NULL, &found);
    /* Then the real programs' traces (build/record's), a group of their own in the tables. */
    snprintf(pattern, sizeof pattern, "%s%straces/real/*.rep", inside ? "" : kit_root, inside ? "" : "/");
    if (status == 0 || status == GLOB_NOMATCH)
        status = glob(pattern, status == 0 ? GLOB_APPEND : 0, NULL, &found);
    if ((status != 0 && status != GLOB_NOMATCH) || found.gl_pathc == 0) {
        fprintf(stderr, "%s: no traces given, and none found in %s/traces\n", program, kit_root);
        return -1;
    }
    o->traces = found.gl_pathv;
    o->trace_count = found.gl_pathc;
    return 0;
}

/* The scaling workloads, made by build/gen/freelist into BUILD/scaling/ when missing. */
static int scaling_traces(struct options *o)
{
    static char paths[SCALING_LENGTHS][SCALING_PATH_BYTES];
    static char *list[SCALING_LENGTHS];
    char error[SCALING_PATH_BYTES + 128];
    if (scaling_workloads(build_dir, paths, error, sizeof error) != 0) {
        fprintf(stderr, "%s: %s\n", program, error);
        return -1;
    }
    for (int i = 0; i < SCALING_LENGTHS; i++)
        list[i] = paths[i];
    o->traces = list;
    o->trace_count = SCALING_LENGTHS;
    return 0;
}

static int course_rank(const char *name)
{
    for (int i = 0; i < COURSE_STAGES; i++)
        if (strcmp(name, COURSE_ORDER[i]) == 0)
            return i;
    for (int i = 0; i < BASELINES; i++)
        if (strcmp(name, BASELINE_ORDER[i]) == 0)
            return COURSE_STAGES + 1 + i;
    return COURSE_STAGES; /* a stage of one's own: after the course's, before the baselines */
}

static int is_baseline(const char *name)
{
    return course_rank(name) > COURSE_STAGES;
}

static int compare_stage_names(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    int rank = course_rank(x) - course_rank(y);
    return rank != 0 ? rank : strcmp(x, y);
}

/* Every runner in build/stages/, in the course's order, the C library last. */
static size_t all_stages(char ***names)
{
    char directory[PATH_MAX + 16];
    snprintf(directory, sizeof directory, "%s/stages", build_dir);
    DIR *listing = opendir(directory);
    size_t count = 0;
    *names = NULL;
    if (listing == NULL)
        return 0;
    for (struct dirent *entry; (entry = readdir(listing)) != NULL;) {
        char path[PATH_MAX + 300];
        snprintf(path, sizeof path, "%s/%s", directory, entry->d_name);
        struct stat status;
        if (entry->d_name[0] == '.' || strchr(entry->d_name, '.') != NULL || stat(path, &status) != 0 ||
            !S_ISREG(status.st_mode) || access(path, X_OK) != 0)
            continue;
        *names = realloc(*names, (count + 1) * sizeof **names);
        (*names)[count++] = strdup(entry->d_name);
    }
    closedir(listing);
    if (count > 1)
        qsort(*names, count, sizeof **names, compare_stage_names);
    return count;
}

static size_t chosen_stages(const char *choice, char ***names)
{
    if (strcmp(choice, "all") == 0)
        return all_stages(names);
    size_t count = 0;
    *names = NULL;
    char *copy = strdup(choice);
    for (char *name = strtok(copy, ","); name != NULL; name = strtok(NULL, ",")) {
        *names = realloc(*names, (count + 1) * sizeof **names);
        (*names)[count++] = strdup(name);
    }
    free(copy);
    return count;
}

/* The runner of a stage: build/stages/NAME, or the path given. */
static int runner_path(const char *stage, char *out, size_t out_size)
{
    if (strchr(stage, '/') != NULL)
        snprintf(out, out_size, "%s", stage);
    else
        snprintf(out, out_size, "%s/stages/%s", build_dir, stage);
    if (access(out, X_OK) == 0)
        return 0;
    char **present;
    size_t count = all_stages(&present);
    fprintf(stderr, "%s: no stage '%s': %s is not built", program, stage, out);
    if (strchr(stage, '/') == NULL)
        fprintf(stderr, " (is there a stages/%s.c? run make)", stage);
    fprintf(stderr, "\n  stages present:");
    for (size_t i = 0; i < count; i++)
        fprintf(stderr, " %s", present[i]);
    fprintf(stderr, "%s\n", count ? "" : " none (run make)");
    return -1;
}

/* A production allocator's runner loads its library at run time (baselines.h): is it there?
 * 0 yes; else -1 with why ("libjemalloc.so.2 is missing: apt-get install libjemalloc2"). */
static int baseline_available(const char *runner, char *why, size_t why_size)
{
    char command[PATH_MAX + 400];
    snprintf(command, sizeof command, "'%s' --available", runner);
    fflush(NULL);
    FILE *answer = popen(command, "r");
    if (answer == NULL) {
        snprintf(why, why_size, "cannot run %s", runner);
        return -1;
    }
    if (fgets(why, (int)why_size, answer) == NULL)
        why[0] = '\0';
    why[strcspn(why, "\n")] = '\0';
    int status = pclose(answer);
    if (status != 0 && why[0] == '\0')
        snprintf(why, why_size, "'%s --available' ended with status %d and said nothing", runner,
                 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return status == 0 ? 0 : -1;
}

/* Drop the baselines whose library is missing: from -s all with a note, each one named; one
 * asked for by name is an error. Returns 0, or -1 having said why. */
static int drop_missing_baselines(const char *choice, char **stages, size_t *count)
{
    size_t kept = 0;
    for (size_t s = 0; s < *count; s++) {
        char runner[PATH_MAX + 300], why[4500];
        if (is_baseline(stages[s]) && strcmp(stages[s], "libc") != 0 &&
            runner_path(stages[s], runner, sizeof runner) == 0 && baseline_available(runner, why, sizeof why) != 0) {
            if (strcmp(choice, "all") != 0) {
                fprintf(stderr, "%s: -s %s: %s\n", program, stages[s], why);
                return -1;
            }
            fprintf(stderr, "%s: %s skipped: %s\n", program, stages[s], why);
            free(stages[s]);
            continue;
        }
        stages[kept++] = stages[s];
    }
    *count = kept;
    return 0;
}

/* ---- running the stages ---------------------------------------------------------------- */

/* Start the runner, read its result lines. Returns 0, or -1 when it could not run. */
/* --separate: the fence's runner (fence/fence.h) and the stage's program: build/fence/stages/NAME,
 * or the path given, which is then a stage program. The C library stays as it is: no fence. */
static int fence_paths(const char *stage, char *runner, size_t runner_size, char *stage_program,
                       size_t program_size)
{
    snprintf(runner, runner_size, "%s/fence/runner", build_dir);
    if (strchr(stage, '/') != NULL)
        snprintf(stage_program, program_size, "%s", stage);
    else
        snprintf(stage_program, program_size, "%s/fence/stages/%s", build_dir, stage);
    if (access(runner, X_OK) == 0 && access(stage_program, R_OK) == 0)
        return 0;
    fprintf(stderr, "%s: --separate needs %s and %s (make fence; not in sanitizer builds)\n", program, runner,
            stage_program);
    return -1;
}

/* Has the fence's runner the system-call filter? (Asked once.) */
static int fence_has_filter(const char *runner)
{
    static int known = -1;
    if (known < 0) {
        char command[PATH_MAX + 400];
        snprintf(command, sizeof command, "'%s' --filter-available", runner);
        known = system(command) == 0;
    }
    return known;
}

static int run_stage(const struct options *o, const char *stage, struct stage_run *run)
{
    char runner[PATH_MAX + 300], stage_program[PATH_MAX + 300], libc_program[PATH_MAX + 300];
    int through_fence = o->separate && !is_baseline(stage);
    if (through_fence ? fence_paths(stage, runner, sizeof runner, stage_program, sizeof stage_program) != 0
                      : runner_path(stage, runner, sizeof runner) != 0)
        return -1;
    snprintf(libc_program, sizeof libc_program, "%s/fence/libc", build_dir);
    int channel[2];
    if (pipe(channel) != 0)
        return -1;
    char results_fd[16], reproduce[PATH_MAX + 64], shrink_directory[PATH_MAX + 16];
    /* Named from the working directory when the build is below it, as the user will type it. */
    char cwd[PATH_MAX];
    size_t cwd_length = getcwd(cwd, sizeof cwd) != NULL ? strlen(cwd) : 0;
    int below = cwd_length > 0 && strncmp(build_dir, cwd, cwd_length) == 0 && build_dir[cwd_length] == '/';
    snprintf(shrink_directory, sizeof shrink_directory, "%s/shrunk", below ? build_dir + cwd_length + 1 : build_dir);
    snprintf(results_fd, sizeof results_fd, "%d", channel[1]);
    snprintf(reproduce, sizeof reproduce, "%s%s -s %s", program, through_fence ? " --separate" : "", stage);

    char **arguments = calloc(o->trace_count + 20, sizeof *arguments);
    size_t n = 0;
    arguments[n++] = runner;
    arguments[n++] = "--results-fd";
    arguments[n++] = results_fd;
    arguments[n++] = "--as";
    arguments[n++] = reproduce;
    if (o->checked)
        arguments[n++] = "-c";
    if (!o->measure_time)
        arguments[n++] = "--no-time";
    if (o->scaling)
        arguments[n++] = "--stage-only"; /* the growth table reads the stage's own times alone */
    if (o->probe_checker)
        arguments[n++] = "--probe-checker";
    if (o->map)
        arguments[n++] = "--map", arguments[n++] = (char *)o->map;
    else if (o->shrink)
        arguments[n++] = "--shrink-dir", arguments[n++] = shrink_directory;
    if (o->html)
        arguments[n++] = "--html", arguments[n++] = (char *)o->html;
    if (through_fence) {
        arguments[n++] = "--program", arguments[n++] = stage_program;
        arguments[n++] = "--libc-program", arguments[n++] = libc_program;
        if (!fence_has_filter(runner))
            arguments[n++] = "--no-filter";
    }
    if (o->runs)
        arguments[n++] = "-n", arguments[n++] = (char *)o->runs;
    if (o->time_limit)
        arguments[n++] = "-t", arguments[n++] = (char *)o->time_limit;
    if (o->limit)
        arguments[n++] = "--limit", arguments[n++] = (char *)o->limit;
    for (size_t i = 0; i < o->trace_count; i++)
        arguments[n++] = o->traces[i];

    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        close(channel[0]);
        execv(runner, arguments);
        fprintf(stderr, "%s: cannot run %s: %s\n", program, runner, strerror(errno));
        _exit(127);
    }
    free(arguments);
    close(channel[1]);
    if (child < 0) {
        close(channel[0]);
        return -1;
    }

    const char *name;
    int name_length = text_last_name(stage, &name);
    snprintf(run->name, sizeof run->name, "%.*s", name_length, name);
    run->is_libc = strcmp(run->name, "libc") == 0;
    run->is_baseline = is_baseline(run->name);
    run->results = calloc(o->trace_count ? o->trace_count : 1, sizeof *run->results);
    FILE *incoming = fdopen(channel[0], "r");
    char *line = NULL;
    size_t line_size = 0;
    while (getline(&line, &line_size, incoming) > 0 && run->count < o->trace_count)
        if (result_read(line, &run->results[run->count]) == 0)
            run->count++;
    free(line);
    fclose(incoming);
    int status;
    waitpid(child, &status, 0);
    run->runner_status = WIFEXITED(status) ? WEXITSTATUS(status) : 2;

    /* A runner that died early still accounts for every trace. */
    for (size_t i = run->count; i < o->trace_count; i++) {
        struct trace_result *r = &run->results[run->count++];
        snprintf(r->trace_path, sizeof r->trace_path, "%s", o->traces[i]);
        snprintf(r->trace_name, sizeof r->trace_name, "%s", o->traces[i]);
        snprintf(r->error, sizeof r->error, "%s: the runner %s ended before replaying it (status %d)",
                 o->traces[i], runner, status);
    }
    return 0;
}

/* Read every trace before running anything: a malformed one is reported, and nothing runs. */
static int check_traces(const struct options *o)
{
    int all_good = 1;
    static struct trace trace;
    for (size_t i = 0; i < o->trace_count; i++) {
        char error[4400];
        if (trace_load(o->traces[i], &trace, error, sizeof error) != 0) {
            fprintf(stderr, "%s\n", error);
            all_good = 0;
            continue;
        }
        trace_release(&trace);
    }
    return all_good ? 0 : -1;
}

/* --map and --html draw one stage's heap on one trace; they time nothing. */
static int pictures_fit(struct options *o)
{
    const char *which = o->map ? "--map" : "--html";
    if (o->scaling || o->probe_checker || o->json) {
        fprintf(stderr, "%s: %s is a run of its own: it goes with none of --scaling, --probe-checker, --json\n",
                program, which);
        return -1;
    }
    if (o->stages == NULL || strchr(o->stages, ',') != NULL || strcmp(o->stages, "all") == 0 ||
        strcmp(o->stages, "libc") == 0) {
        fprintf(stderr, "%s: %s draws the heap of one stage: give it with -s, such as -s dlist\n", program, which);
        return -1;
    }
    if (o->trace_count != 1) {
        fprintf(stderr, "%s: %s draws the heap of one trace: give exactly one (%zu given)\n", program, which,
                o->trace_count);
        return -1;
    }
    o->measure_time = 0;
    return 0;
}

/* The traces to replay: --scaling's workloads, those given, or the bundled suite; all read
 * and checked before any stage runs. Returns 0, or -1 having said why. */
static int prepare_traces(struct options *o)
{
    if (o->scaling && o->trace_count != 0) {
        fprintf(stderr, "%s: --scaling replays its own workloads: give no traces with it\n", program);
        return -1;
    }
    if (o->scaling && !o->measure_time) {
        fprintf(stderr, "%s: --scaling measures time: it cannot go with --no-time\n", program);
        return -1;
    }
    if (o->scaling && o->probe_checker) {
        fprintf(stderr, "%s: --scaling and --probe-checker are runs of their own: choose one\n", program);
        return -1;
    }
    if ((o->map || o->html) && pictures_fit(o) != 0)
        return -1;
    if (o->probe_checker) {
        o->checked = 1;       /* a checker that fails a healthy heap is found there first */
        o->measure_time = 0;
    }
    if (o->scaling && scaling_traces(o) != 0)
        return -1;
    if (o->scaling && o->time_limit == NULL)
        o->time_limit = "60"; /* an O(n) stage walks 100,000 chunks per probe: give it time */
    if (o->trace_count == 0 && default_traces(o) != 0)
        return -1;
    return check_traces(o);
}

/* How the results are shown: one of these, chosen once from the options. */
enum layout {
    LAYOUT_JSON,         /* --json: everything at the end, as JSON */
    LAYOUT_SCALING,      /* --scaling: the growth table at the end (-v: each stage's traces too) */
    LAYOUT_PROBES,       /* --probe-checker: the probes' table at the end */
    LAYOUT_PICTURES,     /* --map, --html: the runner's map or page; a failure's message only */
    LAYOUT_SIDE_BY_SIDE, /* several stages: a row each as it ends (-v: its traces, rows at the end) */
    LAYOUT_TABLES,       /* one stage: its table of traces */
};

static enum layout choose_layout(const struct options *o, size_t stage_count)
{
    return o->json            ? LAYOUT_JSON
           : o->scaling       ? LAYOUT_SCALING
           : o->probe_checker ? LAYOUT_PROBES
           : o->map || o->html ? LAYOUT_PICTURES
           : stage_count > 1  ? LAYOUT_SIDE_BY_SIDE
                              : LAYOUT_TABLES;
}

/* The side-by-side rows: when real programs' traces are among the traces, the synthetic ones
 * have their rows and the real ones a table of their own below; else one row covers all. */
static enum trace_group side_by_side_group(const struct options *o)
{
    size_t real = 0;
    for (size_t i = 0; i < o->trace_count; i++)
        real += report_is_real(o->traces[i]) != 0;
    return real > 0 && real < o->trace_count ? GROUP_SYNTHETIC : GROUP_ALL;
}

/* What is shown as a stage's runner ends. */
/* A side-by-side row of runs[s]; the baselines, after the stages, under a line of their own. */
static void side_by_side_row(const struct stage_run *runs, size_t s, int color, enum trace_group group)
{
    if (runs[s].is_baseline && s > 0 && !runs[s - 1].is_baseline)
        printf("-- measured against (footprint from their own statistics) --\n");
    report_side_by_side_row(stdout, &runs[s], color, group);
}

static void show_stage(const struct options *o, enum layout layout, const struct stage_run *runs, size_t s,
                       int color)
{
    if (layout == LAYOUT_JSON || layout == LAYOUT_PICTURES ||
        ((layout == LAYOUT_SCALING || layout == LAYOUT_PROBES) && !o->verbose))
        return;
    if (layout == LAYOUT_SIDE_BY_SIDE && !o->verbose)
        side_by_side_row(runs, s, color, side_by_side_group(o));
    else
        report_trace_table(stdout, &runs[s], color);
}

/* What is shown once every stage has run; 0, or -1 when --save-json could not be written. */
static int show_end(const struct options *o, enum layout layout, const struct stage_run *runs, size_t count,
                    int color)
{
    int status = 0;
    if (o->save_json != NULL) {
        FILE *saved = fopen(o->save_json, "w");
        if (saved == NULL) {
            fprintf(stderr, "%s: --save-json %s: %s\n", program, o->save_json, strerror(errno));
            status = -1;
        } else {
            report_json(saved, runs, count, (unsigned long long)o->limit_bytes);
            fclose(saved);
        }
    }
    if (layout == LAYOUT_JSON) {
        report_json(stdout, runs, count, (unsigned long long)o->limit_bytes);
        return status;
    }
    if (layout == LAYOUT_SIDE_BY_SIDE) {
        if (o->verbose) {
            report_side_by_side_header(stdout);
            for (size_t s = 0; s < count; s++)
                side_by_side_row(runs, s, color, side_by_side_group(o));
        }
        if (side_by_side_group(o) == GROUP_SYNTHETIC) {
            printf("\nreal programs (traces/real/, recorded by build/record)\n");
            report_side_by_side_header(stdout);
            for (size_t s = 0; s < count; s++)
                side_by_side_row(runs, s, color, GROUP_REAL);
        }
        report_side_by_side_footer(stdout);
    }
    if (layout == LAYOUT_SCALING)
        scaling_table(stdout, runs, count);
    if (layout == LAYOUT_PROBES)
        probe_table(stdout, runs, count);
    int errors_color = isatty(STDERR_FILENO) && getenv("NO_COLOR") == NULL;
    for (size_t s = 0; s < count; s++)
        report_errors(stderr, &runs[s], errors_color);
    return status;
}

int main(int argc, char **argv)
{
    program = argv[0];
    struct options o;
    if (read_options(argc, argv, &o) != 0)
        return 2;
    if (find_kit() != 0) {
        fprintf(stderr, "%s: cannot find the kit (stages/heapmgr.h) above %s\n", program, build_dir);
        return 2;
    }
    if (prepare_traces(&o) != 0)
        return 2;
    char **stages;
    size_t stage_count = chosen_stages(o.stages, &stages);
    if (stage_count == 0) {
        fprintf(stderr, "%s: no stages are built in %s/stages: run make\n", program, build_dir);
        return 2;
    }
    for (size_t s = 0; s < stage_count; s++) {
        char path[PATH_MAX + 300];
        if (runner_path(stages[s], path, sizeof path) != 0)
            return 2;
    }
    if (drop_missing_baselines(o.stages, stages, &stage_count) != 0)
        return 2;

    enum layout layout = choose_layout(&o, stage_count);
    int color = layout != LAYOUT_JSON && isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
    struct stage_run *runs = calloc(stage_count, sizeof *runs);
    int all_correct = 1, pictures_failed = 0;
    if (layout == LAYOUT_SIDE_BY_SIDE && !o.verbose)
        report_side_by_side_header(stdout);
    for (size_t s = 0; s < stage_count; s++) {
        if (o.probe_checker && is_baseline(stages[s])) {
            snprintf(runs[s].name, sizeof runs[s].name, "%s", stages[s]);
            runs[s].is_libc = strcmp(stages[s], "libc") == 0;
            runs[s].is_baseline = 1; /* a baseline has no hm_check to probe */
            continue;
        }
        if (run_stage(&o, stages[s], &runs[s]) != 0) {
            free(runs);
            return 2;
        }
        struct stage_summary summary = report_summarize(&runs[s]);
        all_correct &= summary.correct == summary.traces;
        if (layout == LAYOUT_PICTURES && runs[s].runner_status == 2)
            pictures_failed = 1;
        show_stage(&o, layout, runs, s, color);
    }
    if (show_end(&o, layout, runs, stage_count, color) != 0)
        all_correct = 0;
    for (size_t s = 0; s < stage_count; s++) {
        free(runs[s].results);
        free(stages[s]);
    }
    free(runs);
    free(stages);
    return pictures_failed ? 2 : all_correct ? 0 : 1;
}
