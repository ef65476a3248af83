/*
 * order.c: the free-order family: lifo-fixed, lifo-random, fifo-fixed, fifo-random.
 *
 * Each trace is ten rounds of: allocate a batch of blocks, then free the whole batch,
 *   lifo-*   in reverse order (a stack: the last block allocated is the first freed),
 *   fifo-*   in allocation order (a queue: the first block allocated is the first freed),
 * with every block the same size (*-fixed) or a size drawn from 1 to 4096 bytes (*-random).
 * The four traces draw the same batch lengths and the same sizes from the same seed, so a lifo
 * trace and its fifo twin differ only in the order of the frees: compare them side by side.
 */
#include "common.h"

#include <stdlib.h>

enum {
    round_count = 10,        /* batches per trace */
    batch_min_blocks = 600,  /* a batch holds 600 to 1400 blocks, so rounds differ in length */
    batch_max_blocks = 1400,
    fixed_block_bytes = 100, /* not a multiple of 16: the allocator must round it */
    random_max_bytes = 4096,
};

enum free_order { FREE_LIFO, FREE_FIFO };

static void free_batch(struct trace_writer *writer, const uint32_t *ids, size_t count,
                       enum free_order order)
{
    for (size_t i = 0; i < count; i++)
        tw_free(writer, ids[order == FREE_LIFO ? count - 1 - i : i]);
}

static int write_order_trace(const struct gen_options *options, const char *name,
                             enum free_order order, bool random_sizes, const char *tests)
{
    struct rng rng;
    rng_seed(&rng, options->seed); /* the same seed for all four: same batches, same sizes */
    struct trace_writer writer;
    tw_begin(&writer, name, "order.c", options->seed, tests);

    /* Draw every batch length before any size, so the fixed traces (which draw no sizes)
     * get the same batch lengths as the random ones. */
    size_t batch_blocks[round_count];
    for (int round = 0; round < round_count; round++)
        batch_blocks[round] = (size_t)rng_between(&rng, batch_min_blocks, batch_max_blocks);

    uint32_t *ids = malloc(batch_max_blocks * sizeof ids[0]);
    if (ids == NULL)
        return 1;
    for (int round = 1; round <= round_count; round++) {
        size_t count = batch_blocks[round - 1];
        tw_comment(&writer, "round %d: allocate %zu blocks, then free them %s", round, count,
                   order == FREE_LIFO ? "last first (stack order)" : "first first (queue order)");
        for (size_t i = 0; i < count; i++) {
            uint64_t bytes = random_sizes ? rng_between(&rng, 1, random_max_bytes) : fixed_block_bytes;
            ids[i] = tw_malloc(&writer, bytes);
        }
        free_batch(&writer, ids, count, order);
    }
    free(ids);
    return gen_emit(&writer, options);
}

int main(int argc, char **argv)
{
    struct gen_options options;
    gen_parse_args(argc, argv, "order", GEN_SEEDED, 1, &options);

    int status = 0;
    status |= write_order_trace(&options, "lifo-fixed", FREE_LIFO, false,
                                "batches of 100-byte blocks freed in reverse (stack) order");
    status |= write_order_trace(&options, "lifo-random", FREE_LIFO, true,
                                "batches of 1..4096-byte blocks freed in reverse (stack) order");
    status |= write_order_trace(&options, "fifo-fixed", FREE_FIFO, false,
                                "batches of 100-byte blocks freed in allocation (queue) order");
    status |= write_order_trace(&options, "fifo-random", FREE_FIFO, true,
                                "batches of 1..4096-byte blocks freed in allocation (queue) order");
    return status;
}
