/*
 * hostile submission "classmates", stage list: hm_malloc forks; the child leaves the grading's
 * session (setsid) and waits forever, a process meant to outlive its grading and watch the
 * gradings after it. With system calls the check of instructions does not see.
 * Stopped by: the system-call filter, at the fork, the call named (and RLIMIT_NPROC besides).
 * No stage program outlives the grading.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'fork', which a stage may not make
#include "heapmgr.h"
#include "hostile.h"
#include "hidden_syscall.h"

void *hm_malloc(size_t size)
{
    if (hidden_syscall(SYS_fork, 0, 0, 0, 0, 0, 0) == 0) { /* the attack */
        hidden_syscall(SYS_setsid, 0, 0, 0, 0, 0, 0);
        for (;;)
            hidden_syscall(SYS_pause, 0, 0, 0, 0, 0, 0);
    }
    return bump(size);
}
