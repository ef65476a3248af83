/*
 * test_trace.c: the trace reader, as a specification.
 *
 * 1. Every tests/traces/bad/NAME.rep is rejected with exactly the line in NAME.expect.
 * 2. The classic malloc-lab traces in ../shared/cmu-traces load unchanged.
 * 3. Small texts in memory show each rule of the format, one test per rule.
 *
 * Run from the repository root: the paths in messages are relative to it.
 */
#include "trace.h"
#include "unit.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

enum { MESSAGE_SIZE = 1024, MAX_CASES = 256, NAME_SIZE = 256 };

static const char *const bad_dir = "tests/traces/bad";
static const char *const cmu_dir = "../shared/cmu-traces";

/* ---- helpers ------------------------------------------------------------------------ */

/* Parse `text` as "mem.rep"; returns trace_parse's result, the message in `error`. */
static int parse(const char *text, struct trace *trace, char error[MESSAGE_SIZE])
{
    return trace_parse("mem.rep", text, strlen(text), trace, error, MESSAGE_SIZE);
}

/* Parse `text`, which must be rejected with exactly `message`. */
static void expect_rejected(const char *text, const char *message)
{
    struct trace trace;
    char error[MESSAGE_SIZE];
    int result = parse(text, &trace, error);
    expect(result == -1);
    expect(trace.ops == NULL && trace.op_lines == NULL && trace.op_count == 0);
    if (strcmp(error, message) != 0) {
        printf("#   wanted: %s\n#   got:    %s\n", message, error);
        unit_fail(__FILE__, __LINE__, "the message differs");
    }
}

/* The op as a trace writes it. */
static const char *format(const struct trace_op *op)
{
    static char text[128];
    trace_format_op(op, text, sizeof text);
    return text;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Names in a folder that end in `suffix`, sorted, into names[MAX_CASES]; -1 when the folder
 * cannot be opened. */
static int list_files(const char *dir, const char *suffix, char names[][NAME_SIZE])
{
    DIR *folder = opendir(dir);
    if (folder == NULL)
        return -1;
    int count = 0;
    size_t suffix_length = strlen(suffix);
    for (struct dirent *entry; (entry = readdir(folder)) != NULL;) {
        size_t length = strlen(entry->d_name);
        if (length <= suffix_length || strcmp(entry->d_name + length - suffix_length, suffix) != 0)
            continue;
        if (count == MAX_CASES || length >= NAME_SIZE) {
            printf("#   %s: too many or too long names for this test\n", dir);
            break;
        }
        memcpy(names[count], entry->d_name, length + 1);
        count++;
    }
    closedir(folder);
    qsort(names, (size_t)count, NAME_SIZE, compare_names);
    return count;
}

/* The first line of a file, without its newline; false when it cannot be read. */
static int read_first_line(const char *path, char *line, size_t line_size)
{
    FILE *file = fopen(path, "r");
    if (file == NULL)
        return 0;
    int ok = fgets(line, (int)line_size, file) != NULL;
    fclose(file);
    if (ok)
        line[strcspn(line, "\n")] = '\0';
    return ok;
}

/* ---- 1. every malformed trace, and its message ------------------------------------- */

static char bad_case[NAME_SIZE]; /* the NAME.rep that check_bad_case reads */

static void check_bad_case(void)
{
    char rep[2 * NAME_SIZE], expect_path[2 * NAME_SIZE], wanted[MESSAGE_SIZE], error[MESSAGE_SIZE];
    snprintf(rep, sizeof rep, "%s/%s", bad_dir, bad_case);
    snprintf(expect_path, sizeof expect_path, "%.*s.expect", (int)strlen(rep) - 4, rep);
    if (!read_first_line(expect_path, wanted, sizeof wanted)) {
        printf("#   %s is missing\n", expect_path);
        unit_fail(__FILE__, __LINE__, "every bad case needs its .expect");
        return;
    }
    struct trace trace;
    int result = trace_load(rep, &trace, error, sizeof error);
    expect(result == -1);
    expect(trace.ops == NULL && trace.op_count == 0);
    if (result == -1 && strcmp(error, wanted) != 0) {
        printf("#   wanted: %s\n#   got:    %s\n", wanted, error);
        unit_fail(__FILE__, __LINE__, "the message differs from the .expect file");
    }
    if (result == 0)
        trace_release(&trace);
}

static void run_bad_cases(void)
{
    static char names[MAX_CASES][NAME_SIZE];
    int count = list_files(bad_dir, ".rep", names);
    if (count <= 0) {
        char why[600];
        snprintf(why, sizeof why, "%s has no .rep files (run from the repository root)", bad_dir);
        unit_report("bad-traces", 0, why);
        return;
    }
    for (int i = 0; i < count; i++) {
        static char test_name[NAME_SIZE + 8]; /* unit.test_name points at it */
        memcpy(bad_case, names[i], strlen(names[i]) + 1);
        snprintf(test_name, sizeof test_name, "bad/%s", names[i]);
        unit_run(test_name, check_bad_case);
    }
}

/* A file that is not there, and a folder: messages with no line number. */
static void test_missing_file_and_folder(void)
{
    struct trace trace;
    char error[MESSAGE_SIZE];
    expect(trace_load("tests/traces/bad/no-such-trace.rep", &trace, error, sizeof error) == -1);
    expect(strcmp(error, "tests/traces/bad/no-such-trace.rep: cannot read: No such file or directory") == 0);
    expect(trace.ops == NULL);
    expect(trace_load(bad_dir, &trace, error, sizeof error) == -1);
    expect(strcmp(error, "tests/traces/bad: is a directory, not a trace file") == 0);
}

/* ---- 2. the classic traces ------------------------------------------------------------ */

static char cmu_case[NAME_SIZE];

static void check_cmu_loads(void)
{
    char path[2 * NAME_SIZE], error[MESSAGE_SIZE];
    snprintf(path, sizeof path, "%s/%s", cmu_dir, cmu_case);
    struct trace trace;
    if (trace_load(path, &trace, error, sizeof error) != 0) {
        printf("#   %s\n", error);
        unit_fail(__FILE__, __LINE__, "a classic trace must load");
        return;
    }
    expect(trace.op_count > 0 && trace.ops != NULL && trace.op_lines != NULL);
    expect(trace.id_count == trace.header[1] && trace.op_count == trace.header[2]);
    for (uint32_t i = 0; i < trace.op_count; i++) {
        if (trace.ops[i].id >= trace.id_count || trace.op_lines[i] != i + 5) {
            unit_fail(__FILE__, __LINE__, "ids below id_count; no comments, so op i is on line i + 5");
            break;
        }
    }
    trace_release(&trace);
    expect(trace.ops == NULL && trace.op_count == 0);
}

/* Load one classic trace that must be there; the caller checks facts about it. */
static int load_cmu(const char *name, struct trace *trace)
{
    char path[2 * NAME_SIZE], error[MESSAGE_SIZE];
    snprintf(path, sizeof path, "%s/%s.rep", cmu_dir, name);
    if (trace_load(path, trace, error, sizeof error) != 0) {
        printf("#   %s\n", error);
        unit_fail(__FILE__, __LINE__, "a classic trace must load");
        return -1;
    }
    return 0;
}

/* How many ops of one kind. */
static uint32_t count_kind(const struct trace *trace, enum trace_op_kind kind)
{
    uint32_t count = 0;
    for (uint32_t i = 0; i < trace->op_count; i++)
        count += trace->ops[i].kind == kind;
    return count;
}

/* The classic header: heap size, ids, operations, weight. */
static void test_cmu_short1_classic_header(void)
{
    struct trace trace;
    if (load_cmu("short1-bal", &trace) != 0)
        return;
    expect(strcmp(trace.name, "short1-bal") == 0);
    expect(strcmp(trace.path, "../shared/cmu-traces/short1-bal.rep") == 0);
    expect(trace.header[0] == 20000 && trace.header[1] == 6 && trace.header[2] == 12 && trace.header[3] == 1);
    expect(trace.id_count == 6 && trace.op_count == 12);
    expect(strcmp(format(&trace.ops[0]), "a 0 2040") == 0);
    expect(strcmp(format(&trace.ops[11]), "f 5") == 0);
    expect(count_kind(&trace, OP_MALLOC) == 6 && count_kind(&trace, OP_FREE) == 6);
    expect(trace.payload_bytes_total == 2040 + 2040 + 48 + 4072 + 4072 + 4072);
    trace_release(&trace);
}

/* The newer header: weight, ids, operations, peak payload; sizes near 2^56. */
static void test_cmu_giantmix_newer_header(void)
{
    struct trace trace;
    if (load_cmu("syn-giantmix-short", &trace) != 0)
        return;
    expect(trace.header[0] == 0 && trace.header[1] == 10 && trace.header[2] == 20);
    expect(trace.header[3] == UINT64_C(58432548578714005));
    expect(trace.ops[0].kind == OP_MALLOC && trace.ops[0].id == 0);
    expect(trace.ops[0].size == UINT64_C(58432548578713656));
    expect(strcmp(format(&trace.ops[0]), "a 0 58432548578713656") == 0);
    expect(count_kind(&trace, OP_MALLOC) == 10 && count_kind(&trace, OP_FREE) == 10);
    trace_release(&trace);
}

static void test_cmu_realloc_counts(void)
{
    struct trace trace;
    if (load_cmu("realloc-bal", &trace) == 0) {
        expect(trace.id_count == 4801 && trace.op_count == 14401);
        expect(count_kind(&trace, OP_REALLOC) == 4799);
        expect(strcmp(format(&trace.ops[2]), "r 0 640") == 0);
        trace_release(&trace);
    }
    if (load_cmu("syn-mix-realloc", &trace) == 0) {
        expect(trace.id_count == 257 && trace.op_count == 757 && trace.header[3] == 845979);
        expect(count_kind(&trace, OP_REALLOC) == 243);
        expect(count_kind(&trace, OP_MALLOC) == 257 && count_kind(&trace, OP_FREE) == 257);
        trace_release(&trace);
    }
    if (load_cmu("coalescing-bal", &trace) == 0) {
        expect(trace.id_count == 7200 && trace.op_count == 14400);
        expect(strcmp(format(&trace.ops[0]), "a 0 4095") == 0);
        trace_release(&trace);
    }
}

static void run_cmu_traces(void)
{
    static char names[MAX_CASES][NAME_SIZE];
    /* A student's kit has no instructor's shared folder beside it: nothing to say about it. */
    const char *kit = getenv("HEAPKIT_STUDENT_KIT");
    if (kit != NULL && kit[0] != '\0')
        return;
    int count = list_files(cmu_dir, ".rep", names);
    if (count < 0) {
        char why[600];
        snprintf(why, sizeof why, "%s not found", cmu_dir);
        unit_skip("cmu-traces", why);
        return;
    }
    for (int i = 0; i < count; i++) {
        static char test_name[NAME_SIZE + 8]; /* unit.test_name points at it */
        memcpy(cmu_case, names[i], strlen(names[i]) + 1);
        snprintf(test_name, sizeof test_name, "cmu/%s", names[i]);
        unit_run(test_name, check_cmu_loads);
    }
    RUN(test_cmu_short1_classic_header);
    RUN(test_cmu_giantmix_newer_header);
    RUN(test_cmu_realloc_counts);
}

/* ---- 3. the format, rule by rule ------------------------------------------------------ */

static void test_comments_and_blank_lines_anywhere(void)
{
    const char *text =
        "# name: tiny\n"    /* 1: comments before the header */
        "   # indented\n"   /* 2 */
        "\n"                /* 3: blank */
        "100\n"             /* 4: header line 1 */
        "# between\n"       /* 5: a comment inside the header */
        "4\n"               /* 6 */
        " \t \n"            /* 7: blanks only */
        "3\n"               /* 8 */
        "0\n"               /* 9 */
        "a 0 16\n"          /* 10 */
        "# a comment between operations\n"
        "\n"
        "a 1 32\n"          /* 13 */
        "\t# tab-indented\n"
        "f 0\n"             /* 15 */
        "# a comment at the end\n";
    struct trace trace;
    char error[MESSAGE_SIZE];
    int result = parse(text, &trace, error);
    expect(result == 0);
    if (result != 0) {
        printf("#   %s\n", error);
        return;
    }
    expect(error[0] == '\0');
    expect(trace.header[0] == 100 && trace.id_count == 4 && trace.op_count == 3 && trace.header[3] == 0);
    expect(trace.op_lines[0] == 10 && trace.op_lines[1] == 13 && trace.op_lines[2] == 15);
    expect(strcmp(trace.name, "mem") == 0);
    trace_release(&trace);
}

static void test_calloc_and_payload_total(void)
{
    struct trace trace;
    char error[MESSAGE_SIZE];
    expect(parse("0\n5\n4\n0\nc 4 10 24\na 1 100\nr 1 50\nf 4\n", &trace, error) == 0);
    if (trace.op_count != 4)
        return;
    const struct trace_op *c = &trace.ops[0];
    expect(c->kind == OP_CALLOC && c->id == 4 && c->nmemb == 10 && c->size == 24);
    expect(strcmp(format(c), "c 4 10 24") == 0);
    expect(trace.ops[3].size == 0 && trace.ops[3].nmemb == 0);
    expect(trace.payload_bytes_total == 240 + 100 + 50);
    trace_release(&trace);
}

/* A carries its alignment in the calloc's nmemb field; the payload counts BYTES, and the
 * replay asks malloc for BYTES + ALIGNMENT - 16 past 16 (trace.h). */
static void test_aligned_allocation(void)
{
    struct trace trace;
    char error[MESSAGE_SIZE];
    expect(parse("1\n3\n5\n0\nA 0 64 1000\nA 1 8 24\nr 0 10\nf 1\nA 2 4096 0\n", &trace, error) == 0);
    if (trace.op_count != 5)
        return;
    const struct trace_op *a = &trace.ops[0];
    expect(a->kind == OP_ALIGNED && a->id == 0 && a->alignment == 64 && a->size == 1000);
    expect(strcmp(format(a), "A 0 64 1000") == 0);
    expect(trace_aligned_request_bytes(a) == 1000 + 64 - 16);
    expect(trace_aligned_request_bytes(&trace.ops[1]) == 24); /* malloc's alignment is enough */
    expect(trace_aligned_request_bytes(&trace.ops[4]) == 4096 - 16);
    expect(trace.payload_bytes_total == 1000 + 24 + 10);
    expect(trace_peak_live_bytes(&trace) == 1024);
    char call[160];
    trace_describe_op(a, call, sizeof call);
    expect(strcmp(call, "1000 bytes aligned to 64 for id 0, replayed as malloc(1048)") == 0);
    trace_release(&trace);
    const struct trace_op huge = { .kind = OP_ALIGNED, .alignment = (uint64_t)1 << 63, .size = UINT64_MAX - 5 };
    expect(trace_aligned_request_bytes(&huge) == UINT64_MAX); /* saturates, no wrap to a small block */
    expect_rejected("1\n1\n1\n0\nA 0 3 10\n", "mem.rep:5: 'A' ALIGNMENT: 3 is not a power of two (1, 2, 4, 8, ... bytes)");
    expect_rejected("1\n1\n1\n0\nA 0 -64 10\n", "mem.rep:5: 'A' ALIGNMENT: '-64' is negative");
}

/* The total saturates instead of wrapping, for calloc's product and for the sum. */
static void test_payload_total_saturates(void)
{
    struct trace trace;
    char error[MESSAGE_SIZE];
    expect(parse("0\n3\n3\n0\nc 0 4294967296 4294967296\na 1 1\nf 1\n", &trace, error) == 0);
    expect(trace.payload_bytes_total == UINT64_MAX);
    trace_release(&trace);
    expect(parse("0\n3\n2\n0\na 0 18446744073709551615\na 1 1\n", &trace, error) == 0);
    expect(trace.payload_bytes_total == UINT64_MAX);
    trace_release(&trace);
}

static void test_format_op(void)
{
    struct trace_op a = { .kind = OP_MALLOC, .id = 17, .size = 48 };
    struct trace_op f = { .kind = OP_FREE, .id = 3 };
    struct trace_op r = { .kind = OP_REALLOC, .id = 2, .size = 100 };
    struct trace_op c = { .kind = OP_CALLOC, .id = 4, .nmemb = 10, .size = 24 };
    expect(strcmp(format(&a), "a 17 48") == 0);
    expect(strcmp(format(&f), "f 3") == 0);
    expect(strcmp(format(&r), "r 2 100") == 0);
    expect(strcmp(format(&c), "c 4 10 24") == 0);
    char small[4];
    trace_format_op(&r, small, sizeof small);
    expect(strcmp(small, "r 2") == 0); /* cut to fit, still a string */
}

static void test_id_reuse_after_free(void)
{
    struct trace trace;
    char error[MESSAGE_SIZE];
    expect(parse("0\n1\n6\n0\na 0 8\nf 0\nc 0 2 8\nr 0 0\na 0 1\nf 0\n", &trace, error) == 0);
    expect(trace.op_count == 6);
    trace_release(&trace);
}

/* realloc to 0 bytes frees: the id may be allocated again, not freed again. */
static void test_marks_name_segments(void)
{
    struct trace trace;
    char error[MESSAGE_SIZE];
    expect(parse("# mark: early\n1\n2\n3\n0\na 0 8\n# mark: probes\na 1 8\n  # mark: end_2\nf 0\n", &trace,
                 error) == 0);
    expect(trace.mark_count == 3);
    expect(trace.marks[0].op_index == 0 && strcmp(trace.marks[0].name, "early") == 0);
    expect(trace.marks[1].op_index == 1 && strcmp(trace.marks[1].name, "probes") == 0);
    expect(trace.marks[2].op_index == 2 && strcmp(trace.marks[2].name, "end_2") == 0);
    expect(trace.op_count == 3);
    trace_release(&trace);
}

static void test_realloc_to_zero_frees(void)
{
    struct trace trace;
    char error[MESSAGE_SIZE];
    expect(parse("0\n1\n3\n0\na 0 8\nr 0 0\na 0 8\n", &trace, error) == 0);
    trace_release(&trace);
    expect_rejected("0\n1\n3\n0\na 0 8\nr 0 0\nr 0 8\n",
                    "mem.rep:7: realloc of id 0, which is not allocated (freed at line 6)");
}

static void test_last_line_without_newline(void)
{
    struct trace trace;
    char error[MESSAGE_SIZE];
    expect(parse("0\n2\n2\n0\na 1 5\nf 1", &trace, error) == 0);
    expect(trace.op_count == 2 && trace.op_lines[1] == 6);
    trace_release(&trace);
    /* the last line counts also when it is cut off in the middle of the header */
    expect_rejected("0\n2", "mem.rep:2: the file ends after 2 of the 4 header lines");
}

/* "\r\n" line ends, tabs between fields, blanks at both ends of a line. */
static void test_crlf_tabs_and_trailing_blanks(void)
{
    struct trace trace;
    char error[MESSAGE_SIZE];
    expect(parse("# windows\r\n0\r\n2\t\r\n2 \r\n  0\r\n\r\na\t0\t\t8  \r\n  f   0\t\r\n", &trace, error) == 0);
    expect(trace.op_count == 2 && trace.ops[0].size == 8 && trace.op_lines[1] == 8);
    trace_release(&trace);
}

/* Lines 1 and 4 of the header take any 64-bit value; leading zeros are decimal, not octal. */
static void test_header_extremes(void)
{
    struct trace trace;
    char error[MESSAGE_SIZE];
    expect(parse("18446744073709551615\n010\n0\n18446744073709551615\n", &trace, error) == 0);
    expect(trace.header[0] == UINT64_MAX && trace.header[3] == UINT64_MAX);
    expect(trace.id_count == 10 && trace.op_count == 0 && trace.ops == NULL);
    trace_release(&trace);
    expect(parse("0\n100000000\n1\n0\na 99999999 1\n", &trace, error) == 0); /* the largest id */
    expect(trace.ops != NULL && trace.ops[0].id == 99999999);
    trace_release(&trace);
}

/* A line of exactly TRACE_MAX_LINE characters is fine; one more is not. */
static void test_longest_line(void)
{
    static char text[4 * TRACE_MAX_LINE];
    strcpy(text, "#");
    memset(text + 1, 'x', TRACE_MAX_LINE - 1);
    strcpy(text + TRACE_MAX_LINE, "\n0\n0\n0\n0\n");
    struct trace trace;
    char error[MESSAGE_SIZE];
    expect(parse(text, &trace, error) == 0);
    trace_release(&trace);
    strcpy(text + TRACE_MAX_LINE, "x\n0\n0\n0\n0\n");
    expect_rejected(text, "mem.rep:1: line is longer than 1024 characters");
}

/* A short text that declares a huge count fails at its end, without taking memory for the
 * count: the peak of the process's address space stays put. */
static uint64_t peak_address_space_kb(void)
{
    FILE *status = fopen("/proc/self/status", "r");
    if (status == NULL)
        return 0;
    char line[256];
    uint64_t peak = 0;
    while (fgets(line, sizeof line, status) != NULL)
        if (sscanf(line, "VmPeak: %" SCNu64, &peak) == 1)
            break;
    fclose(status);
    return peak;
}

static void test_huge_declared_count_costs_nothing(void)
{
    uint64_t before = peak_address_space_kb();
    expect_rejected("0\n100000000\n200000000\n0\na 0 1\nf 0\n",
                    "mem.rep:6: the header declares 200000000 operations but the file ends after 2");
    uint64_t after = peak_address_space_kb();
    if (before != 0 && after > before + 64 * 1024) {
        printf("#   VmPeak grew from %" PRIu64 " kB to %" PRIu64 " kB\n", before, after);
        unit_fail(__FILE__, __LINE__, "memory in proportion to the declared count");
    }
}

/* Many operations: the arrays grow past their first size and keep every op in order. */
static void test_many_operations(void)
{
    enum { OPS = 100000 };
    static char text[OPS * 16 + 64];
    size_t length = (size_t)sprintf(text, "0\n1\n%d\n0\n", OPS);
    for (int i = 0; i < OPS; i += 2)
        length += (size_t)sprintf(text + length, "a 0 %d\nf 0\n", i);
    struct trace trace;
    char error[MESSAGE_SIZE];
    expect(trace_parse("dir/sub/many.rep", text, length, &trace, error, sizeof error) == 0);
    expect(strcmp(trace.name, "many") == 0);
    expect(trace.op_count == OPS);
    int in_order = 1;
    for (uint32_t i = 0; i < trace.op_count; i += 2)
        in_order &= trace.ops[i].size == i && trace.ops[i + 1].kind == OP_FREE && trace.op_lines[i] == i + 5;
    expect(in_order);
    trace_release(&trace);
}

/* An error buffer too small for the message gets a cut, terminated message; none at all is
 * allowed too. */
static void test_small_error_buffer(void)
{
    struct trace trace;
    char error[12];
    expect(trace_parse("mem.rep", "x", 1, &trace, error, sizeof error) == -1);
    expect(strcmp(error, "mem.rep:1: ") == 0);
    expect(trace_parse("mem.rep", "x", 1, &trace, NULL, 0) == -1);
    expect(trace_parse("mem.rep", NULL, 0, &trace, error, 1) == -1 && error[0] == '\0');
}

static void test_names(void)
{
    struct trace trace;
    char error[MESSAGE_SIZE];
    const char *text = "0\n0\n0\n0\n";
    expect(trace_parse("a/b/c.rep", text, strlen(text), &trace, error, sizeof error) == 0);
    expect(strcmp(trace.name, "c") == 0 && strcmp(trace.path, "a/b/c.rep") == 0);
    expect(trace_parse("plain", text, strlen(text), &trace, error, sizeof error) == 0);
    expect(strcmp(trace.name, "plain") == 0);
    expect(trace_parse("x.rep.txt", text, strlen(text), &trace, error, sizeof error) == 0);
    expect(strcmp(trace.name, "x.rep.txt") == 0);
    trace_release(&trace);
}

int main(void)
{
    run_bad_cases();
    RUN(test_missing_file_and_folder);
    run_cmu_traces();
    RUN(test_comments_and_blank_lines_anywhere);
    RUN(test_calloc_and_payload_total);
    RUN(test_payload_total_saturates);
    RUN(test_aligned_allocation);
    RUN(test_format_op);
    RUN(test_id_reuse_after_free);
    RUN(test_realloc_to_zero_frees);
    RUN(test_marks_name_segments);
    RUN(test_last_line_without_newline);
    RUN(test_crlf_tabs_and_trailing_blanks);
    RUN(test_header_extremes);
    RUN(test_longest_line);
    RUN(test_huge_declared_count_costs_nothing);
    RUN(test_many_operations);
    RUN(test_small_error_buffer);
    RUN(test_names);
    return unit_exit_status();
}
