/*
 * hostile submission "hidden-syscall", stage dlist: hm_malloc reads /proc/self/cmdline and
 * prints it, with the system call's bytes in a constant array of a section named .text.hidden
 * (hidden_syscall.h): the linker puts it among the program's code, and objdump shows an
 * object's bytes as data, so the grader's check of instructions does not see it.
 * Stopped by: the system-call filter, at the open, the call named. (Nor is there a /proc in the
 * stage program's empty root.)
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'openat', which a stage may not make
// hostile-no-output: CMDLINE:
#include "heapmgr.h"
#include "hostile.h"
#include "hidden_syscall.h"

#include <fcntl.h>
#include <stdio.h>

void *hm_malloc(size_t size)
{
    char text[512];
    long file = data_syscall(SYS_openat, AT_FDCWD, (long)"/proc/self/cmdline", O_RDONLY, 0, 0, 0);
    long got = file < 0 ? -1 : data_syscall(SYS_read, file, (long)text, sizeof text - 1, 0, 0, 0);
    for (long i = 0; i < got; i++)
        text[i] = text[i] == '\0' ? ' ' : text[i];
    if (got > 0)
        fprintf(stderr, "CMDLINE: %.*s\n", (int)got, text); /* the attack */
    return bump(size);
}
