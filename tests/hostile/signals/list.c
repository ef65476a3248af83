/*
 * hostile submission "signals", stage list: hm_malloc kills the process that runs the replays
 * (its parent, the runner), with the syscall instruction.
 * Stopped by: the system-call filter, which refuses getppid, and any signal to another process.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'getppid', which a stage may not make
#include "heapmgr.h"
#include "hostile.h"
#include "raw_syscall.h"

#include <signal.h>

void *hm_malloc(size_t size)
{
    long parent = raw_syscall(SYS_getppid, 0, 0, 0, 0, 0, 0);
    raw_syscall(SYS_kill, parent, SIGKILL, 0, 0, 0, 0); /* the attack */
    return bump(size);
}
