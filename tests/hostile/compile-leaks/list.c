/*
 * hostile submission "compile-leaks", stage list: the compiler's own environment, included as
 * source (#include "/proc/self/environ"): whatever the grader was started with, such as the
 * instructor's secret for the hidden traces (HEAPKIT_SECRET), would come back quoted in the
 * compiler's errors, which the report shows. The test gives the grader a marker secret.
 * Stopped by: the compiler itself: it sizes a regular file by stat, and /proc says 0 bytes, so
 * nothing is included (gcc and clang alike; the assembler's .incbin too); the stage, empty, then
 * does not link. Were a compiler to read such a file to its end, the build jail (branch jail)
 * gives the compiler no /proc and an environment of its own. (The link errors do show the kit's
 * absolute path, from the stage side's debugging information: what compile-leaks/dlist.c is
 * taken to know.)
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-environment: HEAPKIT_SECRET=hostile-env-secret-5e1f
// hostile-expect-one-of: list.c does not compile:
// hostile-expect-one-of: stage list does not link with the kit's stage side
// hostile-jail-stops: hostile-env-secret-5e1f
#include "/proc/self/environ"
