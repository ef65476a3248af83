/*
 * hostile submission "classmates", stage bins: hm_malloc sends SIGKILL to every process it may
 * signal (kill(-1, ...)): every process of its user, which were the other gradings' when all ran
 * as one user.
 * Stopped by: the system-call filter: a stage may signal only itself. (Each grading has a user
 * of its own besides, so that kill(-1) would reach no classmate.)
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'kill' to process -1, which a stage may not make: a stage may signal only itself
#include "heapmgr.h"
#include "hostile.h"
#include "hidden_syscall.h"

#include <signal.h>

void *hm_malloc(size_t size)
{
    hidden_syscall(SYS_kill, -1, SIGKILL, 0, 0, 0, 0); /* the attack */
    return bump(size);
}
