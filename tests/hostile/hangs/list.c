/*
 * hostile submission "hangs", stage list: hm_malloc never returns.
 * Stopped by: the runner's wall-clock limit (-t), which kills the child's process group, and
 * RLIMIT_CPU a second after it.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-options: -t 1
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage did not finish within 1 s
#include "heapmgr.h"
#include "hostile.h"

void *hm_malloc(size_t size)
{
    for (volatile uint64_t spins = 0;; spins++)
        continue; /* the hang */
    return bump(size);
}
