/*
 * hostile submission "hangs", stage list: hm_malloc never returns.
 * Stopped by: the runner's wall-clock limit on one replay (the rubric's replay_seconds, the
 * runner's -t), after which it kills the replay; RLIMIT_CPU (that limit, rounded up, plus 1 s)
 * ends the stage program besides. After stop_after_timeouts such traces the stage is not run on.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-replay-seconds: 3
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage did not finish within 3 s
#include "heapmgr.h"
#include "hostile.h"

void *hm_malloc(size_t size)
{
    for (volatile uint64_t spins = 0;; spins++)
        continue; /* the hang */
    return bump(size);
}
