/*
 * hostile submission "hidden-syscall", stage pad: hm_malloc writes a file with the syscall
 * instruction in a function of a section of its own (__attribute__((section(".text.hot.x")))),
 * where a check that read only .text would miss it.
 * Stopped by: the grader's check of instructions, which disassembles every code section
 * ("makes a system call itself"); let through, the system-call filter, at the open. (The stage
 * program's user owns nothing, and its root is an empty directory besides.)
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'openat', which a stage may not make
// hostile-no-file: /tmp/heapkit-hostile-hidden-syscall
#include "heapmgr.h"
#include "hostile.h"

#include <fcntl.h>
#include <sys/syscall.h>

__attribute__((section(".text.hot.x"), noinline)) static long sneak(long number, long a, long b, long c, long d)
{
#if defined(__x86_64__)
    long result;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall" : "=a"(result) : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return result;
#else
    (void)number, (void)a, (void)b, (void)c, (void)d;
    return -1;
#endif
}

void *hm_malloc(size_t size)
{
    long file = sneak(SYS_openat, AT_FDCWD, (long)"/tmp/heapkit-hostile-hidden-syscall", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (file >= 0)
        sneak(SYS_write, file, (long)"written by a stage\n", 19, 0); /* the attack */
    return bump(size);
}
