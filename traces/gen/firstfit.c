/*
 * firstfit.c: firstfit-worst, the worst case for a first-fit search of one free list.
 *
 *   1. allocate small blocks in pairs: a "hole" then a "keeper"    heap: [h][k][h][k][h][k]...
 *   2. free every hole; the keepers stay, so no two holes touch     heap: [ ][k][ ][k][ ][k]...
 *      and coalescing cannot merge them: the free list now holds hole_count small chunks
 *   3. allocate big_count blocks, each larger than any hole, and keep them all
 *   4. free everything
 *
 * In phase 3 every request walks past every hole before it finds room at the end of the heap
 * (or grows it): a single free list pays hole_count steps per malloc, so the phase costs
 * hole_count * big_count steps in all. Segregated bins look only where a block can fit and
 * skip the holes. With --ops N the two counts are N / 6 each, so the work grows as N squared:
 * a clean way to measure an allocator's complexity.
 */
#include "common.h"

#include <stdlib.h>

enum {
    bundled_op_count = 30000,
    hole_max_bytes = 48,    /* a hole's chunk is at most 64 bytes with any header up to 16 */
    keeper_max_bytes = 24,
    big_min_bytes = 200,    /* more than any hole can hold, whatever the header size */
    big_max_bytes = 1000,
};

int main(int argc, char **argv)
{
    struct gen_options options;
    gen_parse_args(argc, argv, "firstfit", GEN_SEEDED | GEN_SIZED, 1, &options);
    uint64_t op_count = options.op_count ? options.op_count : bundled_op_count;
    /* Ops: holes (a, f) + keepers (a, f) + bigs (a, f) = 4 * holes + 2 * bigs = 6 * count. */
    size_t count = (size_t)(op_count / 6 ? op_count / 6 : 1);
    size_t hole_count = count;
    size_t big_count = count;

    struct rng rng;
    rng_seed(&rng, options.seed);
    struct trace_writer writer;
    tw_begin(&writer, "firstfit-worst", "firstfit.c", options.seed,
             "a long free list of small holes that no request fits: first fit walks it every time");

    uint32_t *holes = malloc(hole_count * sizeof holes[0]);
    struct id_list others = { 0 }; /* keepers and bigs: freed together at the end */
    if (holes == NULL)
        return 1;

    tw_comment(&writer, "phase 1: %zu small holes, each followed by a small keeper", hole_count);
    for (size_t i = 0; i < hole_count; i++) {
        holes[i] = tw_malloc(&writer, rng_between(&rng, 1, hole_max_bytes));
        id_list_push(&others, tw_malloc(&writer, rng_between(&rng, 1, keeper_max_bytes)));
    }
    tw_comment(&writer, "phase 2: free the holes; the keepers between them prevent coalescing");
    for (size_t i = 0; i < hole_count; i++)
        tw_free(&writer, holes[i]);
    tw_comment(&writer, "phase 3: %zu blocks of %d..%d bytes, too big for every hole, all kept",
               big_count, big_min_bytes, big_max_bytes);
    for (size_t i = 0; i < big_count; i++)
        id_list_push(&others, tw_malloc(&writer, rng_between(&rng, big_min_bytes, big_max_bytes)));
    tw_comment(&writer, "phase 4: free the keepers and the big blocks");
    for (size_t i = 0; i < others.count; i++)
        tw_free(&writer, others.ids[i]);

    free(holes);
    id_list_release(&others);
    return gen_emit(&writer, &options);
}
