/*
 * hostile submission "sleeps", stage pad: hm_malloc stops itself (SIGSTOP to its own process),
 * a hang that uses no CPU and that no one will continue.
 * Stopped by: the system-call filter: a stage program may send itself only signals that end it
 * (abort, raise of a fatal signal). The message says "a stage may signal only itself", though it
 * did signal itself: what was refused is the signal, SIGSTOP.
 */
// hostile-trace: traces/tiny-*.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'kill' to process
#include "heapmgr.h"
#include "hostile.h"
#include "hidden_syscall.h"

#include <signal.h>

void *hm_malloc(size_t size)
{
    long self = hidden_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);
    hidden_syscall(SYS_kill, self, SIGSTOP, 0, 0, 0, 0); /* the attack */
    return bump(size);
}
