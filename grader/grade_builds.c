/* grade_builds.c: build every stage of a submission at once, a few at a time (see grade.h).
 *
 * A build is five tool runs (compiler, readelf twice, objdump, linker), each a process of its
 * own in the build jail, and one stage's build waits on nothing of another's. Each build runs
 * in a child of the grader, which sends back what build_stage found; the grader goes on with
 * the replays once all are in. No student code runs in these children: only the kit's tools do,
 * in their jails, as before. */
#include "grade.h"

#include "child_pipes.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* What a child sends: its struct stage_build (its compiler_output pointer meaningless here),
 * then the compiler's output, up to the pipe's end. */
struct build_child {
    pid_t pid;
    int fd;           /* the read end; -1 once read to its end */
    char *bytes;      /* what came so far */
    size_t used, size;
    size_t stage;     /* its index in the list */
};

/* A tool's limit is its own wall-clock budget; a build is five tool runs and some copying. */
static double build_deadline_seconds(const struct grading *g)
{
    return 5 * g->rubric.build_seconds + 30;
}

/* The child: build one stage, send the result, end without running the grader's exit work. */
static _Noreturn void build_and_send(struct grading *g, const char *stage, int fd)
{
    struct stage_build b;
    build_stage(g, stage, &b);
    const char *output = b.compiler_output != NULL ? b.compiler_output : "";
    b.compiler_output = NULL;
    size_t output_bytes = strlen(output);
    const char *parts[2] = { (const char *)&b, output };
    size_t sizes[2] = { sizeof b, output_bytes };
    for (int i = 0; i < 2; i++) {
        for (size_t done = 0; done < sizes[i];) {
            ssize_t wrote = write(fd, parts[i] + done, sizes[i] - done);
            if (wrote < 0 && errno == EINTR)
                continue;
            if (wrote <= 0)
                _exit(1);
            done += (size_t)wrote;
        }
    }
    _exit(0);
}

static int take(struct build_child *child)
{
    if (child->size - child->used < 16384) {
        size_t size = child->size ? child->size * 2 : 65536;
        char *bigger = realloc(child->bytes, size);
        if (bigger == NULL)
            return -1;
        child->bytes = bigger;
        child->size = size;
    }
    ssize_t got = read(child->fd, child->bytes + child->used, child->size - child->used);
    if (got < 0 && errno == EINTR)
        return 1;
    if (got <= 0)
        return -1;
    child->used += (size_t)got;
    return 1;
}

/* What a finished child sent, as the stage's build; a child that sent less failed. */
static void receive(const struct build_child *child, const char *stage, struct stage_build *b)
{
    memset(b, 0, sizeof *b);
    if (child->used < sizeof *b) {
        b->submitted = 1;
        snprintf(b->violation, sizeof b->violation, "stage %s: the grader's build of it did not finish (grader "
                 "trouble, not the submission's: grade it again)", stage);
        return;
    }
    memcpy(b, child->bytes, sizeof *b);
    b->violation[sizeof b->violation - 1] = '\0';
    b->runner[sizeof b->runner - 1] = '\0';
    size_t output_bytes = child->used - sizeof *b;
    b->compiler_output = malloc(output_bytes + 1);
    if (b->compiler_output != NULL) {
        memcpy(b->compiler_output, child->bytes + sizeof *b, output_bytes);
        b->compiler_output[output_bytes] = '\0';
    }
}

/* Start the next build: 0, or -1 when no child could be made (then it is built here). */
static int start(struct grading *g, const char *stage, size_t index, struct build_child *child)
{
    int ends[2];
    if (pipe2(ends, O_CLOEXEC) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(ends[0]);
        build_and_send(g, stage, ends[1]);
    }
    close(ends[1]);
    if (pid < 0) {
        close(ends[0]);
        return -1;
    }
    *child = (struct build_child){ .pid = pid, .fd = ends[0], .stage = index };
    return 0;
}

static size_t lanes(size_t count)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t most = cpus < 1 ? 1 : cpus > 4 ? 4 : (size_t)cpus;
    return count < most ? count : most;
}

void build_stages(struct grading *g, const char *const stages[], size_t count, struct stage_build builds[])
{
    build_note_switches(g); /* here, not in the children: their notes would be lost */
    struct build_child running[4];
    size_t running_count = 0, next = 0, most = lanes(count);
    double deadline = child_pipes_now() + build_deadline_seconds(g) * (double)(count ? count : 1);
    while (next < count || running_count > 0) {
        while (next < count && running_count < most) {
            if (start(g, stages[next], next, &running[running_count]) != 0) {
                build_stage(g, stages[next], &builds[next]); /* no child: build it here, alone */
            } else {
                running_count++;
            }
            next++;
        }
        if (running_count == 0)
            continue;
        struct pollfd fds[4];
        for (size_t i = 0; i < running_count; i++)
            fds[i] = (struct pollfd){ .fd = running[i].fd, .events = POLLIN };
        int ready = poll(fds, running_count, 200);
        int late = child_pipes_now() > deadline;
        for (size_t i = 0; i < running_count; i++) {
            struct build_child *child = &running[i];
            int ended = late;
            if (!late && ready > 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                ended = take(child) < 0;
            if (!ended)
                continue;
            if (late)
                kill(child->pid, SIGKILL);
            while (waitpid(child->pid, NULL, 0) < 0 && errno == EINTR)
                ;
            close(child->fd);
            receive(child, stages[child->stage], &builds[child->stage]);
            free(child->bytes);
            running[i--] = running[--running_count];
            fds[i + 1] = fds[running_count]; /* the moved one keeps its revents */
        }
    }
}
