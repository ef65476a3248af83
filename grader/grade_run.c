/*
 * grade_run.c: run a program that holds student code, so that it cannot hang, starve or
 * outlive the grader: its own process group (killed whole at the end), resource limits set
 * on the child before exec, a wall-clock timeout kept by the grader, and, when the grader is
 * root, another user (nobody, 65534) with no supplementary groups.
 */
#include "child_pipes.h"
#include "grade.h"
#include "privileges.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
    RESULTS_MAX_BYTES = 4 << 20, /* a runner's result lines for one run: a few KiB each */
    OUTPUT_MAX_BYTES = 64 << 10,
};

int run_as_root(void)
{
    return geteuid() == 0;
}

static void limit(int resource, rlim_t value)
{
    struct rlimit r = { value, value };
    setrlimit(resource, &r);
}

/* In the child, before exec: nothing it does after this can be undone by it. */
static void become_untrusted(const struct run_limits *limits, int results_fd, int output_fd)
{
    setpgid(0, 0);
    if (dup2(output_fd, STDOUT_FILENO) < 0 || dup2(output_fd, STDERR_FILENO) < 0 ||
        (results_fd >= 0 && results_fd != 3 && dup2(results_fd, 3) < 0) ||
        (results_fd == 3 && fcntl(3, F_SETFD, 0) != 0))
        _exit(126);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0 && devnull != STDIN_FILENO) {
        dup2(devnull, STDIN_FILENO);
        close(devnull);
    }
    for (int fd = results_fd >= 0 ? 4 : 3; fd < 1024; fd++)
        close(fd);
    if (limits->cpu_seconds > 0) {
        struct rlimit cpu = { (rlim_t)limits->cpu_seconds, (rlim_t)limits->cpu_seconds + 1 };
        setrlimit(RLIMIT_CPU, &cpu);
    }
    if (limits->address_space_bytes > 0)
        limit(RLIMIT_AS, (rlim_t)limits->address_space_bytes);
    if (limits->file_bytes > 0)
        limit(RLIMIT_FSIZE, (rlim_t)limits->file_bytes);
    if (limits->nofile > 0)
        limit(RLIMIT_NOFILE, limits->nofile);
    limit(RLIMIT_CORE, 0);
    if (limits->as_nobody) {
        if (limits->nproc > 0)
            limit(RLIMIT_NPROC, limits->nproc);
        char error[256];
        if (drop_privileges(error, sizeof error) != 0)
            _exit(126); /* never run student code as root */
    }
}

enum { FORK_ATTEMPTS = 8 }; /* over about 3.6 s */

int run_untrusted(char *const argv[], const char *cwd, const struct run_limits *limits,
                  struct run_outcome *outcome)
{
    memset(outcome, 0, sizeof *outcome);
    int results[2], output[2];
    if (pipe2(results, O_CLOEXEC) != 0)
        return -1;
    if (pipe2(output, O_CLOEXEC) != 0) {
        close(results[0]);
        close(results[1]);
        return -1;
    }
    double start = child_pipes_now();
    /* A full process table is the machine's trouble, not the submission's: wait and try again. */
    pid_t pid = fork();
    for (int attempt = 1; pid < 0 && errno == EAGAIN && attempt <= FORK_ATTEMPTS; attempt++) {
        struct timespec pause = { 0, 100000000L * attempt };
        nanosleep(&pause, NULL);
        pid = fork();
    }
    if (pid == 0) {
        if (cwd != NULL && chdir(cwd) != 0)
            _exit(126);
        become_untrusted(limits, results[1], output[1]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(results[1]);
    close(output[1]);
    if (pid < 0) {
        close(results[0]);
        close(output[0]);
        return -1;
    }
    setpgid(pid, pid); /* also here, so that the kill below finds the group at once */
    outcome->started = 1;
    size_t output_used = 0;
    struct child_pipe_text results_text = { &outcome->results, &outcome->results_bytes, RESULTS_MAX_BYTES },
                        output_text = { &outcome->output, &output_used, OUTPUT_MAX_BYTES };
    struct child_pipe pipes[2] = { { results[0], child_pipe_keep_text, &results_text },
                                   { output[0], child_pipe_keep_text, &output_text } };
    int status = 0;
    int reaped = child_pipes_read_until_reaped(pid, pipes, start + limits->wall_seconds, &status);
    outcome->timed_out = !reaped;
    /* Whatever is left of the group goes, the runner's own children included. */
    kill(-pid, SIGKILL);
    if (!reaped)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    /* Read what the pipes still hold (without waiting: a stray holding them is dead now). */
    child_pipes_read_rest(pipes);
    outcome->seconds = child_pipes_now() - start;
    if (!outcome->timed_out) {
        if (WIFEXITED(status)) {
            outcome->exited = 1;
            outcome->exit_status = WEXITSTATUS(status);
        } else if (WIFSIGNALED(status)) {
            outcome->signal = WTERMSIG(status);
        }
    }
    return 0;
}

void run_outcome_free(struct run_outcome *outcome)
{
    free(outcome->results);
    free(outcome->output);
    outcome->results = outcome->output = NULL;
}

void run_describe(const struct run_outcome *outcome, const struct run_limits *limits, char *out, size_t size)
{
    if (!outcome->started)
        snprintf(out, size, "could not be started");
    else if (outcome->timed_out)
        snprintf(out, size, "was stopped after %.0f s (the grader's time limit)", limits->wall_seconds);
    else if (outcome->signal == SIGXCPU)
        snprintf(out, size, "was stopped after %.0f s of CPU time (SIGXCPU)", limits->cpu_seconds);
    else if (outcome->signal == SIGSYS)
        snprintf(out, size, "was stopped by the system-call filter (SIGSYS)");
    else if (outcome->signal != 0)
        snprintf(out, size, "was killed by signal %d (%s)", outcome->signal, strsignal(outcome->signal));
    else if (outcome->exit_status == 126)
        snprintf(out, size, "could not be set up (exit status 126)");
    else if (outcome->exit_status == 127)
        snprintf(out, size, "could not be executed (exit status 127)");
    else
        snprintf(out, size, "ended with exit status %d", outcome->exit_status);
}

int run_tool(char *const argv[], const char *cwd, int untrusted, double seconds, char **output)
{
    struct run_limits limits = {
        .wall_seconds = seconds, .cpu_seconds = seconds, .file_bytes = UINT64_C(256) << 20,
        .nofile = 256, .nproc = 256, .as_nobody = untrusted && run_as_root(),
    };
    struct run_outcome outcome;
    *output = NULL;
    if (run_untrusted(argv, cwd, &limits, &outcome) != 0)
        return -1;
    *output = outcome.output;
    outcome.output = NULL;
    if (*output == NULL)
        *output = calloc(1, 1);
    int status = outcome.exited ? outcome.exit_status : -1;
    run_outcome_free(&outcome);
    return status;
}
