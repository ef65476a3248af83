/* memory_model.c: simulated memory and the C library's real memory (see memory_model.h). */
#include "memory_model.h"

#include "real_allocator.h"

#include <stdio.h>

/* ---- simulated memory ------------------------------------------------------------------- */

static int simulated_prepare(uint64_t limit_bytes, int shared, char *error, size_t error_size)
{
    return shared ? simmem_init_shared(limit_bytes, error, error_size)
                  : simmem_init(limit_bytes, 1, error, error_size);
}

static uint64_t simulated_refusals(void)
{
    return simmem_counts().enomem;
}

static uint64_t simulated_footprint(void)
{
    return simmem_usage().footprint_bytes;
}

static void simulated_after_operation(uint64_t request_bytes)
{
    (void)request_bytes; /* simmem keeps its own peak */
}

static uint64_t simulated_peak(void)
{
    return simmem_usage().peak_footprint_bytes;
}

static int simulated_admits(uintptr_t address, uint64_t bytes, const char **summary, const char **expected,
                            char *seen, size_t seen_size)
{
    if (simmem_range_in_heap(address, bytes) || simmem_range_in_mapping(address, bytes))
        return 0;
    char at[80], end[80];
    simmem_describe(address, at, sizeof at);
    uintptr_t mapping_end = simmem_mapping_end(address);
    if (mapping_end != 0) {
        simmem_describe(mapping_end, end, sizeof end);
        *summary = "the block runs past the end of its mapping";
        *expected = "all of the block's bytes inside one live mapping";
        snprintf(seen, seen_size, "%llu bytes at %s; the mapping there ends at %s", (unsigned long long)bytes,
                 at, end);
        return -1;
    }
    simmem_describe(simmem_break(), end, sizeof end);
    *summary = "the block is not inside the heap or a live mapping";
    *expected = "all of the block's bytes below the break, or inside one live mapping";
    snprintf(seen, seen_size, "%llu bytes at %s; the heap ends at the break, %s", (unsigned long long)bytes, at,
             end);
    return -1;
}

static int simulated_take_violation(char *out, size_t out_size)
{
    int kind = simmem_take_violation(out, out_size);
    if (kind != 0)
        return kind;
    uint64_t written = simmem_bytes_written_past_break();
    if (written == 0)
        return 0;
    char at[80];
    simmem_describe(simmem_break(), at, sizeof at);
    snprintf(out, out_size, "wrote %llu bytes past the break (break at %s)", (unsigned long long)written, at);
    return VIOLATION_PAST_BREAK;
}

static void simulated_check_outside(void)
{
    simmem_check_unwritten_outside();
}

const struct memory_model MEMORY_SIMULATED = {
    .prepare = simulated_prepare, .refusals = simulated_refusals, .footprint_bytes = simulated_footprint,
    .after_operation = simulated_after_operation, .peak_footprint_bytes = simulated_peak,
    .counts = simmem_counts, .describe = simmem_describe, .admits = simulated_admits,
    .take_violation = simulated_take_violation, .check_outside = simulated_check_outside,
    .origin = simmem_heap_start,
};

/* ---- the C library's real memory ---------------------------------------------------------- */

static uint64_t real_peak;
static const struct real_allocator *real = &LIBC_ALLOCATOR;

void memory_real_allocator(const struct real_allocator *allocator)
{
    real = allocator;
}

static int real_prepare(uint64_t limit_bytes, int shared, char *error, size_t error_size)
{
    (void)limit_bytes, (void)shared, (void)error, (void)error_size;
    real_peak = 0;
    real->footprint_start();
    return 0;
}

static uint64_t real_refusals(void)
{
    return 0;
}

static uint64_t real_footprint(void)
{
    return real->footprint_after(0);
}

static void real_after_operation(uint64_t request_bytes)
{
    uint64_t footprint = real->footprint_after(request_bytes);
    if (footprint > real_peak)
        real_peak = footprint;
}

static uint64_t real_peak_footprint(void)
{
    return real_peak;
}

static struct simmem_counts real_counts(void)
{
    return (struct simmem_counts){ 0 };
}

static void real_describe(uintptr_t address, char *out, size_t out_size)
{
    snprintf(out, out_size, "0x%llx", (unsigned long long)address);
}

static int real_admits(uintptr_t address, uint64_t bytes, const char **summary, const char **expected, char *seen,
                       size_t seen_size)
{
    (void)address, (void)bytes, (void)summary, (void)expected, (void)seen, (void)seen_size;
    return 0; /* the C library's memory is wherever it put it */
}

static int real_take_violation(char *out, size_t out_size)
{
    (void)out, (void)out_size;
    return 0;
}

static void real_check_outside(void)
{
}

static uintptr_t real_origin(void)
{
    return 0;
}

const struct memory_model MEMORY_REAL = {
    .prepare = real_prepare, .refusals = real_refusals, .footprint_bytes = real_footprint,
    .after_operation = real_after_operation, .peak_footprint_bytes = real_peak_footprint, .counts = real_counts,
    .describe = real_describe, .admits = real_admits, .take_violation = real_take_violation,
    .check_outside = real_check_outside, .origin = real_origin,
};
