/*
 * libc_stage.h: the C library's allocator behind the stage interface: the baseline that every
 * table compares with, measured in the same invocation.
 *
 * Its footprint comes from the C library's own statistics: mallinfo2()'s `arena` (bytes the
 * main arena took with brk) plus `hblkhd` (bytes in blocks it mapped with mmap), less what
 * they were before the replay. The runner never calls malloc, so the arena starts empty; were
 * it not, malloc_trim(0) gives back its free top first, so the baseline hides little space. Like a stage's heap, this counts what the C library took
 * from the system, its top pad included. Limits: glibc only; mallinfo2 walks every free chunk, so it is
 * read only when the footprint may have grown (the break moved, or a request was large enough
 * to be mapped); memory in other arenas (threads) is not seen; the memory limit does not apply.
 */
#ifndef LIBC_STAGE_H
#define LIBC_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "real_allocator.h"

void *libc_malloc(size_t size);
void libc_free(void *ptr);
void *libc_realloc(void *ptr, size_t size);
void *libc_calloc(size_t nmemb, size_t size);

/* These, with the footprint below, as a real allocator: LIBC_ALLOCATOR (real_allocator.h). */

#endif /* LIBC_STAGE_H */
