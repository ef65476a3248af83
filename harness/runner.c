/*
 * runner.c: the program each stage is linked into (build/stages/NAME). build/replay starts one
 * runner per stage and reads its results; a person may run one directly too.
 *
 * For each trace: one checked replay in a fresh child process; then, when it passed, timed
 * replays of the stage and of the C library, interleaved (stage, libc, libc, stage, ...) so
 * that a slow moment of the machine lands on both, each in a fresh child (and of a reference
 * stage too, when the fence's runner is given one: run_timed).
 *
 * The runner itself never calls malloc (no stdio streams, results written with write(2)), so
 * the C library's arena is untouched when a libc replay starts in its child.
 *
 * Throughput statistic: the median of the runs. Noise on a shared machine only ever adds
 * time and comes in bursts; the median ignores a burst that hits one run without being as
 * optimistic as the minimum. The speed ratio is the median over the pairs of neighbouring
 * runs of libc time / stage time, so slow drifts (clock scaling, other load) cancel too.
 *
 * Who measures: the runner. A replay child runs the stage's code, which can write anything in
 * that process, so the child reports no time: it stops at checkpoints, where the runner reads
 * its CPU time from the kernel and checks that the stage's results so far are the checked
 * replay's (timed_proof.h). CPU time, not wall time: the time the child waits to be scheduled
 * on a busy machine is no one's work.
 */
#include "runner.h"

#include "checked.h"
#include "checker_probe.h"
#include "pictures.h"
#include "shrink_failure.h"
#include "checkpoint.h"
#include "isolate.h"
#include "median.h"
#include "options.h"
#include "result.h"
#include "text.h"
#include "timed.h"
#include "timed_proof.h"
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { MAX_RUNS = 101 };

struct runner_options {
    const char *stage_name;
    const struct runner_stage *stage;
    int run_heap_checker;
    int measure_time;
    int stage_only; /* --stage-only: time the stage alone (only its per-segment times count) */
    int probe_checker; /* --probe-checker: after the checked replay, probe hm_check (checker_probe.h) */
    uint32_t runs;
    double time_limit_seconds;
    uint64_t limit_bytes;
    const char *limit_text;  /* as given, for the command that reproduces an error */
    const char *time_limit_text;
    const char *reproduce_as; /* the command that runs this stage, such as "build/replay -s list" */
    int results_fd;
    struct picture_request pictures; /* --map, --html (pictures.h) */
    const char *shrink_directory;    /* --shrink-dir DIR: a failing trace's shrunk copy goes there */
};

static void usage(const char *program)
{
    fprintf(stderr,
            "usage: %s [-c] [-n RUNS] [-t SECONDS] [--limit SIZE] [--no-time | --stage-only]\n"
            "          [--probe-checker] [--map LINE|fail] [--html FILE] [--shrink-dir DIR]\n"
            "          [--as COMMAND] [--results-fd FD] TRACE...\n"
            "Replays each trace against this stage (checked, then timed against the C library) and\n"
            "writes one result line per trace. build/replay runs this for you and prints tables.\n"
            "--stage-only times the stage without the C library (no speed ratio): the cost of each\n"
            "segment of the trace, which is all that build/replay --scaling reads.\n"
            "--probe-checker times nothing: once the checked replay of a trace passed, it corrupts\n"
            "the heap in %d ways at %d points of the trace, each in a replay of its own, and asks\n"
            "hm_check whether it sees it (build/replay --probe-checker prints the table).\n"
            "--map and --html time nothing: after the checked replay, the heap after trace line LINE\n"
            "(or the failing operation) as text, or a page that steps through the replay.\n"
            "--shrink-dir DIR: a trace that fails is shrunk to the smallest that fails the same way,\n"
            "written into DIR, and shown.\n",
            program, PROBE_KINDS, PROBE_POINTS);
}

static int read_options(int argc, char **argv, const struct runner_stage *stage, struct runner_options *o,
                        int *first_trace)
{
    *o = (struct runner_options){
        .stage_name = argv[0], .stage = stage, .measure_time = 1, .runs = 5,
        .time_limit_seconds = 0, .limit_bytes = RUNNER_DEFAULT_LIMIT_BYTES, .results_fd = STDOUT_FILENO,
    };
    int i = 1;
    uint32_t fd;
    text_last_name(argv[0], &o->stage_name);
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *flag = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(flag, "-c") == 0) {
            o->run_heap_checker = 1;
        } else if (strcmp(flag, "--no-time") == 0) {
            o->measure_time = 0;
        } else if (strcmp(flag, "--stage-only") == 0) {
            o->stage_only = 1;
        } else if (strcmp(flag, "--probe-checker") == 0) {
            o->probe_checker = 1;
        } else if (strcmp(flag, "--map") == 0 && pictures_parse_line(value, &o->pictures.map_line) == 0) {
            o->pictures.map = 1;
            i++;
        } else if (strcmp(flag, "--shrink-dir") == 0 && value != NULL && value[0] != '\0') {
            o->shrink_directory = value;
            i++;
        } else if (strcmp(flag, "--html") == 0 && value != NULL && value[0] != '\0') {
            o->pictures.html_path = value;
            i++;
        } else if (strcmp(flag, "-n") == 0 && parse_count(value, 1, MAX_RUNS, &o->runs) == 0) {
            i++;
        } else if (strcmp(flag, "-t") == 0 && parse_seconds(value, &o->time_limit_seconds) == 0) {
            o->time_limit_text = value;
            i++;
        } else if (strcmp(flag, "--limit") == 0 && parse_size(value, &o->limit_bytes) == 0 &&
                   o->limit_bytes >= RUNNER_LEAST_LIMIT_BYTES && o->limit_bytes <= RUNNER_MOST_LIMIT_BYTES) {
            o->limit_text = value;
            i++;
        } else if (strcmp(flag, "--as") == 0 && value != NULL) {
            o->reproduce_as = value;
            i++;
        } else if (strcmp(flag, "--results-fd") == 0 && parse_count(value, 0, 1 << 20, &fd) == 0) {
            o->results_fd = (int)fd;
            i++;
        } else {
            int taken = stage->option != NULL ? stage->option(flag, value) : 0;
            if (taken > 0) {
                i += taken - 1;
                continue;
            }
            if (taken == 0)
                fprintf(stderr, "%s: bad option '%s'%s%s\n", argv[0], flag, value ? " " : "", value ? value : "");
            usage(argv[0]);
            return -1;
        }
    }
    if (stage->ready != NULL && stage->ready() != 0)
        return -1;
    if (o->probe_checker && stage->is_baseline) {
        fprintf(stderr, "%s: --probe-checker: %s has no hm_check to probe\n", argv[0], stage->calls->name);
        return -1;
    }
    if ((o->pictures.map || o->pictures.html_path) && stage->is_baseline) {
        fprintf(stderr, "%s: --map and --html draw a stage's simulated heap: %s's is its own\n", argv[0],
                stage->calls->name);
        return -1;
    }
    if (o->probe_checker || o->pictures.map || o->pictures.html_path)
        o->measure_time = 0;
    if (i == argc) {
        usage(argv[0]);
        return -1;
    }
    /* hm_check after every operation may cost far more than the replay: -c gets longer. */
    if (o->time_limit_seconds == 0)
        o->time_limit_seconds = o->run_heap_checker ? RUNNER_CHECKED_TIME_LIMIT : RUNNER_TIME_LIMIT;
    *first_trace = i;
    return 0;
}

/* The command that replays a trace as this runner did, without the trace:
 * "build/replay -s list -c --limit 64M". */
static void replay_command(const struct runner_options *o, char *out, size_t out_size)
{
    char base[600];
    if (o->reproduce_as != NULL)
        snprintf(base, sizeof base, "%.590s", o->reproduce_as);
    else
        snprintf(base, sizeof base, "build/replay -s %.570s", o->stage_name);
    snprintf(out, out_size, "%s%s%s%s%s%s", base, o->run_heap_checker ? " -c" : "", o->limit_text ? " --limit " : "", o->limit_text ? o->limit_text : "",
             o->time_limit_text ? " -t " : "", o->time_limit_text ? o->time_limit_text : "");
}

/* "    reproduce: build/replay -s list -c --limit 64M traces/x.rep" */
static void append_reproduce(const struct runner_options *o, struct trace_result *r)
{
    char command[1200];
    replay_command(o, command, sizeof command);
    size_t used = strlen(r->error);
    snprintf(r->error + used, sizeof r->error - used, "\n    reproduce: %s %s", command, r->trace_path);
}

/* Where the child was when it ended: "traces/x.rep:12: a 5 100" or the phase. */
static void where_child_was(const struct trace *trace, uint32_t position, char *out, size_t out_size)
{
    if (position == 0) {
        snprintf(out, out_size, "%s: before the first operation (in the probe free(NULL))", trace->path);
    } else if (position > trace->op_count) {
        snprintf(out, out_size, "%s: after the last operation", trace->path);
    } else {
        char text[96], call[160];
        trace_format_op(&trace->ops[position - 1], text, sizeof text);
        trace_describe_op(&trace->ops[position - 1], call, sizeof call);
        snprintf(out, out_size, "%s:%u: %s (%s)", trace->path, trace->op_lines[position - 1], text, call);
    }
}

/* ---- what the stage prints ---------------------------------------------------------- */

/* The checked replay's stderr goes to a memory file: shown as it is when the trace passes,
 * and its last lines put into the message when it fails, so that what hm_check printed stands
 * beside the failure it explains. Timed replays print nowhere: they ran once checked already. */
static int stage_output_fd = -1, discarded_output_fd = -1;

static void open_output_files(void)
{
    stage_output_fd = memfd_create("stage-stderr", 0);
    discarded_output_fd = open("/dev/null", O_WRONLY);
}

/* Read what the stage printed (the first OUTPUT_SHOWN bytes), and empty the file. */
enum { OUTPUT_SHOWN = 64 * 1024, OUTPUT_LINES_IN_MESSAGE = 12 };
static size_t take_stage_output(char *text, size_t text_size, off_t *total)
{
    *total = lseek(stage_output_fd, 0, SEEK_END);
    ssize_t got = *total > 0 ? pread(stage_output_fd, text, text_size - 1, 0) : 0;
    size_t length = got > 0 ? (size_t)got : 0;
    text[length] = '\0';
    if (ftruncate(stage_output_fd, 0) != 0)
        *total = 0;
    lseek(stage_output_fd, 0, SEEK_SET);
    return length;
}

static void show_or_attach_output(struct trace_result *r, int failed)
{
    static char text[OUTPUT_SHOWN + 1];
    off_t total;
    size_t length = take_stage_output(text, sizeof text, &total);
    if (length == 0)
        return;
    if (!failed) {
        if (write(STDERR_FILENO, text, length) < 0 || total > (off_t)length)
            fprintf(stderr, "(%lld more bytes of the stage's output not shown)\n",
                    (long long)(total - (off_t)length));
        return;
    }
    /* The last lines: the ones just before the failure. */
    const char *from = text_last_lines(text, length, OUTPUT_LINES_IN_MESSAGE);
    size_t used = strlen(r->error);
    used += (size_t)snprintf(r->error + used, sizeof r->error - used, "\n    the stage printed%s:",
                             from > text || total > (off_t)length ? " (its last lines)" : "");
    while (*from != '\0' && used + 8 < sizeof r->error) {
        const char *end = strchr(from, '\n');
        int line_length = (int)(end ? (size_t)(end - from) : strlen(from));
        used += (size_t)snprintf(r->error + used, sizeof r->error - used, "\n      | %.*s",
                                 line_length > 200 ? 200 : line_length, from);
        from = end ? end + 1 : from + line_length;
    }
}

/* ---- the fingerprints of a trace's results ------------------------------------------- */

/* One trace's fingerprints (checked.h), in memory shared with the replay children: expected,
 * written by the checked replay; observed, written by each timed replay. The runner compares
 * them at the timed replay's checkpoints (timed_proof.h). Made for each trace, so that no
 * trace's results reach another's replays. */
static struct {
    uint64_t *expected, *observed; /* NULL when nothing is timed */
    size_t bytes;
    struct trace_op *shown; /* the operations a timed replay may see so far (timed.h) */
    size_t shown_bytes;
    int observed_file, shown_file; /* memory files: a stage program maps them (fence.h) */
} fingerprints = { .observed_file = -1, .shown_file = -1 };

/* Memory shared with the replay children, as a memory file (its descriptor in *file, or NULL
 * when no one needs it), whole pages. */
static void *share_region(size_t bytes, int *file)
{
    int memory_file = memfd_create("heapkit-replay", MFD_CLOEXEC);
    void *region = MAP_FAILED;
    if (memory_file >= 0 && ftruncate(memory_file, (off_t)bytes) == 0)
        region = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, memory_file, 0);
    if (region == MAP_FAILED) {
        perror("replay: cannot share the fingerprints of a trace with the replay processes");
        exit(2);
    }
    if (file != NULL)
        *file = memory_file;
    else
        close(memory_file);
    return region;
}

static size_t whole_pages(size_t bytes)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (bytes + page - 1) / page * page;
}

static void share_fingerprints(const struct trace *trace)
{
    fingerprints.bytes = whole_pages((size_t)(trace->op_count ? trace->op_count : 1) * sizeof *fingerprints.expected);
    fingerprints.expected = share_region(fingerprints.bytes, NULL);
    fingerprints.observed = share_region(fingerprints.bytes, &fingerprints.observed_file);
    fingerprints.shown_bytes = whole_pages((size_t)(trace->op_count ? trace->op_count : 1) * sizeof *trace->ops);
    fingerprints.shown = share_region(fingerprints.shown_bytes, &fingerprints.shown_file);
}

static void release_fingerprints(void)
{
    if (fingerprints.expected != NULL) {
        munmap(fingerprints.expected, fingerprints.bytes);
        munmap(fingerprints.observed, fingerprints.bytes);
        munmap(fingerprints.shown, fingerprints.shown_bytes);
        close(fingerprints.observed_file);
        close(fingerprints.shown_file);
    }
    fingerprints.expected = fingerprints.observed = NULL;
    fingerprints.shown = NULL;
    fingerprints.observed_file = fingerprints.shown_file = -1;
}

/* ---- the replays ------------------------------------------------------------------------ */

/* A checked replay of `trace` as the options ask (the caller adds fingerprints, probes or
 * snapshots). */
static struct checked_setup checked_setup_of(const struct runner_options *o, const struct trace *trace)
{
    return (struct checked_setup){
        .trace = trace, .limit_bytes = o->limit_bytes,
        .run_heap_checker = o->run_heap_checker, .calls = o->stage->calls,
    };
}

/* What every replay child is given: its time limit (a stage program's start-up added), and the
 * results pipe to close (-1 when the results go to stdout). */
static double replay_seconds(const struct runner_options *o)
{
    return o->time_limit_seconds + o->stage->start_seconds;
}

static int results_fd_to_close(const struct runner_options *o)
{
    return o->results_fd == STDOUT_FILENO ? -1 : o->results_fd;
}

/* Where the last checked replay's child was when it ended (the report's op_position). */
static uint32_t checked_ended_at;

/* --map, --html: after the checked replay, from a replay of their own (pictures.h). A failure
 * to draw is the user's to read, and the runner's exit status; the result is unchanged. */
static int pictures_failed;

static void draw_pictures(const struct runner_options *o, const struct trace *trace, const struct trace_result *r)
{
    struct checked_setup setup = checked_setup_of(o, trace);
    if (pictures_draw(&o->pictures, &setup, o->stage_name, replay_seconds(o), results_fd_to_close(o),
                      !r->correct, checked_ended_at, r->error) != 0)
        pictures_failed = 1;
}

static int run_checked(const struct runner_options *o, const struct trace *trace, struct trace_result *r)
{
    struct checked_setup setup = checked_setup_of(o, trace);
    setup.fingerprints = fingerprints.expected;
    int results_fd = results_fd_to_close(o);
    struct child_outcome outcome =
        isolate_run(checked_replay, &setup, replay_seconds(o), results_fd,
                    stage_output_fd);
    const struct child_report *report = isolate_report();
    r->checked_seconds = outcome.seconds;
    r->hung = outcome.end == CHILD_TIMED_OUT || outcome.end == CHILD_HUNG;
    r->unfinished = outcome.end == CHILD_TODO;
    int failed = outcome.end != CHILD_FINISHED || report->failed;
    r->peak_payload_bytes = report->peak_payload_bytes;
    r->null_results = report->null_results;
    r->peak_footprint_bytes = report->peak_footprint_bytes;
    r->counts = report->counts;
    checked_ended_at = report->op_position;
    if (!failed) {
        r->correct = 1;
        show_or_attach_output(r, 0);
        return 0;
    }
    if (outcome.end == CHILD_FINISHED) {
        snprintf(r->error, sizeof r->error, "%s", report->error);
    } else {
        char where[4400], how[1024];
        where_child_was(trace, report->op_position, where, sizeof where);
        isolate_describe_end(&outcome, report, o->time_limit_seconds, how, sizeof how);
        snprintf(r->error, sizeof r->error, "%s: the stage %s", where, how);
    }
    show_or_attach_output(r, 1);
    append_reproduce(o, r);
    if (o->shrink_directory != NULL && !o->pictures.map && o->pictures.html_path == NULL) {
        char command[1200];
        replay_command(o, command, sizeof command);
        struct shrink_failure_setup shrink = {
            .base = &setup, .stage_name = o->stage_name, .reproduce_as = command, .directory = o->shrink_directory,
            .time_limit_seconds = replay_seconds(o),
            .close_in_child = results_fd, .quiet_fd = discarded_output_fd, .hung = r->hung,
            .ended_at = checked_ended_at,
        };
        shrink_failure(&shrink, r->error, sizeof r->error);
    }
    return -1;
}

/* Who a timed replay times: the stage, the C library, or a reference stage (the grader's). */
enum timed_side { SIDE_STAGE, SIDE_LIBC, SIDE_REFERENCE, SIDE_COUNT };

/* One timed replay in a fresh child; its CPU seconds, as the runner measured them, or -1 when
 * it did not finish or did not prove its work (r->error says). is_baseline: the stage is
 * the C library or a production allocator (runner.h). */
static double time_once(const struct runner_options *o, const struct trace *trace, int is_baseline,
                        enum timed_side side, struct trace_result *r, double segment_seconds[REPORT_MAX_SEGMENTS],
                        double segment_instructions[REPORT_MAX_SEGMENTS])
{
    int use_libc = side == SIDE_LIBC;
    struct timed_setup setup = {
        .trace = trace, .limit_bytes = o->limit_bytes, .use_libc = use_libc, .use_reference = side == SIDE_REFERENCE,
        .real = side == SIDE_STAGE ? timed_direct_allocator(o->stage->calls->real_memory) : NULL,
        .observed = fingerprints.observed,
        .expected = fingerprints.expected, .expected_bytes = fingerprints.bytes,
        .shown = fingerprints.shown,
        .observed_file = fingerprints.observed_file, .shown_file = fingerprints.shown_file,
    };
    /* The stage's results are compared; the C library's are not: its real addresses vary; nor
     * the reference's, which is the kit's own and had no checked replay here. */
    static struct timed_proof proof;
    const char *who = use_libc ? "the C library" : side == SIDE_REFERENCE ? "the reference stage" : "the stage";
    timed_proof_start(&proof, trace, who, side != SIDE_STAGE || is_baseline ? NULL : fingerprints.expected,
                      fingerprints.observed, fingerprints.shown);
    /* Nothing an earlier replay wrote counts. */
    memset(fingerprints.observed, TIMED_NOT_DONE_BYTE, fingerprints.bytes);
    const struct checkpoint_server server = { timed_proof_checkpoint, &proof, timed_last_checkpoint(trace) };
    struct child_outcome outcome = isolate_run_checkpointed(o->stage->timed_body, &setup, replay_seconds(o), results_fd_to_close(o),
                                                            discarded_output_fd, &server);
    const struct child_report *report = isolate_report();
    if (outcome.end == CHILD_FINISHED && timed_proof_complete(&proof)) {
        for (uint32_t i = 0; i <= trace->mark_count; i++) {
            segment_seconds[i] = (double)proof.segment_ns[i] / 1e9;
            segment_instructions[i] = proof.segment_instructions[i] == INSTRUCTIONS_UNKNOWN
                                          ? -1 : (double)proof.segment_instructions[i];
        }
        return (double)proof.elapsed_ns / 1e9;
    }
    if (outcome.checkpoint_refused) {
        snprintf(r->error, sizeof r->error, "%s", proof.error);
    } else if (outcome.end == CHILD_FINISHED) {
        snprintf(r->error, sizeof r->error,
                 "%s: the timed replay of %s said it had finished, but the runner saw it reach only "
                 "operation %u of %u: a stage must not write the replay's report (the runner believes "
                 "only what it measures)", trace->path, who, proof.ops_passed, trace->op_count);
    } else {
        char how[1024];
        r->hung = outcome.end == CHILD_TIMED_OUT || outcome.end == CHILD_HUNG;
        isolate_describe_end(&outcome, report, o->time_limit_seconds, how, sizeof how);
        snprintf(r->error, sizeof r->error,
                 "%s: the timed replay of %s (which runs no checks) %s, though the checked replay passed",
                 trace->path, who, how);
    }
    append_reproduce(o, r);
    return -1;
}

/* The median of `runs` instruction counts, or -1 when any run's is unknown. */
static double median_count(double counts[MAX_RUNS], uint32_t runs)
{
    for (uint32_t run = 0; run < runs; run++)
        if (counts[run] < 0)
            return -1;
    return median(counts, runs);
}

/* ---- the checker probes (checker_probe.h) ------------------------------------------------ */

/* The last line the stage printed (what its hm_check said), or "" when none. */
static void last_printed_line(char *out, size_t out_size)
{
    static char text[OUTPUT_SHOWN + 1];
    off_t total;
    size_t length = take_stage_output(text, sizeof text, &total);
    while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == '\r'))
        text[--length] = '\0';
    const char *line = text_last_lines(text, length, 1);
    snprintf(out, out_size, "%.160s", line);
    for (char *c = out; *c != '\0'; c++)
        if ((unsigned char)*c < ' ')
            *c = ' ';
}

/* One probe: a replay of its own, cut short at the probe's point (checked.c). */
static enum probe_verdict probe_once(const struct runner_options *o, const struct trace *trace, struct trace_result *r,
                                     int point, enum probe_kind kind, char *text, size_t text_size)
{
    /* From the trace's name: every stage's replay of a trace is struck alike. */
    uint64_t seed = 14695981039346656037u; /* FNV-1a */
    for (const char *c = trace->name; *c != '\0'; c++)
        seed = (seed ^ (unsigned char)*c) * 1099511628211u;
    seed ^= (uint64_t)point << 32 ^ (uint64_t)kind * 0x9e3779b97f4a7c15u;
    struct checked_setup setup = {
        .trace = trace, .limit_bytes = o->limit_bytes, .calls = o->stage->calls,
        .probing = 1, .probe_kind = kind, .probe_op = r->probe_ops[point], .probe_seed = seed,
    };
    /* The replay before the point runs no hm_check: a fraction of the checked replay's time.
     * What is left is hm_check's on a corrupted heap, where a walk may lose its way. */
    double limit = 3 * r->checked_seconds + 2;
    if (limit > o->time_limit_seconds)
        limit = o->time_limit_seconds;
    struct child_outcome outcome = isolate_run(checked_replay, &setup, limit + o->stage->start_seconds,
                                               results_fd_to_close(o), stage_output_fd);
    const struct child_report *report = isolate_report();
    char printed[200];
    last_printed_line(printed, sizeof printed);
    enum probe_verdict verdict = (enum probe_verdict)report->probe_verdict;
    if (report->probe_struck && (outcome.end != CHILD_FINISHED || verdict == PROBE_NOT_RUN)) {
        char how[512];
        isolate_describe_end(&outcome, report, limit, how, sizeof how);
        snprintf(text, text_size, "%.200s: hm_check did not return: the stage %.140s", report->probe_text, how);
        return PROBE_CRASHED;
    }
    if (outcome.end != CHILD_FINISHED || report->failed) {
        snprintf(text, text_size, "the replay did not reach the probe: %.300s",
                 report->failed ? report->error : "it ended early");
        return PROBE_NOT_RUN;
    }
    snprintf(text, text_size, "%.220s%s%.160s%s", report->probe_text, printed[0] ? " (it printed: " : "", printed,
             printed[0] ? ")" : "");
    return verdict;
}

/* Every kind at every point, once the checked replay of the trace passed. */
static void run_probes(const struct runner_options *o, const struct trace *trace, struct trace_result *r)
{
    r->probed = 1;
    for (int point = 0; point < PROBE_POINTS; point++) {
        r->probe_ops[point] = checker_probe_point(trace->op_count, point);
        for (int kind = 0; kind < PROBE_KINDS; kind++) {
            struct probe_result *p = &r->probes[point][kind];
            p->verdict = (uint8_t)probe_once(o, trace, r, point, (enum probe_kind)kind, p->text, sizeof p->text);
        }
    }
}

/* The stage's median time, and instructions, on each segment between the trace's marks. */
static void keep_segments(const struct trace *trace, uint32_t runs, double seconds[REPORT_MAX_SEGMENTS][MAX_RUNS],
                          double instructions[REPORT_MAX_SEGMENTS][MAX_RUNS], struct trace_result *r)
{
    r->segment_count = trace->mark_count + 1;
    for (uint32_t i = 0; i < r->segment_count; i++) {
        struct segment_result *segment = &r->segments[i];
        uint32_t from = i == 0 ? 0 : trace->marks[i - 1].op_index;
        uint32_t to = i < trace->mark_count ? trace->marks[i].op_index : trace->op_count;
        snprintf(segment->name, sizeof segment->name, "%s", i == 0 ? "start" : trace->marks[i - 1].name);
        segment->ops = to - from;
        segment->seconds = median(seconds[i], runs);
        segment->instructions = median_count(instructions[i], runs);
    }
}

/* The timed runs: each run times every side once, the order turning from run to run (stage,
 * libc; libc, stage; ... or with a reference: stage, reference, libc; reference, libc, stage;
 * ...) so that a slow moment of the machine lands on each side alike. A reference that fails
 * is dropped (its ratio stays 0: not measured); it is not the stage's failure. */
static int run_timed(const struct runner_options *o, const struct trace *trace, int is_baseline,
                     struct trace_result *r)
{
    static double seconds[SIDE_COUNT][MAX_RUNS], ratio[SIDE_COUNT][MAX_RUNS];
    static double segments[REPORT_MAX_SEGMENTS][MAX_RUNS], run_segments[REPORT_MAX_SEGMENTS],
        ignored[REPORT_MAX_SEGMENTS];
    static double counts[REPORT_MAX_SEGMENTS][MAX_RUNS], run_counts[REPORT_MAX_SEGMENTS],
        ignored_counts[REPORT_MAX_SEGMENTS];
    /* The order of the sides in the first run; each run starts one further along. */
    static const enum timed_side STAGE_ONLY[] = { SIDE_STAGE }, AGAINST_LIBC[] = { SIDE_STAGE, SIDE_LIBC },
                                 WITH_REFERENCE[] = { SIDE_STAGE, SIDE_REFERENCE, SIDE_LIBC };
    int with_reference = !o->stage_only && o->stage->has_reference != NULL && o->stage->has_reference();
    const enum timed_side *order = o->stage_only ? STAGE_ONLY : with_reference ? WITH_REFERENCE : AGAINST_LIBC;
    uint32_t side_count = o->stage_only ? 1 : with_reference ? 3 : 2;
    /* The reference's failure is not the stage's: what it reports lands here, unread. */
    static struct trace_result reference_result;
    memset(seconds, 0, sizeof seconds); /* no side that is not run this time counts */
    for (uint32_t run = 0; run < o->runs; run++) {
        for (uint32_t k = 0; k < side_count; k++) {
            enum timed_side side = order[(run + k) % side_count];
            if (side == SIDE_REFERENCE && !with_reference)
                continue; /* it failed in an earlier run */
            double taken = time_once(o, trace, is_baseline, side, side == SIDE_REFERENCE ? &reference_result : r,
                                     side == SIDE_STAGE ? run_segments : ignored,
                                     side == SIDE_STAGE ? run_counts : ignored_counts);
            if (taken < 0 && side == SIDE_REFERENCE) {
                with_reference = 0;
                continue;
            }
            if (taken < 0) {
                r->correct = 0;
                return -1;
            }
            seconds[side][run] = taken;
        }
        for (uint32_t i = 0; i <= trace->mark_count; i++) {
            segments[i][run] = run_segments[i];
            counts[i][run] = run_counts[i];
        }
        for (int side = SIDE_STAGE; side < SIDE_COUNT; side++)
            ratio[side][run] = seconds[side][run] > 0 && seconds[SIDE_LIBC][run] > 0
                                   ? seconds[SIDE_LIBC][run] / seconds[side][run] : 0;
    }
    r->timed = 1;
    r->runs = o->runs;
    r->stage_seconds = median(seconds[SIDE_STAGE], o->runs);
    r->libc_seconds = o->stage_only ? 0 : median(seconds[SIDE_LIBC], o->runs);
    r->speed_ratio = o->stage_only ? 0 : median(ratio[SIDE_STAGE], o->runs);
    r->reference_seconds = with_reference ? median(seconds[SIDE_REFERENCE], o->runs) : 0;
    r->reference_ratio = with_reference ? median(ratio[SIDE_REFERENCE], o->runs) : 0;
    keep_segments(trace, o->runs, segments, counts, r);
    return 0;
}

int runner_main(int argc, char **argv, const struct runner_stage *stage)
{
    struct runner_options o;
    int first_trace;
    if (argc >= 2 && strcmp(argv[1], "--warm") == 0 && stage->warm != NULL)
        return stage->warm(argc, argv, stage);
    if (read_options(argc, argv, stage, &o, &first_trace) != 0)
        return 2;
    int is_baseline = stage->is_baseline;
    int all_correct = 1;
    open_output_files();
    static struct trace trace;
    static struct trace_result result;
    for (int i = first_trace; i < argc; i++) {
        memset(&result, 0, sizeof result);
        snprintf(result.stage, sizeof result.stage, "%s", o.stage_name);
        snprintf(result.trace_path, sizeof result.trace_path, "%s", argv[i]);
        if (trace_load(argv[i], &trace, result.error, sizeof result.error) != 0) {
            const char *name;
            int name_length = text_last_name(argv[i], &name);
            snprintf(result.trace_name, sizeof result.trace_name, "%.*s", name_length, name);
            result_write(o.results_fd, &result);
            all_correct = 0;
            continue;
        }
        result.loaded = 1;
        result.ops = trace.op_count;
        snprintf(result.trace_name, sizeof result.trace_name, "%s", trace.name);
        if (o.measure_time)
            share_fingerprints(&trace);
        if (run_checked(&o, &trace, &result) == 0 && o.measure_time)
            run_timed(&o, &trace, is_baseline, &result);
        if (result.correct && o.probe_checker)
            run_probes(&o, &trace, &result);
        if (o.pictures.map || o.pictures.html_path)
            draw_pictures(&o, &trace, &result);
        release_fingerprints();
        all_correct &= result.correct;
        result_write(o.results_fd, &result);
        trace_release(&trace);
    }
    return pictures_failed ? 2 : all_correct ? 0 : 1;
}
