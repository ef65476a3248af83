/*
 * hostile submission "forks", stage bins: hm_malloc forks with the syscall instruction itself
 * (inline assembly), which no list of the C functions a stage calls can see.
 * Stopped by: the system-call filter, which sees every system call however it is made.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'fork', which a stage may not make
#include "heapmgr.h"
#include "hostile.h"
#include "raw_syscall.h"

void *hm_malloc(size_t size)
{
    for (int i = 0; i < 64; i++)
        raw_syscall(SYS_fork, 0, 0, 0, 0, 0, 0); /* the attack */
    return bump(size);
}
