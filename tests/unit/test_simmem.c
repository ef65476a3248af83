/*
 * test_simmem.c: the simulated system calls, as a specification.
 *
 * Each test starts from fresh simulated memory (simmem_init) and gives it back at its end
 * (simmem_release). The calls are used as a stage uses them, through hm_brk, hm_sbrk,
 * hm_mmap and hm_munmap; what they did is read back through simmem_*. Accesses that must
 * fault are made in a fork()ed child, which must die of SIGSEGV.
 */
#include "heapmgr.h"
#include "simmem.h"
#include "unit.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

enum { KIB = 1024 };

static uintptr_t page;    /* bytes in a page */
static uintptr_t start;   /* the heap start of the current test */

/* ---- helpers ------------------------------------------------------------------------ */

static void fresh(uint64_t limit_bytes, int checked)
{
    char error[256];
    simmem_release();
    if (simmem_init(limit_bytes, checked, error, sizeof error) != 0) {
        printf("#   simmem_init: %s\n", error);
        unit_fail(__FILE__, __LINE__, "simmem_init failed");
    }
    start = simmem_heap_start();
}

static void *map(size_t length)
{
    return hm_mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/* Every byte of [address, address + bytes) is `value`. */
static int all_bytes_are(uintptr_t address, size_t bytes, unsigned char value)
{
    const unsigned char *at = (const unsigned char *)address;
    for (size_t i = 0; i < bytes; i++)
        if (at[i] != value)
            return 0;
    return 1;
}

/* The violation pending, or "" (it is taken: the next call sees none). */
static const char *violation(void)
{
    static char text[1024];
    if (!simmem_take_violation(text, sizeof text))
        text[0] = '\0';
    return text;
}

/* How a child that wrote one byte at `address` ended: the signal that killed it, or 0
 * when it lived to exit. The child resets the fault signals so that nothing (a sanitizer's
 * handler, say) turns the fault into an exit. */
static int signal_when_writing(uintptr_t address)
{
    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        struct sigaction plain = { .sa_handler = SIG_DFL };
        sigemptyset(&plain.sa_mask);
        sigaction(SIGSEGV, &plain, NULL);
        sigaction(SIGBUS, &plain, NULL);
        alarm(10);
        *(volatile unsigned char *)address = 0x5a;
        _exit(0);
    }
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child)
        return -1;
    return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

/* ---- sbrk and brk ------------------------------------------------------------------- */

static void test_sbrk_zero_reads_the_break_and_is_no_system_call(void)
{
    fresh(64 * KIB, 0);
    expect((uintptr_t)hm_sbrk(0) == start);
    expect((uintptr_t)hm_sbrk(0) == start);
    struct simmem_counts counts = simmem_counts();
    expect(counts.sbrk_queries == 2);
    expect(counts.sbrk == 0);
    expect(simmem_system_calls() == 0);
    expect(simmem_usage().footprint_bytes == 0);
}

static void test_sbrk_returns_the_old_break(void)
{
    fresh(64 * KIB, 0);
    expect((uintptr_t)hm_sbrk(100) == start);
    expect((uintptr_t)hm_sbrk(28) == start + 100);
    expect(simmem_break() == start + 128);
    expect((uintptr_t)hm_sbrk(-28) == start + 128);
    expect(simmem_break() == start + 100);
    expect(simmem_usage().heap_bytes == 100);
    memset((void *)start, 0x11, 100); /* the heap is the caller's */
    expect(simmem_counts().sbrk == 3);
}

static void test_brk_sets_the_break(void)
{
    fresh(64 * KIB, 0);
    expect(hm_brk((void *)(start + 5000)) == 0);
    expect(simmem_break() == start + 5000);
    expect((uintptr_t)hm_sbrk(0) == start + 5000);
    expect(hm_brk((void *)start) == 0);
    expect(simmem_break() == start);
    expect(simmem_counts().brk == 2);
}

static void test_brk_below_the_heap_start_fails(void)
{
    fresh(64 * KIB, 0);
    hm_sbrk(64);
    errno = 0;
    expect(hm_brk((void *)(start - 1)) == -1);
    expect(errno == ENOMEM);
    errno = 0;
    expect(hm_sbrk(-65) == (void *)-1);
    expect(errno == ENOMEM);
    expect(simmem_break() == start + 64);
    expect(simmem_counts().enomem == 2);
}

static void test_brk_and_sbrk_stop_at_the_limit(void)
{
    fresh(64 * KIB, 0);
    expect(hm_brk((void *)(start + 64 * KIB)) == 0); /* exactly the limit fits */
    errno = 0;
    expect(hm_brk((void *)(start + 64 * KIB + 1)) == -1);
    expect(errno == ENOMEM);
    errno = 0;
    expect(hm_sbrk(1) == (void *)-1);
    expect(errno == ENOMEM);
    expect(simmem_break() == start + 64 * KIB);
    expect(hm_brk((void *)start) == 0);
    errno = 0;
    expect(hm_sbrk(64 * KIB + 1) == (void *)-1);
    expect(errno == ENOMEM);
    expect((uintptr_t)hm_sbrk(64 * KIB) == start);
    expect(simmem_counts().enomem == 3);
    expect(simmem_limit() == 64 * KIB);
}

static void test_sbrk_that_wraps_fails(void)
{
    fresh(64 * KIB, 0);
    hm_sbrk(64);
    errno = 0;
    expect(hm_sbrk(INTPTR_MAX) == (void *)-1);
    expect(errno == ENOMEM);
    errno = 0;
    expect(hm_sbrk(INTPTR_MIN) == (void *)-1);
    expect(errno == ENOMEM);
    errno = 0;
    expect(hm_brk((void *)UINTPTR_MAX) == -1);
    expect(errno == ENOMEM);
    expect(simmem_break() == start + 64);
}

/* ---- mmap and munmap ---------------------------------------------------------------- */

static void test_mmap_gives_zeroed_pages_apart_from_the_heap(void)
{
    fresh(1024 * KIB, 0);
    hm_sbrk(100);
    uintptr_t first = (uintptr_t)map(5000);
    expect(first != (uintptr_t)MAP_FAILED);
    if (first == (uintptr_t)MAP_FAILED)
        return;
    expect(first % page == 0);
    expect(all_bytes_are(first, 2 * page, 0));
    memset((void *)first, 0x22, 2 * page); /* the whole last page is the caller's too */
    expect(simmem_area_of(first) == AREA_MAPPING);
    expect(simmem_range_in_mapping(first, 2 * page));
    expect(!simmem_range_in_mapping(first, 2 * page + 1));
    expect(!simmem_range_in_heap(first, 1));
    expect(simmem_usage().mapped_bytes == 2 * page);
    expect(simmem_usage().mapping_count == 1);

    /* The next mapping leaves a guard page, so running off the first one faults. */
    uintptr_t second = (uintptr_t)map(1);
    expect(second >= first + 3 * page || second + 2 * page <= first);
    expect(simmem_area_of(first + 2 * page) == AREA_UNMAPPED);
    expect(signal_when_writing(first + 2 * page) == SIGSEGV);
    expect(simmem_usage().mapped_bytes == 3 * page);
    expect(simmem_counts().mmap == 2);
}

static void test_mmap_stops_at_the_limit(void)
{
    fresh(64 * KIB, 0);
    hm_sbrk(32 * KIB);
    errno = 0;
    expect(map(32 * KIB + 1) == MAP_FAILED); /* page-rounded, it passes the limit */
    expect(errno == ENOMEM);
    void *fits = map(32 * KIB);
    expect(fits != MAP_FAILED);
    errno = 0;
    expect(map(1) == MAP_FAILED);
    expect(errno == ENOMEM);
    errno = 0;
    expect(hm_sbrk(1) == (void *)-1); /* the mappings count against the heap too */
    expect(errno == ENOMEM);
    errno = 0;
    expect(map(SIZE_MAX) == MAP_FAILED); /* rounding it up to a page would wrap */
    expect(errno == ENOMEM);
    expect(simmem_counts().enomem == 4);
    expect(simmem_counts().mmap == 4);
    expect(simmem_usage().footprint_bytes == 64 * KIB);
}

/* The budget of mappings (from the kernel's limit on regions, vm.max_map_count) ends the
 * mappings before the memory limit does: hm_mmap then fails with ENOMEM, as mmap does, and
 * every mapping it gave stays usable. */
static void test_mmap_fails_cleanly_past_the_budget_of_mappings(void)
{
    fresh((uint64_t)1 << 30, 0);
    enum { MOST = 200000 };
    static unsigned char *mapped[MOST];
    int count = 0;
    errno = 0;
    for (; count < MOST; count++) {
        void *one = map(1);
        if (one == MAP_FAILED)
            break;
        mapped[count] = one;
    }
    expect(count < MOST && errno == ENOMEM); /* 1 GiB would hold 262,144 pages */
    expect(simmem_counts().enomem == 1);
    expect(simmem_usage().mapped_bytes == (uint64_t)count * page);
    for (int i = 0; i < count; i++)
        mapped[i][0] = 1; /* a page left inaccessible would kill the test here */
    for (int i = 0; i < count; i++)
        hm_munmap(mapped[i], 1);
    expect(simmem_usage().mapped_bytes == 0);
}

/* A budget given (as a stage program is given the runner's) falls at exactly that call: the
 * checked and timed replays of a trace then agree wherever each runs. */
static void test_budget_of_mappings_given(void)
{
    simmem_set_mapping_budget(100);
    fresh((uint64_t)1 << 30, 0);
    int count = 0;
    while (count < 1000 && map(1) != MAP_FAILED)
        count++;
    expect(count == 100);
    expect(simmem_counts().enomem == 1);
    simmem_set_mapping_budget(0); /* back to the kernel's */
}

static void test_mmap_refuses_other_arguments(void)
{
    fresh(1024 * KIB, 0);
    int rw = PROT_READ | PROT_WRITE, anonymous = MAP_PRIVATE | MAP_ANONYMOUS;
    struct { const char *what; size_t length; int prot, flags, fd; off_t offset; } bad[] = {
        { "a zero length", 0, rw, anonymous, -1, 0 },
        { "read-only", page, PROT_READ, anonymous, -1, 0 },
        { "executable", page, rw | PROT_EXEC, anonymous, -1, 0 },
        { "shared", page, rw, MAP_SHARED | MAP_ANONYMOUS, -1, 0 },
        { "not anonymous", page, rw, MAP_PRIVATE, -1, 0 },
        { "fixed", page, rw, anonymous | MAP_FIXED, -1, 0 },
        { "an offset", page, rw, anonymous, -1, (off_t)page },
        { "a file descriptor", page, rw, anonymous, 0, 0 },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        errno = 0;
        void *result = hm_mmap(NULL, bad[i].length, bad[i].prot, bad[i].flags, bad[i].fd, bad[i].offset);
        const char *text = violation();
        if (result != MAP_FAILED || errno != EINVAL ||
            strstr(text, "only anonymous private read-write mappings") == NULL) {
            printf("#   hm_mmap with %s: result %p, errno %d, violation \"%s\"\n", bad[i].what, result,
                   errno, text);
            unit_fail(__FILE__, __LINE__, "expected MAP_FAILED, EINVAL and a violation");
        }
    }
    expect(simmem_usage().mapping_count == 0);
    expect(simmem_counts().enomem == 0);
}

static void test_munmap_of_a_mapping_head_tail_and_middle(void)
{
    fresh(1024 * KIB, 0);
    uintptr_t m = (uintptr_t)map(5 * page);
    memset((void *)m, 0x33, 5 * page);

    expect(hm_munmap((void *)m, page) == 0); /* the head */
    expect(simmem_area_of(m) == AREA_UNMAPPED);
    expect(signal_when_writing(m) == SIGSEGV);
    expect(simmem_usage().mapped_bytes == 4 * page);

    expect(hm_munmap((void *)(m + 4 * page), 1) == 0); /* the tail, the length page-rounded */
    expect(simmem_area_of(m + 4 * page) == AREA_UNMAPPED);
    expect(simmem_usage().mapped_bytes == 3 * page);
    expect(simmem_usage().mapping_count == 1);

    expect(hm_munmap((void *)(m + 2 * page), page) == 0); /* the middle: two pieces remain */
    expect(simmem_usage().mapping_count == 2);
    expect(simmem_usage().mapped_bytes == 2 * page);
    expect(simmem_range_in_mapping(m + page, page));
    expect(simmem_range_in_mapping(m + 3 * page, page));
    expect(!simmem_range_in_mapping(m + page, 2 * page));
    expect(signal_when_writing(m + 2 * page) == SIGSEGV);
    expect(all_bytes_are(m + page, page, 0x33) && all_bytes_are(m + 3 * page, page, 0x33));

    expect(hm_munmap((void *)(m + page), page) == 0);
    expect(hm_munmap((void *)(m + 3 * page), page) == 0);
    expect(simmem_usage().mapping_count == 0 && simmem_usage().mapped_bytes == 0);
    expect(simmem_counts().munmap == 5);
    expect(violation()[0] == '\0');
}

static void test_munmap_across_two_mappings_fails(void)
{
    fresh(1024 * KIB, 0);
    uintptr_t a = (uintptr_t)map(page), b = (uintptr_t)map(page);
    uintptr_t low = a < b ? a : b, high = a < b ? b : a;
    /* Between them lies a guard page that was never mapped: nothing is unmapped. */
    errno = 0;
    expect(hm_munmap((void *)low, high + page - low) == -1);
    expect(errno == EINVAL);
    expect_text(violation(), "never mapped");
    expect(simmem_usage().mapping_count == 2);
    expect(simmem_range_in_mapping(low, page) && simmem_range_in_mapping(high, page));
    memset((void *)low, 1, page);
    memset((void *)high, 1, page);
}

static void test_munmap_of_memory_never_mapped(void)
{
    fresh(1024 * KIB, 0);
    hm_sbrk((intptr_t)page);
    uintptr_t m = (uintptr_t)map(page);
    struct { const char *what; uintptr_t address; size_t length; const char *says; } bad[] = {
        { "the heap", start, page, "never mapped" },
        { "the guard page after a mapping", m + page, page, "never mapped" },
        { "a mapping and the page after it", m, 2 * page, "never mapped" },
        { "an address that starts no page", m + 16, 16, "must start a page" },
        { "a zero length", m, 0, "must start a page" },
        { "a length that wraps", m, SIZE_MAX - page, "must start a page" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        errno = 0;
        int result = hm_munmap((void *)bad[i].address, bad[i].length);
        const char *text = violation();
        if (result != -1 || errno != EINVAL || strstr(text, bad[i].says) == NULL) {
            printf("#   hm_munmap of %s: result %d, errno %d, violation \"%s\"\n", bad[i].what, result,
                   errno, text);
            unit_fail(__FILE__, __LINE__, "expected -1, EINVAL and a violation");
        }
    }
    expect(simmem_usage().mapping_count == 1);
    expect(hm_munmap((void *)m, page) == 0);
    errno = 0;
    expect(hm_munmap((void *)m, page) == -1); /* twice */
    expect(errno == EINVAL);
    expect_text(violation(), "unmapped already");
    expect(violation()[0] == '\0'); /* taken once */
}

/* A length so large that rounding it up to a page wraps to 0 must fail like any bad length;
 * the call runs in a child, so that a call that never returns fails the test, not the run. */
static void test_munmap_with_a_length_near_size_max_returns(void)
{
    fresh(1024 * KIB, 0);
    uintptr_t m = (uintptr_t)map(page);
    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        alarm(2);
        errno = 0;
        int result = hm_munmap((void *)m, SIZE_MAX);
        _exit(result == -1 && errno == EINVAL && simmem_usage().mapping_count == 1 ? 0 : 1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        unit_fail(__FILE__, __LINE__, "hm_munmap(mapping, SIZE_MAX) did not return within 2 s");
    else
        expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* ---- what the calls count and measure ----------------------------------------------- */

static void test_counts_of_each_call(void)
{
    fresh(1024 * KIB, 0);
    hm_sbrk(0);
    hm_sbrk(100);
    hm_sbrk(-50);
    hm_sbrk(INTPTR_MAX); /* a failed call still counts */
    hm_brk((void *)(start + 10));
    void *m = map(10);
    hm_munmap(m, 10);
    hm_munmap(m, 10); /* a refused call too */
    violation();
    struct simmem_counts c = simmem_counts();
    expect(c.sbrk_queries == 1);
    expect(c.sbrk == 3);
    expect(c.brk == 1);
    expect(c.mmap == 1);
    expect(c.munmap == 2);
    expect(c.enomem == 1);
    expect(simmem_system_calls() == 7);
}

static void test_footprint_and_its_peak(void)
{
    fresh(1024 * KIB, 0);
    hm_sbrk(10000);
    void *m = map(5000); /* two pages */
    struct simmem_usage u = simmem_usage();
    expect(u.heap_bytes == 10000);
    expect(u.mapped_bytes == 2 * page);
    expect(u.footprint_bytes == 10000 + 2 * page);
    expect(u.peak_footprint_bytes == 10000 + 2 * page);
    hm_munmap(m, 5000);
    hm_sbrk(-9000);
    u = simmem_usage();
    expect(u.footprint_bytes == 1000);
    expect(u.peak_footprint_bytes == 10000 + 2 * page);
    hm_sbrk(20000);
    expect(simmem_usage().peak_footprint_bytes == 21000);
    map(1);
    expect(simmem_usage().peak_footprint_bytes == 21000 + page);
    expect(simmem_usage().mapping_count == 1);
}

/* ---- memory the calls hand out reads as zero ---------------------------------------- */

static void test_heap_reads_zero_after_moving_down_and_up(int checked)
{
    fresh(1024 * KIB, checked);
    hm_sbrk((intptr_t)(3 * page));
    memset((void *)start, 0xff, 3 * page);
    hm_sbrk(-(intptr_t)(2 * page + 100)); /* within the first page, and whole pages */
    hm_sbrk((intptr_t)(2 * page + 100));
    expect(all_bytes_are(start, page - 100, 0xff));
    expect(all_bytes_are(start + page - 100, 2 * page + 100, 0));
    hm_brk((void *)(start + 10));
    hm_brk((void *)(start + 3 * page));
    expect(all_bytes_are(start, 10, 0xff));
    expect(all_bytes_are(start + 10, 3 * page - 10, 0));
}

static void test_heap_reads_zero_unchecked(void)
{
    test_heap_reads_zero_after_moving_down_and_up(0);
}

static void test_heap_reads_zero_checked(void)
{
    test_heap_reads_zero_after_moving_down_and_up(1);
}

static void test_mapping_reads_zero_after_munmap_and_mmap(void)
{
    fresh(4 * page, 0); /* a small mapping area, so its pages are soon used again */
    uintptr_t seen[64];
    int reused = 0;
    for (int i = 0; i < 64; i++) {
        seen[i] = (uintptr_t)map(4 * page);
        expect(seen[i] != (uintptr_t)MAP_FAILED);
        if (seen[i] == (uintptr_t)MAP_FAILED)
            return;
        for (int j = 0; j < i; j++)
            reused |= seen[j] == seen[i];
        if (!all_bytes_are(seen[i], 4 * page, 0)) {
            unit_fail(__FILE__, __LINE__, "a new mapping holds old bytes");
            return;
        }
        memset((void *)seen[i], 0x44, 4 * page);
        expect(hm_munmap((void *)seen[i], 4 * page) == 0);
    }
    expect(reused); /* else the test proved nothing */
}

/* ---- the break's page: the canary, and faults beyond it ----------------------------- */

static void test_write_past_the_break_is_counted_in_checked_mode(void)
{
    fresh(1024 * KIB, 1);
    hm_sbrk(100);
    expect(simmem_bytes_written_past_break() == 0);
    memset((void *)(start + 100), 0x01, 3);
    ((unsigned char *)start)[page - 1] = 0x02; /* the last byte of the break's page */
    expect(simmem_bytes_written_past_break() == 4);
    expect(simmem_bytes_written_past_break() == 0); /* counted once: the canary is laid again */

    /* Moving the break finds a write too, and reports it as a violation. */
    ((unsigned char *)start)[100] = 0x03;
    hm_sbrk(16);
    expect_text(violation(), "wrote 1 bytes past the break (break at heap+0x64)");
    expect(all_bytes_are(start + 100, 16, 0)); /* what the break uncovers is zero */
    expect(simmem_bytes_written_past_break() == 0);
}

static void test_write_past_the_break_is_not_counted_unchecked(void)
{
    fresh(1024 * KIB, 0);
    hm_sbrk(100);
    memset((void *)(start + 100), 0x01, 3);
    expect(simmem_bytes_written_past_break() == 0);
    hm_sbrk(16);
    expect(violation()[0] == '\0');
    expect(all_bytes_are(start + 100, 16, 0));
}

static void test_touching_the_page_past_the_break_faults(void)
{
    fresh(1024 * KIB, 1);
    expect(signal_when_writing(start) == SIGSEGV); /* an empty heap */
    hm_sbrk(100);
    expect(signal_when_writing(start + 99) == 0);
    expect(signal_when_writing(start + page - 1) == 0); /* the break's own page: no fault */
    expect(signal_when_writing(start + page) == SIGSEGV);
    expect(simmem_area_of(start + page) == AREA_PAST_BREAK);
    hm_sbrk((intptr_t)(3 * page));
    hm_sbrk(-(intptr_t)(3 * page));
    expect(signal_when_writing(start + 2 * page) == SIGSEGV); /* given back: faults again */
}

/* ---- where addresses lie, and how they are named ------------------------------------ */

static void test_areas_and_offsets(void)
{
    fresh(1024 * KIB, 0);
    hm_sbrk(0x100);
    uintptr_t m = (uintptr_t)map(page);
    expect(simmem_area_of(start) == AREA_HEAP);
    expect(simmem_area_of(start + 0xff) == AREA_HEAP);
    expect(simmem_area_of(start + 0x100) == AREA_PAST_BREAK);
    expect(simmem_area_of(m + 10) == AREA_MAPPING);
    expect(simmem_area_of(m + page) == AREA_UNMAPPED);
    expect(simmem_area_of(0) == AREA_OUTSIDE);
    expect(simmem_area_of((uintptr_t)&page) == AREA_OUTSIDE);
    expect(simmem_offset_of(start + 0x40) == 0x40);
    expect(simmem_offset_of(start + 0x4000) == 0x4000);
    expect(simmem_range_in_heap(start, 0x100));
    expect(simmem_range_in_heap(start + 0x100, 0)); /* empty, at the break */
    expect(!simmem_range_in_heap(start + 0xf0, 0x11));
    expect(!simmem_range_in_heap(start + 0x10, UINT64_MAX));
    expect(!simmem_range_in_heap(start - 16, 16));
}

static void test_describe(void)
{
    fresh(1024 * KIB, 0);
    hm_sbrk(0x100);
    uintptr_t m = (uintptr_t)map(3 * page);
    char text[128];
    simmem_describe(start + 0x40, text, sizeof text);
    expect(strcmp(text, "heap+0x40") == 0);
    simmem_describe(start + 0x1040, text, sizeof text); /* past the break: still heap+ */
    expect(strcmp(text, "heap+0x1040") == 0);
    simmem_describe(m + 2 * page + 0x10, text, sizeof text);
    char wanted[64];
    snprintf(wanted, sizeof wanted, "mmap+%#llx",
             (unsigned long long)(simmem_offset_of(m) + 2 * page + 0x10));
    expect(strcmp(text, wanted) == 0);
    expect_text(text, "mmap+0x");
    simmem_describe(0, text, sizeof text);
    expect(strcmp(text, "NULL") == 0);
    simmem_describe(0x1234, text, sizeof text);
    expect(strcmp(text, "0x1234 (outside the heap and mappings)") == 0);
    simmem_describe(start + 0x40, text, 6); /* cut short, still a string */
    expect(strcmp(text, "heap+") == 0);
}

/* What the release hook was last called with. */
static struct { uintptr_t start, end; char how[64]; int calls; } released;

static void note_release(uintptr_t from, uintptr_t to, const char *how)
{
    released.start = from;
    released.end = to;
    snprintf(released.how, sizeof released.how, "%s", how);
    released.calls++;
}

static void test_release_hook_sees_what_is_given_back(void)
{
    fresh(1024 * KIB, 1);
    memset(&released, 0, sizeof released);
    simmem_on_release(note_release);
    hm_sbrk(0x300);
    expect(released.calls == 0);
    hm_sbrk(-0x100);
    expect(released.calls == 1 && released.start == start + 0x200 && released.end == start + 0x300);
    expect(strcmp(released.how, "moved the break down over it") == 0);
    uintptr_t m = (uintptr_t)map(3 * page);
    hm_munmap((void *)(m + page), 10);
    expect(released.calls == 2 && released.start == m + page && released.end == m + 2 * page);
    expect(strcmp(released.how, "unmapped it") == 0);
    hm_munmap((void *)(m + page), page); /* refused: nothing is given back */
    expect(released.calls == 2);
    violation();
    simmem_on_release(NULL);
    hm_sbrk(-0x100);
    expect(released.calls == 2);
}

static void test_release_and_init_again_start_afresh(void)
{
    fresh(1024 * KIB, 0);
    hm_sbrk(100);
    map(1);
    hm_munmap((void *)start, 1);
    fresh(2048 * KIB, 1);
    expect(simmem_break() == start);
    expect(simmem_limit() == 2048 * KIB);
    expect(simmem_system_calls() == 0 && simmem_counts().sbrk_queries == 0);
    struct simmem_usage u = simmem_usage();
    expect(u.footprint_bytes == 0 && u.peak_footprint_bytes == 0 && u.mapping_count == 0);
    expect(violation()[0] == '\0');
}

/* ---- shared memory (the checked replay with the stage apart) ---------------------------- */

static void fresh_shared(uint64_t limit_bytes)
{
    char error[256];
    simmem_release();
    if (simmem_init_shared(limit_bytes, error, sizeof error) != 0) {
        printf("#   simmem_init_shared: %s\n", error);
        unit_fail(__FILE__, __LINE__, "simmem_init_shared failed");
    }
    start = simmem_heap_start();
}

/* What a child process (the stage's) writes there is what this process reads. */
static void test_shared_memory_is_seen_by_both_processes(void)
{
    fresh_shared(1024 * KIB);
    unsigned char *heap = hm_sbrk((intptr_t)page);
    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        heap[10] = 0x5a;
        _exit(0);
    }
    waitpid(child, NULL, 0);
    expect(heap[10] == 0x5a);
}

/* Pages given back are punched out of the file: they read zero when given again, and are no
 * stray data. */
static void test_shared_pages_given_back_are_dropped(void)
{
    fresh_shared(1024 * KIB);
    unsigned char *heap = hm_sbrk((intptr_t)(4 * page));
    memset(heap, 0x77, 4 * page);
    hm_sbrk(-(intptr_t)(3 * page));
    expect(simmem_check_unwritten_outside() == 0);
    expect(violation()[0] == '\0');
    hm_sbrk((intptr_t)(3 * page));
    expect(all_bytes_are(start + page, 3 * page, 0));
    unsigned char *mapping = map(2 * page);
    memset(mapping, 0x11, 2 * page);
    hm_munmap(mapping, 2 * page);
    expect(simmem_check_unwritten_outside() == 0);
    expect(violation()[0] == '\0');
}

/* A page written that the simulation never gave out is found: at the end, and before it is
 * given out. */
static void test_shared_memory_never_given_is_found(void)
{
    fresh_shared(1024 * KIB);
    hm_sbrk((intptr_t)page);
    uintptr_t stray = start + 8 * page;
    expect(mprotect((void *)stray, page, PROT_READ | PROT_WRITE) == 0);
    *(volatile char *)stray = 1;
    expect(simmem_check_unwritten_outside() == -1);
    char text[1024];
    expect(simmem_take_violation(text, sizeof text) == VIOLATION_MEMORY_NEVER_GIVEN);
    expect(strstr(text, "the page at heap+0x8000 holds data") != NULL || page != 4096);

    hm_sbrk((intptr_t)(16 * page)); /* gives that page out */
    expect(simmem_take_violation(text, sizeof text) == VIOLATION_MEMORY_NEVER_GIVEN);
}

/* A short mapping given back is zeroed in place and kept (kept_pages.h): the next mapping of
 * its length takes it, and reads zero, privately and shared. */
static void test_short_mapping_given_back_comes_back_zeroed(void)
{
    for (int shared = 0; shared <= 1; shared++) {
        if (shared)
            fresh_shared(1024 * KIB);
        else
            fresh(1024 * KIB, 1);
        unsigned char *first = map(2 * page);
        memset(first, 0x5a, 2 * page);
        expect(hm_munmap(first, 2 * page) == 0);
        unsigned char *again = map(2 * page);
        expect(again == first);
        expect(all_bytes_are((uintptr_t)again, 2 * page, 0));
        expect(simmem_usage().footprint_bytes == 2 * page);
        expect(violation()[0] == '\0');
        expect(simmem_check_unwritten_outside() == 0);
    }
}

/* Shared: a kept page that the stage's process writes while it is not given (it made the page
 * accessible itself) is found, at the end and when the page is given out again. */
static void test_shared_kept_page_written_is_found(void)
{
    fresh_shared(1024 * KIB);
    unsigned char *mapping = map(page);
    memset(mapping, 0x33, page);
    hm_munmap(mapping, page);
    expect(simmem_check_unwritten_outside() == 0);
    expect(mprotect(mapping, page, PROT_READ | PROT_WRITE) == 0);
    mapping[100] = 1;
    expect(simmem_check_unwritten_outside() == -1);
    char text[1024];
    expect(simmem_take_violation(text, sizeof text) == VIOLATION_MEMORY_NEVER_GIVEN);
    expect(map(page) == mapping); /* gives that page out */
    expect(simmem_take_violation(text, sizeof text) == VIOLATION_MEMORY_NEVER_GIVEN);
}

/* The hole that a partial munmap leaves right after a mapping is not taken without a guard
 * page between them. */
static void test_kept_hole_keeps_the_guard_page(void)
{
    fresh(1024 * KIB, 1);
    unsigned char *mapping = map(3 * page);
    expect(hm_munmap(mapping + 2 * page, page) == 0);
    unsigned char *next = map(page);
    expect(next != (unsigned char *)MAP_FAILED);
    expect(next != mapping + 2 * page);
    expect(violation()[0] == '\0');
}

/* The addresses a stage gets do not depend on how the replay runs: checked (pages kept, in
 * private or shared memory) or timed (pages given back to the kernel). A timed replay's
 * results must be the checked replay's. */
static void test_every_replay_gets_the_same_addresses(void)
{
    enum { CALLS = 400, LIVE = 24 };
    uintptr_t seen[3][CALLS];
    for (int mode = 0; mode < 3; mode++) {
        if (mode == 2)
            fresh_shared(64 * 1024 * KIB);
        else
            fresh(64 * 1024 * KIB, mode); /* 0: timed, 1: checked */
        unsigned char *live[LIVE] = { 0 };
        size_t live_bytes[LIVE] = { 0 };
        uint64_t state = 12345;
        for (int call = 0; call < CALLS; call++) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            int slot = (int)(state >> 33) % LIVE;
            if (live[slot] != NULL) {
                hm_munmap(live[slot], live_bytes[slot]);
                live[slot] = NULL;
            }
            live_bytes[slot] = (size_t)((state >> 40) % (20 * page)) + 1; /* past 16 pages too */
            live[slot] = map(live_bytes[slot]);
            expect(live[slot] != (unsigned char *)MAP_FAILED);
            memset(live[slot], 0x3c, live_bytes[slot]);
            seen[mode][call] = (uintptr_t)live[slot] - simmem_heap_start();
        }
        expect(violation()[0] == '\0');
    }
    for (int call = 0; call < CALLS; call++) {
        expect(seen[1][call] == seen[0][call]);
        expect(seen[2][call] == seen[0][call]);
    }
}

int main(void)
{
    page = (uintptr_t)sysconf(_SC_PAGESIZE);
    RUN(test_sbrk_zero_reads_the_break_and_is_no_system_call);
    RUN(test_sbrk_returns_the_old_break);
    RUN(test_brk_sets_the_break);
    RUN(test_brk_below_the_heap_start_fails);
    RUN(test_brk_and_sbrk_stop_at_the_limit);
    RUN(test_sbrk_that_wraps_fails);
    RUN(test_mmap_gives_zeroed_pages_apart_from_the_heap);
    RUN(test_mmap_stops_at_the_limit);
    RUN(test_mmap_refuses_other_arguments);
    RUN(test_munmap_of_a_mapping_head_tail_and_middle);
    RUN(test_munmap_across_two_mappings_fails);
    RUN(test_munmap_of_memory_never_mapped);
    RUN(test_munmap_with_a_length_near_size_max_returns);
    RUN(test_counts_of_each_call);
    RUN(test_footprint_and_its_peak);
    RUN(test_heap_reads_zero_unchecked);
    RUN(test_heap_reads_zero_checked);
    RUN(test_mapping_reads_zero_after_munmap_and_mmap);
    RUN(test_write_past_the_break_is_counted_in_checked_mode);
    RUN(test_write_past_the_break_is_not_counted_unchecked);
    RUN(test_touching_the_page_past_the_break_faults);
    RUN(test_areas_and_offsets);
    RUN(test_mmap_fails_cleanly_past_the_budget_of_mappings);
    RUN(test_budget_of_mappings_given);
    RUN(test_describe);
    RUN(test_release_hook_sees_what_is_given_back);
    RUN(test_release_and_init_again_start_afresh);
    RUN(test_shared_memory_is_seen_by_both_processes);
    RUN(test_shared_pages_given_back_are_dropped);
    RUN(test_shared_memory_never_given_is_found);
    RUN(test_short_mapping_given_back_comes_back_zeroed);
    RUN(test_shared_kept_page_written_is_found);
    RUN(test_kept_hole_keeps_the_guard_page);
    RUN(test_every_replay_gets_the_same_addresses);
    simmem_release();
    return unit_exit_status();
}
