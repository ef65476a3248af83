/*
 * simmem.c: the simulated brk, sbrk, mmap and munmap (see simmem.h).
 *
 *   heap reservation                            mapping reservation
 *   +----------------------+- - - - - - - - -+  +-----+   +--------+   +- - - - - -
 *   | heap (read-write)    | past the break  |  | map |   | map    |   |  unused
 *   +----------------------+- - - - - - - - -+  +-----+   +--------+   +- - - - - -
 *   ^heap_start    break ^  ^ canary to the end of the break's page, then PROT_NONE
 *
 * A page between mappings stays unmapped, so running off the end of one mapping faults
 * instead of landing in the next. The next mapping that fits takes the hole a short unmapping
 * left, as the kernel reuses holes; in a checked replay its pages were zeroed where they were
 * and kept (kept_pages.h), so they come back without a page fault.
 */
#include "simmem.h"

#include "addrmap.h"
#include "heapmgr.h"
#include "hostmem.h"
#include "kept_pages.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

enum { CANARY_BYTE = 0xa5 };

/* A stage may hold this many simulated mappings at once at most (see mapping_budget). */
enum { MOST_MAPPINGS = 30000 };

/* Two ways checked replays spare page faults, which cost far more than the work around them
 * where faults are dear (a virtual machine). Timed replays keep their faults: the C library's
 * real memory takes them too.
 *   populate  pages opened, from this many pages up to this many bytes at a time, are filled
 *             in by the kernel in one call (MADV_POPULATE_WRITE): even for one page, a third of
 *             a fault's cost here (a fault 9 us, the call 2.7 us on a PVM guest); past the most,
 *             the pages a stage never touches would cost more than the faults they spare
 *   keep      unmapped ranges up to this long are zeroed in place and kept (kept_pages.h), up
 *             to this much in all; longer ones, and any past that, go back to the kernel */
enum { POPULATE_LEAST_PAGES = 1, POPULATE_MOST_BYTES = 8 << 20 };
enum { KEEP_RANGE_MOST_BYTES = 64 << 10, KEEP_MOST_BYTES = 64 << 20 };
/* Holes taken again (holes_take): those of unmappings up to this many pages. */
enum { HOLE_MOST_PAGES = 16 };

/* Where the reservations are asked for: a fixed hint keeps addresses alike from run to run;
 * when the kernel places them elsewhere, messages still read the same (they use offsets). */
static const uintptr_t HEAP_HINT = (uintptr_t)0x200000000000ull;

static struct {
    uintptr_t page_bytes;
    uint64_t limit_bytes;
    int checked;

    uintptr_t heap_start, heap_reserved_end;
    uintptr_t brk;            /* the break */
    uintptr_t accessible_end; /* the break rounded up to a page: read-write below it */

    uintptr_t map_start, map_end; /* the mapping reservation */
    uintptr_t map_cursor;         /* where the next mapping is tried when no hole fits */
    /* The holes short unmappings left, by length in pages, the most recent last: a mapping that
     * fits takes one (holes_take), as the kernel reuses holes, so that in a checked replay its
     * kept pages come back. Where holes are is the same in every replay of a trace, checked or
     * timed, kept or not: so are the addresses a stage gets. */
    uintptr_t *holes[HOLE_MOST_PAGES + 1];
    uint64_t hole_count[HOLE_MOST_PAGES + 1], hole_room;
    struct kept_pages kept;       /* unmapped pages zeroed in place (checked replays) */
    struct addrmap mappings;
    uint64_t most_mappings;       /* the budget: mapping_budget() */

    uint64_t mapped_bytes, peak_footprint_bytes;
    struct simmem_counts counts;

    unsigned char *canary_reference; /* a page of CANARY_BYTE, to compare with */

    /* Shared memory (simmem_init_shared): the reservation is a memory file, mapped before the
     * stage's process is made, so both processes see the same pages at the same addresses. */
    int shared;
    int memory_file; /* when shared */
    simmem_protect_hook protect_hook;
    /* In the stage's process: where its calls go (the checker's process simulates them). */
    const struct simmem_forwarder *forwarder;

    simmem_release_hook release_hook;
    int violation_pending; /* 0, or what simmem_take_violation returns */
    char violation[1024];
} sim;

static uintptr_t round_up_to_page(uintptr_t bytes)
{
    return (bytes + sim.page_bytes - 1) & ~(sim.page_bytes - 1);
}

static uintptr_t round_down_to_page(uintptr_t address)
{
    return address & ~(sim.page_bytes - 1);
}

static uint64_t footprint(void)
{
    return (sim.brk - sim.heap_start) + sim.mapped_bytes;
}

static void note_footprint(void)
{
    uint64_t now = footprint();
    if (now > sim.peak_footprint_bytes)
        sim.peak_footprint_bytes = now;
}

void simmem_violation(const char *format, ...)
{
    if (sim.violation_pending)
        return;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(sim.violation, sizeof sim.violation, format, arguments);
    va_end(arguments);
    sim.violation_pending = VIOLATION_MISUSE;
}

int simmem_take_violation(char *out, size_t out_size)
{
    int kind = sim.violation_pending;
    if (kind == 0)
        return 0;
    snprintf(out, out_size, "%s", sim.violation);
    sim.violation_pending = 0;
    return kind;
}

void simmem_on_release(simmem_release_hook hook)
{
    sim.release_hook = hook;
}

int simmem_fills_in(uint64_t bytes, int checked)
{
    return checked && bytes >= POPULATE_LEAST_PAGES * hm_page_bytes() && bytes <= POPULATE_MOST_BYTES;
}

/* In a checked replay: pages just opened, filled in at once (simmem_fills_in). */
static void populate(uintptr_t start, uintptr_t end)
{
#ifdef MADV_POPULATE_WRITE
    if (simmem_fills_in(end - start, sim.checked))
        madvise((void *)start, end - start, MADV_POPULATE_WRITE); /* before Linux 5.14: EINVAL, no harm */
#else
    (void)start, (void)end;
#endif
}

/* Make pages accessible or not. Given-back pages are dropped, so they read as zero when
 * they come back, as fresh pages from the kernel do. Returns 0, or -1 when the kernel refuses
 * (which the budget of mappings below keeps from happening). */
static int set_pages(uintptr_t start, uintptr_t end, int accessible)
{
    if (end <= start)
        return 0;
    /* Shared: this view stays readable and writable (the checker touches only what it gave
     * out); the stage program's view gets the protections (the hook); given-back pages are
     * punched out of the file, so they read as zero when they come back. */
    if (sim.shared) {
        if (!accessible)
            madvise((void *)start, end - start, MADV_REMOVE);
        else
            populate(start, end);
        if (sim.protect_hook != NULL)
            sim.protect_hook(start, end, accessible);
        return 0;
    }
    if (!accessible)
        madvise((void *)start, end - start, MADV_DONTNEED);
    if (mprotect((void *)start, end - start, accessible ? PROT_READ | PROT_WRITE : PROT_NONE) != 0)
        return -1;
    if (accessible)
        populate(start, end);
    return 0;
}

/* ---- memory the stage was never given ---------------------------------------------------
 *
 * With shared memory the stage runs in a process of its own, which can change its own page
 * protections (mprotect is a call it may make) and so write pages it was never given. Those
 * writes land in the memory file, where they show as data: a page the simulation never opened
 * holds none, since pages given back are punched out. */

/* The first page at or after `from` and before `to` that holds data, or 0 when none does. */
static uintptr_t first_written_page(uintptr_t from, uintptr_t to)
{
    if (!sim.shared || from >= to)
        return 0;
    off_t found = lseek(sim.memory_file, (off_t)(from - sim.heap_start), SEEK_DATA);
    if (found < 0 || (uintptr_t)found >= to - sim.heap_start)
        return 0;
    return sim.heap_start + (uintptr_t)found;
}

static void report_stray_page(uintptr_t page)
{
    char where[64];
    simmem_describe(page, where, sizeof where);
    if (sim.violation_pending)
        return;
    simmem_violation("the page at %s holds data, yet the simulation never gave it out (the stage's "
                     "process made pages accessible itself)", where);
    sim.violation_pending = VIOLATION_MEMORY_NEVER_GIVEN;
}

/* A page kept zeroed (kept_pages.h) that no longer holds zeros was written while the stage
 * had no right to it. */
static int kept_and_zero(uintptr_t page)
{
    if (!kept_pages_has(&sim.kept, page))
        return 0;
    const unsigned char *bytes = (const unsigned char *)page;
    return bytes[0] == 0 && memcmp(bytes, bytes + 1, sim.page_bytes - 1) == 0;
}

/* Before memory is given: it must hold nothing yet, but for the zeros of kept pages. */
static void check_unwritten(uintptr_t start, uintptr_t end)
{
    if (!sim.shared)
        return;
    for (uintptr_t at = start; at < end;) {
        /* A kept page is read, not asked of the kernel: most given-back pages come back so. */
        uintptr_t page = kept_pages_has(&sim.kept, at) ? at : first_written_page(at, end);
        if (page == 0)
            return;
        if (!kept_and_zero(page)) {
            report_stray_page(page);
            return;
        }
        at = page + sim.page_bytes;
    }
}

int simmem_check_unwritten_outside(void)
{
    uintptr_t at = sim.accessible_end;
    while (at < sim.map_end) {
        uintptr_t page = first_written_page(at, sim.map_end);
        if (page == 0)
            return 0;
        addrmap_ref holder = page >= sim.map_start ? addrmap_containing(&sim.mappings, page) : 0;
        if (holder == 0 && page >= sim.map_start && kept_and_zero(page)) {
            at = page + sim.page_bytes;
            continue;
        }
        if (holder == 0) {
            report_stray_page(page);
            return -1;
        }
        at = addrmap_node(&sim.mappings, holder)->end;
    }
    return 0;
}

/* A call that changes no page still costs a trip into the kernel, as the real one does. */
static void enter_kernel(void)
{
    if (sim.shared)
        return; /* the checker's costs are not measured */
    if (sim.brk > sim.heap_start)
        mprotect((void *)round_down_to_page(sim.brk - 1), sim.page_bytes, PROT_READ | PROT_WRITE);
    else
        mprotect((void *)sim.heap_start, sim.page_bytes, PROT_NONE);
}

static void lay_canary(void)
{
    if (sim.checked && sim.accessible_end > sim.brk)
        memset((void *)sim.brk, CANARY_BYTE, sim.accessible_end - sim.brk);
}

uint64_t simmem_bytes_written_past_break(void)
{
    if (!sim.checked)
        return 0;
    const unsigned char *canary = (const unsigned char *)sim.brk;
    uint64_t span = sim.accessible_end - sim.brk;
    if (memcmp(canary, sim.canary_reference, span) == 0)
        return 0; /* the fast path: one memcmp per operation */
    uint64_t written = 0;
    for (uint64_t i = 0; i < span; i++)
        written += canary[i] != CANARY_BYTE;
    lay_canary();
    return written;
}

/* Move the break; the caller has checked the limit. Returns 0, or -1 when the kernel would
 * not make the pages accessible (the break then stays where it was). */
static int set_break(uintptr_t new_brk)
{
    uint64_t written = simmem_bytes_written_past_break();
    if (written != 0) {
        char where[64];
        simmem_describe(sim.brk, where, sizeof where);
        simmem_violation("wrote %llu bytes past the break (break at %s), before moving the break",
                         (unsigned long long)written, where);
    }
    uintptr_t old_brk = sim.brk, new_accessible_end = round_up_to_page(new_brk);
    if (new_accessible_end > sim.accessible_end)
        check_unwritten(sim.accessible_end, new_accessible_end);
    if (new_accessible_end > sim.accessible_end && set_pages(sim.accessible_end, new_accessible_end, 1) != 0)
        return -1;
    if (new_brk > old_brk) {
        /* What the break uncovers in its old page held the canary or old data: zero it. */
        uintptr_t zero_end = new_brk < sim.accessible_end ? new_brk : sim.accessible_end;
        if (zero_end > old_brk)
            memset((void *)old_brk, 0, zero_end - old_brk);
    } else if (new_brk < old_brk && sim.release_hook != NULL) {
        sim.release_hook(new_brk, old_brk, "moved the break down over it");
    }
    if (new_accessible_end < sim.accessible_end)
        set_pages(new_accessible_end, sim.accessible_end, 0);
    else if (new_accessible_end == sim.accessible_end)
        enter_kernel();
    sim.brk = new_brk;
    sim.accessible_end = new_accessible_end;
    lay_canary();
    note_footprint();
    return 0;
}

/* A call refused for want of memory: it still entered the kernel. */
static void refuse(void)
{
    enter_kernel();
    sim.counts.enomem++;
    errno = ENOMEM;
}

/* Can the heap end at new_brk without passing the limit or the reservation? */
static int heap_may_end_at(uintptr_t new_brk)
{
    if (new_brk < sim.heap_start || new_brk > sim.heap_reserved_end)
        return 0;
    return (uint64_t)(new_brk - sim.heap_start) + sim.mapped_bytes <= sim.limit_bytes;
}

int hm_brk(void *addr)
{
    if (sim.forwarder != NULL)
        return sim.forwarder->brk(addr);
    sim.counts.brk++;
    uintptr_t new_brk = (uintptr_t)addr;
    if (!heap_may_end_at(new_brk) || set_break(new_brk) != 0) {
        refuse();
        return -1;
    }
    return 0;
}

void *hm_sbrk(intptr_t increment)
{
    if (sim.forwarder != NULL)
        return sim.forwarder->sbrk(increment);
    if (increment == 0) {
        sim.counts.sbrk_queries++;
        return (void *)sim.brk;
    }
    sim.counts.sbrk++;
    uintptr_t old_brk = sim.brk;
    uintptr_t new_brk = old_brk + (uintptr_t)increment;
    int wrapped = increment > 0 ? new_brk < old_brk : new_brk > old_brk;
    if (wrapped || !heap_may_end_at(new_brk) || set_break(new_brk) != 0) {
        refuse();
        return (void *)-1;
    }
    return (void *)old_brk;
}

/* The first free stretch of `bytes` at or after `from` in the mapping reservation, leaving
 * a guard page after every mapping; 0 when none is left before the end. */
static uintptr_t find_room(uintptr_t from, uintptr_t bytes)
{
    uintptr_t candidate = from;
    while (candidate <= sim.map_end && sim.map_end - candidate >= bytes + sim.page_bytes) {
        addrmap_ref in_the_way =
            addrmap_first_overlap(&sim.mappings, candidate, candidate + bytes + sim.page_bytes);
        if (in_the_way == 0)
            return candidate;
        candidate = addrmap_node(&sim.mappings, in_the_way)->end + sim.page_bytes;
    }
    return 0;
}

/* Is there room for `bytes` at `at`, with a guard page on each side? */
static int room_at(uintptr_t at, uintptr_t bytes)
{
    if (at < sim.map_start || at > sim.map_end || sim.map_end - at < bytes + sim.page_bytes)
        return 0;
    uintptr_t guard_before = at > sim.map_start ? at - sim.page_bytes : at;
    return addrmap_first_overlap(&sim.mappings, guard_before, at + bytes + sim.page_bytes) == 0;
}

static void hole_push(uintptr_t start, uintptr_t pages)
{
    if (pages == 0 || pages > HOLE_MOST_PAGES || sim.hole_count[pages] == sim.hole_room)
        return; /* found again only by the search */
    sim.holes[pages][sim.hole_count[pages]++] = start;
}

/* A hole where a mapping of `bytes` fits: of that length if one is left, else the start of a
 * longer one (what is left after it, past a guard page, is a hole again); 0 when none. Holes
 * that mappings took since are passed over. */
static uintptr_t holes_take(uintptr_t bytes)
{
    uintptr_t pages = bytes / sim.page_bytes;
    for (uintptr_t length = pages; length <= HOLE_MOST_PAGES && pages > 0; length++) {
        while (sim.hole_count[length] > 0) {
            uintptr_t at = sim.holes[length][--sim.hole_count[length]];
            if (!room_at(at, bytes))
                continue; /* a mapping took it since */
            if (length > pages + 1)
                hole_push(at + (pages + 1) * sim.page_bytes, length - pages - 1);
            return at;
        }
    }
    return 0;
}

/* Give [start, end) back zeroed in place and kept (kept_pages.h) when the replay is checked,
 * the range short and the kept pages leave room: 1, or 0 when it must go back to the kernel. */
static int keep_zeroed(uintptr_t start, uintptr_t end)
{
    if (!sim.checked || end - start > KEEP_RANGE_MOST_BYTES ||
        sim.kept.kept_bytes + (end - start) > KEEP_MOST_BYTES || sim.kept.marks == NULL)
        return 0;
    /* A mapping this short was filled in when it was given (populate), so its pages all hold
     * data: zeroing them all costs no more than asking the memory file which do. (A piece of a
     * longer mapping may have pages it never touched: zeroing fills those in, which is right,
     * only slower.) */
    memset((void *)start, 0, end - start);
    kept_pages_mark(&sim.kept, start, end);
    if (!sim.shared)
        mprotect((void *)start, end - start, PROT_NONE);
    else if (sim.protect_hook != NULL)
        sim.protect_hook(start, end, 0); /* the stage program's view loses them */
    return 1;
}

void *hm_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
    if (sim.forwarder != NULL)
        return sim.forwarder->mmap(addr, length, prot, flags, fd, offset);
    (void)addr; /* a hint, as the real call may ignore it */
    sim.counts.mmap++;
    if (length == 0 || prot != (PROT_READ | PROT_WRITE) || (flags & MAP_FIXED) || fd != -1 ||
        (flags & (MAP_ANONYMOUS | MAP_PRIVATE)) != (MAP_ANONYMOUS | MAP_PRIVATE) || offset != 0) {
        simmem_violation("hm_mmap(length %zu, prot %#x, flags %#x, fd %d, offset %lld): only anonymous "
                         "private read-write mappings of a non-zero length are simulated",
                         length, (unsigned)prot, (unsigned)flags, fd, (long long)offset);
        enter_kernel();
        errno = EINVAL;
        return MAP_FAILED;
    }
    uintptr_t bytes = round_up_to_page(length);
    uintptr_t start = 0, from_hole = 0;
    if (bytes >= length && footprint() + bytes <= sim.limit_bytes && sim.mappings.count < sim.most_mappings) {
        start = from_hole = holes_take(bytes);
        if (start == 0)
            start = find_room(sim.map_cursor, bytes);
        if (start == 0)
            start = find_room(sim.map_start, bytes);
    }
    if (start != 0)
        check_unwritten(start, start + bytes);
    if (start == 0 || set_pages(start, start + bytes, 1) != 0 ||
        addrmap_insert(&sim.mappings, start, start + bytes, 0) == 0) {
        if (start != 0)
            set_pages(start, start + bytes, 0);
        refuse();
        return MAP_FAILED;
    }
    if (from_hole == 0)
        sim.map_cursor = start + bytes + sim.page_bytes;
    kept_pages_unmark(&sim.kept, start, start + bytes);
    sim.mapped_bytes += bytes;
    note_footprint();
    return (void *)start;
}

int hm_munmap(void *addr, size_t length)
{
    if (sim.forwarder != NULL)
        return sim.forwarder->munmap(addr, length);
    sim.counts.munmap++;
    uintptr_t start = (uintptr_t)addr, rounded = round_up_to_page(length);
    uintptr_t end = start + rounded;
    char where[64];
    if (length == 0 || rounded < length || start % sim.page_bytes != 0 || end < start) {
        simmem_describe(start, where, sizeof where);
        simmem_violation("hm_munmap(%s, %zu): the address must start a page and the length must "
                         "not be zero", where, length);
        enter_kernel();
        errno = EINVAL;
        return -1;
    }
    if (!addrmap_covers(&sim.mappings, start, end)) {
        simmem_describe(start, where, sizeof where);
        simmem_violation("hm_munmap(%s, %zu): that memory was never mapped, or was unmapped already",
                         where, length);
        enter_kernel();
        errno = EINVAL;
        return -1;
    }
    if (sim.release_hook != NULL)
        sim.release_hook(start, end, "unmapped it");
    addrmap_cut(&sim.mappings, start, end);
    hole_push(start, (end - start) / sim.page_bytes);
    if (!keep_zeroed(start, end))
        set_pages(start, end, 0);
    sim.mapped_bytes -= end - start;
    return 0;
}

/* The budget of live mappings: the kernel allows a process vm.max_map_count memory regions
 * (about 65,000), and each simulated mapping takes two in the process that runs the stage (the
 * mapping, and the inaccessible gap after it). A simulated mmap past the budget fails with
 * ENOMEM, as the real one does when regions run out; decided here, from the count alone, it
 * falls at the same call in every replay of a trace, whatever else each process holds. */
static uint64_t budget_given; /* simmem_set_mapping_budget */

void simmem_set_mapping_budget(uint64_t most_mappings)
{
    budget_given = most_mappings;
}

uint64_t simmem_mapping_budget(void)
{
    if (budget_given != 0)
        return budget_given;
    char text[32] = "";
    int setting = open("/proc/sys/vm/max_map_count", O_RDONLY | O_CLOEXEC);
    if (setting >= 0) {
        ssize_t got = read(setting, text, sizeof text - 1);
        text[got > 0 ? got : 0] = '\0';
        close(setting);
    }
    unsigned long long regions = strtoull(text, NULL, 10); /* no stdio stream: no malloc */
    if (regions == 0)
        regions = 65530; /* the kernel's default */
    uint64_t budget = regions > 4096 ? (regions - 4096) / 2 : 1;
    return budget < MOST_MAPPINGS ? budget : MOST_MAPPINGS;
}

/* The most ranges the mapping table can ever hold: each is a live mapping, or a piece of one
 * left by a partial munmap, at least a page long, all within the limit and the budget. The
 * table is made this big at once, so that it never grows (and never asks the kernel for
 * memory) while the stage runs; its pages are committed only as they are used. */
static uint64_t most_mapping_ranges(uint64_t limit_bytes)
{
    uint64_t most = limit_bytes / sim.page_bytes;
    /* Partial munmaps may split pieces past the budget (as with the real call): room for that. */
    if (2 * sim.most_mappings < most)
        most = 2 * sim.most_mappings;
    return most + 1; /* a partial munmap adds a piece before it removes the old one */
}

/* The reservation: private memory, or (shared) a sparse memory file of its size, mapped
 * shared; either way inaccessible until the simulation opens its pages. */
static void *reserve(uintptr_t bytes, int shared)
{
    if (!shared)
        return mmap((void *)HEAP_HINT, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    sim.shared = 1;
    sim.memory_file = memfd_create("heapkit-simulated-memory", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (sim.memory_file < 0)
        return MAP_FAILED;
    /* The file is as long as the reservation (sparse: no page is taken until written), longer
     * than the soft limit a replay child's output has; the limit is lifted for this alone. */
    struct rlimit output, lifted;
    int limited = getrlimit(RLIMIT_FSIZE, &output) == 0;
    lifted = (struct rlimit){ limited ? output.rlim_max : RLIM_INFINITY, limited ? output.rlim_max : RLIM_INFINITY };
    if (limited)
        setrlimit(RLIMIT_FSIZE, &lifted);
    int sized = ftruncate(sim.memory_file, (off_t)bytes);
    int why = errno;
    if (limited)
        setrlimit(RLIMIT_FSIZE, &output);
    errno = why;
    if (sized != 0)
        return MAP_FAILED;
    /* Sealed: no process that maps it, the stage program included, can shrink it under the
     * other (a checker reading past the end of a shrunk file would die of SIGBUS). */
    fcntl(sim.memory_file, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
    /* At the same address in the stage program, which maps it at the address it is told. */
    return mmap((void *)HEAP_HINT, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
                sim.memory_file, 0);
}

static int init_memory(uint64_t limit_bytes, int checked, int shared, char *error, size_t error_size)
{
    memset(&sim, 0, sizeof sim);
    sim.page_bytes = (uintptr_t)sysconf(_SC_PAGESIZE);
    sim.limit_bytes = limit_bytes;
    sim.checked = checked;

    /* The heap may take the whole limit, and so may the mappings; the mapping range is
     * larger so that freed holes rarely force a search. */
    uintptr_t heap_bytes = round_up_to_page(limit_bytes) + sim.page_bytes;
    uintptr_t map_bytes = 4 * round_up_to_page(limit_bytes) + 16 * sim.page_bytes;
    sim.most_mappings = simmem_mapping_budget();
    void *reserved = reserve(heap_bytes + map_bytes, shared);
    if (reserved == MAP_FAILED || addrmap_init_capacity(&sim.mappings, most_mapping_ranges(limit_bytes)) != 0) {
        snprintf(error, error_size, "cannot reserve %llu MiB of address space for simulated memory: %s",
                 (unsigned long long)((heap_bytes + map_bytes) >> 20), strerror(errno));
        if (reserved != MAP_FAILED)
            munmap(reserved, heap_bytes + map_bytes);
        return -1;
    }
    sim.heap_start = sim.brk = sim.accessible_end = (uintptr_t)reserved;
    sim.heap_reserved_end = sim.heap_start + heap_bytes - sim.page_bytes;
    sim.map_start = sim.map_cursor = sim.heap_start + heap_bytes;
    sim.map_end = sim.map_start + map_bytes;
    sim.hole_room = KEEP_MOST_BYTES / sim.page_bytes;
    int tables = kept_pages_init(&sim.kept, sim.map_start, map_bytes, sim.page_bytes) == 0;
    for (int length = 1; length <= HOLE_MOST_PAGES; length++)
        tables &= (sim.holes[length] = host_alloc(sim.hole_room * sizeof(uintptr_t))) != NULL;
    if (!tables) {
        snprintf(error, error_size, "no memory for the tables of holes and kept pages");
        return -1;
    }
    if (checked) {
        sim.canary_reference = host_alloc(sim.page_bytes);
        if (sim.canary_reference == NULL) {
            snprintf(error, error_size, "no memory for the canary page");
            return -1;
        }
        memset(sim.canary_reference, CANARY_BYTE, sim.page_bytes);
    }
    return 0;
}

int simmem_init(uint64_t limit_bytes, int checked, char *error, size_t error_size)
{
    return init_memory(limit_bytes, checked, 0, error, error_size);
}

int simmem_init_shared(uint64_t limit_bytes, char *error, size_t error_size)
{
    return init_memory(limit_bytes, 1, 1, error, error_size);
}

void simmem_on_protect(simmem_protect_hook hook)
{
    sim.protect_hook = hook;
}

void simmem_forward_to(const struct simmem_forwarder *forwarder)
{
    sim.forwarder = forwarder;
    if (sim.shared)
        close(sim.memory_file); /* the stage's process has no use for it */
    sim.shared = 0;
}

void simmem_release(void)
{
    if (sim.shared && sim.memory_file >= 0)
        close(sim.memory_file);
    if (sim.heap_start != 0)
        munmap((void *)sim.heap_start, sim.map_end - sim.heap_start);
    addrmap_release(&sim.mappings);
    kept_pages_release(&sim.kept);
    for (int length = 1; length <= HOLE_MOST_PAGES; length++)
        host_free(sim.holes[length], sim.hole_room * sizeof(uintptr_t));
    host_free(sim.canary_reference, sim.page_bytes);
    memset(&sim, 0, sizeof sim);
}

struct simmem_counts simmem_counts(void)
{
    return sim.counts;
}

uint64_t simmem_system_calls(void)
{
    return sim.counts.brk + sim.counts.sbrk + sim.counts.mmap + sim.counts.munmap;
}

struct simmem_usage simmem_usage(void)
{
    return (struct simmem_usage){
        .heap_bytes = sim.brk - sim.heap_start,
        .mapped_bytes = sim.mapped_bytes,
        .footprint_bytes = footprint(),
        .peak_footprint_bytes = sim.peak_footprint_bytes,
        .mapping_count = sim.mappings.count,
    };
}

int simmem_memory_file(void)
{
    return sim.shared ? sim.memory_file : -1;
}

uint64_t simmem_reserved_bytes(void)
{
    return sim.map_end - sim.heap_start;
}

uint64_t simmem_limit(void)
{
    return sim.limit_bytes;
}

uintptr_t simmem_heap_start(void)
{
    return sim.heap_start;
}

uintptr_t simmem_break(void)
{
    return sim.brk;
}

enum simmem_area simmem_area_of(uintptr_t address)
{
    if (address >= sim.heap_start && address < sim.brk)
        return AREA_HEAP;
    if (address >= sim.brk && address < sim.map_start && sim.heap_start != 0)
        return AREA_PAST_BREAK;
    if (address >= sim.map_start && address < sim.map_end)
        return addrmap_containing(&sim.mappings, address) ? AREA_MAPPING : AREA_UNMAPPED;
    return AREA_OUTSIDE;
}

uint64_t simmem_offset_of(uintptr_t address)
{
    if (sim.heap_start == 0)
        return address;
    return address >= sim.map_start ? address - sim.map_start : address - sim.heap_start;
}

int simmem_range_in_heap(uintptr_t start, uint64_t bytes)
{
    return start >= sim.heap_start && start <= sim.brk && bytes <= sim.brk - start;
}

int simmem_range_in_mapping(uintptr_t start, uint64_t bytes)
{
    if (start < sim.map_start || start >= sim.map_end || bytes > sim.map_end - start)
        return 0;
    return addrmap_covers(&sim.mappings, start, start + (bytes ? bytes : 1));
}

uintptr_t simmem_mapping_end(uintptr_t address)
{
    addrmap_ref holder = addrmap_containing(&sim.mappings, address);
    return holder != 0 ? addrmap_node(&sim.mappings, holder)->end : 0;
}

size_t hm_page_bytes(void)
{
    return sim.page_bytes != 0 ? sim.page_bytes : (size_t)sysconf(_SC_PAGESIZE);
}

void simmem_describe(uintptr_t address, char *out, size_t out_size)
{
    if (sim.heap_start != 0 && address >= sim.heap_start && address < sim.map_start)
        snprintf(out, out_size, "heap+0x%llx", (unsigned long long)(address - sim.heap_start));
    else if (sim.heap_start != 0 && address >= sim.map_start && address < sim.map_end)
        snprintf(out, out_size, "mmap+0x%llx", (unsigned long long)(address - sim.map_start));
    else if (address == 0)
        snprintf(out, out_size, "NULL");
    else
        snprintf(out, out_size, "0x%llx (outside the heap and mappings)", (unsigned long long)address);
}
