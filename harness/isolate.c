/* isolate.c: one replay, one fresh child process (see isolate.h). */
#include "isolate.h"

#include "checkpoint.h"
#include "heapmgr.h"
#include "hostmem.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static struct child_report *report;

/* SIGSYS's si_code when a system-call filter refused the call (the kernel's SYS_SECCOMP). */
enum { SIGSYS_FROM_FILTER = 1 };

/* si_arch of this machine's own system calls, whose numbers SYS_write and the like are; on
 * another machine refused calls are named, not explained. */
#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#endif

/* The time limit of the child's replay, the namer of refused system calls. */
static struct {
    double time_limit_seconds;
    isolate_syscall_namer namer;
} hook;

void isolate_set_syscall_namer(isolate_syscall_namer namer)
{
    hook.namer = namer;
}

double isolate_time_limit(void)
{
    return hook.time_limit_seconds;
}

/* The child's stack, to tell a stack overflow from any other fault. */
static uintptr_t stack_top, stack_limit_bytes;

#ifdef HEAPKIT_COVERAGE
void __gcov_dump(void); /* gcc's: write the coverage counters now */
#endif

/* A replay child leaves with _exit (no atexit handlers, no flushing of the parent's buffers);
 * in a coverage build it first writes its counters, which _exit alone would lose. */
static _Noreturn void leave_child(void)
{
#ifdef HEAPKIT_COVERAGE
    __gcov_dump();
#endif
    _exit(0);
}

struct child_report *isolate_report(void)
{
    if (report == NULL)
        report = host_alloc(sizeof *report); /* outside isolate_run, such as in unit tests */
    return report;
}

static void install_fault_handler(void);

/* A memory file, so that a replay child that execs a stage program can hand it on (fence.h). */
static int shared_report_file = -1;

static struct child_report *shared_report(void)
{
    static struct child_report *shared;
    if (shared == NULL) {
        shared_report_file = memfd_create("heapkit-report", MFD_CLOEXEC);
        void *page = MAP_FAILED;
        if (shared_report_file >= 0 && ftruncate(shared_report_file, (off_t)isolate_report_bytes()) == 0)
            page = mmap(NULL, isolate_report_bytes(), PROT_READ | PROT_WRITE, MAP_SHARED, shared_report_file, 0);
        if (page == MAP_FAILED) {
            perror("replay: cannot share a report page with the replay process");
            exit(2);
        }
        shared = page;
    }
    report = shared;
    return shared;
}

size_t isolate_report_bytes(void)
{
    size_t page_bytes = (size_t)sysconf(_SC_PAGESIZE);
    return (sizeof *report + page_bytes - 1) / page_bytes * page_bytes;
}

int isolate_report_file(void)
{
    shared_report();
    return shared_report_file;
}

void isolate_use_report(struct child_report *mapped)
{
    report = mapped;
}

void isolate_install_fault_handler(void)
{
    volatile char stack_marker = 0;
    stack_top = (uintptr_t)&stack_marker;
    install_fault_handler();
}



_Noreturn void isolate_setup_failed(const char *why)
{
    struct child_report *r = isolate_report();
    snprintf(r->setup_error, sizeof r->setup_error, "%s", why != NULL ? why : "(no reason given)");
    r->setup_failed = 1;
    leave_child();
}

/* The landing of a guarded call (isolate_guard), or NULL. */
static sigjmp_buf *guard_landing;

void isolate_guard(sigjmp_buf *landing)
{
    guard_landing = landing;
}

_Noreturn void hm_todo(const char *what)
{
    struct child_report *r = isolate_report();
    snprintf(r->todo_what, sizeof r->todo_what, "%s", what != NULL ? what : "(unnamed)");
    if (guard_landing != NULL) {
        sigjmp_buf *landing = guard_landing;
        guard_landing = NULL;
        siglongjmp(*landing, ISOLATE_GUARD_TODO);
    }
    r->todo_called = 1;
    leave_child();
}

/* The first argument of the system call that a filter refused, from the registers saved at
 * the signal; 0 on a machine this does not know. */
static uint64_t refused_call_argument(const void *context)
{
    const ucontext_t *saved = context;
#if defined(__x86_64__)
    return (uint64_t)saved->uc_mcontext.gregs[REG_RDI];
#elif defined(__aarch64__)
    return (uint64_t)saved->uc_mcontext.regs[0];
#else
    (void)saved;
    return 0;
#endif
}

/* Record what faulted and where, then die of the same signal so the parent sees it. The
 * handler is installed with SA_RESETHAND: the kernel puts back the default action as it
 * calls it, so that the signal raised here kills (no system call needed for that, which
 * matters when a filter refused the one that brought us here). */
static void arm_fault_handler(void);

static void on_fault(int signal_number, siginfo_t *info, void *context)
{
    if (guard_landing != NULL) { /* a guarded call faulted: it alone ends */
        sigjmp_buf *landing = guard_landing;
        guard_landing = NULL;
        arm_fault_handler(); /* SA_RESETHAND took it away */
        siglongjmp(*landing, signal_number);
    }
    struct child_report *r = report;
    if (r != NULL && r->fault_signal == 0) {
        uintptr_t address = (uintptr_t)info->si_addr;
        r->fault_signal = signal_number;
        r->fault_code = info->si_code;
        r->fault_address = address;
        r->fault_area = simmem_area_of(address);
        r->fault_offset = simmem_offset_of(address);
        r->break_offset = simmem_break() - simmem_heap_start();
        r->fault_on_stack = signal_number == SIGSEGV && address < stack_top &&
                            address + stack_limit_bytes + (1u << 20) > stack_top;
        if (signal_number == SIGSYS && info->si_code == SIGSYS_FROM_FILTER) {
            r->fault_syscall = info->si_syscall;
            r->fault_syscall_arch = info->si_arch;
            r->fault_syscall_argument = refused_call_argument(context);
        }
    }
    raise(signal_number);
}

static void arm_fault_handler(void)
{
    static const int deadly[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS };
    struct sigaction action = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND };
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < sizeof deadly / sizeof deadly[0]; i++)
        sigaction(deadly[i], &action, NULL);
}

static void install_fault_handler(void)
{
    enum { ALTERNATE_STACK_BYTES = 1 << 16 };
    stack_t alternate = { .ss_sp = host_alloc(ALTERNATE_STACK_BYTES), .ss_size = ALTERNATE_STACK_BYTES };
    if (alternate.ss_sp != NULL)
        sigaltstack(&alternate, NULL);
    arm_fault_handler();

    struct rlimit stack_limit;
    if (getrlimit(RLIMIT_STACK, &stack_limit) == 0 && stack_limit.rlim_cur != RLIM_INFINITY)
        stack_limit_bytes = stack_limit.rlim_cur;
    else
        stack_limit_bytes = 8u << 20;
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Bound the stage's output file. A replay child keeps the hard limit it had, so that it may
 * lift its own soft one to size simulated memory's file (simmem.c); a stage's own process
 * (`for_good`) may not. */
static void limit_output(int for_good)
{
    struct rlimit output;
    if (getrlimit(RLIMIT_FSIZE, &output) != 0)
        output.rlim_max = ISOLATE_OUTPUT_LIMIT_BYTES;
    output.rlim_cur = ISOLATE_OUTPUT_LIMIT_BYTES;
    if (for_good || output.rlim_max < output.rlim_cur)
        output.rlim_max = ISOLATE_OUTPUT_LIMIT_BYTES;
    setrlimit(RLIMIT_FSIZE, &output);
}

static void run_child(void (*body)(void *), void *argument, int close_in_child, int stderr_fd)
{
    volatile char stack_marker = 0;
    stack_top = (uintptr_t)&stack_marker;
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    struct rlimit no_core = { 0, 0 };
    setrlimit(RLIMIT_CORE, &no_core);
    if (close_in_child >= 0)
        close(close_in_child);
    if (stderr_fd >= 0) {
        dup2(stderr_fd, STDERR_FILENO);
        limit_output(0);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    install_fault_handler();
    body(argument);
    leave_child();
}

/* How long the runner sleeps at most while it waits for a checkpoint: a child that ends without
 * reaching one (a crash, exit) is noticed this late at worst. */
#define CHECKPOINT_POLL_SECONDS 0.002

enum wait_end { WAIT_TIMED_OUT, WAIT_ENDED, WAIT_REFUSED, WAIT_ASLEEP };

/* The state letter of /proc/PID/stat ('R', 'S', 'T' ...), or 0 when it cannot be read. */
static char process_state(pid_t pid)
{
    char path[64], text[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int file = open(path, O_RDONLY | O_CLOEXEC);
    if (file < 0)
        return 0;
    ssize_t got = read(file, text, sizeof text - 1);
    close(file);
    if (got <= 0)
        return 0;
    text[got] = '\0';
    /* "PID (NAME) STATE ...": the name may hold anything, but ends with the last ')'. */
    const char *after_name = strrchr(text, ')');
    return after_name != NULL && after_name[1] == ' ' ? after_name[2] : 0;
}

int isolate_process_asleep(pid_t pid)
{
    /* 'S' is asleep, 'T' stopped; 't' is a debugger's stop, not the process's doing. */
    char state = process_state(pid);
    return state == 'S' || state == 'T';
}

/* How long a child that should be working may be seen asleep before it is a hang. */
#define ASLEEP_SECONDS 0.05

/* A time limit measures the child's work, not the machine's: a child still runnable at its limit
 * that has had less than half of that time on a CPU (other work, at a higher priority, such as a
 * grading at nice -10, took the rest) gets more time, up to this many times its limit. An
 * endless loop uses the CPU it gets, and a child asleep is no longer runnable: both are stopped
 * at the limit as before. */
#define STARVED_MOST_FACTOR 4

/* Is the child runnable ('R') and has it used less CPU than half of `elapsed` seconds? */
static int starved(pid_t child, double elapsed)
{
    clockid_t clock;
    struct timespec used;
    if (process_state(child) != 'R' || clock_getcpuclockid(child, &clock) != 0 || clock_gettime(clock, &used) != 0)
        return 0;
    return (double)used.tv_sec + (double)used.tv_nsec / 1e9 < elapsed / 2;
}

/* Wait for the child, at most `limit` seconds, serving its checkpoints (watch: NULL for none).
 * WAIT_ENDED: it ended (status filled); WAIT_REFUSED: the server refused a checkpoint. */
static enum wait_end wait_at_most(pid_t child, double limit, const struct timespec *start, int *status,
                                  struct checkpoint_watch *watch)
{
    double asleep_since = -1; /* a watched child seen asleep with no checkpoint pending, since */
    sigset_t child_signals;
    sigemptyset(&child_signals);
    sigaddset(&child_signals, SIGCHLD);
    for (;;) {
        pid_t ended = waitpid(child, status, WNOHANG);
        if (ended == child)
            return WAIT_ENDED;
        if (ended < 0 && errno != EINTR)
            return WAIT_ENDED;
        double elapsed = seconds_since(start), left = limit - elapsed;
        if (left <= 0 && (elapsed >= STARVED_MOST_FACTOR * limit || !starved(child, elapsed)))
            return WAIT_TIMED_OUT;
        if (left <= 0)
            left = CHECKPOINT_POLL_SECONDS * 25; /* starved: look again in 50 ms */
        /* While checkpoints may come: sleep on the checkpoint word, a few ms at a time, so
         * that one is served as soon as the child reaches it (the child sleeps till then). */
        if (watch != NULL && !checkpoint_watch_done(watch)) {
            int served = checkpoint_serve_pending(watch);
            /* A watched child sleeps only at a checkpoint, which is then pending: asleep with none
             * (looked at again after the state, so that one just reached is seen), it waits on
             * something else, using no CPU: a hang, stopped now rather than at the time limit. */
            int asleep_with_none = 0;
            if (served == 0 && isolate_process_asleep(child)) {
                served = checkpoint_serve_pending(watch);
                asleep_with_none = served == 0;
            }
            /* Refused at either look (the child may reach its checkpoint between the two): it
             * waits for an answer that will not come. */
            if (served < 0)
                return WAIT_REFUSED;
            if (!asleep_with_none)
                asleep_since = -1;
            else if (asleep_since < 0)
                asleep_since = seconds_since(start);
            else if (seconds_since(start) - asleep_since >= ASLEEP_SECONDS)
                return WAIT_ASLEEP;
            if (served == 0) /* after one, look again at once: it may have been the last */
                checkpoint_wait(watch, left < CHECKPOINT_POLL_SECONDS ? left : CHECKPOINT_POLL_SECONDS);
            continue;
        }
        /* Wake on SIGCHLD, or at least every 50 ms: a signal may have come before we waited. */
        if (left > 0.05)
            left = 0.05;
        struct timespec wait_for = { (time_t)left, (long)((left - (double)(time_t)left) * 1e9) };
        sigtimedwait(&child_signals, NULL, &wait_for);
    }
}

struct child_outcome isolate_run(void (*body)(void *argument), void *argument,
                                 double time_limit_seconds, int close_in_child, int stderr_fd)
{
    return isolate_run_checkpointed(body, argument, time_limit_seconds, close_in_child, stderr_fd, NULL);
}

struct child_outcome isolate_run_checkpointed(void (*body)(void *argument), void *argument,
                                              double time_limit_seconds, int close_in_child,
                                              int stderr_fd, const struct checkpoint_server *checkpoints)
{
    struct child_report *r = shared_report();
    /* The whole of the shared pages, not only the report: nothing one child leaves in memory it
     * shares with the runner reaches the next. */
    memset(r, 0, isolate_report_bytes());
    struct child_outcome outcome = { .end = CHILD_NOT_STARTED };
    if (checkpoint_prepare(checkpoints != NULL) != 0)
        return outcome;

    sigset_t child_signals, previous;
    sigemptyset(&child_signals);
    sigaddset(&child_signals, SIGCHLD);
    sigprocmask(SIG_BLOCK, &child_signals, &previous);
    fflush(NULL); /* a child that calls exit must not write the parent's buffers twice */

    hook.time_limit_seconds = time_limit_seconds;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t child = fork();
    /* A full process table is the machine's trouble, not the stage's: wait and try again. */
    for (int attempt = 1; child < 0 && errno == EAGAIN && attempt <= 8; attempt++) {
        struct timespec pause = { 0, 100000000L * attempt };
        nanosleep(&pause, NULL);
        child = fork();
    }
    if (child < 0) {
        sigprocmask(SIG_SETMASK, &previous, NULL);
        return outcome;
    }
    if (child == 0)
        run_child(body, argument, close_in_child, stderr_fd);
    setpgid(child, child); /* also here, so the group exists before we might kill it */

    struct checkpoint_watch watch = { 0 };
    if (checkpoints != NULL)
        checkpoint_watch_start(&watch, child, checkpoints);
    int status = 0;
    enum wait_end waited = wait_at_most(child, time_limit_seconds, &start, &status,
                                        checkpoints != NULL ? &watch : NULL);
    if (waited != WAIT_ENDED) {
        kill(-child, SIGKILL);
        kill(child, SIGKILL);
        waitpid(child, &status, 0);
    }
    if (waited == WAIT_TIMED_OUT) {
        outcome.end = CHILD_TIMED_OUT;
    } else if (waited == WAIT_ASLEEP) {
        outcome.end = CHILD_HUNG;
        snprintf(r->hang_reason, sizeof r->hang_reason, "the replay slept in the kernel without reaching a "
                 "checkpoint, using no CPU (a replay that waits is a hang)");
    } else if (waited == WAIT_REFUSED) {
        outcome.end = CHILD_SIGNALED;
        outcome.signal = SIGKILL;
        outcome.checkpoint_refused = 1;
        outcome.refused_checkpoint = watch.refused_number;
    } else if (r->setup_failed) {
        outcome.end = CHILD_NOT_ISOLATED;
    } else if (r->todo_called) {
        outcome.end = CHILD_TODO;
    } else if (r->hung) {
        outcome.end = CHILD_HUNG;
    } else if (WIFSIGNALED(status)) {
        outcome.end = CHILD_SIGNALED;
        outcome.signal = WTERMSIG(status);
    } else if (r->finished) {
        outcome.end = CHILD_FINISHED;
    } else {
        outcome.end = CHILD_EXITED;
        outcome.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    kill(-child, SIGKILL); /* anything the child left behind in its group */
    if (checkpoints != NULL)
        checkpoint_watch_stop(&watch);
    outcome.seconds = seconds_since(&start);
    sigprocmask(SIG_SETMASK, &previous, NULL);
    return outcome;
}

/* ---- a replay in two processes ---------------------------------------------------------- */

_Noreturn void isolate_leave(void)
{
    leave_child();
}

void isolate_become_stage_process(struct child_report *own)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    limit_output(1);
    memset(own, 0, sizeof *own);
    report = own;
}

/* Copy a string the other process wrote, which may lack its end. */
static void copy_claim(char *to, size_t to_size, const char *from, size_t from_size)
{
    size_t length = strnlen(from, from_size < to_size ? from_size : to_size - 1);
    memcpy(to, from, length);
    to[length] = '\0';
}

_Noreturn void isolate_end_as_hang(const char *why)
{
    struct child_report *r = isolate_report();
    snprintf(r->hang_reason, sizeof r->hang_reason, "%s", why);
    r->hung = 1;
    leave_child();
}

_Noreturn void isolate_end_as_stage_ended(const struct child_report *theirs, int status)
{
    struct child_report *r = isolate_report();
    char text[256];
    if (theirs->setup_failed) {
        copy_claim(text, sizeof text, theirs->setup_error, sizeof theirs->setup_error);
        isolate_setup_failed(text);
    }
    if (theirs->todo_called) {
        copy_claim(text, sizeof text, theirs->todo_what, sizeof theirs->todo_what);
        hm_todo(text);
    }
    if (!WIFSIGNALED(status)) {
#ifdef HEAPKIT_COVERAGE
        __gcov_dump();
#endif
        _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
    }
    int signal_number = WTERMSIG(status);
    if (theirs->fault_signal == signal_number) {
        uintptr_t address = theirs->fault_address;
        r->fault_code = theirs->fault_code;
        r->fault_address = address;
        r->fault_area = simmem_area_of(address);
        r->fault_offset = simmem_offset_of(address);
        r->break_offset = simmem_break() - simmem_heap_start();
        r->fault_on_stack = theirs->fault_on_stack != 0;
        r->fault_syscall = theirs->fault_syscall;
        r->fault_syscall_arch = theirs->fault_syscall_arch;
        r->fault_syscall_argument = theirs->fault_syscall_argument;
        r->fault_signal = signal_number;
    }
#ifdef HEAPKIT_COVERAGE
    __gcov_dump();
#endif
    struct sigaction default_action = { .sa_handler = SIG_DFL };
    sigemptyset(&default_action.sa_mask);
    sigaction(signal_number, &default_action, NULL);
    sigset_t just_this;
    sigemptyset(&just_this);
    sigaddset(&just_this, signal_number);
    sigprocmask(SIG_UNBLOCK, &just_this, NULL);
    raise(signal_number);
    raise(SIGKILL); /* a signal whose default is not to end the process cannot have ended it */
    _exit(1);
}

static const char *signal_name(int signal_number)
{
    switch (signal_number) {
    case SIGSEGV: return "SIGSEGV (segmentation fault)";
    case SIGBUS: return "SIGBUS (bus error)";
    case SIGILL: return "SIGILL (illegal instruction)";
    case SIGFPE: return "SIGFPE (arithmetic error, such as a division by zero)";
    case SIGABRT: return "SIGABRT (abort: a failed assert?)";
    case SIGTRAP: return "SIGTRAP (trap: a breakpoint or __builtin_trap)";
    case SIGSYS: return "SIGSYS (a forbidden system call)";
    case SIGKILL: return "SIGKILL (killed)";
    case SIGXCPU: return "SIGXCPU (CPU time limit)";
    case SIGXFSZ: return "SIGXFSZ (it printed more than 16 MiB to stderr, the limit)";
    default: return strsignal(signal_number);
    }
}

static void describe_fault(const struct child_report *r, char *out, size_t out_size)
{
    unsigned long long offset = r->fault_offset, brk = r->break_offset;
    switch ((enum simmem_area)r->fault_area) {
    case AREA_PAST_BREAK:
        snprintf(out, out_size, " at heap+0x%llx, past the break (break at heap+0x%llx): memory past the "
                 "break is not the stage's until it moves the break", offset, brk);
        return;
    case AREA_UNMAPPED:
        snprintf(out, out_size, " at mmap+0x%llx, which is in no live mapping (never mapped, unmapped "
                 "already, or past the end of a mapping)", offset);
        return;
    case AREA_HEAP:
        snprintf(out, out_size, " at heap+0x%llx, inside the heap", offset);
        return;
    case AREA_MAPPING:
        snprintf(out, out_size, " at mmap+0x%llx, inside a live mapping", offset);
        return;
    case AREA_OUTSIDE:
        break;
    }
    if (r->fault_code == SI_KERNEL && r->fault_address == 0)
        snprintf(out, out_size, ": a wild pointer was used (an address no process can map, such as "
                 "bytes read from a payload or a stale link taken for a pointer)");
    else if (r->fault_on_stack)
        snprintf(out, out_size, ": stack overflow (the stack ran out at 0x%llx: unbounded recursion, "
                 "or a huge local array?)", (unsigned long long)r->fault_address);
    else if (r->fault_address < 4096)
        snprintf(out, out_size, " at address 0x%llx: a NULL pointer was used",
                 (unsigned long long)r->fault_address);
    else
        snprintf(out, out_size, " at address 0x%llx, outside the heap and every mapping",
                 (unsigned long long)r->fault_address);
}

/* Why a refused call of this machine's own was refused, when its argument says more: fills
 * detail (" on file descriptor 1") and returns the reason (": a stage may print to stderr
 * ..."), or returns "". */
static const char *explain_refused_call(const struct child_report *r, char *detail, size_t detail_size)
{
    detail[0] = '\0';
#ifdef NATIVE_ARCH
    long long argument = (long long)(int)r->fault_syscall_argument;
    if (r->fault_syscall_arch != NATIVE_ARCH)
        return "";
    if (r->fault_syscall == SYS_write) {
        snprintf(detail, detail_size, " on file descriptor %lld", argument);
        return ": a stage may print to stderr (file descriptor 2) only";
    }
    if (r->fault_syscall == SYS_kill || r->fault_syscall == SYS_tgkill || r->fault_syscall == SYS_tkill) {
        snprintf(detail, detail_size, " to process %lld", argument);
        return ": a stage may signal only itself (as abort does)";
    }
#else
    (void)r;
    (void)detail_size;
#endif
    return "";
}

/* "was stopped: it made the system call 'openat', which a stage may not make" */
static void describe_refused_call(const struct child_report *r, char *out, size_t out_size)
{
    char name[96], call[128], detail[160];
    if (hook.namer != NULL && hook.namer(r->fault_syscall_arch, r->fault_syscall, name, sizeof name) == 0)
        snprintf(call, sizeof call, "'%s'", name);
    else
        snprintf(call, sizeof call, "number %d (architecture 0x%x)", r->fault_syscall,
                 (unsigned)r->fault_syscall_arch);
    const char *why = explain_refused_call(r, detail, sizeof detail);
    snprintf(out, out_size, "was stopped: it made the system call %s%s, which a stage may not make%s",
             call, detail, why);
}

void isolate_describe_end(const struct child_outcome *outcome, const struct child_report *r,
                          double time_limit_seconds, char *out, size_t out_size)
{
    char where[512] = "";
    switch (outcome->end) {
    case CHILD_FINISHED:
        snprintf(out, out_size, "finished");
        return;
    case CHILD_TODO:
        snprintf(out, out_size, "stopped: not implemented yet: %s (the stage called hm_todo)", r->todo_what);
        return;
    case CHILD_SIGNALED:
        if (outcome->signal == SIGSYS && r->fault_signal == SIGSYS && r->fault_code == SIGSYS_FROM_FILTER) {
            describe_refused_call(r, out, out_size);
            return;
        }
        if (r->fault_signal == outcome->signal &&
            (outcome->signal == SIGSEGV || outcome->signal == SIGBUS))
            describe_fault(r, where, sizeof where);
        snprintf(out, out_size, "crashed with %s%s", signal_name(outcome->signal), where);
        return;
    case CHILD_EXITED:
        snprintf(out, out_size, "ended the process with exit status %d before the replay ended "
                 "(the stage called exit, or returned from main)", outcome->exit_status);
        return;
    case CHILD_TIMED_OUT:
        snprintf(out, out_size, "did not finish within %g s (an endless loop? a cycle in a free list?); "
                 "it was stopped", time_limit_seconds);
        return;
    case CHILD_HUNG:
        snprintf(out, out_size, "was stopped: %s", r->hang_reason);
        return;
    case CHILD_NOT_STARTED:
        snprintf(out, out_size, "could not be started: %s", strerror(errno));
        return;
    case CHILD_NOT_ISOLATED:
        snprintf(out, out_size, "could not be isolated, so it was not run: %s (a fault of the machine "
                 "that runs the replay, not of the stage)", r->setup_error);
        return;
    }
}
