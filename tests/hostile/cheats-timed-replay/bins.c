/*
 * hostile submission "cheats-timed-replay", stage bins: in the timed replay (replay_kind.h
 * tells it from the checked one) hm_malloc ends the process at once with exit(0), the work
 * skipped, as if the replay were over.
 * Stopped by: the runner: the child ended before the end of its replay (and the grader's
 * static check refuses exit besides).
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-timed: yes
// hostile-plain: yes
// hostile-expect: traces/tiny-basic.rep: the timed replay of the stage (which runs no checks) ended the process with exit status 0 before the replay ended
#include "heapmgr.h"
#include "hostile.h"
#include "replay_kind.h"

#include <stdlib.h>

void *hm_malloc(size_t size)
{
    if (in_timed_replay())
        exit(0); /* the attack: skip the work, end early */
    return returned(bump(size), size);
}
