/*
 * hostile submission "resources", stage mmap: at its first call, hm_malloc takes all the real
 * memory it can get, touching every page, in the two ways the filter lets it:
 *   1. mprotect: simulated memory's whole reservation (five times the memory limit: the heap's
 *      room and four times as much for mappings) made accessible, though the simulation gave
 *      out none of it, and written; the pages are a shared memory file, which RLIMIT_DATA does
 *      not count;
 *   2. mmap(MAP_SHARED | MAP_ANONYMOUS), 16 MiB at a time: shared memory, which RLIMIT_DATA does
 *      not count either, until RLIMIT_AS refuses it (the stage program's address space has room
 *      for its data and 512 MiB more).
 * It says how much it took, then allocates as a bump allocator.
 * Stopped by: the checker, at the end of the call: "the stage used memory it was never given"
 * (it finds the written pages in the memory file); on a busy machine, touching it all may take
 * longer than the replay's time limit. Not stopped: the memory it held meanwhile:
 * about 5 x the memory limit + 512 MiB in one process (with the kit's rubric, 1 GiB: over
 * 5.5 GiB, for as long as the replay's time limit lets it). grader/hostile/resources/memory
 * shows the figure (a known hole: the filter allows mprotect anywhere and shared mappings).
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect-one-of: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage used memory it was never given
// hostile-expect-one-of: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage did not finish within 10 s
// hostile-most-memory: 256M
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
