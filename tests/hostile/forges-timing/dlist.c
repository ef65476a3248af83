/*
 * hostile submission "forges-timing", stage dlist: hm_malloc, at its first call, stops the
 * runner's clock early: it reaches the timed replay's last checkpoint itself (2 on a trace
 * without marks: "ready" is 1), before any operation is done, and then does the work unclocked.
 * It calls the harness's checkpoint_reach, as a stage linked with the harness can; a
 * submission would have to find the checkpoint page in its memory and write it.
 * Stopped by: the runner, at that checkpoint: it checks there that every operation before it
 * was done, and none was.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-timed: yes
// hostile-plain: yes
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the timed replay of the stage reached its checkpoint at the end before it had made this call: the checkpoints are the replay's own, and a stage must not signal them
#include "heapmgr.h"
#include "hostile.h"

#include <stdint.h>

void checkpoint_reach(uint32_t number); /* the harness's (harness/checkpoint.h) */

void *hm_malloc(size_t size)
{
    static int clock_stopped;
    if (!clock_stopped) {
        clock_stopped = 1;
        checkpoint_reach(2); /* the attack; in the checked replay no runner serves it */
    }
    return bump(size);
}
