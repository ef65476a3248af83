/* grade_rubric.c: read grader/rubric.ini with libinih (see the file itself for its keys). */
#include "grade.h"
#include "grade_hidden.h"

#include "options.h"

#include <errno.h>
#ifdef HEAPKIT_INI_LITE /* the student kit's pre-grade: the C library alone (ini_lite.h) */
#include "ini_lite.h"
#define ini_parse ini_lite_parse
#else
#include <ini.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const KIND_NAMES[KIND_COUNT] = { "build", "correctness", "utilization", "throughput", "complexity",
                                             "checker" };
const char *const PROMISE_NAMES[PROMISE_COUNT] = { "none", "reuse", "map" };

struct reading {
    struct rubric *rubric;
    char error[512];
};

static int parse_number(const char *text, double *out)
{
    char *end;
    double value = strtod(text, &end);
    if (end == text || *end != '\0' || value < 0 || value > 1e6)
        return -1;
    *out = value;
    return 0;
}

static int parse_yes_no(const char *text, int *out)
{
    if (strcasecmp(text, "yes") == 0 || strcasecmp(text, "true") == 0 || strcmp(text, "1") == 0)
        *out = 1;
    else if (strcasecmp(text, "no") == 0 || strcasecmp(text, "false") == 0 || strcmp(text, "0") == 0)
        *out = 0;
    else
        return -1;
    return 0;
}

/* A niceness, -20 to 19: 0, or -1 when it is not one. */
static int parse_nice(const char *value, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || n < -20 || n > 19)
        return -1;
    *out = (int)n;
    return 0;
}

static int grader_key(struct reading *r, const char *name, const char *value)
{
    struct rubric *rubric = r->rubric;
    struct { const char *key; double *number; } numbers[] = {
        { "utilization_low", &rubric->utilization_low }, { "utilization_high", &rubric->utilization_high },
        { "throughput_low", &rubric->throughput_low }, { "throughput_high", &rubric->throughput_high },
        { "replay_seconds", &rubric->replay_seconds }, { "runner_seconds", &rubric->runner_seconds },
        { "reuse_factor", &rubric->reuse_factor }, { "reuse_share", &rubric->reuse_share },
        { "submission_seconds", &rubric->submission_seconds },
        { "build_seconds", &rubric->build_seconds },
    };
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        if (strcmp(name, numbers[i].key) == 0)
            return parse_number(value, numbers[i].number) == 0 ? 0
                   : (snprintf(r->error, sizeof r->error, "%s: not a number: '%s'", name, value), -1);
    uint32_t count;
    uint64_t bytes;
    if (strcmp(name, "public_traces") == 0) {
        snprintf(rubric->public_traces, sizeof rubric->public_traces, "%s", value);
    } else if (strcmp(name, "hidden") == 0) {
        /* An indented line continues the value (libinih calls again with the same key): more
         * invocations. */
        size_t used = strlen(rubric->hidden);
        if (used + strlen(value) + 2 >= sizeof rubric->hidden) {
            snprintf(r->error, sizeof r->error, "hidden: longer than %zu characters", sizeof rubric->hidden - 1);
            return -1;
        }
        snprintf(rubric->hidden + used, sizeof rubric->hidden - used, "%s%s", used ? ";" : "", value);
        if (hidden_rubric_check(rubric->hidden, r->error, sizeof r->error) != 0)
            return -1;
    } else if (strcmp(name, "hidden_traces") == 0) {
        snprintf(r->error, sizeof r->error, "hidden_traces: hidden traces are no longer files: they are made "
                 "when grading, from a secret; name their generators instead, such as hidden = random --ops "
                 "20000; coalesce (see grader/README.md, \"Hidden traces\")");
        return -1;
    } else if (strcmp(name, "checker_traces") == 0 && strlen(value) < sizeof rubric->checker_traces) {
        snprintf(rubric->checker_traces, sizeof rubric->checker_traces, "%s", value);
    } else if (strcmp(name, "secret_file") == 0 && value[0] != '\0') {
        snprintf(rubric->secret_file, sizeof rubric->secret_file, "%s", value);
    } else if (strcmp(name, "runs") == 0 && parse_count(value, 1, 101, &count) == 0) {
        rubric->runs = count;
    } else if (strcmp(name, "nice") == 0 && parse_nice(value, &rubric->nice) == 0) {
    } else if (strcmp(name, "stop_after_timeouts") == 0 && parse_count(value, 1, 1000, &count) == 0) {
        rubric->stop_after_timeouts = count;
    } else if (strcmp(name, "memory_limit") == 0 && parse_size(value, &bytes) == 0 &&
               strlen(value) < sizeof rubric->memory_limit) {
        snprintf(rubric->memory_limit, sizeof rubric->memory_limit, "%s", value);
        rubric->memory_limit_bytes = bytes;
    } else if (strcmp(name, "static_memory_limit") == 0 && parse_size(value, &bytes) == 0) {
        rubric->static_bytes_limit = bytes;
    } else if (strcmp(name, "build_memory") == 0 && parse_size(value, &bytes) == 0 && bytes >= (UINT64_C(64) << 20)) {
        rubric->build_memory_bytes = bytes;
    } else if (strcmp(name, "sandbox_uid_base") == 0 && parse_count(value, 1000, UINT32_C(2000000000), &count) == 0) {
        rubric->sandbox_uid_base = count;
    } else if (strcmp(name, "sandbox_slots") == 0 && parse_count(value, 1, 4096, &count) == 0) {
        rubric->sandbox_slots = count;
    } else {
        snprintf(r->error, sizeof r->error, "[grader]: unknown key or bad value: %s = %s", name, value);
        return -1;
    }
    return 0;
}

static struct stage_rubric *stage_section(struct rubric *rubric, const char *section)
{
    for (size_t i = 0; i < rubric->stage_count; i++)
        if (strcmp(rubric->stages[i].name, section) == 0)
            return &rubric->stages[i];
    if (rubric->stage_count == GRADE_MAX_STAGES)
        return NULL;
    struct stage_rubric *stage = &rubric->stages[rubric->stage_count++];
    memset(stage, 0, sizeof *stage);
    snprintf(stage->name, sizeof stage->name, "%s", section);
    return stage;
}

static int stage_key(struct reading *r, const char *section, const char *name, const char *value)
{
    if (strspn(section, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(section) ||
        strlen(section) >= GRADE_NAME) {
        snprintf(r->error, sizeof r->error, "[%s]: a stage name is lower-case letters, digits and _", section);
        return -1;
    }
    struct stage_rubric *stage = stage_section(r->rubric, section);
    if (stage == NULL) {
        snprintf(r->error, sizeof r->error, "[%s]: more than %d stages", section, GRADE_MAX_STAGES);
        return -1;
    }
    for (int kind = 0; kind < KIND_COUNT; kind++)
        if (strcmp(name, KIND_NAMES[kind]) == 0) {
            if (parse_number(value, &stage->points[kind]) == 0)
                return 0;
            snprintf(r->error, sizeof r->error, "[%s]: %s: not a number of points: '%s'", section, name, value);
            return -1;
        }
    if (strcmp(name, "utilization_high") == 0) {
        if (parse_number(value, &stage->utilization_high) == 0 && stage->utilization_high > 0)
            return 0;
        snprintf(r->error, sizeof r->error, "[%s]: utilization_high: not a share above 0: '%s'", section, value);
        return -1;
    }
    int *flag = strcmp(name, "malloc_o1") == 0 ? &stage->malloc_o1 : strcmp(name, "free_o1") == 0 ? &stage->free_o1 : NULL;
    if (flag != NULL && parse_yes_no(value, flag) == 0)
        return 0;
    if (strcmp(name, "promise") == 0) {
        for (int promise = 0; promise < PROMISE_COUNT; promise++)
            if (strcmp(value, PROMISE_NAMES[promise]) == 0) {
                stage->promise = (enum promise)promise;
                return 0;
            }
        snprintf(r->error, sizeof r->error, "[%s]: promise = %s: give none, reuse or map", section, value);
        return -1;
    }
    snprintf(r->error, sizeof r->error, "[%s]: unknown key or bad value: %s = %s", section, name, value);
    return -1;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    struct reading *r = user;
    if (section[0] == '\0') {
        snprintf(r->error, sizeof r->error, "%s = %s: outside any [section]", name, value);
        return 0;
    }
    if (strcmp(section, "grader") == 0)
        return grader_key(r, name, value) == 0;
    return stage_key(r, section, name, value) == 0;
}

int rubric_load(const char *path, struct rubric *rubric)
{
    *rubric = (struct rubric){
        .public_traces = "traces/*.rep", .hidden = "", .secret_file = "grader/secret",
        .utilization_low = 0.5, .utilization_high = 0.9, .throughput_low = 0.25, .throughput_high = 0.6,
        .reuse_factor = 4, .reuse_share = 0.5, .submission_seconds = 600,
        .runs = 3, .replay_seconds = 30, .runner_seconds = 120, .stop_after_timeouts = 2, .nice = -10,
        .memory_limit = "1G", .memory_limit_bytes = UINT64_C(1) << 30, .static_bytes_limit = UINT64_C(64) << 20,
        .sandbox_uid_base = SLOT_UID_BASE_DEFAULT, .sandbox_slots = SLOT_COUNT_DEFAULT,
        .build_seconds = 60, .build_memory_bytes = UINT64_C(2) << 30,
    };
    snprintf(rubric->path, sizeof rubric->path, "%s", path);
    struct reading reading = { .rubric = rubric };
    int line = ini_parse(path, on_key, &reading);
    if (line < 0) {
        fprintf(stderr, "%s: cannot read the rubric\n", path);
        return -1;
    }
    if (line > 0) {
        fprintf(stderr, "%s:%d: %s\n", path, line, reading.error[0] ? reading.error : "not INI syntax");
        return -1;
    }
    if (reading.error[0] != '\0') {
        fprintf(stderr, "%s: %s\n", path, reading.error);
        return -1;
    }
    if (rubric->utilization_low >= rubric->utilization_high || rubric->throughput_low >= rubric->throughput_high) {
        fprintf(stderr, "%s: each _low threshold must be below its _high\n", path);
        return -1;
    }
    /* A replay's CPU limit is set inside its runner's, which it cannot pass. */
    if (!(rubric->replay_seconds > 0) || rubric->replay_seconds + 5 > rubric->runner_seconds) {
        fprintf(stderr, "%s: replay_seconds (%g) must be more than 0 and leave its runner room: at most "
                "runner_seconds (%g) less 5\n", path, rubric->replay_seconds, rubric->runner_seconds);
        return -1;
    }
    if (!(rubric->build_seconds > 0)) {
        fprintf(stderr, "%s: build_seconds must be more than 0\n", path);
        return -1;
    }
    if (rubric->stage_count == 0) {
        fprintf(stderr, "%s: no [STAGE] section: nothing to grade\n", path);
        return -1;
    }
    return 0;
}

const struct stage_rubric *rubric_stage(const struct rubric *rubric, const char *name)
{
    for (size_t i = 0; i < rubric->stage_count; i++)
        if (strcmp(rubric->stages[i].name, name) == 0)
            return &rubric->stages[i];
    return NULL;
}
