/*
 * blocks.h: the live blocks of a program running on a stage, as the library gave them.
 *
 * Every block the program holds is here, found from the pointer the program has, with the
 * bytes it asked for and, for an aligned block, the stage's pointer (which free must be given).
 * It serves free and realloc (the stage's pointer, the size to copy out of an aligned block),
 * malloc_usable_size (the size asked for), utilization (live payload: the sizes asked for) and
 * --check (does a new block overlap a live one?).
 *
 * One ordered map of address ranges (harness/addrmap.h, O(log n), never calling malloc): a
 * block is the range from the stage's pointer to the end of what the program asked for, at
 * least one byte, so that two blocks overlap exactly when their ranges do.
 */
#ifndef RUN_BLOCKS_H
#define RUN_BLOCKS_H

#include <stdbool.h>
#include <stdint.h>

struct block {
    uintptr_t stage_pointer;  /* what the stage returned: what hm_free and hm_realloc take */
    uintptr_t pointer;        /* what the program got: stage_pointer, or past it when aligned */
    uint64_t requested_bytes; /* what the program asked for */
};

/* The largest distance between a stage's pointer and an aligned pointer inside its block:
 * larger alignments are refused (ENOMEM, a request that cannot be had). */
enum { BLOCKS_MOST_ALIGNMENT_OFFSET = 1 << 30 };

/* 0, or -1 when no memory is left for the table. */
int blocks_init(void);

/* Add a block; the caller knows it overlaps none (or, without --check, trusts the stage).
 * Returns 0, or -1 when the table cannot grow. */
int blocks_add(const struct block *block);

/* The live block the program knows by `pointer`: true and *out, or false when there is none
 * (a pointer into a block, or one the heap never gave). */
bool blocks_find(uintptr_t pointer, struct block *out);

/* Take out a block blocks_find returned. */
void blocks_remove(const struct block *block);

/* A live block that overlaps [start, end): true and *out, false when none does. */
bool blocks_overlapping(uintptr_t start, uintptr_t end, struct block *out);

uint64_t blocks_live_payload_bytes(void);
uint64_t blocks_peak_payload_bytes(void);
/* A forked child: its peak counts from what it holds now. */
void blocks_restart_peak(void);

#endif /* RUN_BLOCKS_H */
