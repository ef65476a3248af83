/* addrmap.c: a treap of disjoint address ranges (see addrmap.h). */
#include "addrmap.h"

#include "hostmem.h"

enum { ADDRMAP_FIRST_CAPACITY = 1024 };

int addrmap_init_capacity(struct addrmap *map, uint64_t ranges)
{
    *map = (struct addrmap){ .random_state = 0x9e3779b9u, .never_used = 1 };
    if (ranges >= UINT32_MAX)
        return -1;
    uint32_t capacity = (uint32_t)ranges + 1;
    map->nodes = host_alloc((size_t)capacity * sizeof *map->nodes);
    if (map->nodes == NULL)
        return -1;
    map->capacity = capacity;
    return 0;
}

int addrmap_init(struct addrmap *map)
{
    return addrmap_init_capacity(map, ADDRMAP_FIRST_CAPACITY - 1);
}

void addrmap_release(struct addrmap *map)
{
    host_free(map->nodes, (size_t)map->capacity * sizeof *map->nodes);
    *map = (struct addrmap){ 0 };
}

/* Double the node array; the new nodes are never used ones. */
static int grow(struct addrmap *map)
{
    uint32_t old_capacity = map->capacity;
    if (old_capacity > UINT32_MAX / 2)
        return -1;
    uint32_t new_capacity = old_capacity * 2;
    struct addrmap_node *nodes = host_resize(map->nodes, (size_t)old_capacity * sizeof *nodes,
                                             (size_t)new_capacity * sizeof *nodes);
    if (nodes == NULL)
        return -1;
    map->nodes = nodes;
    map->capacity = new_capacity;
    return 0;
}

/* A node to fill: a given-back one, else one never used, else one of a grown array. */
static addrmap_ref take_node(struct addrmap *map)
{
    if (map->free_list != 0) {
        addrmap_ref node = map->free_list;
        map->free_list = map->nodes[node].left;
        return node;
    }
    if (map->never_used >= map->capacity && grow(map) != 0)
        return 0;
    return map->never_used++;
}

/* xorshift32: priorities only need to look random, and must be the same on every run. */
static uint32_t next_priority(struct addrmap *map)
{
    uint32_t x = map->random_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    map->random_state = x;
    return x;
}

/* Split the subtree at `tree` into the ranges starting below `key` and the rest. Iterative:
 * each step hangs the node on the tail of one result and goes on down the other side. */
static void split(struct addrmap_node *nodes, addrmap_ref tree, uintptr_t key, addrmap_ref *below,
                  addrmap_ref *rest)
{
    addrmap_ref *below_tail = below, *rest_tail = rest;
    while (tree != 0) {
        if (nodes[tree].start < key) {
            *below_tail = tree;
            below_tail = &nodes[tree].right;
            tree = nodes[tree].right;
        } else {
            *rest_tail = tree;
            rest_tail = &nodes[tree].left;
            tree = nodes[tree].left;
        }
    }
    *below_tail = 0;
    *rest_tail = 0;
}

/* Join two subtrees where every start in `low` is below every start in `high`. */
static addrmap_ref merge(struct addrmap_node *nodes, addrmap_ref low, addrmap_ref high)
{
    addrmap_ref joined = 0, *link = &joined;
    while (low != 0 && high != 0) {
        if (nodes[low].priority >= nodes[high].priority) {
            *link = low;
            link = &nodes[low].right;
            low = nodes[low].right;
        } else {
            *link = high;
            link = &nodes[high].left;
            high = nodes[high].left;
        }
    }
    *link = low != 0 ? low : high;
    return joined;
}

addrmap_ref addrmap_insert(struct addrmap *map, uintptr_t start, uintptr_t end, uint32_t value)
{
    addrmap_ref fresh = take_node(map);
    if (fresh == 0)
        return 0;
    struct addrmap_node *nodes = map->nodes;
    nodes[fresh] = (struct addrmap_node){
        .start = start, .end = end, .value = value, .priority = next_priority(map)
    };

    /* Walk down while the path's priorities beat the new node's, then split there. */
    addrmap_ref *link = &map->root;
    while (*link != 0 && nodes[*link].priority >= nodes[fresh].priority)
        link = start < nodes[*link].start ? &nodes[*link].left : &nodes[*link].right;
    split(nodes, *link, start, &nodes[fresh].left, &nodes[fresh].right);
    *link = fresh;
    map->count++;
    return fresh;
}

int addrmap_remove(struct addrmap *map, uintptr_t start)
{
    struct addrmap_node *nodes = map->nodes;
    addrmap_ref *link = &map->root;
    while (*link != 0 && nodes[*link].start != start)
        link = start < nodes[*link].start ? &nodes[*link].left : &nodes[*link].right;
    addrmap_ref gone = *link;
    if (gone == 0)
        return 0;
    *link = merge(nodes, nodes[gone].left, nodes[gone].right);
    nodes[gone].left = map->free_list;
    map->free_list = gone;
    map->count--;
    return 1;
}

addrmap_ref addrmap_last_below(const struct addrmap *map, uintptr_t address)
{
    addrmap_ref best = 0;
    for (addrmap_ref at = map->root; at != 0;) {
        if (map->nodes[at].start < address) {
            best = at;
            at = map->nodes[at].right;
        } else {
            at = map->nodes[at].left;
        }
    }
    return best;
}

addrmap_ref addrmap_first_from(const struct addrmap *map, uintptr_t address)
{
    addrmap_ref best = 0;
    for (addrmap_ref at = map->root; at != 0;) {
        if (map->nodes[at].start >= address) {
            best = at;
            at = map->nodes[at].left;
        } else {
            at = map->nodes[at].right;
        }
    }
    return best;
}

addrmap_ref addrmap_containing(const struct addrmap *map, uintptr_t address)
{
    if (address == UINTPTR_MAX)
        return 0;
    addrmap_ref candidate = addrmap_last_below(map, address + 1);
    return candidate != 0 && map->nodes[candidate].end > address ? candidate : 0;
}

addrmap_ref addrmap_first_overlap(const struct addrmap *map, uintptr_t start, uintptr_t end)
{
    addrmap_ref before = addrmap_last_below(map, start + 1);
    if (before != 0 && map->nodes[before].end > start)
        return before;
    addrmap_ref after = addrmap_first_from(map, start + 1);
    return after != 0 && map->nodes[after].start < end ? after : 0;
}

int addrmap_covers(const struct addrmap *map, uintptr_t start, uintptr_t end)
{
    uintptr_t covered_to = start;
    while (covered_to < end) {
        addrmap_ref holder = addrmap_containing(map, covered_to);
        if (holder == 0)
            return 0;
        covered_to = addrmap_node(map, holder)->end;
    }
    return 1;
}

void addrmap_cut(struct addrmap *map, uintptr_t start, uintptr_t end)
{
    addrmap_ref piece;
    while ((piece = addrmap_first_overlap(map, start, end)) != 0) {
        struct addrmap_node old = *addrmap_node(map, piece);
        addrmap_remove(map, old.start);
        if (old.start < start)
            addrmap_insert(map, old.start, start, old.value);
        if (old.end > end)
            addrmap_insert(map, end, old.end, old.value);
    }
}
