/*
 * mmap.c: mmap-large, large blocks (128 KiB to 4 MiB) among small ones.
 *
 * Large blocks are where a mapping of their own beats the heap: freeing one gives its pages
 * straight back, and it never leaves a hole that small blocks then pin. The trace has
 *   1. sizes on either side of a 128 KiB threshold (131071, 131072, 131073 bytes) and of 4 MiB,
 *      allocated, resized across the threshold both ways, and freed;
 *   2. a steady mix: about 200 small blocks (1..4096 bytes) churn while a few large blocks are
 *      allocated, freed, and resized by realloc: grown, shrunk, shrunk to a small size (so a
 *      mapped block must move back into the heap) and small ones grown past the threshold;
 *   3. frees of everything.
 * A heap-only allocator replays it correctly but its footprint stays at the high-water mark
 * of the large blocks; an allocator that maps them gives the memory back as they are freed.
 */
#include "common.h"

#include <inttypes.h>

enum {
    step_count = 4000,
    target_small_blocks = 200,
    small_max_bytes = 4096,
    large_action_percent = 4,   /* of steps: an action on the large blocks */
    target_large_blocks = 6,
    max_large_blocks = 12,
};

static const uint64_t large_min_bytes = UINT64_C(128) << 10; /* 128 KiB */
static const uint64_t large_max_bytes = UINT64_C(4) << 20;   /* 4 MiB */
/* Stay well inside the bundle limits (256 MiB requested, 64 MiB live): a large request that
 * would pass these is skipped. */
static const uint64_t requested_budget_bytes = UINT64_C(224) << 20;
static const uint64_t live_budget_bytes = UINT64_C(48) << 20;

struct mix {
    struct trace_writer writer;
    struct rng rng;
    struct id_list small;  /* live blocks below 128 KiB */
    struct id_list large;  /* live blocks of 128 KiB and more */
};

static bool fits_budget(const struct mix *mix, uint64_t bytes)
{
    return mix->writer.requested_bytes + bytes <= requested_budget_bytes &&
           tw_live_bytes(&mix->writer) + bytes <= live_budget_bytes;
}

static void boundary_phase(struct mix *mix)
{
    struct trace_writer *writer = &mix->writer;
    tw_comment(writer, "phase 1: sizes next to a 128 KiB threshold and to 4 MiB");
    uint32_t below = tw_malloc(writer, large_min_bytes - 1);
    uint32_t at = tw_malloc(writer, large_min_bytes);
    uint32_t above = tw_malloc(writer, large_min_bytes + 1);
    uint32_t top = tw_malloc(writer, large_max_bytes);
    uint32_t under_top = tw_malloc(writer, large_max_bytes - 1);
    tw_comment(writer, "realloc across the threshold: up, down, and a large block down to 100 bytes");
    tw_realloc(writer, below, large_min_bytes + 1);
    tw_realloc(writer, above, large_min_bytes - 1);
    tw_realloc(writer, top, 100);
    tw_realloc(writer, at, 2 * large_min_bytes);
    tw_free(writer, under_top);
    tw_free(writer, at);
    tw_free(writer, below);
    tw_free(writer, above);
    tw_free(writer, top);
}

/* A realloc of a random large block: grow, shrink, or shrink below the threshold. */
static void resize_large(struct mix *mix)
{
    size_t index = (size_t)rng_below(&mix->rng, mix->large.count);
    uint32_t id = mix->large.ids[index];
    uint64_t old_bytes = tw_block_bytes(&mix->writer, id);
    uint64_t choice = rng_below(&mix->rng, 10);
    if (choice < 5) { /* grow by a quarter to double, up to 4 MiB */
        uint64_t bytes = old_bytes + rng_between(&mix->rng, old_bytes / 4, old_bytes);
        bytes = bytes < large_max_bytes ? bytes : large_max_bytes;
        if (fits_budget(mix, bytes))
            tw_realloc(&mix->writer, id, bytes);
    } else if (choice < 8) { /* shrink by up to half, staying large */
        uint64_t bytes = old_bytes - rng_between(&mix->rng, 0, old_bytes / 2);
        bytes = bytes > large_min_bytes ? bytes : large_min_bytes;
        tw_realloc(&mix->writer, id, bytes);
    } else { /* shrink to a small block: it belongs in the heap now */
        tw_realloc(&mix->writer, id, rng_log_between(&mix->rng, 1, small_max_bytes));
        id_list_push(&mix->small, id_list_take(&mix->large, index));
    }
}

/* A small block grows past the threshold. */
static void grow_small_to_large(struct mix *mix)
{
    uint64_t bytes = rng_log_between(&mix->rng, large_min_bytes, large_max_bytes);
    if (mix->small.count == 0 || !fits_budget(mix, bytes))
        return;
    size_t index = (size_t)rng_below(&mix->rng, mix->small.count);
    tw_realloc(&mix->writer, mix->small.ids[index], bytes);
    id_list_push(&mix->large, id_list_take(&mix->small, index));
}

static void large_step(struct mix *mix)
{
    uint64_t choice = rng_below(&mix->rng, 10);
    if (mix->large.count < target_large_blocks || (choice < 2 && mix->large.count < max_large_blocks)) {
        uint64_t bytes = rng_log_between(&mix->rng, large_min_bytes, large_max_bytes);
        if (fits_budget(mix, bytes))
            id_list_push(&mix->large, tw_malloc(&mix->writer, bytes));
    } else if (choice < 5) {
        tw_free(&mix->writer, id_list_take_random(&mix->large, &mix->rng));
    } else if (choice < 9) {
        resize_large(mix);
    } else {
        grow_small_to_large(mix);
    }
}

static void small_step(struct mix *mix)
{
    size_t live = mix->small.count;
    if (live == 0 || rng_below(&mix->rng, 2 * target_small_blocks) >= live)
        id_list_push(&mix->small, tw_malloc(&mix->writer, rng_log_between(&mix->rng, 1, small_max_bytes)));
    else
        tw_free(&mix->writer, id_list_take_random(&mix->small, &mix->rng));
}

int main(int argc, char **argv)
{
    struct gen_options options;
    gen_parse_args(argc, argv, "mmap", GEN_SEEDED, 1, &options);

    struct mix mix = { 0 };
    rng_seed(&mix.rng, options.seed);
    tw_begin(&mix.writer, "mmap-large", "mmap.c", options.seed,
             "blocks of 128 KiB to 4 MiB allocated, resized and freed among small ones");

    boundary_phase(&mix);
    tw_comment(&mix.writer, "phase 2: about %d small blocks churn; %d to %d large ones come and go",
               target_small_blocks, target_large_blocks, max_large_blocks);
    for (int step = 0; step < step_count; step++) {
        if (rng_percent(&mix.rng, large_action_percent))
            large_step(&mix);
        else
            small_step(&mix);
    }
    tw_comment(&mix.writer, "phase 3: free everything, the large blocks first");
    while (mix.large.count > 0)
        tw_free(&mix.writer, id_list_take(&mix.large, mix.large.count - 1));
    while (mix.small.count > 0)
        tw_free(&mix.writer, id_list_take(&mix.small, mix.small.count - 1));
    id_list_release(&mix.small);
    id_list_release(&mix.large);
    return gen_emit(&mix.writer, &options);
}
