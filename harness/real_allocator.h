/*
 * real_allocator.h: an allocator that stands on the process's own memory, not on simulated
 * memory: the C library's malloc (libc_stage.h) or a production allocator loaded at run time
 * (baselines.h). The stages are measured against them. Their footprint can only come from
 * their own statistics, each with its limits (said where each is defined).
 */
#ifndef REAL_ALLOCATOR_H
#define REAL_ALLOCATOR_H

#include <stddef.h>
#include <stdint.h>

struct real_allocator {
    const char *name;
    void *(*malloc)(size_t size);
    void (*free)(void *ptr);
    void *(*realloc)(void *ptr, size_t size);
    void *(*calloc)(size_t nmemb, size_t size);
    /* Take the allocator's footprint now as zero. */
    void (*footprint_start)(void);
    /* Its footprint in bytes after an operation that asked for request_bytes (0: a free). */
    uint64_t (*footprint_after)(uint64_t request_bytes);
};

extern const struct real_allocator LIBC_ALLOCATOR; /* libc_stage.c */

#endif /* REAL_ALLOCATOR_H */
