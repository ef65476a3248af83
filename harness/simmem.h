/*
 * simmem.h: the simulated system calls behind hm_brk, hm_sbrk, hm_mmap and hm_munmap.
 *
 * The heap is a range reserved with the real mmap (inaccessible until the break passes it);
 * mappings come from a second reserved range, so every address is known to be heap, mapping
 * or neither. Pages past the break, and outside live mappings, stay inaccessible: touching
 * them faults, as with the real calls. A memory limit caps the footprint, the calls are
 * counted, and in checked mode a canary fills the rest of the break's page so that a write
 * just past the break, which no page protection can catch, is caught after the operation.
 *
 * Every simulated call that the real kernel would serve enters the kernel once (at least one
 * real mprotect), so a stage that calls brk for every malloc pays what it would pay for real.
 */
#ifndef SIMMEM_H
#define SIMMEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct simmem_counts {
    uint64_t brk;          /* hm_brk calls */
    uint64_t sbrk;         /* hm_sbrk calls that move the break (or try to) */
    uint64_t sbrk_queries; /* hm_sbrk(0): reads the break, not a system call */
    uint64_t mmap;
    uint64_t munmap;
    uint64_t enomem;       /* calls that failed for want of memory */
};

struct simmem_usage {
    uint64_t heap_bytes;      /* break minus heap start */
    uint64_t mapped_bytes;    /* live mappings, page-rounded */
    uint64_t footprint_bytes; /* the two together */
    uint64_t peak_footprint_bytes;
    uint64_t mapping_count;
};

enum simmem_area { AREA_OUTSIDE, AREA_HEAP, AREA_PAST_BREAK, AREA_MAPPING, AREA_UNMAPPED };

/* Set up empty simulated memory with a limit in bytes, checked (canary) or not.
 * Returns 0, or -1 with a message in error when the address space cannot be reserved. */
int simmem_init(uint64_t limit_bytes, int checked, char *error, size_t error_size);

/* The same, checked, with memory that a child process made after this call shares: the
 * checked replay runs the stage in a process of its own (remote.h), which sees the same pages
 * at the same addresses, while this process keeps the simulation's state. */
int simmem_init_shared(uint64_t limit_bytes, char *error, size_t error_size);

/* The most simulated mappings a stage may hold at once: past it hm_mmap fails with ENOMEM, as
 * the real one does when the kernel runs out of memory regions for the process. Read from
 * vm.max_map_count; a stage program, which may not read it, is given the runner's number. */
uint64_t simmem_mapping_budget(void);
void simmem_set_mapping_budget(uint64_t most_mappings);

/* Shared memory: the memory file (to hand to the stage program), -1 when not shared. */
int simmem_memory_file(void);

/* The bytes of address space the reservation takes (heap and mapping areas). */
uint64_t simmem_reserved_bytes(void);

/* Shared memory: called with each range whose protection the simulation changed, so that the
 * stage's process can make the same change to its own view (the checker's stays readable and
 * writable throughout). */
typedef void (*simmem_protect_hook)(uintptr_t start, uintptr_t end, int accessible);
void simmem_on_protect(simmem_protect_hook hook);

/* In the stage's process: hm_brk, hm_sbrk, hm_mmap and hm_munmap call these instead, which
 * ask the checker's process to simulate the call. */
struct simmem_forwarder {
    int (*brk)(void *addr);
    void *(*sbrk)(intptr_t increment);
    void *(*mmap)(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
    int (*munmap)(void *addr, size_t length);
};
void simmem_forward_to(const struct simmem_forwarder *forwarder);

/* Shared memory: is every page outside the heap's accessible part and the live mappings
 * unwritten? Returns 0, or -1 with a violation recorded (the stage wrote memory it opened
 * itself; see simmem_take_violation). */
int simmem_check_unwritten_outside(void);

/* Give everything back; simmem_init may be called again (the tests reset between cases). */
void simmem_release(void);

struct simmem_counts simmem_counts(void);
struct simmem_usage simmem_usage(void);
uint64_t simmem_system_calls(void); /* brk + sbrk + mmap + munmap */
uint64_t simmem_limit(void);
uintptr_t simmem_heap_start(void);
uintptr_t simmem_break(void);

/* Where an address lies, and its offset from the start of that area (the heap start for
 * the heap and past the break, the mapping area's start for mappings). Both are safe to call
 * from a signal handler. */
enum simmem_area simmem_area_of(uintptr_t address);
uint64_t simmem_offset_of(uintptr_t address);

/* Is [start, start + bytes) inside the heap below the break, or inside live mappings? */
int simmem_range_in_heap(uintptr_t start, uint64_t bytes);
int simmem_range_in_mapping(uintptr_t start, uint64_t bytes);

/* The end of the live mapping that holds `address`, or 0 when none does. */
uintptr_t simmem_mapping_end(uintptr_t address);

/* "heap+0x40", "mmap+0x2000" or "0x7ffc1234 (outside the heap and mappings)": offsets, so
 * messages read the same on every run. Safe to call from a signal handler. */
void simmem_describe(uintptr_t address, char *out, size_t out_size);

/* Checked mode: the bytes past the break that were written since the last call (0 when the
 * canary is intact); the canary is laid again. */
uint64_t simmem_bytes_written_past_break(void);

/* A misuse found inside a simulated call (munmap of memory never mapped, a write past the
 * break found when the break moved, memory released under a live block...): the first one's
 * text, taken once. Returns 0 when there is none; else fills out and says which kind. */
enum { VIOLATION_MISUSE = 1, VIOLATION_MEMORY_NEVER_GIVEN = 2 };
int simmem_take_violation(char *out, size_t out_size);

/* Checked mode: called with each range the stage gives back (brk down, munmap), so that the
 * checker can tell when live blocks are released under the caller's feet. */
typedef void (*simmem_release_hook)(uintptr_t start, uintptr_t end, const char *how);
void simmem_on_release(simmem_release_hook hook);

/* Record a misuse for simmem_take_violation (the first one wins). */
void simmem_violation(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Does a replay (checked or not) have the kernel fill in an opening of this many bytes at
 * once (MADV_POPULATE_WRITE), rather than fault its pages in one by one? A checked replay's
 * stage program does the same on its side of the shared memory (fence/stage_program.c). */
int simmem_fills_in(uint64_t bytes, int checked);

#endif /* SIMMEM_H */
