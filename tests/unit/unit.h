/*
 * unit.h: the smallest test framework that reads well, and speaks TAP (the Test Anything
 * Protocol), so that `prove` runs its programs as it runs anyone's:
 *
 *     #   test_trace.c:88: expected trace.op_count == 3        a failed check (a diagnostic)
 *     not ok 4 - parses_calloc                                 the test that it failed
 *     ok 5 - reads_cmu_traces # SKIP ../shared/cmu-traces not found
 *     1..5                                                     the plan, last
 *
 * A unit test program is a list of test functions run by RUN(). Each failed check prints its
 * place and what it expected as a diagnostic and the test goes on; each test ends in one "ok"
 * or "not ok" line. The program exits 1 when anything failed.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

struct unit_state {
    const char *test_name;
    int test_failed;
    int passed;
    int failed;
    int skipped;
};

static struct unit_state unit;

/* A diagnostic: each line of the text after "# ", so that no line of it reads as a test. */
static inline void unit_diagnostic(const char *prefix, const char *text)
{
    const char *line = text;
    do {
        const char *end = strchr(line, '\n');
        int length = end != NULL ? (int)(end - line) : (int)strlen(line);
        printf("#   %s%.*s\n", prefix, length, line);
        prefix = "";
        line = end != NULL ? end + 1 : NULL;
    } while (line != NULL && *line != '\0');
}

static inline void unit_fail(const char *file, int line, const char *what)
{
    char place[512];
    snprintf(place, sizeof place, "%s:%d: %s", file, line, what);
    unit_diagnostic("", place);
    unit.test_failed = 1;
}

/* expect(condition): record a failure naming the condition, keep going. */
#define expect(condition) \
    ((condition) ? (void)0 : unit_fail(__FILE__, __LINE__, "expected " #condition))

/* expect_text(haystack, needle): the text contains the needle. */
#define expect_text(haystack, needle) \
    (strstr((haystack), (needle)) ? (void)0 \
     : (unit_diagnostic("text was: ", (haystack)), unit_fail(__FILE__, __LINE__, "text lacks \"" needle "\"")))

static inline int unit_number(void)
{
    return unit.passed + unit.failed + unit.skipped + 1;
}

/* A test's line when it is decided without a test function: passed or not, with why. */
static inline void unit_report(const char *name, int passed, const char *why)
{
    if (!passed && why != NULL)
        unit_diagnostic("", why);
    printf("%s %d - %s\n", passed ? "ok" : "not ok", unit_number(), name);
    if (passed)
        unit.passed++;
    else
        unit.failed++;
}

/* A test that cannot run here, and why (TAP's SKIP: it counts as neither passed nor failed). */
static inline void unit_skip(const char *name, const char *why)
{
    printf("ok %d - %s # SKIP %s\n", unit_number(), name, why);
    unit.skipped++;
}

static inline void unit_run(const char *name, void (*test)(void))
{
    unit.test_name = name;
    unit.test_failed = 0;
    test();
    unit_report(name, !unit.test_failed, NULL);
}

#define RUN(test) unit_run(#test, test)

/* The plan, then the exit status: call last, once. */
static inline int unit_exit_status(void)
{
    printf("1..%d\n", unit.passed + unit.failed + unit.skipped);
    return unit.failed ? 1 : 0;
}

#endif /* UNIT_H */
