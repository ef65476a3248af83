/*
 * hostile submission "sleeps", stage list: hm_malloc sleeps in the kernel, on the one futex word
 * the filter lets the stage program wait on (the channel's turn, FENCE_CHANNEL_ADDRESS), with
 * the value the word holds during its call, and waits again whenever woken: a hang that uses
 * no CPU, so that neither RLIMIT_CPU nor a CPU clock would see it.
 * Stopped by: the checker, which looks at the program every 20 ms while it waits for it: asleep
 * in the kernel during its own call, twice (it wakes it once, in case it missed a wake-up), it
 * is stopped as a hang, within about 50 ms, not the replay's time limit. The sleeps folder's
 * grading must take far less than replay_seconds x traces (printed).
 */
// hostile-trace: traces/tiny-*.rep
// hostile-hidden-traces: tests/traces/good/one-*.rep
// hostile-replay-seconds: 10
// hostile-most-seconds: 40
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: the stage slept in the kernel during its call, using no CPU (a replay that waits is a hang)
#include "heapmgr.h"
#include "hostile.h"
#include "hidden_syscall.h"

#include <linux/futex.h>

#define CHANNEL_TURN_WORD ((uintptr_t)0x100000000000ull) /* fence.h: FENCE_CHANNEL_ADDRESS; the turn is its first word */

void *hm_malloc(size_t size)
{
    volatile uint32_t *turn = (volatile uint32_t *)CHANNEL_TURN_WORD;
    for (;;)
        hidden_syscall(SYS_futex, (long)turn, FUTEX_WAIT, (long)*turn, 0, 0, 0); /* the attack */
    return bump(size);
}
