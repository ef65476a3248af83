/*
 * hostile submission "sleeps", stage bins: hm_malloc waits for a signal that never comes
 * (pause).
 * Stopped by: the system-call filter (the call named).
 */
// hostile-trace: traces/tiny-*.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'pause', which a stage may not make
#include "heapmgr.h"
#include "hostile.h"
#include "hidden_syscall.h"

void *hm_malloc(size_t size)
{
    hidden_syscall(SYS_pause, 0, 0, 0, 0, 0, 0); /* the attack */
    return bump(size);
}
