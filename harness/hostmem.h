/*
 * hostmem.h: memory for the harness itself, taken straight from the kernel with mmap.
 *
 * The harness never uses malloc while a stage runs: the libc stage measures the C library's
 * own arena, and the harness's traces and checker tables must not share it or hide in it.
 * Requests are rounded up to whole pages, so use these for big tables, not small objects.
 */
#ifndef HOSTMEM_H
#define HOSTMEM_H

#include <stddef.h>

/* A zeroed region of at least `bytes` bytes, or NULL when the kernel refuses. */
void *host_alloc(size_t bytes);

/* Grow or shrink a region from host_alloc, keeping its contents (new bytes are zero).
 * Returns the possibly moved region, or NULL (the old one is then still valid). */
void *host_resize(void *region, size_t old_bytes, size_t new_bytes);

/* Give a region back. host_free(NULL, 0) does nothing. */
void host_free(void *region, size_t bytes);

#endif /* HOSTMEM_H */
