/*
 * memory_model.h: what a checked replay's stage stands on, chosen once where the replay is
 * prepared (stage_calls.h's real_memory): simulated memory (simmem.h), whose every address is
 * known to be heap, mapping or neither; or the process's real memory, whose footprint comes
 * from the allocator's own statistics (real_allocator.h: the C library's, a baseline's).
 */
#ifndef MEMORY_MODEL_H
#define MEMORY_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "simmem.h"

struct memory_model {
    /* Set up, with a limit in bytes; `shared`: a stage program maps it too (remote.h). */
    int (*prepare)(uint64_t limit_bytes, int shared, char *error, size_t error_size);
    /* Calls that were refused memory so far: a NULL result after one is allowed. */
    uint64_t (*refusals)(void);
    uint64_t (*footprint_bytes)(void);
    /* After each operation that asked for request_bytes (the C library's peak is sampled). */
    void (*after_operation)(uint64_t request_bytes);
    uint64_t (*peak_footprint_bytes)(void);
    struct simmem_counts (*counts)(void);
    /* "heap+0x40", or the address itself where there is no map of the memory. */
    void (*describe)(uintptr_t address, char *out, size_t out_size);
    /* Do [address, address + bytes) lie in memory the stage was given? 0 yes; else -1 and
     * `why` holds the summary, the expectation and what was seen, as fail() wants them. */
    int (*admits)(uintptr_t address, uint64_t bytes, const char **summary, const char **expected,
                  char *seen, size_t seen_size);
    /* Misuse found in the simulated calls, or writes past the break, since the last look: 0,
     * or VIOLATION_* with its text (simmem.h); VIOLATION_PAST_BREAK for the canary. */
    int (*take_violation)(char *out, size_t out_size);
    /* At the end: the memory outside what was given, unwritten? (VIOLATION_* through
     * take_violation when not.) */
    void (*check_outside)(void);
    /* Where fingerprints count from (checked.h). */
    uintptr_t (*origin)(void);
};

enum { VIOLATION_PAST_BREAK = 3 };

extern const struct memory_model MEMORY_SIMULATED;
extern const struct memory_model MEMORY_REAL;

struct real_allocator;
/* Whose statistics MEMORY_REAL reads (the C library's until told). */
void memory_real_allocator(const struct real_allocator *allocator);

#endif /* MEMORY_MODEL_H */
