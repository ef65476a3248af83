/*
 * sysmem.h: the stage's system calls (hm_brk, hm_sbrk, hm_mmap, hm_munmap, hm_page_bytes) over
 * real memory, in a real program (build/run).
 *
 * The heap is one range reserved at the first call (PROT_NONE, no memory committed): the break
 * grows by making pages of it readable and writable, so that bytes past the break fault as they
 * would past a real break, and the program's own use of the real brk cannot meet the stage's.
 * Mappings are real anonymous mappings, each recorded, so that a stage cannot unmap memory it
 * was never given (the program's code, its stack). The calls are counted by kind, the footprint
 * (heap bytes plus page-rounded mapped bytes) is tracked with its peak, and a memory limit makes
 * brk, sbrk and mmap fail with ENOMEM as heapmgr.h describes.
 *
 * Not thread-safe: the library calls the stage, and so these, under its one lock.
 */
#ifndef RUN_SYSMEM_H
#define RUN_SYSMEM_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

/* Reserve the heap for a footprint of at most `limit_bytes`. Returns 0, or -1 when the
 * address space cannot be had. */
int sysmem_init(uint64_t limit_bytes);

uintptr_t sysmem_heap_start(void);
uintptr_t sysmem_break(void);

/* Is [start, start + bytes) below the break in the heap, or inside one live mapping? */
int sysmem_range_in_heap(uintptr_t start, uint64_t bytes);
int sysmem_range_in_mapping(uintptr_t start, uint64_t bytes);

/* "heap+0x40", "mapping+0x10 (a mapping of 8192 bytes)" or "0x7f12... (outside the heap and
 * the stage's mappings)": heap offsets read the same on every run. */
void sysmem_describe(uintptr_t address, char *out, size_t out_size);

uint64_t sysmem_footprint_bytes(void);
uint64_t sysmem_peak_footprint_bytes(void);
uint64_t sysmem_limit_bytes(void);
/* Calls by kind (enum run_syscall), and those that failed for want of memory. */
uint64_t sysmem_calls(enum run_syscall kind);
uint64_t sysmem_enomem(void);
/* A forked child counts from zero, its peak from what it has now. */
void sysmem_restart_counts(void);

/* --check: told of each range the stage gives back (the break lowered, an unmapping), so that
 * memory under a live block can be caught; and of each call that breaks heapmgr.h's contract
 * (an unmapping of memory never mapped, a mapping with other arguments). */
typedef void sysmem_release_hook(uintptr_t start, uintptr_t end, const char *how);
typedef void sysmem_misuse_hook(const char *what);
void sysmem_on_release(sysmem_release_hook *hook);
void sysmem_on_misuse(sysmem_misuse_hook *hook);

#endif /* RUN_SYSMEM_H */
