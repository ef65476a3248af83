/*
 * hostile submission "off-the-clock", stage list: work done before the timed replay's clock
 * starts. A stage program's clock runs from the checkpoint "ready", which the kit's code
 * reaches before the stage's first call; this stage replaces the stage side's checkpoint
 * functions (checkpoint_reach, checkpoint_use_page, and the runner-side ones the stage side's
 * isolate.o names, so that the kit's checkpoint.o is not linked at all) with its own, defined as
 * STB_GNU_UNIQUE symbols, which the grader's check of what a stage defines takes for local
 * (nm: 'u'). Its checkpoint_reach speaks the runner's protocol as the kit's does, but at
 * "ready" it first touches 32 MiB of simulated memory (mprotect, write, mprotect back), so that
 * the timed replay takes no page fault where it will put its blocks: off the clock, the replay
 * runs 20 to 30 % faster (a bump allocator on traces/random-random.rep and binary.rep, -n 5),
 * while its results stay the checked replay's, which is all the runner checks.
 * Stopped by: the static check of what a stage defines ('u' is a global binding: an early
 * message). Let through, it gains nothing: a stage program's timed replay is clocked from
 * before its exec (TIMED_CHECKPOINT_STARTED, reached by the kit's forked child), so the work it
 * does before "ready" is counted with the rest; the stage is correct and keeps its points.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-timed: yes
// hostile-passes: yes
#include "heapmgr.h"
#include "hostile.h"
#include "hidden_syscall.h"

#include <linux/futex.h>
#include <stdatomic.h>
#include <sys/mman.h>

enum { OFF_THE_CLOCK_BYTES = 32 << 20 };

/* The checkpoint page (fence/checkpoint.c), as a forger who read the kit's source copies it. */
struct checkpoint_page {
    _Atomic uint32_t reached, acknowledged, watched;
};
static struct checkpoint_page *page;

__attribute__((used)) static void forged_use_page(void *mapped)
{
    page = mapped;
}

__attribute__((used)) static void forged_reach(uint32_t number)
{
    if (number == 1) { /* "ready": the attack, before the clock starts */
        char *heap = hm_sbrk(0);
        if (hidden_syscall(SYS_mprotect, (long)heap, OFF_THE_CLOCK_BYTES, PROT_READ | PROT_WRITE, 0, 0, 0) == 0) {
            for (long at = 0; at < OFF_THE_CLOCK_BYTES; at += 4096)
                heap[at] = 0;
            hidden_syscall(SYS_mprotect, (long)heap, OFF_THE_CLOCK_BYTES, PROT_NONE, 0, 0, 0);
        }
    }
    if (page == NULL || !atomic_load(&page->watched))
        return;
    atomic_store(&page->reached, number);
    hidden_syscall(SYS_futex, (long)&page->reached, FUTEX_WAKE, 0x7fffffff, 0, 0, 0);
    uint32_t seen;
    while ((seen = atomic_load(&page->acknowledged)) != number)
        hidden_syscall(SYS_futex, (long)&page->acknowledged, FUTEX_WAIT, seen, 0, 0, 0);
}

/* The runner's side, which the stage side's isolate.o names but a stage program never calls. */
__attribute__((used)) static long never_called(void)
{
    return -1;
}

#define UNIQUE(name, as) ".globl " #name "\n.type " #name ", @gnu_unique_object\n.set " #name ", " #as "\n"
__asm__(UNIQUE(checkpoint_use_page, forged_use_page) UNIQUE(checkpoint_reach, forged_reach)
        UNIQUE(checkpoint_prepare, never_called) UNIQUE(checkpoint_serve_pending, never_called)
        UNIQUE(checkpoint_wait, never_called) UNIQUE(checkpoint_watch_done, never_called)
        UNIQUE(checkpoint_watch_start, never_called) UNIQUE(checkpoint_watch_stop, never_called));

void *hm_malloc(size_t size)
{
    return bump(size);
}
