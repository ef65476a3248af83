/*
 * hostile submission "sleeps", stage mmap: hm_malloc waits on a futex word of its own memory,
 * which no one will wake.
 * Stopped by: the system-call filter: the only words a stage program may wait on are the
 * protocol's (the call named).
 */
// hostile-trace: traces/tiny-*.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'futex', which a stage may not make
#include "heapmgr.h"
#include "hostile.h"
#include "hidden_syscall.h"

#include <linux/futex.h>

void *hm_malloc(size_t size)
{
    static uint32_t never_woken;
    hidden_syscall(SYS_futex, (long)&never_woken, FUTEX_WAIT, 0, 0, 0, 0); /* the attack */
    return bump(size);
}
