/*
 * hostile submission "signals", stage dlist: hm_malloc sends SIGKILL to its process group
 * (kill(0, ...)), without asking who its parent is.
 * Stopped by: the system-call filter: a stage may signal only itself, as abort does. (Were it
 * let through, only the replay's own group would die: each replay has a group of its own.)
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'kill' to process 0, which a stage may not make: a stage may signal only itself (as abort does)
#include "heapmgr.h"
#include "hostile.h"
#include "raw_syscall.h"

#include <signal.h>

void *hm_malloc(size_t size)
{
    raw_syscall(SYS_kill, 0, SIGKILL, 0, 0, 0, 0); /* the attack */
    return bump(size);
}
