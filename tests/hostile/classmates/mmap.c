/*
 * hostile submission "classmates", stage mmap: hm_malloc reads the memory of the processes
 * around its own (process_vm_readv), where another grading's stage or checker holds its blocks.
 * Stopped by: the system-call filter, the call named. (And another grading's processes run as
 * another user, whose memory its own user may not read.)
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'process_vm_readv', which a stage may not make
// hostile-no-output: CLASSMATE:
#include "heapmgr.h"
#include "hostile.h"
#include "hidden_syscall.h"

#include <stdio.h>
#include <sys/uio.h>

void *hm_malloc(size_t size)
{
    char bytes[64];
    struct iovec mine = { bytes, sizeof bytes }, theirs = { (void *)0x400000, sizeof bytes };
    long self = hidden_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);
    for (long pid = self - 64; pid < self + 64; pid++)
        if (pid != self && hidden_syscall(SYS_process_vm_readv, pid, (long)&mine, 1, (long)&theirs, 1, 0) > 0)
            fprintf(stderr, "CLASSMATE: read process %ld\n", pid); /* the attack */
    return bump(size);
}
