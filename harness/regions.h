/*
 * regions.h: every replay child that runs the stage starts with the same number of memory
 * regions, so that the kernel's limit on them falls at the same call in every replay.
 *
 * The kernel allows a process vm.max_map_count regions (about 65,000); a simulated mmap takes
 * one or two (simmem.c), so past about 32,000 live mappings the kernel refuses one and
 * hm_mmap returns MAP_FAILED. Where that happens depends on how many regions the process holds
 * already, and the checked replay's process holds a few more of its own (the checker's
 * tables) than a timed replay's. The runner compares the timed replays' results with the
 * checked replay's (timed_proof.h): they must run out at the same call. So, just before the
 * stage's first call, each such child adds regions of no use until it holds exactly
 * REGIONS_AT_STAGE_START, pages of address space no one can touch.
 */
#ifndef REGIONS_H
#define REGIONS_H

/* Well above what a replay child holds of its own (about 35; 100 under AddressSanitizer), and
 * cheap to reach (a system call per region added). */
enum { REGIONS_AT_STAGE_START = 256 };

/* Add regions until the process holds `target`. Returns 0, or -1 when it held more already, or
 * the kernel would not say or give more (the counts may then differ between replays). */
int regions_pad_to(long target);

#endif /* REGIONS_H */
