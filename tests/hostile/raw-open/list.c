/*
 * hostile submission "raw-open", stage list: hm_malloc creates a file with the syscall
 * instruction (inline assembly), past the C library and any list of the functions it calls.
 * Stopped by: the system-call filter.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'openat', which a stage may not make
// hostile-no-file: /tmp/heapkit-hostile-raw-open
#include "heapmgr.h"
#include "hostile.h"
#include "raw_syscall.h"

#include <fcntl.h>

void *hm_malloc(size_t size)
{
    long fd = raw_syscall(SYS_openat, AT_FDCWD, (long)"/tmp/heapkit-hostile-raw-open",
                          O_WRONLY | O_CREAT | O_TRUNC, 0644, 0, 0); /* the attack */
    if (fd >= 0)
        raw_syscall(SYS_write, fd, (long)"written by a stage\n", 19, 0, 0, 0);
    return bump(size);
}
