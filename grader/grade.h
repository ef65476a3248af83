/*
 * grade.h: the autograder's parts and what they share (see grader/README.md for its use and
 * grader/SECURITY.md for what it defends against).
 *
 *   grade_rubric.c   grader/rubric.ini: stages, points, thresholds (libinih)
 *   grade_build.c    copy a submission's stage files, compile them, check what they may call,
 *                    link them, check the program's ELF headers (in the build jail when root)
 *   grade_builds.c   every stage's build at once, a few at a time, each in a child
 *   grade_slot.c     the grading's slot: its own user for its untrusted processes (slots.h)
 *   grade_run.c      run a program as an untrusted child: own process group, limits, timeout,
 *                    another user when the grader is root; results read from a pipe
 *   grade_score.c    run the stages and the reference on the traces, score by the rubric
 *   grade_checker.c  score the stage's hm_check: corruptions it sees, against the reference's
 *   grade_hidden.c   make the hidden traces from the instructor's secret and the submission
 *   grade_report.c   the text report, results.json (cJSON), one CSV row
 *   grade_main.c     the command line
 *
 * Only this process decides scores, from what it observed: the result lines it asked a runner
 * for, parsed, for the traces it asked about, and exit statuses and timings it measured itself.
 */
#ifndef GRADE_H
#define GRADE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "result.h"
#include "slots.h"

enum { GRADE_MAX_STAGES = 16, GRADE_MAX_TRACES = 128, GRADE_NAME = 64, GRADE_PATH = 4096 };

/* A stage program's data beyond the stage's static memory: the kit's stage side and the C
 * library (linked static), their break. The stage's own is rubric.static_bytes_limit. */
#define GRADE_PROGRAM_DATA_ALLOWANCE_BYTES (UINT64_C(32) << 20)

/* ---- the rubric ------------------------------------------------------------------------ */

enum kind { KIND_BUILD, KIND_CORRECTNESS, KIND_UTILIZATION, KIND_THROUGHPUT, KIND_COMPLEXITY, KIND_CHECKER, KIND_COUNT };
extern const char *const KIND_NAMES[KIND_COUNT]; /* "build", "correctness", ... */

/* What a stage is about, checked where its correctness is (rubric.ini says how). */
enum promise { PROMISE_NONE, PROMISE_REUSE, PROMISE_MAP, PROMISE_COUNT };
extern const char *const PROMISE_NAMES[PROMISE_COUNT]; /* "none", "reuse", "map" */

struct stage_rubric {
    char name[GRADE_NAME];
    double points[KIND_COUNT]; /* correctness: split evenly over the stage's traces */
    int malloc_o1, free_o1;    /* complexity: which operation must stay O(1) */
    double utilization_high;   /* all utilization points from here (0: the [grader] value) */
    enum promise promise;
};

struct rubric {
    char path[GRADE_PATH];
    struct stage_rubric stages[GRADE_MAX_STAGES];
    size_t stage_count;
    char public_traces[GRADE_PATH]; /* glob, from the kit root */
    char hidden[GRADE_PATH];        /* generator invocations, ';' between them (grade_hidden.h) */
    char checker_traces[GRADE_PATH]; /* names of public traces, spaces between: the checker's probes */
    char secret_file[GRADE_PATH];   /* the hidden traces' secret, from the kit root unless absolute */
    double utilization_low, utilization_high; /* student / reference: 0 points at low, all at high */
    double throughput_low, throughput_high;
    double reuse_factor;         /* promise = reuse: each trace's memory limit, times its peak live payload */
    double reuse_share;          /* ...and the share of the traces that need reuse it must pass */
    unsigned runs;               /* timed runs per trace (the runner's -n) */
    double replay_seconds;       /* the runner's -t: one replay */
    double runner_seconds;       /* the grader's own wall-clock limit on one runner */
    unsigned stop_after_timeouts; /* a stage that hangs this many times is not run further */
    double submission_seconds;   /* the whole grading's budget: past it, no further trace runs */
    char memory_limit[32];       /* the runner's --limit, such as "1G" */
    unsigned long long memory_limit_bytes;
    unsigned long long static_bytes_limit; /* a stage's static memory (elf_check.h says what counts) */
    unsigned sandbox_uid_base;   /* grading slot K runs as user and group sandbox_uid_base + K */
    unsigned sandbox_slots;      /* how many gradings may run at once */
    double build_seconds;        /* one build tool (compiler, linker, readelf ...): wall clock and CPU */
    int nice;                    /* the grading's scheduling priority (setpriority), from -20 to 19 */
    unsigned long long build_memory_bytes; /* one build tool's address space (RLIMIT_AS) */
};

/* Read the rubric; on error print "FILE:LINE: what" to stderr and return -1. */
int rubric_load(const char *path, struct rubric *rubric);
const struct stage_rubric *rubric_stage(const struct rubric *rubric, const char *name);

/* ---- running untrusted programs -------------------------------------------------------- */

struct run_limits {
    double wall_seconds;
    double cpu_seconds;
    unsigned long long address_space_bytes; /* 0: unlimited */
    unsigned long long file_bytes;
    unsigned nofile, nproc;                 /* nproc only applies when dropping to another user */
    int as_nobody;                          /* run as uid/gid 65534 (the grader must be root) */
};

struct run_outcome {
    int started;
    int exited, exit_status; /* exited normally */
    int signal;              /* killed by this signal (0: none) */
    int timed_out;           /* the grader killed it after wall_seconds */
    double seconds;
    char *results;           /* what it wrote to fd 3 (NUL-terminated, at most a few MiB) */
    size_t results_bytes;
    char *output;            /* its stdout and stderr together, the first 64 KiB */
};

/* Run argv in directory `cwd` (NULL: ours) as an untrusted child. Its fd 3 is a pipe whose
 * contents end up in outcome->results. Returns 0 when it ran (however it ended). */
int run_untrusted(char *const argv[], const char *cwd, const struct run_limits *limits,
                  struct run_outcome *outcome);
void run_outcome_free(struct run_outcome *outcome);
/* "exit status 1", "killed by SIGSEGV", "stopped after 60 s" */
void run_describe(const struct run_outcome *outcome, const struct run_limits *limits, char *out, size_t size);
/* The grader runs as root: untrusted code runs as nobody. */
int run_as_root(void);

/* ---- building --------------------------------------------------------------------------- */

struct toolchain {
    char cc[256];
    char cflags[1024];    /* the kit's flags, warnings not fatal */
    char ldflags[512];
    int sanitized, coverage;
};

/* What building one stage found. */
struct stage_build {
    int submitted;          /* SUBMISSION/NAME.c exists */
    int compiled;           /* the compiler made NAME.o */
    int allowed;            /* the static checks passed (or were turned off by the test switch) */
    int linked;             /* the program was linked, copied out and its ELF headers accepted */
    char *compiler_output;  /* warnings or errors, with the grader's paths taken out */
    char violation[2048];   /* the first failure of the checks or the link, one line first */
    char runner[GRADE_PATH]; /* the stage program, WORK/bin/NAME (root-owned, 0755): NAME.o + the stage side */
};

struct grading;

int build_stage(struct grading *g, const char *stage, struct stage_build *out);
/* Every stage of the grading built, several at once (grade_builds.c): builds[i] for g->stages[i]. */
void build_stages(struct grading *g, struct stage_build builds[]);
/* Notes in the report what the builds will switch off (the test switch of the static checks). */
void build_note_switches(struct grading *g);

/* Copy a regular file (no link followed; a FIFO does not hang it), at most max bytes, to a new
 * file of the given mode: 0, COPY_NOT_REGULAR, or -1 (error says why). */
enum { COPY_NOT_REGULAR = -2 };
int copy_file(const char *from, const char *to, size_t max, mode_t mode, char *error, size_t error_size);
void build_free(struct stage_build *build);

/* ---- one grading -------------------------------------------------------------------- */

/* One test: a line of the report, an entry of results.json. */
struct test {
    char stage[GRADE_NAME];
    enum kind kind;
    char name[256];        /* "correctness: coalesce" */
    double score, max_score;
    int hidden;            /* a hidden trace: no details shown */
    int passed;
    char *output;          /* what the student reads (malloc'd; NULL: nothing) */
};

struct trace_entry {
    char path[GRADE_PATH]; /* relative to the work directory, as a student would type it */
    char name[256];
    int hidden;
    uint64_t peak_live_bytes;      /* what a perfect allocator needs (trace_peak_live_bytes) */
    uint64_t requested_bytes;      /* what an allocator that never reuses needs */
};

struct grading {
    const char *kit;       /* the kit's root */
    const char *build;     /* the kit's build directory */
    const char *submission;
    char work[1024];       /* the temporary work directory */
    int keep_work;
    int coverage;
    const char *coverage_dir;
    struct rubric rubric;
    struct toolchain tools;
    int sandboxed;         /* stage programs run confined: filter, own user, empty root (needs root) */
    int no_sandbox;        /* --no-sandbox: a student's local run, which the report says */
    int pregrade;          /* --pre-grade (make grade): the public part only, no hidden traces, no
                              sandbox; the report says what the real grading adds */
    /* The reference's results kept as files, DIR/STAGE/TRACE.KIND (reference_cache.h's lines),
     * for a kit that holds no reference program (grade_reference.c): */
    const char *record_reference;   /* --record-reference DIR: write what the reference gave there */
    const char *recorded_reference; /* --recorded-reference DIR: read it from there instead of
                                       running a reference */
    struct slot slot;      /* the grading's slot (slots.h): its user runs the build tools and every
                              stage program; SLOT_NONE when the grader is not root */
    int jailed;            /* the build tools run in the build jail (jail.h) as slot.uid: set when
                              the grader is root; 0: they ran as the grader's user, unconfined but
                              for limits (a --no-sandbox run) */
    char stages[GRADE_MAX_STAGES][GRADE_NAME];
    size_t stage_count;
    struct trace_entry traces[GRADE_MAX_TRACES];
    size_t trace_count;
    char scaling[3][GRADE_PATH];
    struct test *tests;
    size_t test_count, test_capacity;
    char notes[4096];      /* warnings shown on top of the report */
    struct timespec started; /* when the grading began (its time budget) */
    double seconds;
};

/* Add a test; output is copied (may be NULL). */
struct test *grading_add(struct grading *g, const char *stage, enum kind kind, const char *name,
                         double score, double max_score, int hidden, const char *output);
void grading_note(struct grading *g, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Grade every stage of the submission into g->tests. */
int grade_submission(struct grading *g);

/* How a run is timed: not at all (correctness and utilization), against the C library
 * (throughput), the stage alone (complexity: the cost of each segment), or not at all while the
 * checker is probed (--probe-checker, with -c: checker_probe.h). */
enum timing { TIMING_NONE, TIMING_AGAINST_LIBC, TIMING_STAGE_ONLY, TIMING_PROBE };

/* Run `runner` (its stage is `stage`) on traces (paths in the work directory); fill results[i]
 * for each, got[i] when there is one (grade_score.c says more). */
void grade_run_stage(struct grading *g, const char *runner, const char *reference, int linked, const char *stage,
                     enum timing timing, const char *limit, char *const traces[], size_t count,
                     struct trace_result *results, int *got, struct run_outcome *outcome);

/* A result of the reference program `reference` (linked; its SHA-256 `digest`, or NULL) on
 * trace t, run with `timing` TIMING_NONE or TIMING_PROBE: kept between gradings in
 * BUILD/grader/reference-results (reference_cache.h) for a public trace, since it depends only
 * on the program, the trace, the limit and what was run; else run, and kept when correct.
 * Returns whether it has one. */
int grade_reference_kept(struct grading *g, const char *reference, const uint8_t *digest, const char *stage,
                         const struct trace_entry *t, enum timing timing, const char *limit, struct trace_result *result);

/* The checker entry of a stage (grade_checker.c): its probes and the reference's, on the
 * rubric's checker_traces. plain[i] (when plain_got[i]) is the stage's correctness result on
 * g->traces[i], without -c. */
void score_checker(struct grading *g, const struct stage_rubric *sr, const char *runner,
                   const struct trace_result *plain, const int *plain_got);

/* The reference's result of `kind` ("untimed", "timed", "probes") on public trace `trace` of
 * stage `stage` (grade_reference.c): recorded_get reads what --recorded-reference holds (1 when
 * it had it), recorded_put keeps one for --record-reference (nothing without it). */
int grade_recorded_get(const struct grading *g, const char *stage, const struct trace_entry *trace, const char *kind,
                       struct trace_result *result);
void grade_recorded_put(const struct grading *g, const char *stage, const struct trace_entry *trace, const char *kind,
                        const struct trace_result *result);

/* A pre-grade's entry of `kind` when the kit has no reference stage to compare with: 0 of 0,
 * saying what the real grading does. */
void grade_no_reference(struct grading *g, const struct stage_rubric *sr, enum kind kind);

/* Are the rubric's checker_traces among the public traces? 0, or -1 after saying which is not. */
int checker_traces_check(const struct grading *g);

/* Where a grading starts: when the grader is root, take a grading slot (slots.h: its user's
 * leftover processes are ended), check that the build jail can be set up, and set g->jailed;
 * otherwise g->slot is SLOT_NONE and g->jailed 0. Returns -1 (with a message on stderr) when
 * grading cannot go on. */
int grading_slot_begin(struct grading *g);
/* Where it ends, before the work directory is removed or kept: end every process of the slot's
 * user, hand what it owns in the work directory to root, let the slot go. */
void grading_slot_end(struct grading *g);

double grading_total(const struct grading *g, const char *stage, int max);

void report_text(FILE *out, const struct grading *g);
int report_results_json(const char *path, const struct grading *g);
int report_csv_row(const char *path, const struct grading *g);

/* Run a program of ours (compiler, readelf) and capture its output; returns its exit status or -1. */
int run_tool(char *const argv[], const char *cwd, int untrusted, double seconds, char **output);

#endif /* GRADE_H */
