/*
 * test_payload.c: the pattern the checker writes into blocks, whole and at fixed places.
 *
 * A block up to 16 MiB is written and checked whole: any changed byte is found, the first one
 * first. A larger one is written and checked at its ends, at powers of two and at sixteenths:
 * a change there is found, a change elsewhere is not looked for, and the bytes it touches stay
 * bounded whatever the size. Blocks live in address space reserved without memory (pages
 * appear only where touched), as the giant blocks of a replay do.
 */
#include "payload.h"
#include "unit.h"

#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>

static const uint64_t SEED = 0x1234567890abcdefull;
static const uint64_t GIANT = UINT64_C(10000000000); /* 10^10 bytes, as the C library grants */

static unsigned char *reserve(uint64_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static long resident_kib(void)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

static void whole_block_every_byte(void)
{
    uint64_t bytes = 4097;
    unsigned char *block = reserve(bytes);
    expect(block != NULL);
    payload_fill((uintptr_t)block, SEED, bytes, 0);
    expect(payload_first_mismatch((uintptr_t)block, SEED, bytes, bytes) == UINT64_MAX);
    block[4096] ^= 1;
    block[1001] ^= 1;
    expect(payload_first_mismatch((uintptr_t)block, SEED, bytes, bytes) == 1001);
    expect(payload_first_mismatch((uintptr_t)block, SEED, bytes, 1000) == UINT64_MAX); /* within */
    munmap(block, bytes);
}

static void giant_block_at_its_places(void)
{
    unsigned char *block = reserve(GIANT);
    expect(block != NULL);
    long before = resident_kib();
    payload_fill((uintptr_t)block, SEED, GIANT, 0);
    expect(resident_kib() - before < 4096); /* a few hundred pages, not 10 GB */
    expect(payload_first_mismatch((uintptr_t)block, SEED, GIANT, GIANT) == UINT64_MAX);
    const uint64_t watched[] = { 0, 65535, UINT64_C(1) << 20, UINT64_C(1) << 33, GIANT / 16 * 5 / 8 * 8 + 200,
                                 GIANT - 65536, GIANT - 1 };
    for (size_t i = 0; i < sizeof watched / sizeof watched[0]; i++) {
        block[watched[i]] ^= 0x40;
        expect(payload_first_mismatch((uintptr_t)block, SEED, GIANT, GIANT) == watched[i]);
        block[watched[i]] ^= 0x40;
    }
    block[(UINT64_C(1) << 20) + 4096] = 1; /* between the places: not looked at */
    expect(payload_first_mismatch((uintptr_t)block, SEED, GIANT, GIANT) == UINT64_MAX);
    munmap(block, GIANT);
}

static void giant_calloc_zero_at_its_places(void)
{
    unsigned char *block = reserve(GIANT);
    expect(block != NULL);
    expect(payload_first_nonzero((uintptr_t)block, GIANT) == UINT64_MAX);
    block[GIANT - 3] = 7;
    expect(payload_first_nonzero((uintptr_t)block, GIANT) == GIANT - 3);
    munmap(block, GIANT);
}

/* realloc as checked.c does it: the kept bytes checked as the old block was written, the new
 * block then written at its own places (from 0 when the old one was written at places only). */
static void giant_realloc_both_ways(void)
{
    const uint64_t small = 100000, large = UINT64_C(3000000000);
    unsigned char *block = reserve(large);
    expect(block != NULL);
    payload_fill((uintptr_t)block, SEED, small, 0);
    expect(payload_first_mismatch((uintptr_t)block, SEED, small, small) == UINT64_MAX);
    payload_fill((uintptr_t)block, SEED, large, payload_is_whole(small) ? small : 0); /* grown */
    expect(payload_first_mismatch((uintptr_t)block, SEED, large, large) == UINT64_MAX);
    expect(payload_first_mismatch((uintptr_t)block, SEED, large, small) == UINT64_MAX); /* shrunk: kept */
    payload_fill((uintptr_t)block, SEED, small, payload_is_whole(large) ? small : 0);
    expect(payload_first_mismatch((uintptr_t)block, SEED, small, small) == UINT64_MAX);
    munmap(block, large);
}

int main(void)
{
    RUN(whole_block_every_byte);
    RUN(giant_block_at_its_places);
    RUN(giant_calloc_zero_at_its_places);
    RUN(giant_realloc_both_ways);
    return unit_exit_status();
}
