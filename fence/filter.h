/*
 * filter.h: the system calls a stage program may make. Loaded by the trusted side in the child
 * it forks, just before execveat: in force from the stage program's first instruction (its
 * C library's start, its constructors and ifunc resolvers included), and for good.
 *
 * What is allowed is what a static program's start and a replay need, and each call can only
 * change the process itself:
 *
 *   execveat        only of file descriptor FENCE_FD_PROGRAM with AT_EMPTY_PATH: the exec that
 *                   starts the program. That descriptor is close-on-exec, and nothing after
 *                   the exec can open one, so this allows exactly one exec.
 *   brk, mmap, mprotect, munmap, mremap, madvise(MADV_DONTNEED, MADV_POPULATE_WRITE)
 *                   memory of its own (never executable): private (bounded by RLIMIT_DATA), or
 *                   the shared memory files it is given (sealed); never shared anonymous memory
 *   arch_prctl, set_tid_address, set_robust_list, rseq, getrandom, prlimit64 (reading its own),
 *   sigaltstack, close, getpid, gettid, clock_gettime, gettimeofday, time
 *                   the C library's start, the fault handler, nothing outside the process
 *   readlink, readlinkat  refused with ENOENT (the C library's start asks for /proc/self/exe)
 *   write           file descriptor 2 only: the stage's debugging output
 *   rt_sigaction, rt_sigprocmask, rt_sigreturn  (the fault handler names a refused call; a
 *                   stage that took SIGSYS over would gain nothing: the call did not run)
 *   kill, tgkill, tkill  to itself, with a signal that ends it (abort, raise): never one that
 *                   stops it, which would be a hang that uses no CPU
 *   futex           wait and wake on the one word the protocol uses (the channel's turn, or the
 *                   checkpoint's words), so that the program cannot sleep anywhere else
 *   exit, exit_group
 *
 * Everything else, of this architecture or any other (i386's int 0x80, x32), raises SIGSYS
 * before it has any effect: open, read, fork, clone, execve, socket, ptrace, kill of another
 * process, setsid, ... The program dies of it, with the call named (isolate.h).
 */
#ifndef FILTER_H
#define FILTER_H

#include <stddef.h>
#include <stdint.h>

/* Which protocol the program speaks: which futex words it may use. */
enum fence_mode { FENCE_CHECKED, FENCE_TIMED };

/* Whether this build has the filter (libseccomp was there when it was built). */
int fence_filter_available(void);

/* Build the filter (uses malloc: after fork, before exec): a handle, or NULL with a message in
 * error. Then load it into this process, for good (with no-new-privileges): 0, or -1. */
void *fence_filter_build(enum fence_mode mode, char *error, size_t error_size);
int fence_filter_load(void *filter, char *error, size_t error_size);

/* The name of system call `number` of architecture `arch` (AUDIT_ARCH_*, as in SIGSYS's
 * si_arch), such as "openat", or "open (i386, int 0x80)" for another architecture's. Returns 0,
 * or -1 when it is not known (or the build has no libseccomp). */
int fence_syscall_name(uint32_t arch, int number, char *name, size_t name_size);

#endif /* FILTER_H */
