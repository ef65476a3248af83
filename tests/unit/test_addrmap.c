/*
 * test_addrmap.c: the treap of address ranges against a model that cannot be wrong.
 *
 * The model is a plain array of the ranges in the map, searched from end to end. A fixed
 * seed drives about 100,000 random inserts, removes and queries; after each one the treap
 * must answer as the model does, and now and then its shape is checked whole: the ranges
 * in order and disjoint, each parent's priority at least its children's, the count right.
 * The addresses come from a small window, so that ranges crowd and touch, and from the top
 * of the address space, so that sums near UINTPTR_MAX are exercised.
 */
#include "addrmap.h"
#include "unit.h"

#include <stdint.h>

enum { MODEL_CAPACITY = 6000, OPERATIONS = 100000, SHAPE_CHECK_EVERY = 997 };

struct range {
    uintptr_t start, end;
    uint32_t value;
};

static struct {
    struct range ranges[MODEL_CAPACITY];
    uint32_t count;
} model;

static uint64_t random_state = 0x243f6a8885a308d3ull; /* the same run every time */

static uint64_t next_random(void)
{
    uint64_t x = random_state; /* xorshift64 */
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    random_state = x;
    return x;
}

static uint64_t below(uint64_t bound)
{
    return next_random() % bound;
}

/* ---- the model ---------------------------------------------------------------------- */

static int model_overlaps(uintptr_t start, uintptr_t end)
{
    for (uint32_t i = 0; i < model.count; i++)
        if (model.ranges[i].start < end && start < model.ranges[i].end)
            return 1;
    return 0;
}

static int model_index_of_start(uintptr_t start)
{
    for (uint32_t i = 0; i < model.count; i++)
        if (model.ranges[i].start == start)
            return (int)i;
    return -1;
}

/* The range chosen by `better` among those that `fits`; -1 when none fits. */
static int model_pick(int (*fits)(const struct range *, uintptr_t, uintptr_t),
                      int prefer_low_start, uintptr_t a, uintptr_t b)
{
    int best = -1;
    for (uint32_t i = 0; i < model.count; i++) {
        const struct range *r = &model.ranges[i];
        if (!fits(r, a, b))
            continue;
        if (best < 0 || (prefer_low_start ? r->start < model.ranges[best].start
                                          : r->start > model.ranges[best].start))
            best = (int)i;
    }
    return best;
}

static int starts_below(const struct range *r, uintptr_t address, uintptr_t unused)
{
    (void)unused;
    return r->start < address;
}

static int starts_from(const struct range *r, uintptr_t address, uintptr_t unused)
{
    (void)unused;
    return r->start >= address;
}

static int holds(const struct range *r, uintptr_t address, uintptr_t unused)
{
    (void)unused;
    return r->start <= address && address < r->end;
}

static int overlaps(const struct range *r, uintptr_t start, uintptr_t end)
{
    return r->start < end && start < r->end;
}

/* ---- comparing the treap with the model --------------------------------------------- */

static struct addrmap map;
static uint64_t operation; /* for messages */

/* The treap's answer `ref` is the model's `index` (-1: none), same range, same value. */
static int same_answer(addrmap_ref ref, int index, const char *query, uintptr_t a, uintptr_t b)
{
    int same;
    if (index < 0) {
        same = ref == 0;
    } else {
        const struct range *r = &model.ranges[index];
        const struct addrmap_node *n = ref != 0 ? addrmap_node(&map, ref) : NULL;
        same = n != NULL && n->start == r->start && n->end == r->end && n->value == r->value;
    }
    if (!same) {
        printf("#   operation %llu: %s(%#llx, %#llx): the treap says %s%#llx, the model %s%#llx\n",
               (unsigned long long)operation, query, (unsigned long long)a, (unsigned long long)b,
               ref ? "the range at " : "none ", ref ? (unsigned long long)addrmap_node(&map, ref)->start : 0ull,
               index >= 0 ? "the range at " : "none ",
               index >= 0 ? (unsigned long long)model.ranges[index].start : 0ull);
        unit_fail(__FILE__, __LINE__, "the treap and the model disagree");
    }
    return same;
}

static int query_all(uintptr_t address, uintptr_t end)
{
    return same_answer(addrmap_last_below(&map, address), model_pick(starts_below, 0, address, 0),
                       "addrmap_last_below", address, 0) &&
           same_answer(addrmap_first_from(&map, address), model_pick(starts_from, 1, address, 0),
                       "addrmap_first_from", address, 0) &&
           same_answer(addrmap_containing(&map, address), model_pick(holds, 1, address, 0),
                       "addrmap_containing", address, 0) &&
           (end <= address ||
            same_answer(addrmap_first_overlap(&map, address, end), model_pick(overlaps, 1, address, end),
                        "addrmap_first_overlap", address, end));
}

/* Walk the subtree in order: starts ascending, ranges disjoint, priorities in heap order. */
static int shape_is_sound(addrmap_ref at, uintptr_t *previous_end, int *first, uint32_t *seen)
{
    if (at == 0)
        return 1;
    const struct addrmap_node *n = addrmap_node(&map, at);
    if (n->left != 0 && addrmap_node(&map, n->left)->priority > n->priority)
        return 0;
    if (n->right != 0 && addrmap_node(&map, n->right)->priority > n->priority)
        return 0;
    if (!shape_is_sound(n->left, previous_end, first, seen))
        return 0;
    if (n->end <= n->start || (!*first && n->start < *previous_end))
        return 0;
    *first = 0;
    *previous_end = n->end;
    (*seen)++;
    return shape_is_sound(n->right, previous_end, first, seen);
}

static void check_shape(void)
{
    uintptr_t previous_end = 0;
    int first = 1;
    uint32_t seen = 0;
    if (!shape_is_sound(map.root, &previous_end, &first, &seen)) {
        printf("#   operation %llu: the tree is out of order or out of heap order\n",
               (unsigned long long)operation);
        unit_fail(__FILE__, __LINE__, "the treap's shape is broken");
    }
    expect(seen == model.count);
    expect(map.count == model.count);
}

/* ---- the random run ----------------------------------------------------------------- */

/* A random range in the window [base, base + window), of 1 to max_length bytes, that may
 * reach the window's end exactly. */
static void random_range(uintptr_t base, uintptr_t window, uintptr_t max_length, uintptr_t *start,
                         uintptr_t *end)
{
    uintptr_t length = 1 + (uintptr_t)below(max_length);
    *start = base + (uintptr_t)below(window - length + 1);
    *end = *start + length;
}

static void random_run(uintptr_t base, uintptr_t window, uintptr_t max_length, uint32_t operations,
                       uint32_t most_live)
{
    model.count = 0;
    expect(addrmap_init(&map) == 0);
    for (uint32_t i = 0; i < operations; i++) {
        operation++;
        uint64_t choice = below(100);
        uintptr_t start, end;
        random_range(base, window, max_length, &start, &end);
        if (choice < 45 && model.count < most_live) {
            if (model_overlaps(start, end))
                continue; /* insert's contract: the range overlaps nothing */
            uint32_t value = (uint32_t)next_random();
            addrmap_ref fresh = addrmap_insert(&map, start, end, value);
            if (fresh == 0) {
                unit_fail(__FILE__, __LINE__, "addrmap_insert ran out of memory");
                return;
            }
            const struct addrmap_node *n = addrmap_node(&map, fresh);
            expect(n->start == start && n->end == end && n->value == value);
            model.ranges[model.count++] = (struct range){ start, end, value };
        } else if (choice < 80) {
            /* Remove a range that is there (mostly), or a start that is not. */
            uintptr_t gone = model.count != 0 && below(4) != 0
                                 ? model.ranges[below(model.count)].start : start;
            int index = model_index_of_start(gone);
            int removed = addrmap_remove(&map, gone);
            if (removed != (index >= 0)) {
                printf("#   operation %llu: addrmap_remove(%#llx) returned %d\n",
                       (unsigned long long)operation, (unsigned long long)gone, removed);
                unit_fail(__FILE__, __LINE__, "addrmap_remove's answer is wrong");
                return;
            }
            if (index >= 0)
                model.ranges[index] = model.ranges[--model.count];
        } else {
            /* Queries at a random address, and at the edges of a range in the map. */
            uintptr_t probe = start;
            if (model.count != 0 && below(2) == 0) {
                const struct range *r = &model.ranges[below(model.count)];
                uintptr_t edges[] = { r->start, r->start - 1, r->end, r->end - 1, r->start + 1 };
                probe = edges[below(5)];
            }
            if (!query_all(probe, probe + (end - start)))
                return;
        }
        if (i % SHAPE_CHECK_EVERY == 0)
            check_shape();
        if (unit.test_failed)
            return;
    }
    check_shape();
    /* Empty it: every range comes out, and the map is empty after. */
    while (model.count != 0) {
        expect(addrmap_remove(&map, model.ranges[model.count - 1].start) == 1);
        model.count--;
    }
    expect(map.count == 0 && map.root == 0);
    expect(addrmap_first_from(&map, 0) == 0 && addrmap_last_below(&map, UINTPTR_MAX) == 0);
    addrmap_release(&map);
}

static void test_crowded_small_window(void)
{
    random_run(0x1000, 4096, 24, 40000, 400);
}

/* Enough ranges at once to make the node array grow several times. */
static void test_many_ranges_grow_the_node_array(void)
{
    random_run(0x200000000000ull, 1u << 24, 4096, 40000, MODEL_CAPACITY);
}

/* Ranges that reach the last address there is. */
static void test_top_of_the_address_space(void)
{
    random_run(UINTPTR_MAX - 4096 + 1, 4096 - 1, 64, 20000, 300);
    expect(addrmap_init(&map) == 0);
    expect(addrmap_insert(&map, UINTPTR_MAX - 16, UINTPTR_MAX, 7) != 0);
    expect(addrmap_containing(&map, UINTPTR_MAX - 1) != 0);
    expect(addrmap_containing(&map, UINTPTR_MAX) == 0);
    expect(addrmap_last_below(&map, UINTPTR_MAX) != 0);
    expect(addrmap_first_overlap(&map, UINTPTR_MAX - 1, UINTPTR_MAX) != 0);
    addrmap_release(&map);
}

static void test_empty_map_answers_none(void)
{
    expect(addrmap_init(&map) == 0);
    expect(addrmap_last_below(&map, UINTPTR_MAX) == 0);
    expect(addrmap_first_from(&map, 0) == 0);
    expect(addrmap_containing(&map, 12345) == 0);
    expect(addrmap_first_overlap(&map, 0, UINTPTR_MAX) == 0);
    expect(addrmap_remove(&map, 0) == 0);
    addrmap_release(&map);
}

/* Touching ranges are not overlapping: [a, b) and [b, c) both fit, and each is found. */
static void test_touching_ranges(void)
{
    expect(addrmap_init(&map) == 0);
    addrmap_ref low = addrmap_insert(&map, 100, 200, 1), high = addrmap_insert(&map, 200, 300, 2);
    expect(addrmap_containing(&map, 199) == low);
    expect(addrmap_containing(&map, 200) == high);
    expect(addrmap_first_overlap(&map, 150, 250) == low);
    expect(addrmap_first_overlap(&map, 200, 201) == high);
    expect(addrmap_first_overlap(&map, 300, 400) == 0);
    expect(addrmap_first_overlap(&map, 0, 100) == 0);
    expect(addrmap_last_below(&map, 200) == low);
    expect(addrmap_first_from(&map, 101) == high);
    addrmap_release(&map);
}

int main(void)
{
    RUN(test_empty_map_answers_none);
    RUN(test_touching_ranges);
    RUN(test_crowded_small_window);
    RUN(test_many_ranges_grow_the_node_array);
    RUN(test_top_of_the_address_space);
    printf("# %llu random operations\n", (unsigned long long)operation);
    return unit_exit_status();
}
