/* checkpoint.c: the replay child's stops, and the runner's side of them (see checkpoint.h). */
#include "checkpoint.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The words the kernel's futex calls see must be plain 32-bit words. */
_Static_assert(sizeof(_Atomic uint32_t) == sizeof(uint32_t), "an atomic word is a plain word");
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic words need no lock across processes");

struct checkpoint_page {
    _Atomic uint32_t reached;      /* written by the child */
    _Atomic uint32_t acknowledged; /* written by the runner */
    _Atomic uint32_t watched;      /* a runner serves this child's checkpoints */
};

/* One whole page: zeroing all of it leaves no room for a child to pass anything to the next.
 * A memory file, so that a replay child that execs a stage program can map it too (fence.h). */
static struct checkpoint_page *page;
static size_t page_bytes;
static int page_file = -1;

uintptr_t checkpoint_reached_address(uintptr_t page_address)
{
    return page_address + offsetof(struct checkpoint_page, reached);
}

uintptr_t checkpoint_acknowledged_address(uintptr_t page_address)
{
    return page_address + offsetof(struct checkpoint_page, acknowledged);
}

int checkpoint_page_file(void)
{
    return page_file;
}

void checkpoint_use_page(void *mapped)
{
    page = mapped;
}

/* Shared futexes (no FUTEX_PRIVATE_FLAG): the word lies in memory two processes map. */
static long futex(_Atomic uint32_t *word, int operation, uint32_t value, const struct timespec *timeout)
{
    return syscall(SYS_futex, (void *)word, operation, value, timeout, NULL, 0);
}

void checkpoint_reach(uint32_t number)
{
    /* No runner serves them (a replay run without a server, as in unit tests): no stop. */
    if (page == NULL || !atomic_load_explicit(&page->watched, memory_order_relaxed))
        return;
    atomic_store_explicit(&page->reached, number, memory_order_release);
    futex(&page->reached, FUTEX_WAKE, INT_MAX, NULL);
    uint32_t acknowledged;
    while ((acknowledged = atomic_load_explicit(&page->acknowledged, memory_order_acquire)) != number)
        futex(&page->acknowledged, FUTEX_WAIT, acknowledged, NULL);
}

int checkpoint_prepare(int watched)
{
    if (page_file < 0) {
        page_bytes = (size_t)sysconf(_SC_PAGESIZE);
        page_file = memfd_create("heapkit-checkpoints", MFD_CLOEXEC);
        if (page_file < 0 || ftruncate(page_file, (off_t)page_bytes) != 0)
            return -1;
        void *shared = mmap(NULL, page_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, page_file, 0);
        if (shared == MAP_FAILED)
            return -1;
        page = shared;
    }
    memset((void *)page, 0, page_bytes);
    atomic_store(&page->watched, watched != 0);
    return 0;
}

void checkpoint_watch_start(struct checkpoint_watch *watch, pid_t child, const struct checkpoint_server *server)
{
    *watch = (struct checkpoint_watch){ .server = server };
    watch->clock_known = clock_getcpuclockid(child, &watch->child_clock) == 0;
    watch->instruction_counter = instruction_count_open(child, NULL, 0);
}

void checkpoint_watch_stop(struct checkpoint_watch *watch)
{
    instruction_count_close(watch->instruction_counter);
    watch->instruction_counter = -1;
}

int checkpoint_watch_done(const struct checkpoint_watch *watch)
{
    return watch->refused || watch->served == watch->server->last;
}

static uint64_t child_cpu_ns(const struct checkpoint_watch *watch)
{
    struct timespec now;
    if (!watch->clock_known || clock_gettime(watch->child_clock, &now) != 0)
        return CHECKPOINT_CPU_UNKNOWN;
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

int checkpoint_serve_pending(struct checkpoint_watch *watch)
{
    uint32_t reached = atomic_load_explicit(&page->reached, memory_order_acquire);
    if (reached == watch->served)
        return 0; /* nothing new */
    /* The child sleeps, or is about to: what it wrote before `reached` is there to read. */
    const struct checkpoint_reading reading = { child_cpu_ns(watch),
                                                instruction_count_read(watch->instruction_counter) };
    if (watch->server->serve(watch->server->context, reached, &reading) != 0) {
        watch->refused = 1;
        watch->refused_number = reached;
        return -1;
    }
    watch->served = reached;
    atomic_store_explicit(&page->acknowledged, reached, memory_order_release);
    futex(&page->acknowledged, FUTEX_WAKE, INT_MAX, NULL);
    return 1;
}

void checkpoint_wait(const struct checkpoint_watch *watch, double most_seconds)
{
    if (most_seconds <= 0)
        return;
    struct timespec timeout = { (time_t)most_seconds,
                                (long)((most_seconds - (double)(time_t)most_seconds) * 1e9) };
    /* Returns at once if `reached` moved already: no wake-up is lost. */
    futex(&page->reached, FUTEX_WAIT, watch->served, &timeout);
}
