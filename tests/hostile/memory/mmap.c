/*
 * hostile submission "memory", stage mmap: hm_malloc maps 64 MiB after 64 MiB with the real mmap
 * (the syscall instruction), touching every page, to take the machine's memory (only 512 MiB
 * of it, so that a test run with a broken sandbox does not take the machine down).
 * Stopped by: the fence's limit on a stage program's own data (RLIMIT_DATA: its static data,
 * its break and its private memory; simulated memory is apart): the maps past that limit (256
 * MiB under build/replay --separate; the rubric's static_memory_limit and 32 MiB when graded)
 * are refused, so the stage gets nothing past it; the stage itself goes on, within its limits.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-passes: yes
// hostile-most-memory: 300M
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
