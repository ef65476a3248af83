/*
 * sandbox.h: confine a process that is about to run a student's code, and drop root.
 *
 * The grader's runners (grader/sandboxed_main.c) call sandbox_enter in every replay child,
 * once the replay has taken all the memory it needs and just before it calls the stage.
 * From then on the process may only do what a replay of an allocator needs; anything else
 * stops it with SIGSYS, before the call has any effect. What is allowed, and why:
 *
 *   write            to file descriptor 2 only: the stage's debugging output (fprintf(stderr))
 *   mprotect         never with PROT_EXEC: simulated brk, sbrk, mmap and munmap open and close
 *                    pages of memory reserved before the sandbox was entered
 *   madvise          MADV_DONTNEED only: given-back simulated pages are dropped
 *   exit, exit_group the end of the replay, and a stage that calls exit
 *   rt_sigreturn, rt_sigprocmask, rt_sigaction (not for SIGSYS)
 *                    the fault handler that records a crash, abort and raise; no stage may
 *                    take SIGSYS over, so a refused call always ends the process
 *   kill, tgkill, tkill   to this process only: raise and abort signal themselves
 *   getpid, gettid   raise asks who it is
 *   clock_gettime, gettimeofday, time   the timed replay's clock (the vDSO serves these without
 *                    entering the kernel; they are allowed for when it cannot)
 *
 * Not allowed, so stopped: opening, reading or creating files, fork, clone, exec, sockets,
 * signals to any other process, mmap, mremap, munmap, brk (no memory beyond what was
 * reserved), ptrace, and every other call, of this architecture's table or any other's
 * (such as i386's int 0x80). Limits set with it: CPU time, file size (stderr's output),
 * address space, open files, processes, and no core dumps.
 */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <stddef.h>
#include <stdint.h>

/* How far to confine. */
struct sandbox_policy {
    double cpu_seconds;          /* RLIMIT_CPU: this, rounded up, plus 1 s; SIGKILL a second later */
    uint64_t output_bytes;       /* RLIMIT_FSIZE: no file grows past it (SIGXFSZ) */
    uint64_t address_space_headroom_bytes; /* RLIMIT_AS: what is mapped now, plus this */
};

/* Room for the stack and the C library once everything the replay needs is mapped. */
#define SANDBOX_ADDRESS_SPACE_HEADROOM_BYTES (UINT64_C(256) << 20)

/* The user and group a grader that runs as root becomes: Debian's nobody and nogroup. */

/*
 * Confine this process, for good: close every file descriptor above 2; make stdout
 * unbuffered (printf then writes at once, and is refused, instead of taking memory for a
 * buffer); set the limits (RLIMIT_CORE 0, RLIMIT_FSIZE, RLIMIT_NOFILE 3, RLIMIT_CPU,
 * RLIMIT_AS, and RLIMIT_NPROC 0 unless root, whom the kernel does not hold to it); set
 * no-new-privileges; load the system-call filter above. A refused call raises SIGSYS, whose
 * siginfo names the call (si_syscall, si_arch); a process that blocks SIGSYS dies of it all
 * the same. The process must be single-threaded. Returns 0, or -1 with a message in error
 * (then the process may be confined in part: do not run the student's code in it).
 */
int sandbox_enter(const struct sandbox_policy *policy, char *error, size_t error_size);

/* The name of system call `number` of architecture `arch` (AUDIT_ARCH_*, as in SIGSYS's
 * si_arch), such as "openat", or "open (i386, int 0x80)" for another architecture's. Returns 0,
 * or -1 when libseccomp does not know it. Uses malloc: call it outside the sandbox. */
int sandbox_syscall_name(uint32_t arch, int number, char *name, size_t name_size);

#endif /* SANDBOX_H */
