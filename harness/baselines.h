/*
 * baselines.h: the production allocators people pick instead of the C library's (jemalloc,
 * mimalloc, tcmalloc), as baselines the stages are measured against: build/stages/jemalloc
 * and the others, beside build/stages/libc.
 *
 * Each is Debian's shared library, loaded at run time with dlopen (RTLD_LOCAL): its malloc is
 * called through its own symbols, and the process's malloc stays the C library's, which the
 * same runner times beside it. Nothing is needed to build; a library that is missing makes
 * its runner say which package brings it. HEAPKIT_JEMALLOC_LIBRARY=PATH (HEAPKIT_MIMALLOC_,
 * HEAPKIT_TCMALLOC_) measures another build instead of Debian's.
 *
 * Footprint, from each allocator's own statistics, less what it held before the replay's
 * first call and cannot give to it (each replay runs in a fresh child: that is its start-up
 * data; a stage's heap starts empty too):
 *   jemalloc  stats.resident (mallctl, after an "epoch" refresh): its pages that are
 *             resident, metadata and dirty unused pages included. An upper bound, counted
 *             in pages; pages it has purged (after its decay time, 10 s) are not counted.
 *   mimalloc  the bytes it has committed (mi_process_info), with eager commit off
 *             (MIMALLOC_EAGER_COMMIT=0 and MIMALLOC_ARENA_EAGER_COMMIT=0, unless set): eager
 *             commit takes a whole 32 MiB segment at once, which Linux backs only where it is
 *             touched. Counted in its commit granularity (64 KiB and more).
 *   tcmalloc  generic.heap_size less tcmalloc.pageheap_unmapped_bytes (MallocExtension):
 *             the bytes it took from the system and still has mapped, in its 1 MiB steps;
 *             the free pages of the megabyte it takes as it loads are the replay's to use.
 * Read after every operation that allocates (a free cannot raise the peak), at a few
 * microseconds each: a checked replay is slower, the timed ones read nothing.
 * Limits: what the allocator's statistics do not count (its thread caches' bookkeeping,
 * the library's own data) is not seen; the memory limit (--limit) does not apply.
 */
#ifndef BASELINES_H
#define BASELINES_H

#include <stddef.h>

#include "real_allocator.h"

/* Load the baseline NAME. Returns it, or NULL with why in error: "libjemalloc.so.2 is
 * missing: apt-get install libjemalloc2". argv: this program's, for the one re-run that
 * jemalloc needs (baselines.c says why). */
const struct real_allocator *baseline_load(const char *name, char **argv, char *error, size_t error_size);

#endif /* BASELINES_H */
