/*
 * hostile submission "forges-timing", stage bins: hm_malloc, at its first call, writes a
 * checkpoint number of its own choosing into the checkpoint page (as a stage that searched
 * its memory for the page might), to skip ahead of the replay's own checkpoints.
 * Stopped by: the runner: checkpoints must come in order, and this one was not due.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-timed: yes
// hostile-plain: yes
// hostile-expect: traces/tiny-basic.rep: the timed replay of the stage signalled checkpoint 7 where checkpoint 2 of 2 was due (after operation 0): the checkpoints are the replay's own, and a stage must not write them
#include "heapmgr.h"
#include "hostile.h"

#include <stdint.h>

void checkpoint_reach(uint32_t number); /* the harness's (harness/checkpoint.h) */

void *hm_malloc(size_t size)
{
    static int forged;
    if (!forged) {
        forged = 1;
        checkpoint_reach(7); /* the attack */
    }
    return bump(size);
}
