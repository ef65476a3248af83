/*
 * coalesce.c: coalesce, where only merging free neighbours avoids growing the heap.
 *
 * Each round allocates two to four neighbours of random size, frees them in a random order,
 * then asks for one block the size of their sum, and frees it too:
 *
 *     a A 1500, a B 3001, a C 407     [A][B][C]
 *     f C, f A, f B                   [  free  ]  only if the allocator merged the three
 *     a D 4908                        [   D    ]  fits there; without coalescing it grows the heap
 *     f D
 *
 * The random free order makes every case of coalescing happen (the freed block's left
 * neighbour free, its right one, both, neither), and the sizes change every round, so the
 * pieces one round leaves rarely fit the next round's sum: an allocator that does not coalesce
 * keeps growing the heap round after round, one that does stays near its first round's size.
 */
#include "common.h"

enum {
    round_count = 2000,
    min_neighbours = 2,
    max_neighbours = 4,
    max_neighbour_bytes = 4095, /* the classic coalescing-bal used 4095: odd on purpose */
};

static void write_round(struct trace_writer *writer, struct rng *rng)
{
    uint32_t ids[max_neighbours];
    size_t count = (size_t)rng_between(rng, min_neighbours, max_neighbours);
    uint64_t sum_bytes = 0;
    for (size_t i = 0; i < count; i++) {
        uint64_t bytes = rng_between(rng, 1, max_neighbour_bytes);
        ids[i] = tw_malloc(writer, bytes);
        sum_bytes += bytes;
    }
    rng_shuffle(rng, ids, count);
    for (size_t i = 0; i < count; i++)
        tw_free(writer, ids[i]);
    tw_free(writer, tw_malloc(writer, sum_bytes));
}

int main(int argc, char **argv)
{
    struct gen_options options;
    gen_parse_args(argc, argv, "coalesce", GEN_SEEDED, 1, &options);

    struct rng rng;
    rng_seed(&rng, options.seed);
    struct trace_writer writer;
    tw_begin(&writer, "coalesce", "coalesce.c", options.seed,
             "free 2-4 neighbours in random order, then ask for their sum: needs coalescing");
    tw_comment(&writer, "%d rounds: allocate neighbours, free them, allocate their sum, free it",
               round_count);
    for (int round = 0; round < round_count; round++)
        write_round(&writer, &rng);
    return gen_emit(&writer, &options);
}
