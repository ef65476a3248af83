/* blocks.c: the live blocks (see blocks.h). */
#include "blocks.h"

#include "addrmap.h"

/* A node's value: the aligned pointer's distance past the stage's, and whether the request
 * was for zero bytes (its range still takes one byte, so that it has one). */
#define ZERO_BYTES_FLAG (UINT32_C(1) << 31)
_Static_assert(BLOCKS_MOST_ALIGNMENT_OFFSET < ZERO_BYTES_FLAG, "the offset and the flag share a word");

static struct {
    struct addrmap map;
    uint64_t live_payload_bytes, peak_payload_bytes;
} blocks;

int blocks_init(void)
{
    return addrmap_init(&blocks.map);
}

static struct block block_of(const struct addrmap_node *node)
{
    uint32_t offset = node->value & ~(uint32_t)ZERO_BYTES_FLAG;
    uintptr_t pointer = node->start + offset;
    uint64_t requested = (node->value & ZERO_BYTES_FLAG) ? 0 : node->end - pointer;
    return (struct block){ .stage_pointer = node->start, .pointer = pointer, .requested_bytes = requested };
}

int blocks_add(const struct block *block)
{
    uint32_t value = (uint32_t)(block->pointer - block->stage_pointer);
    uint64_t range_bytes = block->requested_bytes;
    if (range_bytes == 0) {
        value |= ZERO_BYTES_FLAG;
        range_bytes = 1;
    }
    if (addrmap_insert(&blocks.map, block->stage_pointer, block->pointer + range_bytes, value) == 0)
        return -1;
    blocks.live_payload_bytes += block->requested_bytes;
    if (blocks.live_payload_bytes > blocks.peak_payload_bytes)
        blocks.peak_payload_bytes = blocks.live_payload_bytes;
    return 0;
}

bool blocks_find(uintptr_t pointer, struct block *out)
{
    addrmap_ref holder = addrmap_containing(&blocks.map, pointer);
    if (holder == 0)
        return false;
    struct block found = block_of(addrmap_node(&blocks.map, holder));
    if (found.pointer != pointer)
        return false;
    *out = found;
    return true;
}

void blocks_remove(const struct block *block)
{
    if (addrmap_remove(&blocks.map, block->stage_pointer))
        blocks.live_payload_bytes -= block->requested_bytes;
}

bool blocks_overlapping(uintptr_t start, uintptr_t end, struct block *out)
{
    addrmap_ref other = addrmap_first_overlap(&blocks.map, start, end);
    if (other == 0)
        return false;
    *out = block_of(addrmap_node(&blocks.map, other));
    return true;
}

uint64_t blocks_live_payload_bytes(void)
{
    return blocks.live_payload_bytes;
}

uint64_t blocks_peak_payload_bytes(void)
{
    return blocks.peak_payload_bytes;
}

void blocks_restart_peak(void)
{
    blocks.peak_payload_bytes = blocks.live_payload_bytes;
}
