/*
 * payload.h: what the checker writes into each live block, and reads back to prove the stage
 * left it alone.
 *
 * Each 8-byte word of a block holds a value made of the block's seed and the word's index, so
 * a word copied from elsewhere, or written by the stage, does not match.
 *
 * A block of up to PAYLOAD_WHOLE_MOST_BYTES is written and checked whole. A larger one (the
 * giant blocks of the CMU lab's newer traces ask for up to 10^13 bytes, and the C library
 * grants some of 10^10) is written and checked at fixed places only, a bounded number of bytes
 * whatever its size:
 *   - its first and its last 64 KiB, where a stage's headers and footers would land;
 *   - 256 bytes at each power of two past the first 64 KiB;
 *   - 256 bytes at each sixteenth of the block.
 * So a replay with such blocks takes seconds, not the minutes of filling gigabytes, and touches
 * a few hundred pages of each.
 */
#ifndef PAYLOAD_H
#define PAYLOAD_H

#include <stdint.h>

#define PAYLOAD_WHOLE_MOST_BYTES (UINT64_C(16) << 20)

/* The pattern's seed for the block of `id` allocated on trace line `line`. */
uint64_t payload_seed(uint32_t id, uint32_t line);

/* The pattern's byte at `offset` of a block with this seed. */
unsigned char payload_byte(uint64_t seed, uint64_t offset);

/* Write the pattern over what is checked of a block of `bytes` at `address` (16-byte aligned),
 * from offset `from` on (what lies before it holds the pattern already). */
void payload_fill(uintptr_t address, uint64_t seed, uint64_t bytes, uint64_t from);

/* The first offset below `within` where a block written as one of `written_bytes` (by
 * payload_fill) no longer holds the pattern, or UINT64_MAX. */
uint64_t payload_first_mismatch(uintptr_t address, uint64_t seed, uint64_t written_bytes, uint64_t within);

/* The first offset of what is checked of a block of `bytes` that is not zero, or UINT64_MAX. */
uint64_t payload_first_nonzero(uintptr_t address, uint64_t bytes);

/* Is a block of this size written and checked whole? */
static inline int payload_is_whole(uint64_t bytes)
{
    return bytes <= PAYLOAD_WHOLE_MOST_BYTES;
}

#endif /* PAYLOAD_H */
