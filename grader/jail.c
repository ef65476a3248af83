/*
 * jail.c: run a build tool in namespaces of its own, on a root that holds only the toolchain
 * and the build directory (see jail.h for the promises).
 *
 * Three processes:
 *   the caller    clones the init, reads the output pipe, keeps the wall clock, reaps the init
 *   the init      PID 1 of the new namespaces: builds the root, pivots into it, drops to the
 *                 tool's user, forks the tool, reaps until the tool ends, reports its wait
 *                 status on the report pipe, ends (and the kernel kills whatever is left)
 *   the tool      the init's child: limits, descriptors, environment, then exec
 *
 * The init reports on a pipe of its own, never through an exit status, so that a tool's exit
 * status cannot be mistaken for a failed set-up. Every step of the set-up that fails is named.
 */
#include "jail.h"

#include "child_pipes.h"
#include "privileges.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum {
    INIT_STACK_BYTES = 256 << 10,
    /* The init's descriptors, fixed before anything else so that none of the caller's leaks in. */
    FD_REPORT = 3,
    FD_BUILD = 4,
    FIRST_FREE_FD = 5,
};

/* Where the new root is put together: /tmp of the jail's own mount namespace, which no one
 * else sees (the host's /tmp stays as it was for everyone else). */
static const char STAGING[] = "/tmp";

/* Host paths that, on a merged /usr, are symlinks into it; recreated as they are on the host. */
static const char *const TOP_LEVEL_LINKS[] = { "bin", "sbin", "lib", "lib32", "lib64", "libx32" };

static const char *const TOOL_ENVIRONMENT[] = { "PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", "TMPDIR=/tmp",
                                                "HOME=/build", NULL };

/* What the init tells the caller, in one write (well under PIPE_BUF: never split). */
enum report_kind { REPORT_SETUP_FAILED = 1, REPORT_TOOL_ENDED = 2 };
struct init_report {
    int kind;
    int number;    /* SETUP_FAILED: errno; TOOL_ENDED: the tool's wait status */
    char step[200]; /* SETUP_FAILED: the step, such as "mount /usr read-only" */
};

struct init_arguments {
    const struct jail *jail;
    char *const *argv;
    const struct jail_limits *limits;
    int output_fd, report_fd;
};

/* ---- the init: set-up ------------------------------------------------------------------ */

static void report(const struct init_report *r)
{
    (void)!write(FD_REPORT, r, sizeof *r);
}

static _Noreturn void setup_failed(const char *step)
{
    struct init_report r = { .kind = REPORT_SETUP_FAILED, .number = errno };
    snprintf(r.step, sizeof r.step, "%s", step);
    report(&r);
    _exit(1);
}

/* Give the init exactly: 0 /dev/null, 1 and 2 the output pipe, FD_REPORT, FD_BUILD; nothing
 * else of the caller's (the init never execs, so close-on-exec alone would not do). */
static void arrange_descriptors(const struct init_arguments *a)
{
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int build_fd = open(a->jail->build_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (null_fd < 0 || build_fd < 0) {
        /* No report descriptor yet: write the report on the one we were given. */
        struct init_report r = { .kind = REPORT_SETUP_FAILED, .number = errno };
        snprintf(r.step, sizeof r.step, null_fd < 0 ? "open /dev/null" : "open the build directory %s",
                 a->jail->build_dir);
        (void)!write(a->report_fd, &r, sizeof r);
        _exit(1);
    }
    /* Above every target first, so that no dup2 below overwrites a descriptor still needed. */
    int high_null = fcntl(null_fd, F_DUPFD_CLOEXEC, 16), high_output = fcntl(a->output_fd, F_DUPFD_CLOEXEC, 16);
    int high_report = fcntl(a->report_fd, F_DUPFD_CLOEXEC, 16), high_build = fcntl(build_fd, F_DUPFD_CLOEXEC, 16);
    if (high_null < 0 || high_output < 0 || high_report < 0 || high_build < 0 ||
        dup2(high_null, STDIN_FILENO) < 0 || dup2(high_output, STDOUT_FILENO) < 0 ||
        dup2(high_output, STDERR_FILENO) < 0 || dup3(high_report, FD_REPORT, O_CLOEXEC) < 0 ||
        dup3(high_build, FD_BUILD, O_CLOEXEC) < 0)
        _exit(1); /* no report is possible: the caller sees an init that ended without one */
    if (syscall(SYS_close_range, FIRST_FREE_FD, ~0U, 0) != 0)
        for (int fd = FIRST_FREE_FD; fd < 65536; fd++)
            close(fd);
}

static void make_dir(const char *path, mode_t mode)
{
    if (mkdir(path, mode) != 0) {
        char step[160];
        snprintf(step, sizeof step, "mkdir %s", path);
        setup_failed(step);
    }
}

static void make_empty_file(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
    if (fd < 0) {
        char step[160];
        snprintf(step, sizeof step, "create %s", path);
        setup_failed(step);
    }
    close(fd);
}

/* Bind `from` (a host path, or /proc/self/fd/N) on `to`, then remount it with `flags`:
 * a bind mount takes its flags only from a remount. */
static void bind_mount(const char *from, const char *to, unsigned long flags, const char *what)
{
    char step[200];
    if (mount(from, to, NULL, MS_BIND, NULL) != 0) {
        snprintf(step, sizeof step, "bind %s", what);
        setup_failed(step);
    }
    if (mount(NULL, to, NULL, MS_REMOUNT | MS_BIND | flags, NULL) != 0) {
        snprintf(step, sizeof step, "remount %s%s", what, flags & MS_RDONLY ? " read-only" : "");
        setup_failed(step);
    }
}

/* /bin, /lib ... as the host has them: a symlink stays a symlink (into usr), a directory is
 * bound read-only, a missing one stays missing. */
static void copy_top_level(const char *name)
{
    char host[64], inside[64], target[256];
    snprintf(host, sizeof host, "/%s", name);
    snprintf(inside, sizeof inside, "%s/%s", STAGING, name);
    struct stat st;
    if (lstat(host, &st) != 0)
        return;
    if (S_ISLNK(st.st_mode)) {
        ssize_t length = readlink(host, target, sizeof target - 1);
        if (length <= 0)
            setup_failed("readlink of a top-level directory");
        target[length] = '\0';
        if (symlink(target, inside) != 0)
            setup_failed("symlink a top-level directory");
    } else if (S_ISDIR(st.st_mode)) {
        make_dir(inside, 0755);
        bind_mount(host, inside, MS_RDONLY | MS_NOSUID | MS_NODEV, host);
    }
}

/* Put the new root together on STAGING and pivot into it; the host's tree is detached. */
static void build_root(const struct init_arguments *a)
{
    const unsigned long quiet = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    char path[256], options[128];
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        setup_failed("make the mounts private");
    if (mount("heapkit-jail", STAGING, "tmpfs", quiet, "size=1m,nr_inodes=256,mode=0755") != 0)
        setup_failed("mount the root tmpfs");

    snprintf(path, sizeof path, "%s/usr", STAGING);
    make_dir(path, 0755);
    bind_mount("/usr", path, MS_RDONLY | MS_NOSUID | MS_NODEV, "/usr read-only");
    for (size_t i = 0; i < sizeof TOP_LEVEL_LINKS / sizeof TOP_LEVEL_LINKS[0]; i++)
        copy_top_level(TOP_LEVEL_LINKS[i]);

    snprintf(path, sizeof path, "%s/etc", STAGING);
    make_dir(path, 0755);
    struct stat st;
    if (lstat("/etc/alternatives", &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(path, sizeof path, "%s/etc/alternatives", STAGING);
        make_dir(path, 0755);
        bind_mount("/etc/alternatives", path, MS_RDONLY | MS_NOSUID | MS_NODEV, "/etc/alternatives");
    }
    if (lstat("/etc/ld.so.cache", &st) == 0 && S_ISREG(st.st_mode)) {
        snprintf(path, sizeof path, "%s/etc/ld.so.cache", STAGING);
        make_empty_file(path);
        bind_mount("/etc/ld.so.cache", path, MS_RDONLY | MS_NOSUID | MS_NODEV, "/etc/ld.so.cache");
    }

    snprintf(path, sizeof path, "%s/dev", STAGING);
    make_dir(path, 0755);
    snprintf(path, sizeof path, "%s/dev/null", STAGING);
    make_empty_file(path);
    bind_mount("/dev/null", path, MS_NOSUID | MS_NOEXEC, "/dev/null");

    snprintf(path, sizeof path, "%s/tmp", STAGING);
    make_dir(path, 0755);
    snprintf(options, sizeof options, "size=%llu,nr_inodes=4096,mode=1777", a->limits->tmp_bytes);
    if (mount("heapkit-tmp", path, "tmpfs", quiet, options) != 0)
        setup_failed("mount the private /tmp");

    /* The build directory by its descriptor: its host path may be under STAGING, now covered. */
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", FD_BUILD);
    snprintf(path, sizeof path, "%s/build", STAGING);
    make_dir(path, 0755);
    bind_mount(self, path, quiet, "the build directory");
    close(FD_BUILD);

    if (mount(NULL, STAGING, NULL, MS_REMOUNT | MS_RDONLY | quiet, NULL) != 0)
        setup_failed("remount the root read-only");
    /* pivot_root(".", "."): the old root ends up on top of the new one, and is then detached
     * whole: no path, no descriptor of the init's leads back to the host's tree. */
    if (chdir(STAGING) != 0 || syscall(SYS_pivot_root, ".", ".") != 0)
        setup_failed("pivot_root into the new root");
    if (umount2(".", MNT_DETACH) != 0)
        setup_failed("detach the host's root");
    if (chdir("/build") != 0)
        setup_failed("chdir /build");
}

/* Become the tool's user for good: no groups, no way back, no privileges to gain. */
static void drop_to(uid_t uid, gid_t gid)
{
    char why[256];
    if (privileges_become(uid, gid, why, sizeof why) != 0) {
        errno = EPERM;
        setup_failed(why);
    }
    /* The tool runs as the same user: it must not be able to trace the init. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        setup_failed("prctl(PR_SET_DUMPABLE)");
    /* Changing credentials cleared the parent-death signal: set it again. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
        setup_failed("prctl(PR_SET_PDEATHSIG)");
}

static void limit(int resource, rlim_t soft, rlim_t hard)
{
    struct rlimit r = { soft, hard };
    if (setrlimit(resource, &r) != 0)
        _exit(126);
}

/* In the tool's process, just before exec: what it inherits must be ours, not the caller's. */
static _Noreturn void exec_tool(const struct init_arguments *a)
{
    close(FD_REPORT);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int s = 1; s < NSIG; s++)
        signal(s, SIG_DFL); /* an ignored SIGXCPU or SIGPIPE would survive exec */
    umask(022);
    const struct jail_limits *l = a->limits;
    rlim_t cpu = (rlim_t)(l->cpu_seconds + 0.999);
    limit(RLIMIT_CPU, cpu, cpu + 1);
    limit(RLIMIT_AS, (rlim_t)l->address_space_bytes, (rlim_t)l->address_space_bytes);
    limit(RLIMIT_FSIZE, (rlim_t)l->file_bytes, (rlim_t)l->file_bytes);
    limit(RLIMIT_NOFILE, l->nofile, l->nofile);
    limit(RLIMIT_NPROC, l->nproc, l->nproc);
    limit(RLIMIT_CORE, 0, 0);
    environ = (char **)TOOL_ENVIRONMENT;
    execvp(a->argv[0], a->argv);
    fprintf(stderr, "cannot run %s in the build jail: %s\n", a->argv[0], strerror(errno));
    _exit(127);
}

static int init_main(void *argument)
{
    const struct init_arguments *a = argument;
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); /* the caller died: so does the jail */
    arrange_descriptors(a);
    build_root(a);
    drop_to(a->jail->uid, a->jail->gid);
    pid_t tool = fork();
    if (tool < 0)
        setup_failed("fork the tool");
    if (tool == 0)
        exec_tool(a);
    /* Reap every orphan that lands here until the tool itself ends. */
    for (;;) {
        int status;
        pid_t done = waitpid(-1, &status, 0);
        if (done == tool) {
            struct init_report r = { .kind = REPORT_TOOL_ENDED, .number = status };
            report(&r);
            _exit(0); /* and the kernel kills whatever else is in the namespace */
        }
        if (done < 0 && errno != EINTR)
            _exit(1);
    }
}

/* ---- the caller ------------------------------------------------------------------------ */

/* The tool's output: keep up to `most` bytes, drop the rest (the tool must not block on a
 * full pipe). */
struct output_keeper {
    struct jail_outcome *outcome;
    size_t most;
};

static void keep_output(void *context, const char *bytes, size_t count)
{
    struct output_keeper *keeper = context;
    struct jail_outcome *o = keeper->outcome;
    size_t keep = count;
    if (o->output_bytes + keep > keeper->most) {
        keep = keeper->most - o->output_bytes;
        o->output_cut = 1;
    }
    memcpy(o->output + o->output_bytes, bytes, keep);
    o->output_bytes += keep;
    o->output[o->output_bytes] = '\0';
}

/* The init's report: one struct, perhaps in pieces; nothing past it. */
struct report_keeper {
    struct init_report report;
    size_t bytes;
};

static void keep_report(void *context, const char *bytes, size_t count)
{
    struct report_keeper *keeper = context;
    size_t room = sizeof keeper->report - keeper->bytes;
    size_t keep = count < room ? count : room;
    memcpy((char *)&keeper->report + keeper->bytes, bytes, keep);
    keeper->bytes += keep;
}

/* outcome->error: the text, then ": strerror(error)" when error is not 0. */
__attribute__((format(printf, 3, 4))) static void set_error(struct jail_outcome *o, int error, const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(o->error, sizeof o->error, format, arguments);
    va_end(arguments);
    size_t used = strlen(o->error);
    if (error != 0)
        snprintf(o->error + used, sizeof o->error - used, ": %s", strerror(error));
}

int jail_run(const struct jail *jail, char *const argv[], const struct jail_limits *limits,
             struct jail_outcome *outcome)
{
    memset(outcome, 0, sizeof *outcome);
    if (geteuid() != 0) {
        set_error(outcome, 0, "the build jail needs root (mounts and namespaces)");
        return -1;
    }
    if (jail->uid == 0 || jail->gid == 0 || argv == NULL || argv[0] == NULL) {
        set_error(outcome, 0, "the build jail runs a tool as a user and group other than root");
        return -1;
    }
    if (!(limits->wall_seconds > 0) || !(limits->cpu_seconds > 0) || limits->address_space_bytes == 0 ||
        limits->file_bytes == 0 || limits->tmp_bytes == 0 || limits->nofile == 0 || limits->nproc == 0) {
        set_error(outcome, 0, "the build jail needs every limit given (none may be 0)");
        return -1;
    }
    size_t most = limits->output_bytes ? limits->output_bytes : JAIL_OUTPUT_BYTES;
    outcome->output = calloc(1, most + 1);
    int output[2] = { -1, -1 }, reports[2] = { -1, -1 };
    char *stack = mmap(NULL, INIT_STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (outcome->output == NULL || stack == MAP_FAILED || pipe2(output, O_CLOEXEC) != 0 ||
        pipe2(reports, O_CLOEXEC) != 0) {
        set_error(outcome, errno, "cannot prepare the build jail");
        if (stack != MAP_FAILED)
            munmap(stack, INIT_STACK_BYTES);
        for (int i = 0; i < 2; i++) {
            if (output[i] >= 0)
                close(output[i]);
            if (reports[i] >= 0)
                close(reports[i]);
        }
        return -1;
    }
    struct init_arguments arguments = { jail, argv, limits, output[1], reports[1] };
    double start = child_pipes_now();
    /* Without CLONE_VM the init has its own copy of everything, this stack included. */
    pid_t init = clone(init_main, stack + INIT_STACK_BYTES,
                       CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET | SIGCHLD, &arguments);
    int clone_error = errno;
    munmap(stack, INIT_STACK_BYTES);
    close(output[1]);
    close(reports[1]);
    if (init < 0) {
        close(output[0]);
        close(reports[0]);
        set_error(outcome, clone_error, "cannot start the build jail (clone with new namespaces)");
        return -1;
    }

    struct output_keeper output_keeper = { outcome, most };
    struct report_keeper report_keeper = { 0 };
    struct child_pipe pipes[2] = { { output[0], keep_output, &output_keeper }, { reports[0], keep_report, &report_keeper } };
    int init_status = 0;
    if (!child_pipes_read_until_reaped(init, pipes, start + limits->wall_seconds, &init_status)) {
        outcome->timed_out = 1;
        /* SIGKILL to the init from outside its namespace: the kernel kills everything in it
         * before the init can be reaped. */
        kill(init, SIGKILL);
        while (waitpid(init, &init_status, 0) < 0 && errno == EINTR)
            ;
    }
    /* The init is reaped only once everything in its namespace is dead: every writer is. */
    child_pipes_read_rest(pipes);
    struct init_report r = report_keeper.report;
    size_t report_bytes = report_keeper.bytes;
    outcome->seconds = child_pipes_now() - start;
    if (outcome->timed_out)
        return 0;
    if (report_bytes == sizeof r && r.kind == REPORT_SETUP_FAILED) {
        r.step[sizeof r.step - 1] = '\0';
        set_error(outcome, r.number, "cannot set up the build jail: %s", r.step);
        return -1;
    }
    if (report_bytes != sizeof r || r.kind != REPORT_TOOL_ENDED) {
        char how[64];
        if (WIFSIGNALED(init_status))
            snprintf(how, sizeof how, "killed by signal %d", WTERMSIG(init_status));
        else
            snprintf(how, sizeof how, "exit status %d", WEXITSTATUS(init_status));
        set_error(outcome, 0, "the build jail's init ended without a report (%s)", how);
        return -1;
    }
    if (WIFSIGNALED(r.number)) {
        outcome->signal = WTERMSIG(r.number);
    } else {
        outcome->exited = 1;
        outcome->exit_status = WEXITSTATUS(r.number);
    }
    return 0;
}

void jail_outcome_free(struct jail_outcome *outcome)
{
    free(outcome->output);
    outcome->output = NULL;
}

void jail_describe(const struct jail_outcome *o, const struct jail_limits *limits, char *out, size_t size)
{
    if (o->timed_out)
        snprintf(out, size, "was stopped after %.0f s (the build's time limit)", limits->wall_seconds);
    else if (o->signal == SIGXCPU || (o->signal == SIGKILL && o->seconds >= limits->cpu_seconds))
        snprintf(out, size, "was stopped after %.0f s of CPU time (SIGXCPU)", limits->cpu_seconds);
    else if (o->signal == SIGXFSZ)
        snprintf(out, size, "was stopped: it wrote a file larger than %llu MiB (SIGXFSZ)", limits->file_bytes >> 20);
    else if (o->signal != 0)
        snprintf(out, size, "was killed by signal %d (%s)", o->signal, strsignal(o->signal));
    else if (o->exit_status == 126)
        snprintf(out, size, "could not be given its limits (exit status 126)");
    else if (o->exit_status == 127)
        snprintf(out, size, "could not be run (exit status 127)");
    else
        snprintf(out, size, "ended with exit status %d", o->exit_status);
}
