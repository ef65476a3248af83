/*
 * random.c: random-random, a steady-state mix of mallocs and frees.
 *
 * Sizes are random (every power-of-two octave from 1 to 4096 bytes equally likely, so most
 * blocks are small and a few are large) and so is the order of the frees: each free picks a
 * live block at random. The number of live blocks climbs to about target_live_blocks and then
 * hovers there, so most of the trace is an allocator working in a heap it has already
 * fragmented. The trace ends by freeing what is left, and has exactly the requested number of
 * operations (with an odd count one block stays live at the end).
 *
 *     build/gen/random [DIR]                                   the bundled trace
 *     build/gen/random --ops 1000000 --seed 1 --out /tmp/big.rep   a benchmark trace
 */
#include "common.h"

#include <inttypes.h>

enum {
    bundled_op_count = 24000,
    target_live_blocks = 1000, /* where the live count settles */
    max_block_bytes = 4096,
};

/*
 * Whether the next operation is a malloc. Near the end the choice is forced so that every block
 * (all but one, when the count is odd) is freed by the last operation; otherwise a malloc is likely when few blocks are live and
 * unlikely when many are: P(malloc) = 1 - live / (2 * target), which settles at live = target.
 */
static bool next_is_malloc(struct rng *rng, uint64_t live_blocks, uint64_t ops_left)
{
    if (live_blocks == 0)
        return true;
    if (live_blocks >= ops_left)
        return false;
    return rng_below(rng, 2 * target_live_blocks) >= live_blocks;
}

int main(int argc, char **argv)
{
    struct gen_options options;
    gen_parse_args(argc, argv, "random", GEN_SEEDED | GEN_SIZED, 1, &options);
    uint64_t op_count = options.op_count ? options.op_count : bundled_op_count;

    struct rng rng;
    rng_seed(&rng, options.seed);
    struct trace_writer writer;
    tw_begin(&writer, "random-random", "random.c", options.seed,
             "random sizes (1..4096, small ones likelier), frees in random order, ~1000 live blocks");

    struct id_list live = { 0 };
    tw_comment(&writer, "mallocs and frees mixed so that about %d blocks are live", target_live_blocks);
    bool draining = false;
    for (uint64_t done = 0; done < op_count; done++) {
        uint64_t ops_left = op_count - done;
        if (!draining && live.count >= ops_left) {
            draining = true;
            tw_comment(&writer, "the last %" PRIu64 " operations free what is left, in random order",
                       ops_left);
        }
        if (next_is_malloc(&rng, live.count, ops_left))
            id_list_push(&live, tw_malloc(&writer, rng_log_between(&rng, 1, max_block_bytes)));
        else
            tw_free(&writer, id_list_take_random(&live, &rng));
    }
    id_list_release(&live);
    return gen_emit(&writer, &options);
}
