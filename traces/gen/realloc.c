/*
 * realloc.c: realloc-grow and realloc-many, blocks that grow by realloc in small steps.
 *
 * realloc-grow (the shape of the classic realloc-bal): one block grows by 1 to 111 bytes per
 * step, and every tenth step shrinks by 1 to 200 bytes. After each realloc a small block is
 * allocated and the previous small one freed, so a small block usually sits right after the big
 * one. A realloc that always moves copies the whole block every step (quadratic work) and leaves
 * a trail of holes; one that grows in place when the next chunk is free, or when the block is
 * last in the heap, does neither.
 *
 * realloc-many: sixteen blocks (think of sixteen growing arrays or strings) resized at random,
 * three grows for every shrink, with small blocks allocated and freed between them; now and
 * then one of the sixteen is freed and started again small. The big blocks keep bumping into
 * each other, so growing in place works only sometimes, and shrinking must give back the tail.
 */
#include "common.h"

#include <inttypes.h>

enum {
    /* realloc-grow */
    grow_step_count = 2400,
    grow_start_bytes = 512,
    grow_max_step_bytes = 111,
    shrink_every_steps = 10,
    shrink_max_bytes = 200,
    small_max_bytes = 128,

    /* realloc-many */
    many_block_count = 16,
    many_step_count = 6000,
    many_start_max_bytes = 64,
    many_max_step_bytes = 255,
    many_grow_percent = 75,
    many_restart_per_mille = 5, /* a block lives about 200 of its own steps */
    many_small_max_bytes = 256,
    many_small_pool_blocks = 48, /* small blocks live at once, at most */
};

static int write_realloc_grow(const struct gen_options *options)
{
    struct rng rng;
    rng_seed(&rng, options->seed);
    struct trace_writer writer;
    tw_begin(&writer, "realloc-grow", "realloc.c", options->seed,
             "one block grown by realloc in small steps (some shrinks), a small block after it");

    uint64_t block_bytes = grow_start_bytes;
    uint32_t block = tw_malloc(&writer, block_bytes);
    uint32_t small = tw_malloc(&writer, rng_between(&rng, 1, small_max_bytes));
    for (int step = 1; step <= grow_step_count; step++) {
        if (step % 500 == 1)
            tw_comment(&writer, "step %d: the block holds %" PRIu64 " bytes", step, block_bytes);
        if (step % shrink_every_steps == 0) /* shrink, by at most half: the block stays > 0 */
            block_bytes -= rng_between(&rng, 1, block_bytes / 2 < shrink_max_bytes
                                                    ? block_bytes / 2 : shrink_max_bytes);
        else
            block_bytes += rng_between(&rng, 1, grow_max_step_bytes);
        tw_realloc(&writer, block, block_bytes);
        /* The new small block is allocated before the old one is freed, so the old one's chunk
         * is not simply handed back: something live usually follows the big block. */
        uint32_t next_small = tw_malloc(&writer, rng_between(&rng, 1, small_max_bytes));
        tw_free(&writer, small);
        small = next_small;
    }
    tw_comment(&writer, "end: the block holds %" PRIu64 " bytes", block_bytes);
    tw_free(&writer, small);
    tw_free(&writer, block);
    return gen_emit(&writer, options);
}

/* One step of realloc-many on block `slot`: grow, shrink, or (rarely) free and start again. */
static void resize_one(struct trace_writer *writer, struct rng *rng, uint32_t *ids,
                       uint64_t *bytes, size_t slot)
{
    if (rng_below(rng, 1000) < many_restart_per_mille) {
        tw_free(writer, ids[slot]);
        bytes[slot] = rng_between(rng, 1, many_start_max_bytes);
        ids[slot] = tw_malloc(writer, bytes[slot]);
        return;
    }
    if (rng_percent(rng, many_grow_percent) || bytes[slot] == 1) {
        bytes[slot] += rng_between(rng, 1, many_max_step_bytes);
    } else {
        uint64_t most = bytes[slot] - 1 < many_max_step_bytes ? bytes[slot] - 1 : many_max_step_bytes;
        bytes[slot] -= rng_between(rng, 1, most);
    }
    tw_realloc(writer, ids[slot], bytes[slot]);
}

static int write_realloc_many(const struct gen_options *options)
{
    struct rng rng;
    rng_seed(&rng, options->seed);
    struct trace_writer writer;
    tw_begin(&writer, "realloc-many", "realloc.c", options->seed,
             "16 blocks grown and shrunk by realloc at random, small blocks allocated between");

    uint32_t ids[many_block_count];
    uint64_t bytes[many_block_count];
    tw_comment(&writer, "start %d blocks of 1..%d bytes", many_block_count, many_start_max_bytes);
    for (size_t slot = 0; slot < many_block_count; slot++) {
        bytes[slot] = rng_between(&rng, 1, many_start_max_bytes);
        ids[slot] = tw_malloc(&writer, bytes[slot]);
    }
    tw_comment(&writer, "%d steps: resize one block at random, maybe allocate or free a small one",
               many_step_count);
    struct id_list smalls = { 0 };
    for (int step = 0; step < many_step_count; step++) {
        resize_one(&writer, &rng, ids, bytes, (size_t)rng_below(&rng, many_block_count));
        if (rng_percent(&rng, 50))
            id_list_push(&smalls, tw_malloc(&writer, rng_between(&rng, 1, many_small_max_bytes)));
        if (smalls.count > many_small_pool_blocks)
            tw_free(&writer, id_list_take_random(&smalls, &rng));
    }
    tw_comment(&writer, "free everything");
    for (size_t slot = 0; slot < many_block_count; slot++)
        tw_free(&writer, ids[slot]);
    while (smalls.count > 0)
        tw_free(&writer, id_list_take(&smalls, smalls.count - 1));
    id_list_release(&smalls);
    return gen_emit(&writer, options);
}

int main(int argc, char **argv)
{
    struct gen_options options;
    gen_parse_args(argc, argv, "realloc", GEN_SEEDED, 1, &options);
    int status = 0;
    status |= write_realloc_grow(&options);
    status |= write_realloc_many(&options);
    return status;
}
