/*
 * test_sandbox.c: grader/sandbox.h as a specification.
 *
 * Each test forks a child that enters the sandbox and then makes one call. An allowed call
 * lets the child go on to exit(0); a refused one kills it with SIGSYS, and the handler it
 * installed before entering records which call it was (si_syscall) on a page shared with the
 * parent. Nothing a refused call would have done may be seen afterwards: no file, no signal.
 */
#include "privileges.h"
#include "sandbox.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Shared with the children. */
struct shared {
    volatile int refused_call;  /* si_syscall of the SIGSYS, or -1 */
    volatile uint32_t refused_arch;
    volatile int entered;       /* the child is in the sandbox, waiting */
    volatile int may_leave;     /* the parent has looked: the child may exit */
};

static struct shared *shared;
static const struct sandbox_policy policy = {
    .cpu_seconds = 5, .output_bytes = 4096, .address_space_headroom_bytes = SANDBOX_ADDRESS_SPACE_HEADROOM_BYTES,
};

static void on_sigsys(int signal_number, siginfo_t *info, void *context)
{
    (void)context;
    shared->refused_call = info->si_syscall;
    shared->refused_arch = info->si_arch;
    raise(signal_number); /* SA_RESETHAND made it the default action: this kills */
}

static void enter(void)
{
    struct sigaction action = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO | SA_RESETHAND };
    sigemptyset(&action.sa_mask);
    sigaction(SIGSYS, &action, NULL);
    char error[256];
    if (sandbox_enter(&policy, error, sizeof error) != 0) {
        (void)!write(STDOUT_FILENO, error, strlen(error));
        _exit(100);
    }
}

/* Run action() in a sandboxed child; its wait status. */
static int in_sandbox(void (*action)(void))
{
    shared->refused_call = -1;
    shared->entered = shared->may_leave = 0;
    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        enter();
        action();
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return status;
}

static int killed_by(int status, int signal_number)
{
    return WIFSIGNALED(status) && WTERMSIG(status) == signal_number;
}

static int refused(int status, long call)
{
    return killed_by(status, SIGSYS) && shared->refused_call == call;
}

static int finished(int status)
{
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* ---- what a replay needs is allowed -------------------------------------------------- */

static char *page;

static void write_to_stderr(void) { (void)!write(STDERR_FILENO, "", 0); }
static void protect_read_write(void) { mprotect(page, 4096, PROT_READ | PROT_WRITE); page[0] = 1; }
static void protect_none(void) { mprotect(page, 4096, PROT_NONE); }
static void drop_pages(void) { madvise(page, 4096, MADV_DONTNEED); }
static void read_clock(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now); /* past the vDSO */
}
static void mask_signals(void)
{
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    sigprocmask(SIG_UNBLOCK, &all, NULL);
}
static void take_sigsegv(void) { signal(SIGSEGV, SIG_DFL); }
static void abort_itself(void) { abort(); }

static void test_a_replay_is_allowed_what_it_needs(void)
{
    expect(finished(in_sandbox(write_to_stderr)));
    expect(finished(in_sandbox(protect_read_write)));
    expect(finished(in_sandbox(protect_none)));
    expect(finished(in_sandbox(drop_pages)));
    expect(finished(in_sandbox(read_clock)));
    expect(finished(in_sandbox(mask_signals)));
    expect(finished(in_sandbox(take_sigsegv)));
    expect(killed_by(in_sandbox(abort_itself), SIGABRT)); /* raise: getpid, tgkill to itself */
}

/* ---- everything else is refused ------------------------------------------------------ */

static pid_t parent;
static volatile sig_atomic_t parent_signalled;
static void on_usr1(int signal_number) { (void)signal_number; parent_signalled = 1; }

static void open_file(void) { open("/tmp/heapkit-test-sandbox", O_WRONLY | O_CREAT, 0644); }
static void write_to_stdout(void) { (void)!write(STDOUT_FILENO, "forged\n", 7); }
static void protect_exec(void) { mprotect(page, 4096, PROT_READ | PROT_EXEC); }
static void advise_other(void) { madvise(page, 4096, MADV_WILLNEED); }
static void map_memory(void) { (void)mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); }
static void move_break(void) { syscall(SYS_brk, 0); }
static void fork_child(void) { syscall(SYS_fork); }
static void signal_parent(void) { kill(parent, SIGUSR1); }
static void signal_parent_thread(void) { syscall(SYS_tgkill, parent, parent, SIGUSR1); }
static void ask_parent(void) { getppid(); }
static void take_sigsys(void) { signal(SIGSYS, SIG_IGN); }
static void open_socket(void) { socket(AF_INET, SOCK_STREAM, 0); }
static void run_program(void)
{
    char *const arguments[] = { "/bin/true", NULL };
    execv("/bin/true", arguments);
}
static void refuse_while_blocked(void)
{
    sigset_t sigsys;
    sigemptyset(&sigsys);
    sigaddset(&sigsys, SIGSYS);
    sigprocmask(SIG_BLOCK, &sigsys, NULL);
    open_file();
}

static void test_everything_else_is_refused(void)
{
    unlink("/tmp/heapkit-test-sandbox");
    expect(refused(in_sandbox(open_file), SCMP_SYS(openat)));
    expect(access("/tmp/heapkit-test-sandbox", F_OK) != 0);
    expect(refused(in_sandbox(write_to_stdout), SCMP_SYS(write)));
    expect(refused(in_sandbox(protect_exec), SCMP_SYS(mprotect)));
    expect(refused(in_sandbox(advise_other), SCMP_SYS(madvise)));
    expect(refused(in_sandbox(map_memory), SCMP_SYS(mmap)));
    expect(refused(in_sandbox(move_break), SCMP_SYS(brk)));
    expect(refused(in_sandbox(fork_child), SCMP_SYS(fork)));
    expect(refused(in_sandbox(ask_parent), SCMP_SYS(getppid)));
    expect(refused(in_sandbox(open_socket), SCMP_SYS(socket)));
    expect(refused(in_sandbox(run_program), SCMP_SYS(execve)));

    parent = getpid();
    parent_signalled = 0;
    signal(SIGUSR1, on_usr1);
    expect(refused(in_sandbox(signal_parent), SCMP_SYS(kill)));
    expect(refused(in_sandbox(signal_parent_thread), SCMP_SYS(tgkill)));
    expect(parent_signalled == 0);
    signal(SIGUSR1, SIG_DFL);
}

static void test_a_stage_cannot_escape_sigsys(void)
{
    /* It may not take SIGSYS over (the handler is refused, and the refusal kills), and one
     * that blocks SIGSYS dies of the refusal all the same. */
    expect(refused(in_sandbox(take_sigsys), SCMP_SYS(rt_sigaction)));
    expect(killed_by(in_sandbox(refuse_while_blocked), SIGSYS));
}

/* ---- limits ---------------------------------------------------------------------------- */

static void wait_for_parent(void)
{
    shared->entered = 1;
    while (!shared->may_leave) {
        /* the parent reads /proc/PID/limits meanwhile */
    }
}

/* The value of a limit in /proc/PID/limits ("Max open files  3  3  files"): the soft one. */
static long long limit_of(pid_t child, const char *name)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/limits", (int)child);
    FILE *limits = fopen(path, "r");
    long long value = -2;
    while (limits != NULL && fgets(line, sizeof line, limits) != NULL)
        if (strncmp(line, name, strlen(name)) == 0) {
            const char *soft = line + 26; /* the columns are fixed */
            value = strncmp(soft, "unlimited", 9) == 0 ? -1 : atoll(soft);
        }
    if (limits != NULL)
        fclose(limits);
    return value;
}

static int open_files_of(pid_t child)
{
    char command[96];
    snprintf(command, sizeof command, "ls /proc/%d/fd | wc -l", (int)child);
    FILE *count = popen(command, "r");
    int files = -1;
    if (count != NULL && fscanf(count, "%d", &files) != 1)
        files = -1;
    if (count != NULL)
        pclose(count);
    return files;
}

static void test_limits_are_set_and_other_files_closed(void)
{
    int pipe_ends[2];
    expect(pipe(pipe_ends) == 0); /* open in the parent, so inherited: must be closed */
    shared->entered = shared->may_leave = 0;
    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        enter();
        wait_for_parent();
        _exit(0);
    }
    while (!shared->entered) {
        /* the child enters the sandbox meanwhile */
    }
    expect(limit_of(child, "Max core file size") == 0);
    expect(limit_of(child, "Max file size") == 4096);
    expect(limit_of(child, "Max open files") == 3);
    expect(limit_of(child, "Max cpu time") == 6); /* 5 s and one more */
    long long address_space = limit_of(child, "Max address space");
    expect(address_space > (long long)SANDBOX_ADDRESS_SPACE_HEADROOM_BYTES);
    expect(address_space < (long long)SANDBOX_ADDRESS_SPACE_HEADROOM_BYTES + (4LL << 30));
    if (geteuid() != 0)
        expect(limit_of(child, "Max processes") == 0);
    expect(open_files_of(child) <= 3);
    shared->may_leave = 1;
    int status = 0;
    waitpid(child, &status, 0);
    expect(finished(status));
    close(pipe_ends[0]);
    close(pipe_ends[1]);
}

static void spin(void)
{
    for (volatile uint64_t i = 0;; i = i + 1) {
        /* until RLIMIT_CPU stops it */
    }
}

static void test_output_and_cpu_limits_stop_the_process(void)
{
    /* stderr to a file: past policy.output_bytes a write gets SIGXFSZ. */
    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        int file = open("/tmp", O_TMPFILE | O_WRONLY, 0600);
        if (file >= 0)
            dup2(file, STDERR_FILENO);
        enter();
        static char text[4096];
        for (int i = 0; i < 3; i++) /* the first write fills the file to the limit */
            (void)!write(STDERR_FILENO, text, sizeof text);
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    expect(killed_by(status, SIGXFSZ));

    /* Half a second, rounded up to 1 s: SIGXCPU after 2 s of CPU time. */
    struct sandbox_policy short_policy = policy;
    short_policy.cpu_seconds = 0.5;
    fflush(NULL);
    child = fork();
    if (child == 0) {
        char error[256];
        if (sandbox_enter(&short_policy, error, sizeof error) != 0)
            _exit(100);
        spin();
    }
    waitpid(child, &status, 0);
    expect(killed_by(status, SIGXCPU));
}

/* ---- names and privileges -------------------------------------------------------------- */

static void test_system_calls_are_named(void)
{
    char name[96];
    expect(sandbox_syscall_name(seccomp_arch_native(), SCMP_SYS(openat), name, sizeof name) == 0);
    expect_text(name, "openat");
    expect(sandbox_syscall_name(SCMP_ARCH_X86, 5, name, sizeof name) == 0);
    expect_text(name, "open (i386, int 0x80)");
    expect(sandbox_syscall_name(seccomp_arch_native(), 99999, name, sizeof name) != 0);
}

static void test_privileges_are_dropped_when_root(void)
{
    fflush(NULL);
    uid_t before = getuid();
    pid_t child = fork();
    if (child == 0) {
        char error[256];
        if (drop_privileges(error, sizeof error) != 0)
            _exit(1);
        if (before != 0)
            _exit(getuid() == before ? 0 : 2); /* not root: nothing changes */
        if (getuid() != UNPRIVILEGED_ID || geteuid() != UNPRIVILEGED_ID ||
            getgid() != UNPRIVILEGED_ID || getegid() != UNPRIVILEGED_ID)
            _exit(3);
        if (getgroups(0, NULL) != 0)
            _exit(4);
        if (setuid(0) == 0 || seteuid(0) == 0)
            _exit(5);
        if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
            _exit(6);
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    expect(finished(status));
}

int main(void)
{
    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED || page == MAP_FAILED) {
        perror("test_sandbox: mmap");
        return 2;
    }
    RUN(test_a_replay_is_allowed_what_it_needs);
    RUN(test_everything_else_is_refused);
    RUN(test_a_stage_cannot_escape_sigsys);
    RUN(test_limits_are_set_and_other_files_closed);
    RUN(test_output_and_cpu_limits_stop_the_process);
    RUN(test_system_calls_are_named);
    RUN(test_privileges_are_dropped_when_root);
    return unit_exit_status();
}
