/*
 * addrmap.h: an ordered map of disjoint address ranges [start, end), O(log n) per operation.
 *
 * The checker keeps every live block in one, so "does this new block overlap a live one?"
 * is one descent, whatever the number of blocks; simulated memory keeps its mappings in
 * another. It is a treap (a binary search tree kept balanced by random priorities) whose
 * nodes live in one array from host_alloc, so it never calls malloc and never fragments.
 */
#ifndef ADDRMAP_H
#define ADDRMAP_H

#include <stdint.h>

typedef uint32_t addrmap_ref; /* a node; 0 means none */

/* 32 bytes: two nodes to a cache line, since the checker walks this tree on every operation. */
struct addrmap_node {
    uintptr_t start, end;    /* the range, end exclusive */
    addrmap_ref left, right; /* children, 0 when none; `left` links the free nodes */
    uint32_t priority;       /* heap order: a parent's priority is not below its children's */
    uint32_t value;          /* the owner's: the checker keeps a block id here */
};

struct addrmap {
    struct addrmap_node *nodes; /* nodes[0] is unused so that 0 can mean "none" */
    uint32_t capacity;          /* nodes allocated, including nodes[0] */
    uint32_t count;             /* ranges in the map */
    addrmap_ref root;
    addrmap_ref free_list;      /* nodes given back by addrmap_remove */
    addrmap_ref never_used;     /* nodes from here to capacity were never handed out */
    uint32_t random_state;
};

/* An empty map. Returns 0, or -1 when no memory is left for the first nodes. */
int addrmap_init(struct addrmap *map);

/* An empty map with room for `ranges` ranges before it must grow. The nodes are reserved, not
 * touched (the kernel commits a page when a node on it is first used), so a generous bound is
 * cheap; a replay that must not ask the kernel for memory while the stage runs sizes its maps
 * this way. Returns 0, or -1 when the room cannot be had. */
int addrmap_init_capacity(struct addrmap *map, uint64_t ranges);
void addrmap_release(struct addrmap *map);

/* Insert [start, end), end > start, which the caller knows overlaps nothing in the map.
 * Returns the new node, or 0 when no memory is left. */
addrmap_ref addrmap_insert(struct addrmap *map, uintptr_t start, uintptr_t end, uint32_t value);

/* Remove the range that starts at `start`. Returns 1 when there was one, 0 otherwise. */
int addrmap_remove(struct addrmap *map, uintptr_t start);

/* The range with the largest start below `address`, or 0. Because the ranges are disjoint,
 * [a, b) overlaps something in the map exactly when addrmap_last_below(b) ends after a. */
addrmap_ref addrmap_last_below(const struct addrmap *map, uintptr_t address);

/* The range with the smallest start at or above `address`, or 0. */
addrmap_ref addrmap_first_from(const struct addrmap *map, uintptr_t address);

/* The range that holds `address`, or 0. */
addrmap_ref addrmap_containing(const struct addrmap *map, uintptr_t address);

/* The first range in the map that overlaps [start, end), or 0. */
addrmap_ref addrmap_first_overlap(const struct addrmap *map, uintptr_t start, uintptr_t end);

/* Does the union of the map's ranges cover [start, end) without a gap? */
int addrmap_covers(const struct addrmap *map, uintptr_t start, uintptr_t end);

/* Take [start, end) out of the map, keeping the parts of ranges around it (with their values):
 * unmapping the middle of a mapping leaves two. */
void addrmap_cut(struct addrmap *map, uintptr_t start, uintptr_t end);

static inline const struct addrmap_node *addrmap_node(const struct addrmap *map, addrmap_ref ref)
{
    return &map->nodes[ref];
}

#endif /* ADDRMAP_H */
