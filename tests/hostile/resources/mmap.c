/*
 * hostile submission "resources", stage mmap: at its first call, hm_malloc takes all the real
 * memory it can get, touching every page, in the two ways the filter lets it:
 *   1. mprotect: simulated memory's whole reservation (five times the memory limit: the heap's
 *      room and four times as much for mappings) made accessible, though the simulation gave
 *      out none of it, and written; the pages are a shared memory file, which RLIMIT_DATA does
 *      not count;
 *   2. mmap(MAP_SHARED | MAP_ANONYMOUS), 16 MiB at a time: shared memory, which RLIMIT_DATA does
 *      not count (the filter now refuses it: the stage is stopped there, with the call named,
 *      or at the end of the call, when it stops at the first refusal).
 * It says how much it took, then allocates as a bump allocator.
 * Stopped by: the checker, at the end of the call: "the stage used memory it was never given"
 * (it finds the written pages in the memory file). Not stopped: the memory it held meanwhile,
 * up to simulated memory's reservation (5 x the memory limit) and its data limit: a known
 * limit (grader/SECURITY.md), which grader/hostile/resources/memory shows.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-options: --limit 64M
// hostile-expect-one-of: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage used memory it was never given
// hostile-expect-one-of: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'mmap'
// hostile-most-memory: 512M
#include "heapmgr.h"
#include "hostile.h"
#include "hidden_syscall.h"

#include <stdio.h>
#include <sys/mman.h>

enum { CHUNK_BYTES = 16 << 20 };

void *hm_malloc(size_t size)
{
    static int taken;
    if (!taken) { /* the attack */
        taken = 1;
        long reservation = 0, shared = 0;
        for (char *at = hm_sbrk(0); hidden_syscall(SYS_mprotect, (long)at, CHUNK_BYTES, PROT_READ | PROT_WRITE, 0, 0, 0) == 0;
             at += CHUNK_BYTES, reservation += CHUNK_BYTES >> 20)
            memset(at, 1, CHUNK_BYTES);
        for (int i = 0; i < 256; i++, shared += CHUNK_BYTES >> 20) {
            long got = hidden_syscall(SYS_mmap, 0, CHUNK_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
            if (got < 0 && got > -4096)
                break;
            memset((void *)got, 1, CHUNK_BYTES);
        }
        fprintf(stderr, "took %ld MiB of simulated memory's reservation and %ld MiB of shared memory\n",
                reservation, shared);
    }
    return bump(size);
}
