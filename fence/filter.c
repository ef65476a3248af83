/* filter.c: the stage program's system-call filter, with libseccomp (see filter.h). */
#include "filter.h"

#include "channel.h"
#include "checkpoint.h"
#include "fence.h"

#include <stdio.h>

#ifndef HEAPKIT_SECCOMP

int fence_filter_available(void)
{
    return 0;
}

void *fence_filter_build(enum fence_mode mode, char *error, size_t error_size)
{
    (void)mode;
    snprintf(error, error_size, "this runner was built without libseccomp (apt-get install libseccomp-dev, "
             "then make grader)");
    return NULL;
}

int fence_filter_load(void *filter, char *error, size_t error_size)
{
    (void)filter;
    snprintf(error, error_size, "this runner was built without libseccomp");
    return -1;
}

int fence_syscall_name(uint32_t arch, int number, char *name, size_t name_size)
{
    (void)arch, (void)number, (void)name, (void)name_size;
    return -1;
}

#else

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int fence_filter_available(void)
{
    return 1;
}

/* One rule: allow `call` when every comparison holds (0 to 3 of them). */
static int allow(scmp_filter_ctx filter, const char *name, unsigned count, const struct scmp_arg_cmp *comparisons)
{
    int call = seccomp_syscall_resolve_name(name);
    if (call == __NR_SCMP_ERROR)
        return 0; /* not a call of this architecture (such as time on arm64): nothing to allow */
    return seccomp_rule_add_array(filter, SCMP_ACT_ALLOW, call, count, comparisons);
}

static struct scmp_arg_cmp equal(unsigned index, scmp_datum_t value)
{
    return (struct scmp_arg_cmp){ .arg = index, .op = SCMP_CMP_EQ, .datum_a = value };
}

static struct scmp_arg_cmp masked_equal(unsigned index, scmp_datum_t mask, scmp_datum_t value)
{
    return (struct scmp_arg_cmp){ .arg = index, .op = SCMP_CMP_MASKED_EQ, .datum_a = mask, .datum_b = value };
}

/* The signals a program may send itself: those that end it (abort, raise, the fault handler
 * raising what it caught). None that stops it or that it could catch to go on waiting. */
static const int ENDING_SIGNALS[] = { SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGKILL };

static int allow_signals_to_self(scmp_filter_ctx filter, pid_t self)
{
    int status = 0;
    for (size_t i = 0; i < sizeof ENDING_SIGNALS / sizeof ENDING_SIGNALS[0] && status == 0; i++) {
        scmp_datum_t signal_number = (scmp_datum_t)ENDING_SIGNALS[i], pid = (scmp_datum_t)self;
        const struct scmp_arg_cmp kill_self[] = { equal(0, pid), equal(1, signal_number) };
        const struct scmp_arg_cmp tgkill_self[] = { equal(0, pid), equal(1, pid), equal(2, signal_number) };
        status = allow(filter, "kill", 2, kill_self);
        if (status == 0)
            status = allow(filter, "tkill", 2, kill_self);
        if (status == 0)
            status = allow(filter, "tgkill", 3, tgkill_self);
    }
    return status;
}

/* Wait only on `wait_word`, wake only `wake_word`: shared futexes (no FUTEX_PRIVATE_FLAG). */
static int allow_futex(scmp_filter_ctx filter, uintptr_t wait_word, uintptr_t wake_word)
{
    const struct scmp_arg_cmp wait[] = { equal(0, wait_word), equal(1, FUTEX_WAIT) };
    const struct scmp_arg_cmp wake[] = { equal(0, wake_word), equal(1, FUTEX_WAKE) };
    int status = allow(filter, "futex", 2, wait);
    return status == 0 ? allow(filter, "futex", 2, wake) : status;
}

static int build(scmp_filter_ctx filter, enum fence_mode mode)
{
    static const char *const plain[] = {
        "exit", "exit_group", "rt_sigreturn", "rt_sigprocmask", "getpid", "gettid",
        "clock_gettime", "gettimeofday", "time", "brk", "arch_prctl", "set_tid_address",
        "set_robust_list", "rseq", "getrandom", "munmap", "mremap", "sigaltstack", "close",
        /* SIGSYS too: the stage program's fault handler takes it, to name a refused call. A
         * stage that took it over would gain nothing: the refused call has not run. */
        "rt_sigaction",
    };
    int status = 0;
    for (size_t i = 0; i < sizeof plain / sizeof plain[0] && status == 0; i++)
        status = allow(filter, plain[i], 0, NULL);
    /* The calls allowed with their arguments so: name, how many comparisons, the comparisons. */
    const struct { const char *name; unsigned count; struct scmp_arg_cmp with[2]; } with_arguments[] = {
        { "execveat", 2, { equal(0, FENCE_FD_PROGRAM), equal(4, AT_EMPTY_PATH) } },
        { "write", 1, { equal(0, STDERR_FILENO) } },
        /* Private memory (bounded by RLIMIT_DATA), or a shared file: the memory files it is
         * given, whose sizes are sealed. Not shared anonymous memory, which no limit but the
         * address space's would count. */
        { "mmap", 2, { masked_equal(2, PROT_EXEC, 0), masked_equal(3, 0x0f /* MAP_TYPE */, MAP_PRIVATE) } },
        { "mmap", 2, { masked_equal(2, PROT_EXEC, 0), masked_equal(3, MAP_ANONYMOUS, 0) } },
        { "mprotect", 1, { masked_equal(2, PROT_EXEC, 0) } },
        { "madvise", 1, { equal(2, MADV_DONTNEED) } },
#ifdef MADV_POPULATE_WRITE
        { "madvise", 1, { equal(2, MADV_POPULATE_WRITE) } }, /* pages it was given, filled in at once */
#endif
        { "prlimit64", 2, { equal(0, 0), equal(2, 0) } }, /* reading its own limits */
    };
    for (size_t i = 0; i < sizeof with_arguments / sizeof with_arguments[0] && status == 0; i++)
        status = allow(filter, with_arguments[i].name, with_arguments[i].count, with_arguments[i].with);
    /* The C library's start asks where the program is; it copes with not knowing. */
    if (status == 0)
        status = seccomp_rule_add(filter, SCMP_ACT_ERRNO(ENOENT), SCMP_SYS(readlink), 0);
    if (status == 0)
        status = seccomp_rule_add(filter, SCMP_ACT_ERRNO(ENOENT), SCMP_SYS(readlinkat), 0);
    if (status == 0)
        status = allow_signals_to_self(filter, getpid());
    if (status == 0)
        status = mode == FENCE_CHECKED
                     ? allow_futex(filter, channel_turn_address_in_stage(), channel_turn_address_in_stage())
                     : allow_futex(filter, checkpoint_acknowledged_address(FENCE_CHECKPOINT_ADDRESS),
                                   checkpoint_reached_address(FENCE_CHECKPOINT_ADDRESS));
    /* Simulated brk and mmap make a real mprotect on every call: test it first. */
    if (status == 0)
        status = seccomp_syscall_priority(filter, SCMP_SYS(mprotect), 255);
    return status;
}

void *fence_filter_build(enum fence_mode mode, char *error, size_t error_size)
{
    scmp_filter_ctx filter = seccomp_init(SCMP_ACT_TRAP);
    if (filter == NULL) {
        snprintf(error, error_size, "seccomp_init failed (libseccomp)");
        return NULL;
    }
    /* No speculation mitigations forced on the program for having a filter (kernels before
     * 5.16 did so by default): they would slow the stage's timed replays, and not the C
     * library's, which runs unfiltered. The program holds no secret. */
    (void)seccomp_attr_set(filter, SCMP_FLTATR_CTL_SSB, 1);
    int status = seccomp_attr_set(filter, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP);
    if (status == 0)
        status = seccomp_attr_set(filter, SCMP_FLTATR_CTL_NNP, 1);
    if (status == 0)
        status = build(filter, mode);
    if (status != 0) {
        seccomp_release(filter);
        snprintf(error, error_size, "cannot build the system-call filter: %s", strerror(-status));
        return NULL;
    }
    return filter;
}

int fence_filter_load(void *filter, char *error, size_t error_size)
{
    int status = seccomp_load(filter);
    seccomp_release(filter);
    if (status != 0) {
        snprintf(error, error_size, "cannot load the system-call filter: %s", strerror(-status));
        return -1;
    }
    return 0;
}

int fence_syscall_name(uint32_t arch, int number, char *name, size_t name_size)
{
    const char *convention = "";
    uint32_t table = arch;
    if (arch == SCMP_ARCH_X86_64 && (number & 0x40000000) != 0) {
        table = SCMP_ARCH_X32;
        convention = " (x32)";
    } else if (arch == SCMP_ARCH_X86) {
        convention = " (i386, int 0x80)";
    } else if (arch != seccomp_arch_native()) {
        convention = " (another architecture's)";
    }
    char *resolved = seccomp_syscall_resolve_num_arch(table, number);
    if (resolved == NULL)
        return -1;
    snprintf(name, name_size, "%s%s", resolved, convention);
    free(resolved);
    return 0;
}

#endif /* HEAPKIT_SECCOMP */
