/*
 * hidden_syscall.h: a system call that the grader's static check of the object's instructions
 * does not see (it reads `objdump -d` for syscall, sysenter and int $0x80), made two ways:
 *
 *   hidden_syscall   the syscall instruction hidden inside another one: a linear disassembly
 *                    reads the bytes b8 0f 05 c3 90 as "mov $0x90c3050f, %eax", and the
 *                    trampoline jumps one byte into them, where the processor reads
 *                    "syscall; ret"
 *   data_syscall     the same trampoline as bytes of a constant array in a section named
 *                    .text.hidden: the linker puts it in the program's code, and objdump shows
 *                    an object's bytes as data, not as instructions
 *
 * Only the system-call filter, which sees every call however it is made, can stop them.
 * (A third hiding place, bytes in .rodata, is not code at all in a static program: jumping
 * there is a SIGSEGV, tests/hostile/hidden-syscall/mmap.c.)
 */
#ifndef HIDDEN_SYSCALL_H
#define HIDDEN_SYSCALL_H

#include <string.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
/* The System V arguments (rdi, rsi, rdx, rcx, r8, r9, then the stack) moved to the kernel's
 * (rax, rdi, rsi, rdx, r10, r8, r9): the call number and six arguments. */
__asm__(".pushsection .text\n"
        ".type hidden_syscall_entry, @function\n"
        "hidden_syscall_entry:\n"
        "    mov %rdi, %rax\n    mov %rsi, %rdi\n    mov %rdx, %rsi\n"
        "    mov %rcx, %rdx\n    mov %r8, %r10\n    mov %r9, %r8\n    mov 8(%rsp), %r9\n"
        "    jmp 1f + 1\n"
        "1:  .byte 0xb8, 0x0f, 0x05, 0xc3, 0x90\n"
        ".popsection\n");
long hidden_syscall_entry(long number, long a, long b, long c, long d, long e, long f);

__attribute__((section(".text.hidden"), used)) static const unsigned char data_syscall_bytes[] = {
    0x48, 0x89, 0xf8, 0x48, 0x89, 0xf7, 0x48, 0x89, 0xd6, 0x48, 0x89, 0xca, /* rax rdi rsi rdx */
    0x4d, 0x89, 0xc2, 0x4d, 0x89, 0xc8, 0x4c, 0x8b, 0x4c, 0x24, 0x08,       /* r10 r8, r9 <- stack */
    0x0f, 0x05, 0xc3,                                                       /* syscall; ret */
};
typedef long (*syscall_bytes)(long number, long a, long b, long c, long d, long e, long f);

__attribute__((unused)) static long hidden_syscall(long number, long a, long b, long c, long d, long e, long f)
{
    return hidden_syscall_entry(number, a, b, c, d, e, f);
}

__attribute__((unused)) static long data_syscall(long number, long a, long b, long c, long d, long e, long f)
{
    syscall_bytes code;
    const void *bytes = data_syscall_bytes;
    memcpy(&code, &bytes, sizeof code); /* an object's address as code: what the attack is */
    return code(number, a, b, c, d, e, f);
}
#else
#include <unistd.h>
__attribute__((unused)) static long hidden_syscall(long number, long a, long b, long c, long d, long e, long f)
{
    return syscall(number, a, b, c, d, e, f);
}
#define data_syscall hidden_syscall
#endif

#endif /* HIDDEN_SYSCALL_H */
