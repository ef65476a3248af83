/*
 * spawn.h: start a stage program confined, from a child the trusted side has just forked.
 *
 * In order, in the child, before the program's first instruction (so before its C library's
 * start, its constructors and any code in any section of it):
 *
 *   1. its file descriptors: the ones it is given, at 3, 4, ...; stderr; the program itself at
 *      FENCE_FD_PROGRAM (close-on-exec); stdin from /dev/null; every other one closed
 *   2. when the trusted side is root: an empty root directory (chroot), and a user and group of
 *      its own (the grading slot's: fence_confinement.run_as), no supplementary groups,
 *      root not to be had back
 *   3. limits: CPU, address space, data (static data of every section, its break and private
 *      memory: RLIMIT_DATA), processes, files, output, no core dumps
 *   4. no new privileges, then the system-call filter (fence/filter.h), when asked for
 *   5. execveat of the program: the exec the filter allows, once
 *
 * A step that fails ends the child through isolate_setup_failed: the replay then says that it
 * could not be isolated (the machine's fault, not the stage's), and no stage code has run.
 */
#ifndef SPAWN_H
#define SPAWN_H

#include "filter.h"

#include <stdint.h>
#include <sys/types.h>

/* How a stage program is confined: set once, from the runner's options. */
struct fence_confinement {
    int filter;          /* load the system-call filter (a build with libseccomp) */
    uid_t run_as;        /* 0: stay who we are; else become this user and group (needs root) */
    const char *jail;    /* NULL, or an empty directory to become the root (needs root) */
};

/* The program, opened once (read-only, close-on-exec): execveat needs no path afterwards. */
struct fence_program {
    char path[4096];
    int fd;
};

/* Open the program at `path`; 0, or -1 with a message in error. */
int fence_program_open(struct fence_program *program, const char *path, char *error, size_t error_size);

/* What one replay's program gets. */
struct fence_launch {
    enum fence_mode mode;
    int filter;              /* load the filter (the C library's baseline program: no) */
    const int *fds;          /* become 3, 4, ... in order */
    int fd_count;
    int stderr_fd;           /* -1: the child's own */
    char *const *argv;       /* argv[0] the program's name */
    uint64_t data_bytes;     /* RLIMIT_DATA */
    uint64_t address_space_bytes; /* RLIMIT_AS */
    double cpu_seconds;      /* RLIMIT_CPU (rounded up, plus 1 s) */
    int cpu;                 /* pin to this CPU, or -1 */
    /* NULL, or called last before the filter is loaded and the program exec'd: its clock starts
     * there (timed_remote.c), the filter's building already done, its loading and the exec not. */
    void (*last_before_exec)(void);
};

/* Set the confinement of every stage program this process starts. */
void fence_confine(const struct fence_confinement *confinement);
const struct fence_confinement *fence_confinement(void);

/* In a freshly forked child: confine it and exec the program. Never returns. */
_Noreturn void fence_exec(const struct fence_program *program, const struct fence_launch *launch);

#endif /* SPAWN_H */
