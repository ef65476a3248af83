/*
 * hostile submission "cheats-timed-replay", stage dlist: in the timed replay (replay_kind.h
 * tells it from the checked one) hm_malloc returns NULL at once: results that cost nothing.
 * Stopped by: the runner, at the timed replay's end: NULL is not what the checked replay got.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-timed: yes
// hostile-plain: yes
// hostile-expect: traces/tiny-basic.rep:11: a 1 100 (malloc(100) for id 1): the timed replay of the stage returned NULL where the checked replay returned heap+0x40
#include "heapmgr.h"
#include "hostile.h"
#include "replay_kind.h"

void *hm_malloc(size_t size)
{
    if (in_timed_replay())
        return NULL; /* the attack: garbage, fast */
    return returned(bump(size), size);
}
