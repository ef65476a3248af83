/*
 * child_pipes.h: read a child's pipes while it runs, until it ends or a deadline passes. The
 * build jail (jail.c: the tool's output, the init's report) and the runners (grade_run.c: the
 * results, the output) both watch a child so; a child that fills a pipe must never block.
 */
#ifndef CHILD_PIPES_H
#define CHILD_PIPES_H

#include <stddef.h>
#include <sys/types.h>

struct child_pipe {
    int fd; /* the read end; -1 once at its end (closed) */
    /* Keep what one read brought (count > 0 bytes); drop what does not fit. */
    void (*take)(void *context, const char *bytes, size_t count);
    void *context;
};

/* A taker that keeps what comes in a growing buffer (*text, NUL-terminated, *used bytes), up to
 * `most` bytes; the rest is dropped. */
struct child_pipe_text {
    char **text;
    size_t *used;
    size_t most;
};
void child_pipe_keep_text(void *context, const char *bytes, size_t count);

/* Seconds on CLOCK_MONOTONIC, the clock of deadlines. */
double child_pipes_now(void);

/* Read the pipes as bytes come while `child` runs: 1 once it is reaped (*status is its wait
 * status), 0 when the deadline passes first (the child is left as it is). */
int child_pipes_read_until_reaped(pid_t child, struct child_pipe pipes[2], double deadline, int *status);

/* Once every writer is dead: read what the pipes still hold, without waiting, and close them. */
void child_pipes_read_rest(struct child_pipe pipes[2]);

#endif /* CHILD_PIPES_H */
