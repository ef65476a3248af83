/*
 * raw_syscall.h: a system call made with the instruction itself, not through the C library,
 * so that no check of the stage's undefined symbols can see it: what the grader's static check
 * of the object's instructions, and then the sandbox, must stop.
 */
#ifndef RAW_SYSCALL_H
#define RAW_SYSCALL_H

#include <sys/syscall.h>
#include <unistd.h>

static long raw_syscall(long number, long a, long b, long c, long d, long e, long f)
{
#if defined(__x86_64__)
    long result;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return result;
#else
    return syscall(number, a, b, c, d, e, f);
#endif
}

#endif /* RAW_SYSCALL_H */
