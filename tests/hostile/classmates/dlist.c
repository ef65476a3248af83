/*
 * hostile submission "classmates", stage dlist: the same with clone (as the C library's fork
 * makes it), and a double fork, so that the process left behind is no child of the stage.
 * Stopped by: the system-call filter, at the clone, the call named.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'clone', which a stage may not make
#include "heapmgr.h"
#include "hostile.h"
#include "hidden_syscall.h"

#include <signal.h>

void *hm_malloc(size_t size)
{
    if (data_syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0) == 0) { /* the attack */
        data_syscall(SYS_setsid, 0, 0, 0, 0, 0, 0);
        if (data_syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0) != 0)
            data_syscall(SYS_exit, 0, 0, 0, 0, 0, 0);
        for (;;)
            data_syscall(SYS_pause, 0, 0, 0, 0, 0, 0);
    }
    return bump(size);
}
