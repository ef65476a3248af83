/* sysmem.c: the stage's system calls over real memory (see sysmem.h). */
#include "sysmem.h"

#include "addrmap.h"
#include "heapmgr.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static struct {
    uintptr_t page_bytes;
    uint64_t limit_bytes;
    uintptr_t heap_start, heap_reserved_end;
    uintptr_t brk;            /* the break */
    uintptr_t accessible_end; /* the break rounded up to a page: read-write below it */
    struct addrmap mappings;  /* the live mappings the stage made, as it made or cut them */
    uint64_t mapped_bytes, peak_footprint_bytes;
    uint64_t calls[RUN_SYSCALL_KINDS], enomem;
    sysmem_release_hook *release_hook;
    sysmem_misuse_hook *misuse_hook;
} mem;

static uintptr_t round_up_to_page(uintptr_t bytes)
{
    return (bytes + mem.page_bytes - 1) & ~(mem.page_bytes - 1);
}

static uint64_t footprint(void)
{
    return (mem.brk - mem.heap_start) + mem.mapped_bytes;
}

static void note_footprint(void)
{
    uint64_t now = footprint();
    if (now > mem.peak_footprint_bytes)
        mem.peak_footprint_bytes = now;
}

static void misuse(const char *what)
{
    if (mem.misuse_hook != NULL)
        mem.misuse_hook(what);
}

size_t hm_page_bytes(void)
{
    if (mem.page_bytes == 0)
        mem.page_bytes = (uintptr_t)sysconf(_SC_PAGESIZE);
    return mem.page_bytes;
}

int sysmem_init(uint64_t limit_bytes)
{
    hm_page_bytes();
    /* The heap can never pass the limit, so the limit is all it needs of address space. */
    uint64_t reserved_bytes = round_up_to_page(limit_bytes > 0 ? limit_bytes : 1);
    void *heap = mmap(NULL, reserved_bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (heap == MAP_FAILED)
        return -1;
    if (addrmap_init(&mem.mappings) != 0) {
        munmap(heap, reserved_bytes);
        return -1;
    }
    mem.limit_bytes = limit_bytes;
    mem.heap_start = mem.brk = mem.accessible_end = (uintptr_t)heap;
    mem.heap_reserved_end = mem.heap_start + reserved_bytes;
    return 0;
}

/* Move the break, opening or closing pages. Memory the break uncovers must read as zero
 * (heapmgr.h): closed pages are dropped (MADV_DONTNEED), and when the break comes down inside
 * a page, the rest of that page is cleared, since it stays open. */
static int set_break(uintptr_t new_brk)
{
    uintptr_t new_accessible_end = round_up_to_page(new_brk);
    if (new_accessible_end > mem.accessible_end) {
        if (mprotect((void *)mem.accessible_end, new_accessible_end - mem.accessible_end,
                     PROT_READ | PROT_WRITE) != 0)
            return -1;
    } else if (new_accessible_end < mem.accessible_end) {
        size_t closed_bytes = mem.accessible_end - new_accessible_end;
        madvise((void *)new_accessible_end, closed_bytes, MADV_DONTNEED);
        mprotect((void *)new_accessible_end, closed_bytes, PROT_NONE);
    }
    if (new_brk < mem.brk) {
        uintptr_t cleared_end = mem.brk < new_accessible_end ? mem.brk : new_accessible_end;
        if (cleared_end > new_brk)
            memset((void *)new_brk, 0, cleared_end - new_brk);
        if (mem.release_hook != NULL)
            mem.release_hook(new_brk, mem.brk, "lowered the break over it");
    }
    mem.brk = new_brk;
    mem.accessible_end = new_accessible_end;
    note_footprint();
    return 0;
}

/* Can the heap end at new_brk without passing the limit or the reservation? */
static int heap_may_end_at(uintptr_t new_brk)
{
    if (new_brk < mem.heap_start || new_brk > mem.heap_reserved_end)
        return 0;
    return (uint64_t)(new_brk - mem.heap_start) + mem.mapped_bytes <= mem.limit_bytes;
}

static void refuse(void)
{
    mem.enomem++;
    errno = ENOMEM;
}

int hm_brk(void *addr)
{
    mem.calls[SYSCALL_BRK]++;
    uintptr_t new_brk = (uintptr_t)addr;
    if (!heap_may_end_at(new_brk) || set_break(new_brk) != 0) {
        refuse();
        return -1;
    }
    return 0;
}

void *hm_sbrk(intptr_t increment)
{
    if (increment == 0)
        return (void *)mem.brk; /* only reads the break: no system call */
    mem.calls[SYSCALL_SBRK]++;
    uintptr_t old_brk = mem.brk;
    uintptr_t new_brk = old_brk + (uintptr_t)increment;
    int wrapped = increment > 0 ? new_brk < old_brk : new_brk > old_brk;
    if (wrapped || !heap_may_end_at(new_brk) || set_break(new_brk) != 0) {
        refuse();
        return (void *)-1;
    }
    return (void *)old_brk;
}

void *hm_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
    (void)addr; /* a hint, as the real call may ignore it */
    mem.calls[SYSCALL_MMAP]++;
    if (length == 0 || prot != (PROT_READ | PROT_WRITE) || (flags & MAP_FIXED) || fd != -1 ||
        (flags & (MAP_ANONYMOUS | MAP_PRIVATE)) != (MAP_ANONYMOUS | MAP_PRIVATE) || offset != 0) {
        char what[200];
        snprintf(what, sizeof what, "hm_mmap(length %zu, prot %#x, flags %#x, fd %d, offset %lld): only "
                 "anonymous private read-write mappings of a non-zero length are given",
                 length, (unsigned)prot, (unsigned)flags, fd, (long long)offset);
        misuse(what);
        errno = EINVAL;
        return MAP_FAILED;
    }
    uintptr_t bytes = round_up_to_page(length);
    if (bytes < length || footprint() + bytes > mem.limit_bytes) {
        refuse();
        return MAP_FAILED;
    }
    void *start = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (start == MAP_FAILED) {
        refuse();
        return MAP_FAILED;
    }
    if (addrmap_insert(&mem.mappings, (uintptr_t)start, (uintptr_t)start + bytes, 0) == 0) {
        munmap(start, bytes);
        refuse();
        return MAP_FAILED;
    }
    mem.mapped_bytes += bytes;
    note_footprint();
    return start;
}

int hm_munmap(void *addr, size_t length)
{
    mem.calls[SYSCALL_MUNMAP]++;
    uintptr_t start = (uintptr_t)addr, rounded = round_up_to_page(length);
    uintptr_t end = start + rounded;
    if (length == 0 || rounded < length || start % mem.page_bytes != 0 || end < start ||
        !addrmap_covers(&mem.mappings, start, end)) {
        /* Never passed on: the range may be the program's own memory. */
        char where[96], what[240];
        sysmem_describe(start, where, sizeof where);
        snprintf(what, sizeof what, "hm_munmap(%s, %zu): %s", where, length,
                 length == 0 || start % mem.page_bytes != 0
                     ? "the address must start a page and the length must not be zero"
                     : "that memory was never mapped, or was unmapped already");
        misuse(what);
        errno = EINVAL;
        return -1;
    }
    if (mem.release_hook != NULL)
        mem.release_hook(start, end, "unmapped it");
    addrmap_cut(&mem.mappings, start, end);
    munmap(addr, rounded);
    mem.mapped_bytes -= rounded;
    return 0;
}

uintptr_t sysmem_heap_start(void)
{
    return mem.heap_start;
}

uintptr_t sysmem_break(void)
{
    return mem.brk;
}

int sysmem_range_in_heap(uintptr_t start, uint64_t bytes)
{
    return start >= mem.heap_start && start <= mem.brk && bytes <= mem.brk - start;
}

int sysmem_range_in_mapping(uintptr_t start, uint64_t bytes)
{
    addrmap_ref holder = addrmap_containing(&mem.mappings, start);
    return holder != 0 && bytes <= addrmap_node(&mem.mappings, holder)->end - start;
}

void sysmem_describe(uintptr_t address, char *out, size_t out_size)
{
    addrmap_ref holder = mem.heap_start != 0 ? addrmap_containing(&mem.mappings, address) : 0;
    if (mem.heap_start != 0 && address >= mem.heap_start && address <= mem.heap_reserved_end) {
        snprintf(out, out_size, "heap+0x%llx%s", (unsigned long long)(address - mem.heap_start),
                 address > mem.brk ? ", past the break" : "");
    } else if (holder != 0) {
        const struct addrmap_node *mapping = addrmap_node(&mem.mappings, holder);
        snprintf(out, out_size, "mapping+0x%llx (a mapping of %llu bytes)",
                 (unsigned long long)(address - mapping->start),
                 (unsigned long long)(mapping->end - mapping->start));
    } else if (address == 0) {
        snprintf(out, out_size, "NULL");
    } else {
        snprintf(out, out_size, "%#llx (outside the heap and the stage's mappings)", (unsigned long long)address);
    }
}

uint64_t sysmem_footprint_bytes(void)
{
    return footprint();
}

uint64_t sysmem_peak_footprint_bytes(void)
{
    return mem.peak_footprint_bytes;
}

uint64_t sysmem_limit_bytes(void)
{
    return mem.limit_bytes;
}

uint64_t sysmem_calls(enum run_syscall kind)
{
    return mem.calls[kind];
}

uint64_t sysmem_enomem(void)
{
    return mem.enomem;
}

void sysmem_restart_counts(void)
{
    memset(mem.calls, 0, sizeof mem.calls);
    mem.enomem = 0;
    mem.peak_footprint_bytes = footprint();
}

void sysmem_on_release(sysmem_release_hook *hook)
{
    mem.release_hook = hook;
}

void sysmem_on_misuse(sysmem_misuse_hook *hook)
{
    mem.misuse_hook = hook;
}
