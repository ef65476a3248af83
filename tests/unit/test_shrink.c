/*
 * test_shrink.c: the trace shrinker (shrink.h), as a specification.
 *
 * Each test gives shrink_trace a failing trace and a synthetic "still fails" predicate whose
 * smallest failing trace is known, and checks the result against it. Every predicate runs
 * through `judge`, which also checks what the shrinker promises of every candidate: well formed
 * (trace_parse read it), ids 0 .. k-1, the header right, no marks. Then shrink_write and
 * trace_load must give the result back unchanged.
 */
#include "shrink.h"
#include "trace.h"
#include "unit.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

enum { MESSAGE_SIZE = 1024 };

static const double LIMIT_SECONDS = 10.0; /* what the runner passes */

/* ---- traces as text ---------------------------------------------------------------------- */

/* A growing text, for the generated traces. */
struct text {
    char *bytes;
    size_t length, capacity;
};

static void append_bytes(struct text *text, const char *bytes, size_t length)
{
    if (text->capacity - text->length < length) {
        text->capacity = text->capacity * 2 + length + 4096;
        text->bytes = realloc(text->bytes, text->capacity);
        if (text->bytes == NULL)
            abort();
    }
    memcpy(text->bytes + text->length, bytes, length);
    text->length += length;
}

/* Append an operation line: the letter, the id, then `rest` (" 777", " 7 10" or ""). */
static void append_op(struct text *text, char kind, uint32_t id, const char *rest)
{
    char line[128];
    snprintf(line, sizeof line, "%c %" PRIu32 "%s\n", kind, id, rest);
    append_bytes(text, line, strlen(line));
}

/* Read `text` as "mem.rep"; a failure to read is the test's own bug, so it stops here. */
static struct trace parse_or_die(const char *text, size_t length)
{
    struct trace trace;
    char error[MESSAGE_SIZE];
    if (trace_parse("tests/mem.rep", text, length, &trace, error, sizeof error) != 0) {
        printf("# a test trace does not read: %s\n", error);
        exit(1);
    }
    return trace;
}

static struct trace parse_text(const char *text)
{
    return parse_or_die(text, strlen(text));
}

/* The operations of a trace, one a line as a .rep writes them. */
static void ops_as_text(const struct trace *trace, char *out, size_t out_size)
{
    size_t used = 0;
    out[0] = '\0';
    for (uint32_t i = 0; i < trace->op_count && used + 1 < out_size; i++) {
        char line[128];
        trace_format_op(&trace->ops[i], line, sizeof line);
        int wrote = snprintf(out + used, out_size - used, "%s%s", i > 0 ? "\n" : "", line);
        if (wrote < 0)
            break;
        used += (size_t)wrote;
    }
}

/* The result's operations are exactly `wanted` (lines joined by "\n"). */
#define expect_ops(trace, wanted)                                               \
    do {                                                                        \
        char got_[4096];                                                        \
        ops_as_text((trace), got_, sizeof got_);                                \
        if (strcmp(got_, (wanted)) != 0) {                                      \
            unit_diagnostic("wanted: ", (wanted));                              \
            unit_diagnostic("got:    ", got_);                                  \
            unit_fail(__FILE__, __LINE__, "the shrunk operations differ");      \
        }                                                                       \
    } while (0)

/* A small deterministic random number generator (xorshift64*), so every run sees the same traces. */
static uint64_t random_state = 88172645463325252u;

static uint64_t random_below(uint64_t bound)
{
    random_state ^= random_state >> 12;
    random_state ^= random_state << 25;
    random_state ^= random_state >> 27;
    return (random_state * 2685821657736338717u) % bound;
}

/* Sizes the noise of a generated trace never uses, so that a predicate can name one block. */
static bool reserved_size(uint64_t size)
{
    return size == 100 || size == 300 || size == 777;
}

/* A block placed in a generated trace: its operations without the id ("a 777" is written
 * "a ID 777"). */
struct special {
    uint32_t at;          /* after this many operations of noise */
    const char *lines[4]; /* up to four, NULL after the last */
};

/*
 * A random well-formed trace of `op_count` operations of noise over `id_count` ids: mallocs,
 * callocs (whose product stays under 70), reallocs and frees, sizes 1 to 2000 bar the reserved
 * ones; each special block's lines are placed at its point (specials in order of `at`), on an
 * id that the noise never touches again. `marks` (lines) go in the middle. Returns the text.
 */
static char *random_trace(uint32_t op_count, uint32_t id_count, const struct special *specials,
                          size_t special_count, const char *marks, size_t *length)
{
    bool *live = calloc(id_count, sizeof *live);
    bool *taken = calloc(id_count, sizeof *taken); /* by a special block */
    struct text body = { 0 };
    uint32_t written = 0;
    size_t next_special = 0;
    for (uint32_t noise = 0; noise <= op_count; noise++) {
        while (specials != NULL && next_special < special_count && specials[next_special].at == noise) {
            uint32_t id = 0;
            while (live[id] || taken[id])
                id++;
            for (int line = 0; line < 4 && specials[next_special].lines[line] != NULL; line++) {
                const char *spec = specials[next_special].lines[line];
                append_op(&body, spec[0], id, spec + 1);
                written++;
            }
            taken[id] = true;
            next_special++;
        }
        if (noise == op_count)
            break;
        if (marks != NULL && noise == op_count / 2)
            append_bytes(&body, marks, strlen(marks));
        uint32_t id;
        do
            id = (uint32_t)random_below(id_count);
        while (taken[id]);
        uint64_t size = 1 + random_below(2000);
        while (reserved_size(size))
            size++;
        char rest[64];
        if (!live[id]) {
            if (random_below(8) == 0) {
                uint64_t nmemb = 1 + random_below(7); /* the product stays under 70 */
                snprintf(rest, sizeof rest, " %" PRIu64 " %" PRIu64, nmemb, 1 + random_below(9));
                append_op(&body, 'c', id, rest);
            } else {
                snprintf(rest, sizeof rest, " %" PRIu64, size);
                append_op(&body, 'a', id, rest);
            }
            live[id] = true;
        } else if (random_below(3) == 0) {
            snprintf(rest, sizeof rest, " %" PRIu64, size);
            append_op(&body, 'r', id, rest);
        } else {
            append_op(&body, 'f', id, "");
            live[id] = false;
        }
        written++;
    }
    free(live);
    free(taken);
    struct text whole = { 0 };
    char head[128];
    snprintf(head, sizeof head, "# a generated trace\n20000\n%" PRIu32 "\n%" PRIu32 "\n1\n", id_count,
             written);
    append_bytes(&whole, head, strlen(head));
    append_bytes(&whole, body.bytes, body.length);
    free(body.bytes);
    *length = whole.length;
    return whole.bytes;
}

/* ---- judging candidates ------------------------------------------------------------------ */

typedef bool failure_rule(const struct trace *trace);

struct judge {
    failure_rule *fails;
    uint32_t calls;
    uint32_t broken_promises; /* candidates that break what shrink.h promises */
    char first_broken[256];
    long sleep_microseconds;  /* an expensive test */
};

/* The largest id plus one, 0 for no operation. */
static uint32_t ids_used(const struct trace *trace)
{
    uint32_t room = 0;
    for (uint32_t i = 0; i < trace->op_count; i++)
        if (trace->ops[i].id + 1 > room)
            room = trace->ops[i].id + 1;
    return room;
}

static void broken(struct judge *judge, const char *what)
{
    if (judge->broken_promises++ == 0)
        snprintf(judge->first_broken, sizeof judge->first_broken, "%s", what);
}

static int judge(const struct trace *candidate, void *context)
{
    struct judge *j = context;
    j->calls++;
    if (candidate->mark_count != 0)
        broken(j, "a candidate has marks");
    if (candidate->id_count != ids_used(candidate))
        broken(j, "a candidate's ids are not 0 .. k-1");
    if (candidate->header[1] != candidate->id_count || candidate->header[2] != candidate->op_count)
        broken(j, "a candidate's header does not count its ids and operations");
    if (candidate->header[0] != 1 || candidate->header[3] != trace_peak_live_bytes(candidate))
        broken(j, "a candidate's header is not 1, ids, ops, peak live payload");
    if (candidate->op_lines == NULL || (candidate->op_count > 0 && candidate->op_lines[0] != 7))
        broken(j, "a candidate's first operation is not on line 7");
    if (strstr(candidate->path, "-shrunk.rep") == NULL)
        broken(j, "a candidate's path does not end in -shrunk.rep");
    if (j->sleep_microseconds > 0) {
        struct timespec pause = { 0, j->sleep_microseconds * 1000 };
        nanosleep(&pause, NULL);
    }
    return j->fails(candidate) ? 1 : 0;
}

static double now_seconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* What the tests look at after a shrink. */
struct shrunk {
    struct trace trace;
    struct shrink_outcome outcome;
    double seconds;
    int result;
};

/* Shrink `failing` with `rule`, and check what every shrink must give: a result that still
 * fails, the tests counted, every candidate as promised, a file that reads back the same. */
static struct shrunk shrink_with(const struct trace *failing, failure_rule *rule, double limit,
                                 long sleep_microseconds)
{
    struct judge j = { .fails = rule, .sleep_microseconds = sleep_microseconds };
    struct shrunk s;
    char error[MESSAGE_SIZE];
    expect(rule(failing));
    double start = now_seconds();
    s.result = shrink_trace(failing, judge, &j, limit, &s.trace, &s.outcome, error, sizeof error);
    s.seconds = now_seconds() - start;
    if (s.result != 0)
        unit_diagnostic("shrink_trace: ", error);
    expect(s.result == 0);
    expect(error[0] == '\0' || s.result != 0);
    expect(s.outcome.tests_run == j.calls);
    if (j.broken_promises != 0)
        unit_diagnostic("", j.first_broken);
    expect(j.broken_promises == 0);
    expect(s.result != 0 || rule(&s.trace));
    expect(s.trace.op_count <= failing->op_count);
    expect(s.trace.mark_count == 0);
    return s;
}

/* ---- the rules ----------------------------------------------------------------------------- */

/* Fails when a malloc of more than 1000 bytes happens while a block of 777 bytes is live. */
static bool big_malloc_while_777_live(const struct trace *trace)
{
    uint64_t *size = calloc(trace->id_count + 1, sizeof *size);
    uint32_t live_777 = 0;
    bool found = false;
    for (uint32_t i = 0; i < trace->op_count && !found; i++) {
        const struct trace_op *op = &trace->ops[i];
        if (op->kind == OP_MALLOC && op->size > 1000 && live_777 > 0)
            found = true;
        live_777 -= size[op->id] == 777;
        size[op->id] = op->kind == OP_FREE ? 0 : op->kind == OP_CALLOC ? op->nmemb * op->size : op->size;
        live_777 += size[op->id] == 777;
    }
    free(size);
    return found;
}

/* Fails when a realloc comes after a free. */
static bool realloc_after_free(const struct trace *trace)
{
    bool freed = false;
    for (uint32_t i = 0; i < trace->op_count; i++) {
        if (trace->ops[i].kind == OP_FREE)
            freed = true;
        else if (trace->ops[i].kind == OP_REALLOC && freed)
            return true;
    }
    return false;
}

/* Fails on malloc(100), then a calloc of at least 70 bytes, then malloc(300), in that order. */
static bool three_in_order(const struct trace *trace)
{
    int step = 0;
    for (uint32_t i = 0; i < trace->op_count && step < 3; i++) {
        const struct trace_op *op = &trace->ops[i];
        if (step == 0 && op->kind == OP_MALLOC && op->size == 100)
            step = 1;
        else if (step == 1 && op->kind == OP_CALLOC && op->nmemb <= UINT32_MAX
                 && op->size <= UINT32_MAX && op->nmemb * op->size >= 70)
            step = 2;
        else if (step == 2 && op->kind == OP_MALLOC && op->size == 300)
            step = 3;
    }
    return step == 3;
}

/* Fails when a block is freed by a realloc to 0 bytes. */
static bool realloc_to_zero(const struct trace *trace)
{
    for (uint32_t i = 0; i < trace->op_count; i++)
        if (trace->ops[i].kind == OP_REALLOC && trace->ops[i].size == 0)
            return true;
    return false;
}

/* The most blocks live at once. */
static uint32_t most_live(const struct trace *trace)
{
    bool *live = calloc(trace->id_count + 1, sizeof *live);
    uint32_t count = 0, most = 0;
    for (uint32_t i = 0; i < trace->op_count; i++) {
        const struct trace_op *op = &trace->ops[i];
        bool after = op->kind != OP_FREE && !(op->kind == OP_REALLOC && op->size == 0);
        count += (uint32_t)after - (uint32_t)live[op->id];
        live[op->id] = after;
        most = count > most ? count : most;
    }
    free(live);
    return most;
}

/* Fails when three blocks are live at once. */
static bool three_live(const struct trace *trace)
{
    return most_live(trace) >= 3;
}

/* Fails when twenty blocks are live at once. */
static bool twenty_live(const struct trace *trace)
{
    return most_live(trace) >= 20;
}

/* Fails on malloc(12345). */
static bool malloc_12345(const struct trace *trace)
{
    for (uint32_t i = 0; i < trace->op_count; i++)
        if (trace->ops[i].kind == OP_MALLOC && trace->ops[i].size == 12345)
            return true;
    return false;
}

/* Fails when id 5 is used: a rule that renumbering breaks. */
static bool uses_id_5(const struct trace *trace)
{
    for (uint32_t i = 0; i < trace->op_count; i++)
        if (trace->ops[i].id == 5)
            return true;
    return false;
}

/* Fails when a malloc of more than 4000 bytes happens: true of nearly every candidate. */
static bool malloc_over_4000(const struct trace *trace)
{
    for (uint32_t i = 0; i < trace->op_count; i++)
        if (trace->ops[i].kind == OP_MALLOC && trace->ops[i].size > 4000)
            return true;
    return false;
}

/* ---- the tests ------------------------------------------------------------------------------ */

/* The 777 block and one big malloc while it lives, among 2,000 operations of noise. */
static void test_big_malloc_while_block_live(void)
{
    struct special specials[] = { { 1200, { "a 777", NULL } } };
    size_t length;
    char *text = random_trace(2000, 64, specials, 1, NULL, &length);
    struct trace failing = parse_or_die(text, length);
    struct shrunk s = shrink_with(&failing, big_malloc_while_777_live, LIMIT_SECONDS, 0);
    expect_ops(&s.trace, "a 0 777\na 1 1001");
    expect(s.trace.id_count == 2 && s.trace.header[3] == 1778);
    expect(s.outcome.stopped_by_time == 0);
    trace_release(&s.trace);
    trace_release(&failing);
    free(text);
}

/* A realloc after a free needs four operations: two blocks (or one twice), a free, a realloc. */
static void test_realloc_after_free(void)
{
    struct trace failing = parse_text("1\n4\n9\n1\n"
                                      "a 0 500\na 1 600\nr 1 700\na 2 800\nf 1\na 3 900\n"
                                      "r 0 1000\nr 3 1100\nf 0\n");
    struct shrunk s = shrink_with(&failing, realloc_after_free, LIMIT_SECONDS, 0);
    expect(s.trace.op_count == 4);
    expect_ops(&s.trace, "a 0 1\na 1 1\nf 1\nr 0 1");
    trace_release(&s.trace);
    trace_release(&failing);
}

/* Three particular operations in order, among 5,000 of noise; the calloc's nmemb is shrunk
 * before its size, each as far as the rule lets. */
static void test_three_operations_needed(void)
{
    struct special specials[] = {
        { 900, { "a 100", NULL } },
        { 2500, { "c 7 10", NULL } },
        { 4100, { "a 300", NULL } },
    };
    size_t length;
    char *text = random_trace(5000, 128, specials, 3, NULL, &length);
    struct trace failing = parse_or_die(text, length);
    struct shrunk s = shrink_with(&failing, three_in_order, LIMIT_SECONDS, 0);
    expect_ops(&s.trace, "a 0 100\nc 1 7 10\na 2 300");
    trace_release(&s.trace);
    trace_release(&failing);
    free(text);
}

/* "r ID 0" is a free: it ends a life, its 0 is never shrunk, and the id may be used again. */
static void test_realloc_to_zero_ends_a_life(void)
{
    struct special specials[] = { { 300, { "a 64", "r 128", "r 0", "a 32" } } };
    size_t length;
    char *text = random_trace(600, 32, specials, 1, NULL, &length);
    struct trace failing = parse_or_die(text, length);
    struct shrunk s = shrink_with(&failing, realloc_to_zero, LIMIT_SECONDS, 0);
    expect_ops(&s.trace, "a 0 1\nr 0 0");
    expect(s.trace.id_count == 1 && s.trace.header[3] == 1);
    trace_release(&s.trace);
    trace_release(&failing);
    free(text);
}

/* Fails when a malloc of 30 bytes happens while a block of 10 bytes is live. */
static bool malloc_30_while_10_live(const struct trace *trace)
{
    uint64_t *size = calloc(trace->id_count + 1, sizeof *size);
    uint32_t live_10 = 0;
    bool found = false;
    for (uint32_t i = 0; i < trace->op_count && !found; i++) {
        const struct trace_op *op = &trace->ops[i];
        if (op->kind == OP_MALLOC && op->size == 30 && live_10 > 0)
            found = true;
        live_10 -= size[op->id] == 10;
        size[op->id] = op->kind == OP_FREE ? 0 : op->size;
        live_10 += size[op->id] == 10;
    }
    free(size);
    return found;
}

/* The same, with at least three mallocs in all. */
static bool malloc_30_while_10_live_of_3(const struct trace *trace)
{
    uint32_t mallocs = 0;
    for (uint32_t i = 0; i < trace->op_count; i++)
        mallocs += trace->ops[i].kind == OP_MALLOC;
    return mallocs >= 3 && malloc_30_while_10_live(trace);
}

/* A free dropped although its id is used again later: the block stays live under its own id,
 * and the id's next life takes another. */
static void test_free_dropped_before_id_reused(void)
{
    struct trace failing = parse_text("1\n3\n5\n1\na 0 10\nf 0\na 0 20\na 1 10\na 2 30\n");
    struct shrunk s = shrink_with(&failing, malloc_30_while_10_live_of_3, LIMIT_SECONDS, 0);
    expect_ops(&s.trace, "a 0 1\na 1 10\na 2 30");
    trace_release(&s.trace);
    trace_release(&failing);
}

/* Sparse ids become 0 .. k-1, and the header counts them. */
static void test_ids_renumbered(void)
{
    struct trace failing = parse_text("20000\n1000\n8\n1\n"
                                      "a 999 40\na 500 50\nf 999\na 3 60\na 998 70\nf 500\nf 3\nf 998\n");
    struct shrunk s = shrink_with(&failing, three_live, LIMIT_SECONDS, 0);
    expect_ops(&s.trace, "a 0 1\na 1 1\na 2 1");
    expect(s.trace.id_count == 3);
    expect(s.trace.header[0] == 1 && s.trace.header[1] == 3 && s.trace.header[2] == 3
           && s.trace.header[3] == 3);
    trace_release(&s.trace);
    trace_release(&failing);
}

/* A failure that needs twenty lives, scattered among 3,000 operations. */
static void test_many_lives_needed(void)
{
    size_t length;
    char *text = random_trace(3000, 40, NULL, 0, NULL, &length);
    struct trace failing = parse_or_die(text, length);
    struct shrunk s = shrink_with(&failing, twenty_live, LIMIT_SECONDS, 0);
    expect(s.trace.op_count == 20 && s.trace.id_count == 20);
    for (uint32_t i = 0; i < s.trace.op_count; i++)
        expect(s.trace.ops[i].kind == OP_MALLOC || s.trace.ops[i].kind == OP_CALLOC);
    expect(s.trace.header[3] == 20); /* every size 1 (a calloc's 1 x 1) */
    char note[128];
    snprintf(note, sizeof note, "%" PRIu32 " operations shrunk to %" PRIu32 " in %" PRIu32 " tests",
             failing.op_count, s.trace.op_count, s.outcome.tests_run);
    unit_diagnostic("", note);
    trace_release(&s.trace);
    trace_release(&failing);
    free(text);
}

/* Marks time segments; the shrunk trace has none, nor does any candidate (judge checks). */
static void test_marks_dropped(void)
{
    struct special specials[] = { { 100, { "a 777", NULL } }, { 101, { "a 1500", NULL } } };
    size_t length;
    char *text = random_trace(400, 16, specials, 2, "# mark: first\n# mark: second\n", &length);
    struct trace failing = parse_or_die(text, length);
    expect(failing.mark_count == 2);
    struct shrunk s = shrink_with(&failing, big_malloc_while_777_live, LIMIT_SECONDS, 0);
    expect(s.trace.mark_count == 0);
    expect(s.trace.op_count == 2);
    trace_release(&s.trace);
    trace_release(&failing);
    free(text);
}

/* When nothing smaller fails, the result is the trace itself, renumbered when that still fails,
 * else as it was. */
static void test_nothing_smaller_fails(void)
{
    struct trace failing = parse_text("1\n6\n1\n12345\na 5 12345\n");
    struct shrunk s = shrink_with(&failing, malloc_12345, LIMIT_SECONDS, 0);
    expect_ops(&s.trace, "a 0 12345");
    expect(s.trace.id_count == 1);
    trace_release(&s.trace);

    s = shrink_with(&failing, uses_id_5, LIMIT_SECONDS, 0);
    expect_ops(&s.trace, "a 5 12345");
    expect(s.trace.id_count == 6);
    trace_release(&s.trace);
    trace_release(&failing);
}

/* A test that never stops being expensive: the time runs out, the best so far still fails. */
static void test_stops_at_time_limit(void)
{
    struct special specials[] = { { 5000, { "a 4096", NULL } } };
    size_t length;
    char *text = random_trace(10000, 256, specials, 1, NULL, &length);
    struct trace failing = parse_or_die(text, length);
    /* 50 ms a test, 0.3 s in all: at most 7 tests, far from enough for 10,000 operations. */
    struct shrunk s = shrink_with(&failing, malloc_over_4000, 0.3, 50000);
    expect(s.outcome.stopped_by_time == 1);
    expect(s.outcome.tests_run >= 2 && s.outcome.tests_run <= 7);
    expect(s.seconds < 0.3 + 1.0);
    expect(s.trace.op_count < failing.op_count); /* the first halvings fail, and are kept */
    char note[128];
    snprintf(note, sizeof note, "stopped after %.2f s, %" PRIu32 " tests, %" PRIu32 " of %" PRIu32
             " operations left", s.seconds, s.outcome.tests_run, s.trace.op_count, failing.op_count);
    unit_diagnostic("", note);
    trace_release(&s.trace);
    trace_release(&failing);
    free(text);
}

/* A trace of 100,000 operations, shrunk well within the runner's 10 s. */
static void test_big_trace_in_time(void)
{
    struct special specials[] = { { 61000, { "a 777", NULL } } };
    size_t length;
    char *text = random_trace(100000, 4096, specials, 1, NULL, &length);
    struct trace failing = parse_or_die(text, length);
    expect(failing.op_count >= 100000);
    struct shrunk s = shrink_with(&failing, big_malloc_while_777_live, LIMIT_SECONDS, 0);
    expect_ops(&s.trace, "a 0 777\na 1 1001");
    expect(s.outcome.stopped_by_time == 0);
    char note[160];
    snprintf(note, sizeof note, "%" PRIu32 " operations shrunk to %" PRIu32 " in %.2f s, %" PRIu32
             " tests", failing.op_count, s.trace.op_count, s.seconds, s.outcome.tests_run);
    unit_diagnostic("", note);
    trace_release(&s.trace);
    trace_release(&failing);
    free(text);
}

/* A temporary folder for written traces, removed by remove_folder. */
static char folder[64];

static int make_folder(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(folder, sizeof folder, "%s/shrink.XXXXXX", tmp != NULL && strlen(tmp) < 40 ? tmp : "/tmp");
    return mkdtemp(folder) != NULL ? 0 : -1;
}

/* The two traces hold the same header and operations. */
static void expect_same_trace(const struct trace *a, const struct trace *b)
{
    expect(a->op_count == b->op_count && a->id_count == b->id_count);
    expect(memcmp(a->header, b->header, sizeof a->header) == 0);
    expect(a->op_count == b->op_count
           && memcmp(a->ops, b->ops, (size_t)a->op_count * sizeof *a->ops) == 0);
}

/* shrink_write writes what trace_load reads back the same, with the name and source given,
 * operation i on line 7 + i; a trace of another shape (classic header, marks) as well. */
static void test_write_and_load_round_trip(void)
{
    if (make_folder() != 0) {
        unit_fail(__FILE__, __LINE__, "cannot make a temporary folder");
        return;
    }
    struct trace failing = parse_text("# mark: start\n20000\n7\n10\n1\n"
                                      "a 6 5000\nc 2 3 40\nr 6 777\n# mark: middle\nf 2\na 2 1001\n"
                                      "r 2 0\na 4 3\nf 6\na 1 10\nf 4\n");
    struct shrunk s = shrink_with(&failing, big_malloc_while_777_live, LIMIT_SECONDS, 0);
    expect_ops(&s.trace, "a 0 1\nr 0 777\na 1 1001"); /* the realloc makes the 777 */

    char path[128], error[MESSAGE_SIZE];
    snprintf(path, sizeof path, "%s/x-shrunk.rep", folder);
    const char *source = "shrunk from traces/x.rep by build/replay -s dlist";
    expect(shrink_write(&s.trace, path, "x-shrunk", source, error, sizeof error) == 0);
    expect(error[0] == '\0');
    struct trace loaded;
    expect(trace_load(path, &loaded, error, sizeof error) == 0);
    expect_same_trace(&s.trace, &loaded);
    expect(strcmp(loaded.name, "x-shrunk") == 0);
    expect(loaded.op_count == 3 && loaded.op_lines[0] == 7 && loaded.op_lines[2] == 9);
    FILE *file = fopen(path, "r");
    char head[256] = "";
    if (file != NULL) {
        size_t got = fread(head, 1, sizeof head - 1, file);
        head[got] = '\0';
        fclose(file);
    }
    expect(strcmp(head, "# name: x-shrunk\n"
                        "# source: shrunk from traces/x.rep by build/replay -s dlist\n"
                        "1\n2\n3\n1778\na 0 1\nr 0 777\na 1 1001\n") == 0);
    trace_release(&loaded);

    /* Any trace: its own header, its ids, its marks left out. */
    snprintf(path, sizeof path, "%s/as-is.rep", folder);
    expect(shrink_write(&failing, path, "as-is", "by hand", error, sizeof error) == 0);
    expect(trace_load(path, &loaded, error, sizeof error) == 0);
    expect_same_trace(&failing, &loaded);
    expect(loaded.mark_count == 0);
    trace_release(&loaded);
    unlink(path);
    snprintf(path, sizeof path, "%s/x-shrunk.rep", folder);
    unlink(path);
    rmdir(folder);
    trace_release(&s.trace);
    trace_release(&failing);
}

/* What shrink_write refuses, with its message; nothing is left behind. */
static void test_write_refuses(void)
{
    struct trace trace = parse_text("1\n1\n1\n8\na 0 8\n");
    char error[MESSAGE_SIZE];
    expect(shrink_write(&trace, "/nonexistent-folder/x.rep", "x", "y", error, sizeof error) == -1);
    expect_text(error, "/nonexistent-folder/x.rep: cannot write: No such file or directory");
    expect(shrink_write(&trace, "/tmp/never.rep", "two\nlines", "y", error, sizeof error) == -1);
    expect_text(error, "/tmp/never.rep: the name and the source must be one line");
    char long_source[1200];
    memset(long_source, 'x', sizeof long_source - 1);
    long_source[sizeof long_source - 1] = '\0';
    expect(shrink_write(&trace, "/tmp/never.rep", "x", long_source, error, sizeof error) == -1);
    expect(access("/tmp/never.rep", F_OK) != 0);
    trace_release(&trace);
}

/* A trace that does not follow its ids' lives (not made by trace_load) is refused. */
static void test_malformed_input_refused(void)
{
    struct trace_op ops[2] = {
        { .id = 0, .kind = OP_MALLOC, .size = 8 },
        { .id = 1, .kind = OP_FREE },
    };
    uint32_t lines[2] = { 5, 6 };
    struct trace failing = { .path = "hand.rep", .name = "hand", .header = { 1, 2, 2, 8 },
                             .id_count = 2, .op_count = 2, .ops = ops, .op_lines = lines };
    struct judge j = { .fails = realloc_to_zero };
    struct trace smallest;
    char error[MESSAGE_SIZE];
    expect(shrink_trace(&failing, judge, &j, LIMIT_SECONDS, &smallest, NULL, error, sizeof error) == -1);
    expect_text(error, "hand.rep:6: not a well-formed trace: 'f 1' does not fit the life of its id");
    expect(smallest.ops == NULL && smallest.op_count == 0);
    expect(j.calls == 0);
}

int main(void)
{
    RUN(test_big_malloc_while_block_live);
    RUN(test_realloc_after_free);
    RUN(test_three_operations_needed);
    RUN(test_realloc_to_zero_ends_a_life);
    RUN(test_free_dropped_before_id_reused);
    RUN(test_ids_renumbered);
    RUN(test_many_lives_needed);
    RUN(test_marks_dropped);
    RUN(test_nothing_smaller_fails);
    RUN(test_stops_at_time_limit);
    RUN(test_big_trace_in_time);
    RUN(test_write_and_load_round_trip);
    RUN(test_write_refuses);
    RUN(test_malformed_input_refused);
    return unit_exit_status();
}
