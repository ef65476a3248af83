/* sandbox.c: limits, a system-call filter, and dropping root (see sandbox.h). */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <linux/futex.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

__attribute__((format(printf, 3, 4)))
static int failed(char *error, size_t error_size, const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(error, error_size, format, arguments);
    va_end(arguments);
    return -1;
}

/* ---- limits ---------------------------------------------------------------------------- */

/* The address space mapped now, in bytes, from /proc/self/statm; 0 when it cannot be read. */
static uint64_t mapped_bytes_now(void)
{
    char text[128] = "";
    int statm = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (statm < 0)
        return 0;
    ssize_t got = read(statm, text, sizeof text - 1);
    close(statm);
    text[got > 0 ? got : 0] = '\0';
    unsigned long long pages = strtoull(text, NULL, 10); /* the first field: the size, in pages */
    return (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

static int limit(int resource, const char *name, rlim_t soft, rlim_t hard, char *error, size_t error_size)
{
    struct rlimit value = { soft, hard };
    if (setrlimit(resource, &value) != 0)
        return failed(error, error_size, "setrlimit(%s, %llu): %s", name, (unsigned long long)soft,
                      strerror(errno));
    return 0;
}

/* Every file descriptor above 2 closed: the replay needs none, and what the runner was given
 * (the result pipe, the stage's output file) is then out of reach. */
static int close_other_files(char *error, size_t error_size)
{
    if (close_range(3, ~0u, 0) == 0)
        return 0;
    struct rlimit files;
    if (getrlimit(RLIMIT_NOFILE, &files) != 0)
        return failed(error, error_size, "close_range and getrlimit(RLIMIT_NOFILE): %s", strerror(errno));
    rlim_t most = files.rlim_cur == RLIM_INFINITY || files.rlim_cur > (1u << 20) ? (1u << 20) : files.rlim_cur;
    for (rlim_t fd = 3; fd < most; fd++)
        close((int)fd);
    return 0;
}

static int set_limits(const struct sandbox_policy *policy, char *error, size_t error_size)
{
    uint64_t mapped = mapped_bytes_now();
    if (mapped == 0)
        return failed(error, error_size, "cannot read /proc/self/statm for the address-space limit");
    double cpu = ceil(policy->cpu_seconds > 0 ? policy->cpu_seconds : 1) + 1;
    rlim_t address_space = (rlim_t)(mapped + policy->address_space_headroom_bytes);
    if (limit(RLIMIT_CORE, "RLIMIT_CORE", 0, 0, error, error_size) != 0 ||
        limit(RLIMIT_FSIZE, "RLIMIT_FSIZE", policy->output_bytes, policy->output_bytes, error, error_size) != 0 ||
        limit(RLIMIT_NOFILE, "RLIMIT_NOFILE", 3, 3, error, error_size) != 0 ||
        limit(RLIMIT_CPU, "RLIMIT_CPU", (rlim_t)cpu, (rlim_t)cpu + 1, error, error_size) != 0 ||
        limit(RLIMIT_AS, "RLIMIT_AS", address_space, address_space, error, error_size) != 0)
        return -1;
    /* Root is not held to RLIMIT_NPROC; anyone else gets no new process at all. */
    if (geteuid() != 0 && limit(RLIMIT_NPROC, "RLIMIT_NPROC", 0, 0, error, error_size) != 0)
        return -1;
    return 0;
}

/* ---- the filter ------------------------------------------------------------------------ */

/* One rule: allow `call` when the comparisons (0 to 2) hold. */
static int allow(scmp_filter_ctx filter, int call, unsigned comparisons, struct scmp_arg_cmp first,
                 struct scmp_arg_cmp second)
{
    if (call < 0)
        return 0; /* not a call of this architecture (such as time on arm64): nothing to allow */
    return comparisons == 0   ? seccomp_rule_add(filter, SCMP_ACT_ALLOW, call, 0)
           : comparisons == 1 ? seccomp_rule_add(filter, SCMP_ACT_ALLOW, call, 1, first)
                              : seccomp_rule_add(filter, SCMP_ACT_ALLOW, call, 2, first, second);
}

/* "argument `index` compared with `value`" (for SCMP_CMP_MASKED_EQ: masked with `mask`). */
static struct scmp_arg_cmp argument(unsigned index, enum scmp_compare compare, scmp_datum_t value)
{
    return (struct scmp_arg_cmp){ .arg = index, .op = compare, .datum_a = value, .datum_b = 0 };
}

static struct scmp_arg_cmp argument_masked(unsigned index, scmp_datum_t mask, scmp_datum_t value)
{
    return (struct scmp_arg_cmp){ .arg = index, .op = SCMP_CMP_MASKED_EQ, .datum_a = mask, .datum_b = value };
}

static int build_filter(scmp_filter_ctx filter, pid_t self)
{
    const struct scmp_arg_cmp none = { 0 };
    const scmp_datum_t pid = (scmp_datum_t)self;
    static const char *const plain[] = {
        "exit", "exit_group", "rt_sigreturn", "rt_sigprocmask", "getpid", "gettid",
        "clock_gettime", "gettimeofday", "time",
    };
    int status = 0;
    for (size_t i = 0; i < sizeof plain / sizeof plain[0] && status == 0; i++)
        status = allow(filter, seccomp_syscall_resolve_name(plain[i]), 0, none, none);
    if (status == 0)
        status = allow(filter, SCMP_SYS(write), 1, argument(0, SCMP_CMP_EQ, STDERR_FILENO), none);
    if (status == 0)
        status = allow(filter, SCMP_SYS(mprotect), 1, argument_masked(2, PROT_EXEC, 0), none);
    if (status == 0)
        status = allow(filter, SCMP_SYS(madvise), 1, argument(2, SCMP_CMP_EQ, MADV_DONTNEED), none);
    if (status == 0)
        status = allow(filter, SCMP_SYS(rt_sigaction), 1, argument(0, SCMP_CMP_NE, SIGSYS), none);
    if (status == 0)
        status = allow(filter, SCMP_SYS(kill), 1, argument(0, SCMP_CMP_EQ, pid), none);
    if (status == 0)
        status = allow(filter, SCMP_SYS(tgkill), 2, argument(0, SCMP_CMP_EQ, pid), argument(1, SCMP_CMP_EQ, pid));
    if (status == 0)
        status = allow(filter, SCMP_SYS(tkill), 1, argument(0, SCMP_CMP_EQ, pid), none);
    /* The replay hands each call to the stage's process and takes its answer back through
     * shared memory: waiting and waking on a word there is all it needs of futex. */
    static const scmp_datum_t futex_operations[] = { FUTEX_WAIT, FUTEX_WAKE };
    for (size_t i = 0; i < 2 && status == 0; i++)
        status = allow(filter, SCMP_SYS(futex), 1,
                       argument_masked(1, ~(scmp_datum_t)FUTEX_PRIVATE_FLAG, futex_operations[i]), none);
    return status;
}

int sandbox_enter(const struct sandbox_policy *policy, char *error, size_t error_size)
{
    /* Everything that takes memory comes first: the filter's rules, stdout made unbuffered. */
    scmp_filter_ctx filter = seccomp_init(SCMP_ACT_TRAP);
    if (filter == NULL)
        return failed(error, error_size, "seccomp_init failed (libseccomp)");
    /* No speculation mitigations forced on the replay for having a filter (kernels before
     * 5.16 did so by default): they slow everything it runs, and the C library's timed
     * replays, which run unconfined, would not pay them. The replay holds no secret. A kernel
     * without the flag refuses the attribute, and the filter goes without it. */
    (void)seccomp_attr_set(filter, SCMP_FLTATR_CTL_SSB, 1);
    int status = seccomp_attr_set(filter, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP);
    if (status == 0)
        status = seccomp_attr_set(filter, SCMP_FLTATR_CTL_NNP, 1);
    if (status == 0)
        status = build_filter(filter, getpid());
    /* Simulated brk and mmap make a real mprotect (and madvise) on every call: test those first,
     * so that a stage that calls brk for every malloc pays as little for the filter as can be. */
    if (status == 0)
        status = seccomp_syscall_priority(filter, SCMP_SYS(mprotect), 255);
    if (status == 0)
        status = seccomp_syscall_priority(filter, SCMP_SYS(madvise), 254);
    if (status != 0) {
        seccomp_release(filter);
        return failed(error, error_size, "cannot build the system-call filter: %s", strerror(-status));
    }
    fflush(stdout);
    setvbuf(stdout, NULL, _IONBF, 0);
    if (close_other_files(error, error_size) != 0 || set_limits(policy, error, error_size) != 0) {
        seccomp_release(filter);
        return -1;
    }
    status = seccomp_load(filter);
    if (status != 0) {
        seccomp_release(filter);
        return failed(error, error_size, "cannot load the system-call filter: %s", strerror(-status));
    }
    /* The filter's memory is not given back: free might return pages to the kernel (brk),
     * which the filter now refuses. The process ends with its replay. */
    return 0;
}

/* ---- names ----------------------------------------------------------------------------- */

int sandbox_syscall_name(uint32_t arch, int number, char *name, size_t name_size)
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
