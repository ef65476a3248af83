/*
 * unit.h: the smallest test framework that reads well.
 *
 * A unit test program is a list of test functions run by unit_run(). Each check that fails
 * prints "not ok NAME - FILE:LINE: what"; each test that passes prints "ok NAME".
 * tests/run.sh counts those lines. The program exits 1 when anything failed.
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
};

static struct unit_state unit;

static inline void unit_fail(const char *file, int line, const char *what)
{
    printf("not ok %s - %s:%d: %s\n", unit.test_name, file, line, what);
    unit.test_failed = 1;
}

/* expect(condition): record a failure naming the condition, keep going. */
#define expect(condition) \
    ((condition) ? (void)0 : unit_fail(__FILE__, __LINE__, "expected " #condition))

/* expect_text(haystack, needle): the text contains the needle. */
#define expect_text(haystack, needle) \
    (strstr((haystack), (needle)) ? (void)0 \
     : (printf("  text was: %s\n", (haystack)), unit_fail(__FILE__, __LINE__, "text lacks \"" needle "\"")))

static inline void unit_run(const char *name, void (*test)(void))
{
    unit.test_name = name;
    unit.test_failed = 0;
    test();
    if (unit.test_failed)
        unit.failed++;
    else {
        unit.passed++;
        printf("ok %s\n", name);
    }
}

#define RUN(test) unit_run(#test, test)

static inline int unit_exit_status(void)
{
    return unit.failed ? 1 : 0;
}

#endif /* UNIT_H */
