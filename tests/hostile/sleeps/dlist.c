/*
 * hostile submission "sleeps", stage dlist: hm_malloc sleeps an hour (nanosleep), with a system
 * call the check of instructions does not see.
 * Stopped by: the system-call filter: a stage program may not sleep (the call named).
 */
// hostile-trace: traces/tiny-*.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'nanosleep', which a stage may not make
#include "heapmgr.h"
#include "hostile.h"
#include "hidden_syscall.h"

#include <time.h>

void *hm_malloc(size_t size)
{
    struct timespec hour = { 3600, 0 };
    hidden_syscall(SYS_nanosleep, (long)&hour, 0, 0, 0, 0, 0); /* the attack */
    return bump(size);
}
