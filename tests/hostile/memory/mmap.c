/*
 * hostile submission "memory", stage mmap: hm_malloc maps 64 MiB after 64 MiB of private memory
 * with the real mmap (the syscall instruction), touching every page, to take the machine's
 * memory (only 512 MiB of it, so that a test run with a broken sandbox does not take the
 * machine down), and stops at the first refusal.
 * Stopped by: the grader's static check (a system-call instruction). Let through: the filter
 * allows mmap (the C library and the stage side need memory of their own; never executable),
 * and RLIMIT_DATA holds private memory to the program's data allowance (static_memory_limit +
 * 32 MiB): the second 64 MiB is refused, and the stage, correct, keeps its points. (Shared
 * anonymous memory is not data: see tests/hostile/resources/mmap.c.)
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
