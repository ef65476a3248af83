/* spawn.c: start a stage program confined (see spawn.h). */
#include "spawn.h"

#include "channel.h"
#include "fence.h"
#include "isolate.h"
#include "privileges.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static struct fence_confinement confinement;

void fence_confine(const struct fence_confinement *chosen)
{
    confinement = *chosen;
}

const struct fence_confinement *fence_confinement(void)
{
    return &confinement;
}

int fence_program_open(struct fence_program *program, const char *path, char *error, size_t error_size)
{
    snprintf(program->path, sizeof program->path, "%s", path);
    program->fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (program->fd < 0 || fstat(program->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(error, error_size, "%s: cannot open the stage program: %s", path,
                 program->fd < 0 ? strerror(errno) : "not a regular file");
        if (program->fd >= 0)
            close(program->fd);
        program->fd = -1;
        return -1;
    }
    return 0;
}

/* ---- the steps, in the child ------------------------------------------------------------- */

/* Each descriptor to its place: the given ones at 3, 4, ...; the program at FENCE_FD_PROGRAM. */
static void place_files(const struct fence_program *program, const struct fence_launch *launch)
{
    enum { PARKED = 64 }; /* out of the way of the places, while they are filled */
    int parked[8];
    if (launch->fd_count > 8)
        isolate_setup_failed("too many files for a stage program");
    for (int i = 0; i < launch->fd_count; i++)
        if ((parked[i] = fcntl(launch->fds[i], F_DUPFD, PARKED)) < 0)
            isolate_setup_failed("cannot hand a shared memory file to the stage program");
    int program_parked = fcntl(program->fd, F_DUPFD, PARKED);
    if (program_parked < 0)
        isolate_setup_failed("cannot hand the program to execveat");
    if (launch->stderr_fd >= 0 && dup2(launch->stderr_fd, STDERR_FILENO) < 0)
        isolate_setup_failed("cannot give the stage program its output file");
    int nothing = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (nothing < 0 || dup2(nothing, STDIN_FILENO) < 0 || dup2(nothing, STDOUT_FILENO) < 0)
        isolate_setup_failed("cannot open /dev/null");
    for (int i = 0; i < launch->fd_count; i++)
        if (dup2(parked[i], 3 + i) < 0)
            isolate_setup_failed("cannot place a shared memory file");
    if (dup3(program_parked, FENCE_FD_PROGRAM, O_CLOEXEC) < 0)
        isolate_setup_failed("cannot place the program for execveat");
    /* Everything else goes: the runner's result pipe, its files, other gradings' anything. */
    int first_free = 3 + launch->fd_count;
    if (close_range((unsigned)first_free, FENCE_FD_PROGRAM - 1, 0) != 0 ||
        close_range(FENCE_FD_PROGRAM + 1, ~0u, 0) != 0)
        isolate_setup_failed("close_range failed: every other file must be closed");
}

static void limit(int resource, const char *name, rlim_t value)
{
    struct rlimit both = { value, value };
    if (setrlimit(resource, &both) != 0) {
        char why[160];
        snprintf(why, sizeof why, "setrlimit(%s, %llu): %s", name, (unsigned long long)value, strerror(errno));
        isolate_setup_failed(why);
    }
}

static void set_limits(const struct fence_launch *launch, int switching_user)
{
    double cpu = ceil(launch->cpu_seconds > 0 ? launch->cpu_seconds : 1) + 1;
    limit(RLIMIT_CORE, "RLIMIT_CORE", 0);
    limit(RLIMIT_FSIZE, "RLIMIT_FSIZE", ISOLATE_OUTPUT_LIMIT_BYTES);
    limit(RLIMIT_NOFILE, "RLIMIT_NOFILE", 16);
    limit(RLIMIT_CPU, "RLIMIT_CPU", (rlim_t)cpu);
    limit(RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK", 0);
    if (launch->address_space_bytes > 0)
        limit(RLIMIT_AS, "RLIMIT_AS", (rlim_t)launch->address_space_bytes);
    if (launch->data_bytes > 0)
        limit(RLIMIT_DATA, "RLIMIT_DATA", (rlim_t)launch->data_bytes);
    /* Counted per user: only for the slot's own user (for anyone else it would count theirs). */
    if (switching_user)
        limit(RLIMIT_NPROC, "RLIMIT_NPROC", 16);
}

static void become(uid_t user)
{
    char why[256];
    if (privileges_become(user, (gid_t)user, why, sizeof why) != 0)
        isolate_setup_failed(why);
}

_Noreturn void fence_exec(const struct fence_program *program, const struct fence_launch *launch)
{
    int root = geteuid() == 0;
    place_files(program, launch);
    if (confinement.jail != NULL) {
        if (!root)
            isolate_setup_failed("an empty root directory (--jail) needs the runner to run as root");
        if (chroot(confinement.jail) != 0 || chdir("/") != 0) {
            char why[160];
            snprintf(why, sizeof why, "chroot to the empty directory %s: %s", confinement.jail, strerror(errno));
            isolate_setup_failed(why);
        }
    }
    int switching_user = confinement.run_as != 0;
    if (switching_user && !root)
        isolate_setup_failed("a user of its own (--run-as) needs the runner to run as root");
    set_limits(launch, switching_user);
    if (switching_user)
        become(confinement.run_as);
    /* The kernel clears the parent-death signal when the user changes: set it now. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    channel_pin_to(launch->cpu);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        isolate_setup_failed("prctl(PR_SET_NO_NEW_PRIVS) failed");
    void *filter = NULL;
    char why[256];
    if (launch->filter && (filter = fence_filter_build(launch->mode, why, sizeof why)) == NULL)
        isolate_setup_failed(why);
    if (launch->last_before_exec != NULL)
        launch->last_before_exec();
    if (filter != NULL && fence_filter_load(filter, why, sizeof why) != 0)
        isolate_setup_failed(why);
    char *const no_environment[] = { NULL };
    syscall(SYS_execveat, FENCE_FD_PROGRAM, "", launch->argv, no_environment, AT_EMPTY_PATH);
    snprintf(why, sizeof why, "execveat of the stage program failed: %s", strerror(errno));
    isolate_setup_failed(why);
}
