/*
 * grade_hidden.h: the hidden traces, made at grading time from the instructor's secret and the
 * submitted files (grade_hidden.c says how; grader/README.md, "Hidden traces", why).
 *
 * The rubric names them as generator invocations, `;` between them:
 *     hidden = random --ops 20000; coalesce; calloc; realloc
 * Each invocation is a generator of traces/gen/ (its program is $(BUILD)/gen/NAME) and the
 * arguments it gets besides the grader's own --seed and output directory.
 */
#ifndef GRADE_HIDDEN_H
#define GRADE_HIDDEN_H

#include <stddef.h>

enum {
    HIDDEN_MAX_INVOCATIONS = 32,
    HIDDEN_MAX_ARGUMENTS = 16,    /* per invocation, the generator's name not counted */
    HIDDEN_SECRET_MIN_BYTES = 16, /* of the secret file: make secret writes 64 */
    HIDDEN_SECRET_MAX_BYTES = 4096,
};

struct grading;

/* Check the rubric's `hidden` value (syntax only: which generators exist is checked against
 * the kit when grading). Returns 0, or -1 with what is wrong in error. */
int hidden_rubric_check(const char *value, char *error, size_t error_size);

/*
 * Make the rubric's hidden traces into WORK/hidden/hidden-N.rep and append them to g->traces
 * (hidden, paths relative to the work directory). Takes HEAPKIT_SECRET out of the environment
 * in every case, so that no child the grader starts afterwards can see it; call it before
 * running anything untrusted. Returns 0, or -1 after saying why on stderr (a grading error).
 */
int hidden_traces_add(struct grading *g);

#endif /* GRADE_HIDDEN_H */
