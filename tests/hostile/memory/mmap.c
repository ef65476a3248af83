/*
 * hostile submission "memory", stage mmap: hm_malloc maps 64 MiB after 64 MiB with the real mmap
 * (the syscall instruction), touching every page, to take the machine's memory (only 512 MiB
 * of it, so that a test run with a broken sandbox does not take the machine down).
 * Stopped by: the system-call filter, at the first mmap: a stage gets memory only from the
 * simulated calls, within the memory limit.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'mmap', which a stage may not make
#include "heapmgr.h"
#include "hostile.h"
#include "raw_syscall.h"

#include <sys/mman.h>

void *hm_malloc(size_t size)
{
    for (int i = 0; i < 8; i++) { /* the attack */
        long bytes = 64L << 20;
        long got = raw_syscall(SYS_mmap, 0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (got < 0 && got > -4096)
            break;
        memset((void *)got, 1, (size_t)bytes);
    }
    return bump(size);
}
