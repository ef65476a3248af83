/* channel.c: taking turns on the channel (see channel.h). */
#include "channel.h"

#include "fence.h"

#include <linux/futex.h>
#include <sched.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

_Static_assert(sizeof(_Atomic uint32_t) == sizeof(uint32_t), "a turn is a plain 32-bit word for futex");

/* Long enough to cover a call that allocates (microseconds) without a trip into the kernel,
 * short enough that a waiting side gives its CPU back soon when the other was descheduled. */
enum { SPIN_NS_TWO_CPUS = 200 * 1000 };

size_t channel_bytes(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (sizeof(struct channel) + page - 1) / page * page;
}

uintptr_t channel_turn_address_in_stage(void)
{
    return FENCE_CHANNEL_ADDRESS + offsetof(struct channel, turn);
}

/* Shared futexes (no FUTEX_PRIVATE_FLAG): the word lies in memory two processes map. */
static long futex(_Atomic uint32_t *word, int operation, uint32_t value, const struct timespec *timeout)
{
    return syscall(SYS_futex, (uint32_t *)word, operation, value, timeout, NULL, 0);
}

static inline void pause_briefly(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static uint64_t now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

/* Sequentially consistent, with the sleeper's flag and its second look at the turn: either
 * the waker sees the flag, or the sleeper sees the new turn, so no wake is lost; and a waker
 * whose partner is still spinning makes no system call. (A stage that sleeps without raising
 * its flag is woken by the checker's check_other, and is then a hang: see remote.c.) */
void channel_hand_turn_to(struct channel *channel, enum channel_turn whose)
{
    atomic_store(&channel->turn, whose);
    if (atomic_load(&channel->sleeping[whose]))
        futex(&channel->turn, FUTEX_WAKE, 1, NULL);
}

static int spin_for_turn(struct channel *channel, enum channel_turn mine, uint64_t spin_ns)
{
    if (spin_ns == 0)
        return 0;
    uint64_t start = now_ns();
    for (;;) {
        for (int i = 0; i < 64; i++) {
            if (atomic_load_explicit(&channel->turn, memory_order_acquire) == (uint32_t)mine)
                return 1;
            pause_briefly();
        }
        if (now_ns() - start >= spin_ns)
            return 0;
    }
}

/* How long this side spins now: halved each time a spin ends without the turn (the other side
 * was not running: a busy machine), doubled back each time one ends with it. So spinning costs
 * little CPU where it does not pay, and all of its speed where it does. */
static uint64_t spin_now_ns = SPIN_NS_TWO_CPUS;
enum { SPIN_NS_LEAST = 2 * 1000 };

void channel_wait_for_turn(struct channel *channel, enum channel_turn mine, void (*check_other)(void))
{
    /* Read once: the stage program could change the field in the checker's view. */
    uint64_t spin_most_ns = channel->spin_ns;
    if (spin_most_ns > SPIN_NS_TWO_CPUS)
        spin_most_ns = SPIN_NS_TWO_CPUS;
    if (spin_now_ns > spin_most_ns)
        spin_now_ns = spin_most_ns;
    if (spin_for_turn(channel, mine, spin_now_ns)) {
        spin_now_ns = spin_now_ns * 2 > spin_most_ns ? spin_most_ns : spin_now_ns * 2;
        if (spin_now_ns < SPIN_NS_LEAST && spin_most_ns >= SPIN_NS_LEAST)
            spin_now_ns = SPIN_NS_LEAST;
        return;
    }
    if (spin_now_ns / 2 >= SPIN_NS_LEAST)
        spin_now_ns /= 2;
    const struct timespec a_while = { 0, 20 * 1000 * 1000 };
    uint32_t theirs = mine == TURN_STAGE ? TURN_CHECKER : TURN_STAGE;
    for (;;) {
        atomic_store(&channel->sleeping[mine], 1);
        if (atomic_load(&channel->turn) == (uint32_t)mine)
            break;
        futex(&channel->turn, FUTEX_WAIT, theirs, check_other != NULL ? &a_while : NULL);
        if (atomic_load(&channel->turn) == (uint32_t)mine)
            break;
        if (check_other != NULL)
            check_other();
    }
    atomic_store(&channel->sleeping[mine], 0);
}

/* ---- CPUs ------------------------------------------------------------------------------- */

static cpu_set_t before_pinning;
static int pinned;

uint64_t channel_spin_ns(void)
{
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0 || CPU_COUNT(&allowed) < 2)
        return 0;
    return SPIN_NS_TWO_CPUS;
}

int channel_pin_apart(void)
{
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0 || CPU_COUNT(&allowed) < 2)
        return -1;
    int here = sched_getcpu();
    if (here < 0 || !CPU_ISSET(here, &allowed))
        return -1;
    /* The next allowed CPU after this one, going round. */
    int other = -1;
    for (int step = 1; step < CPU_SETSIZE && other < 0; step++) {
        int cpu = (here + step) % CPU_SETSIZE;
        if (CPU_ISSET(cpu, &allowed))
            other = cpu;
    }
    if (other < 0)
        return -1;
    before_pinning = allowed;
    cpu_set_t just_here;
    CPU_ZERO(&just_here);
    CPU_SET(here, &just_here);
    if (sched_setaffinity(0, sizeof just_here, &just_here) != 0)
        return -1;
    pinned = 1;
    return other;
}

void channel_pin_to(int cpu)
{
    if (cpu < 0)
        return;
    cpu_set_t just_there;
    CPU_ZERO(&just_there);
    CPU_SET(cpu, &just_there);
    sched_setaffinity(0, sizeof just_there, &just_there);
}

void channel_unpin(void)
{
    if (pinned)
        sched_setaffinity(0, sizeof before_pinning, &before_pinning);
    pinned = 0;
}
