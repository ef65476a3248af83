/*
 * hostile submission "cheats-timed-replay", stage list: a stage that does its work in the
 * checked replay and none in the timed one (replay_kind.h tells them apart): there hm_malloc
 * returns the block it returned last, at once, taking no memory, for a throughput far above
 * anything honest.
 * Stopped by: the runner, at the timed replay's next checkpoint (here its end): the timed
 * replay's results must be the checked replay's, and the first that differs is named.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-timed: yes
// hostile-plain: yes
// hostile-expect: traces/tiny-basic.rep:11: a 1 100 (malloc(100) for id 1): the timed replay of the stage returned heap+0x10 where the checked replay returned heap+0x40 (a stage must give the same results in every replay of a trace
#include "heapmgr.h"
#include "hostile.h"
#include "replay_kind.h"

void *hm_malloc(size_t size)
{
    if (in_timed_replay())
        return (void *)last_block_returned; /* the attack: no work at all */
    return returned(bump(size), size);
}
