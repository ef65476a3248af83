/* grade_builds.c: build every stage of a submission at once, a few at a time (see grade.h).
 *
 * A build is five tool runs (compiler, readelf twice, objdump, linker), each a process of its
 * own in the build jail, and one stage's build waits on nothing of another's. Each build runs
 * in a child of the grader, which sends back what build_stage found; the grader goes on with
 * the replays once all are in. No student code runs in these children: only the kit's tools do,
 * in their jails, as before. */
#include "grade.h"

#include "child_pipes.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
    LANES_MOST = 4,
    SENT_MOST_BYTES = sizeof(struct stage_build) + (1 << 20), /* the struct, then the compiler's output */
};

struct build_child {
    pid_t pid; /* 0: built here, in the grader (no child could be made) */
    int fd;    /* the read end of what it sends */
    double started;
};

/* The child: build one stage, send its struct stage_build (the compiler_output pointer
 * meaningless here), then the compiler's output; end without the grader's exit work. */
static _Noreturn void build_and_send(struct grading *g, const char *stage, int fd)
{
    struct stage_build b;
    build_stage(g, stage, &b);
    const char *output = b.compiler_output != NULL ? b.compiler_output : "";
    b.compiler_output = NULL;
    const char *parts[2] = { (const char *)&b, output };
    size_t sizes[2] = { sizeof b, strlen(output) };
    for (int i = 0; i < 2; i++)
        for (size_t done = 0; done < sizes[i];) {
            ssize_t wrote = write(fd, parts[i] + done, sizes[i] - done);
            if (wrote <= 0)
                _exit(1);
            done += (size_t)wrote;
        }
    _exit(0);
}

/* Start the build of `stage` in a child; when no child can be made, build it here. */
static void start(struct grading *g, const char *stage, struct build_child *child, struct stage_build *b)
{
    int ends[2] = { -1, -1 };
    pid_t pid = -1;
    if (pipe2(ends, O_CLOEXEC) == 0) {
        fflush(NULL);
        pid = fork();
        if (pid == 0) {
            close(ends[0]);
            build_and_send(g, stage, ends[1]);
        }
        close(ends[1]);
        if (pid < 0)
            close(ends[0]);
    }
    *child = (struct build_child){ .pid = pid > 0 ? pid : 0, .fd = ends[0], .started = child_pipes_now() };
    if (pid <= 0)
        build_stage(g, stage, b);
}

/* Read what the child sends until it ends (or its time is up: a build is five tool runs, each
 * within build_seconds, and some copying), as the stage's build; a child that sent less failed. */
static void finish(struct grading *g, const char *stage, struct build_child *child, struct stage_build *b)
{
    if (child->pid == 0)
        return;
    char *sent = NULL;
    size_t used = 0;
    struct child_pipe_text text = { &sent, &used, SENT_MOST_BYTES };
    struct child_pipe pipes[2] = { { child->fd, child_pipe_keep_text, &text }, { -1, NULL, NULL } };
    int status;
    double deadline = child->started + 5 * g->rubric.build_seconds + 30;
    if (!child_pipes_read_until_reaped(child->pid, pipes, deadline, &status)) {
        kill(child->pid, SIGKILL);
        waitpid(child->pid, &status, 0);
    }
    child_pipes_read_rest(pipes);
    memset(b, 0, sizeof *b);
    if (used < sizeof *b) {
        b->submitted = 1;
        snprintf(b->violation, sizeof b->violation, "stage %s: the grader's build of it did not finish (grader "
                 "trouble, not the submission's: grade it again)", stage);
    } else {
        memcpy(b, sent, sizeof *b);
        b->violation[sizeof b->violation - 1] = '\0';
        b->runner[sizeof b->runner - 1] = '\0';
        b->compiler_output = strdup(sent + sizeof *b); /* NUL-terminated by the taker */
    }
    free(sent);
}

void build_stages(struct grading *g, struct stage_build builds[])
{
    build_note_switches(g); /* here, not in the children: their notes would be lost */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t lanes = cpus < 1 ? 1 : cpus > LANES_MOST ? LANES_MOST : (size_t)cpus;
    /* Started in order, finished in order: a later build that ends first waits in its pipe,
     * its work done, until the ones before it are read. */
    struct build_child running[LANES_MOST];
    size_t started = 0;
    for (size_t finished = 0; finished < g->stage_count; finished++) {
        for (; started < g->stage_count && started - finished < lanes; started++)
            start(g, g->stages[started], &running[started % LANES_MOST], &builds[started]);
        finish(g, g->stages[finished], &running[finished % LANES_MOST], &builds[finished]);
    }
}
