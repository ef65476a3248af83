/* child_pipes.c: read a child's pipes while it runs (see child_pipes.h). */
#include "child_pipes.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

double child_pipes_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One read from a pipe handed to its taker; what read returned (0: the pipe's end). */
static ssize_t read_once(struct child_pipe *pipe)
{
    static char chunk[16384];
    ssize_t got = read(pipe->fd, chunk, sizeof chunk);
    if (got > 0)
        pipe->take(pipe->context, chunk, (size_t)got);
    return got;
}

void child_pipe_keep_text(void *context, const char *bytes, size_t count)
{
    struct child_pipe_text *kept = context;
    size_t keep = *kept->used + count > kept->most ? kept->most - *kept->used : count;
    if (keep == 0)
        return;
    char *grown = realloc(*kept->text, *kept->used + keep + 1);
    if (grown == NULL)
        return;
    *kept->text = grown;
    memcpy(grown + *kept->used, bytes, keep);
    *kept->used += keep;
    grown[*kept->used] = '\0';
}

static void close_pipe(struct child_pipe *pipe)
{
    close(pipe->fd);
    pipe->fd = -1;
}

int child_pipes_read_until_reaped(pid_t child, struct child_pipe pipes[2], double deadline, int *status)
{
    for (;;) {
        double left = deadline - child_pipes_now();
        if (left <= 0)
            return 0;
        struct pollfd fds[2] = { { .fd = pipes[0].fd, .events = POLLIN }, { .fd = pipes[1].fd, .events = POLLIN } };
        if (pipes[0].fd >= 0 || pipes[1].fd >= 0) {
            /* Short waits: the child's end is seen by waitpid, not by the pipes. */
            int ready = poll(fds, 2, left > 0.05 ? 50 : 1);
            for (int i = 0; ready > 0 && i < 2; i++)
                if (pipes[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) && read_once(&pipes[i]) <= 0)
                    close_pipe(&pipes[i]);
        } else {
            struct timespec pause = { 0, 5 * 1000 * 1000 };
            nanosleep(&pause, NULL);
        }
        if (waitpid(child, status, WNOHANG) == child)
            return 1;
    }
}

void child_pipes_read_rest(struct child_pipe pipes[2])
{
    for (int i = 0; i < 2; i++) {
        if (pipes[i].fd < 0)
            continue;
        fcntl(pipes[i].fd, F_SETFL, O_NONBLOCK);
        while (read_once(&pipes[i]) > 0)
            ;
        close_pipe(&pipes[i]);
    }
}
