/*
 * entry_points.c: every allocation function of the C library, once or more, with the results a
 * correct malloc gives checked here and only their verdicts printed, so that the output is the
 * same on the C library's malloc and on any correct stage (tests/jobs/run.sh compares them).
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;

/* Hidden from the compiler, which would refuse a call it sees overflow. */
static volatile size_t half_of_everything = SIZE_MAX / 2;
/* Where a result goes that the compiler must not reason about (clang drops a calloc whose block
 * is only compared and freed, and takes it to succeed). */
static void *volatile escaped;

/* errno set and read where the code says: clang takes the allocation functions to leave errno
 * alone, and would move the store past them and read the value it stored. */
static void errno_clear(void)
{
    *(volatile int *)&errno = 0;
}

static int errno_now(void)
{
    return *(volatile int *)&errno;
}

static void expect(int condition, const char *what)
{
    printf("%s %s\n", condition ? "ok" : "FAILED", what);
    failures += !condition;
}

/* Fill a block with a pattern of its own, and check it is still there. */
static void fill(unsigned char *block, size_t bytes, unsigned seed)
{
    for (size_t i = 0; i < bytes; i++)
        block[i] = (unsigned char)(seed * 31 + i * 7);
}

static int holds(const unsigned char *block, size_t bytes, unsigned seed)
{
    for (size_t i = 0; i < bytes; i++)
        if (block[i] != (unsigned char)(seed * 31 + i * 7))
            return 0;
    return 1;
}

static int is_zero(const unsigned char *block, size_t bytes)
{
    for (size_t i = 0; i < bytes; i++)
        if (block[i] != 0)
            return 0;
    return 1;
}

static int aligned_to(const void *pointer, size_t alignment)
{
    return (uintptr_t)pointer % alignment == 0;
}

/* A block that must be there: the program stops when it is not (nothing else is worth testing). */
static void *must(void *block)
{
    if (block == NULL) {
        printf("FAILED: out of memory\n");
        exit(1);
    }
    return block;
}

int main(void)
{
    size_t page_bytes = (size_t)sysconf(_SC_PAGESIZE);

    unsigned char *a = must(malloc(100));
    fill(a, 100, 1);
    expect(aligned_to(a, 16) && holds(a, 100, 1), "malloc(100): 16-byte aligned, holds its bytes");
    void *zero = malloc(0); // NOLINT(clang-analyzer-optin.portability.UnixAPI): malloc(0) is a case tested
    expect(zero == NULL || aligned_to(zero, 16), "malloc(0): NULL or a block of its own");
    free(zero);
    free(NULL);
    expect(1, "free(NULL)");

    unsigned char *c = must(calloc(250, 4));
    expect(is_zero(c, 1000), "calloc(250, 4): zeroed");
    errno_clear();
    escaped = calloc(half_of_everything, 3);
    expect(escaped == NULL && errno_now() == ENOMEM, "calloc overflowing size_t: NULL, ENOMEM");
    free(escaped);

    unsigned char *r = must(realloc(a, 5000));
    expect(holds(r, 100, 1), "realloc(100 -> 5000): keeps the first 100 bytes");
    fill(r, 5000, 2);
    r = must(realloc(r, 40));
    expect(holds(r, 40, 2), "realloc(5000 -> 40): keeps the first 40 bytes");
    unsigned char *fresh = must(realloc(NULL, 64));
    expect(aligned_to(fresh, 16), "realloc(NULL, 64) is malloc");
    free(fresh);

    unsigned char *array = must(reallocarray(NULL, 10, 30));
    fill(array, 300, 3);
    array = must(reallocarray(array, 100, 30));
    expect(holds(array, 300, 3), "reallocarray(10 x 30 -> 100 x 30): keeps its bytes");
    errno_clear();
    unsigned char *grown = reallocarray(array, half_of_everything, 3);
    expect(grown == NULL && errno_now() == ENOMEM, "reallocarray overflowing size_t: NULL, ENOMEM");
    if (grown == NULL) {
        expect(holds(array, 300, 3), "the block left alone holds its bytes");
        free(array);
    } else {
        free(grown);
    }

    void *p = NULL;
    expect(posix_memalign(&p, 64, 200) == 0 && aligned_to(p, 64), "posix_memalign(64, 200): 64-byte aligned");
    fill(must(p), 200, 4);
    expect(posix_memalign(&p, 24, 8) == EINVAL, "posix_memalign(24, ...): EINVAL");
    unsigned char *q = must(aligned_alloc(256, 512));
    expect(aligned_to(q, 256), "aligned_alloc(256, 512): 256-byte aligned");
    fill(q, 512, 5);
    unsigned char *m = must(memalign(4096, 10000));
    expect(aligned_to(m, 4096), "memalign(4096, 10000): page aligned");
    fill(m, 10000, 6);
    unsigned char *v = must(valloc(3000));
    expect(aligned_to(v, page_bytes), "valloc(3000): page aligned");
    fill(v, 3000, 7);
    unsigned char *pv = must(pvalloc(page_bytes + 1));
    expect(aligned_to(pv, page_bytes), "pvalloc(a page and a byte): page aligned");
    fill(pv, 2 * page_bytes, 8);

    expect(malloc_usable_size(c) >= 1000, "malloc_usable_size(calloc's 1000 bytes) >= 1000");
    expect(malloc_usable_size(q) >= 512, "malloc_usable_size(an aligned block of 512) >= 512");
    expect(malloc_usable_size(NULL) == 0, "malloc_usable_size(NULL) == 0");

    unsigned char *moved = must(realloc(q, 2000));
    expect(holds(moved, 512, 5), "realloc of an aligned block keeps its bytes");
    expect(holds(p, 200, 4) && holds(m, 10000, 6) && holds(v, 3000, 7) && holds(pv, 2 * page_bytes, 8) &&
           holds(r, 40, 2), "every aligned block still holds its bytes");
    free(p);
    free(moved);
    free(m);
    free(v);
    free(pv);
    free(c);
    unsigned char *after_zero = realloc(r, 0); /* frees r; the result is NULL or a block of its own */
    free(after_zero);
    expect(1, "realloc(p, 0), then free of its result");

    /* Many blocks of many sizes, freed in another order: the heap's reuse at work. */
    enum { COUNT = 20000 };
    static unsigned char *blocks[COUNT];
    static size_t sizes[COUNT];
    unsigned seed = 12345;
    for (int i = 0; i < COUNT; i++) {
        seed = seed * 1103515245 + 12345;
        sizes[i] = (seed >> 16) % (i % 100 == 0 ? 70000 : 300);
        blocks[i] = must(malloc(sizes[i]));
        fill(blocks[i], sizes[i], (unsigned)i);
    }
    int intact = 1;
    for (int i = 0; i < COUNT; i += 2) {
        intact &= holds(blocks[i], sizes[i], (unsigned)i);
        free(blocks[i]);
    }
    for (int i = 1; i < COUNT; i += 2) {
        blocks[i] = must(realloc(blocks[i], sizes[i] * 2 + 1));
        intact &= holds(blocks[i], sizes[i], (unsigned)i);
        free(blocks[i]);
    }
    expect(intact, "20000 blocks of up to 70000 bytes: each holds its bytes until freed");
    printf("%d failed\n", failures);
    return failures != 0;
}
