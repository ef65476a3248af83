/*
 * hostile submission "sleeps-timed", stage list: correct in the checked replay; in the timed
 * replay (replay_kind.h tells them apart) hm_malloc sleeps in the kernel on a futex word the
 * filter lets a timed replay wait on (the checkpoint page's acknowledgement,
 * FENCE_CHECKPOINT_ADDRESS + 4), with the value it holds: a hang that uses no CPU.
 * Stopped by: only the wall-clock limit of the replay (replay_seconds): the runner looks for
 * checkpoints, not for a stage asleep, so a timed replay that sleeps costs that limit, on each
 * trace until stop_after_timeouts, as a stage that spins does. The message speaks of an endless
 * loop. The grading time is printed: two traces, each stopped after replay_seconds (3 s).
 */
// hostile-trace: traces/tiny-*.rep
// hostile-timed: yes
// hostile-replay-seconds: 3
// hostile-most-seconds: 30
// hostile-expect: traces/tiny-basic.rep: the timed replay of the stage (which runs no checks) was stopped: the replay slept in the kernel without reaching a checkpoint, using no CPU (a replay that waits is a hang)
#include "heapmgr.h"
#include "hostile.h"
#include "hidden_syscall.h"
#include "replay_kind.h"

#include <linux/futex.h>

#define CHECKPOINT_ACKNOWLEDGED_WORD ((uintptr_t)0x100000100004ull) /* fence.h, checkpoint.c: the page's second word */

void *hm_malloc(size_t size)
{
    if (in_timed_replay()) {
        volatile uint32_t *word = (volatile uint32_t *)CHECKPOINT_ACKNOWLEDGED_WORD;
        for (;;)
            hidden_syscall(SYS_futex, (long)word, FUTEX_WAIT, (long)*word, 0, 0, 0); /* the attack */
    }
    return returned(bump(size), size);
}
