/*
 * giant.c: giant-mix, requests from 10^9 to 10^14 bytes among small ones.
 *
 * The CMU lab's newer traces ask for blocks no machine has, and for some (10^10 bytes) that
 * the C library grants all the same, since the kernel hands out address space lazily. A stage
 * must answer each: a block when it fits under its memory, NULL when it does not, and never a
 * size that wrapped around in its arithmetic. The trace has
 *   1. a ladder: one request of each power of ten from 10^9 to 10^14, each followed by a small
 *      block, then the giants freed from the top;
 *   2. realloc of giant blocks: a small block grown to 10^9 and to 10^12 and back down to 100
 *      bytes, a 10^10 block grown to 10^13 and shrunk to 10^9, and a calloc of 10^10 bytes;
 *   3. a mix: small blocks churn while one request in 20 is giant (log-uniform from 10^9 to
 *      10^14), each giant freed soon after;
 *   4. frees of everything.
 * The harness writes and checks such blocks at fixed places only (harness/payload.h), so the
 * trace replays in seconds for the C library and for every stage.
 *
 * Not bundled in traces/ (its requests are far past the suite's limits): the tests replay it
 * from tests/traces/good/, where `BUILD/gen/giant tests/traces/good` writes it.
 */
#include "common.h"

enum {
    MIX_STEPS = 2000,
    TARGET_SMALL_BLOCKS = 100,
    SMALL_MOST_BYTES = 4096,
    GIANT_PERCENT = 5,
    GIANTS_LIVE_MOST = 3,
};

static const uint64_t GIANT_LEAST_BYTES = UINT64_C(1000000000);        /* 10^9 */
static const uint64_t GIANT_MOST_BYTES = UINT64_C(100000000000000);    /* 10^14 */

struct mix {
    struct trace_writer writer;
    struct rng rng;
    struct id_list small, giant;
};

static uint32_t small_block(struct mix *mix)
{
    return tw_malloc(&mix->writer, rng_log_between(&mix->rng, 1, SMALL_MOST_BYTES));
}

static void ladder(struct mix *mix)
{
    struct trace_writer *writer = &mix->writer;
    tw_comment(writer, "phase 1: one request of each power of ten from 10^9 to 10^14, a small block after each");
    uint32_t giants[6];
    uint64_t bytes = GIANT_LEAST_BYTES;
    for (int i = 0; i < 6; i++, bytes *= 10) {
        giants[i] = tw_malloc(writer, bytes);
        id_list_push(&mix->small, small_block(mix));
    }
    for (int i = 6; i-- > 0;)
        tw_free(writer, giants[i]);
}

static void giant_reallocs(struct mix *mix)
{
    struct trace_writer *writer = &mix->writer;
    tw_comment(writer, "phase 2: a small block grown to 10^9 and 10^12 and back to 100 bytes; a 10^10 block "
                       "grown to 10^13 and shrunk to 10^9; a calloc of 10^10 bytes");
    uint32_t grown = tw_malloc(writer, 100);
    tw_realloc(writer, grown, GIANT_LEAST_BYTES);
    tw_realloc(writer, grown, UINT64_C(1000000000000));
    tw_realloc(writer, grown, 100);
    uint32_t big = tw_malloc(writer, UINT64_C(10000000000));
    tw_realloc(writer, big, UINT64_C(10000000000000));
    tw_realloc(writer, big, GIANT_LEAST_BYTES);
    uint32_t zeroed = tw_calloc(writer, 10000, 1000000);
    tw_free(writer, zeroed);
    tw_free(writer, big);
    tw_free(writer, grown);
}

static void mix_step(struct mix *mix)
{
    if (rng_percent(&mix->rng, GIANT_PERCENT)) {
        if (mix->giant.count >= GIANTS_LIVE_MOST)
            tw_free(&mix->writer, id_list_take(&mix->giant, 0));
        id_list_push(&mix->giant,
                     tw_malloc(&mix->writer, rng_log_between(&mix->rng, GIANT_LEAST_BYTES, GIANT_MOST_BYTES)));
        return;
    }
    size_t live = mix->small.count;
    if (live == 0 || rng_below(&mix->rng, 2 * TARGET_SMALL_BLOCKS) >= live)
        id_list_push(&mix->small, small_block(mix));
    else
        tw_free(&mix->writer, id_list_take_random(&mix->small, &mix->rng));
}

int main(int argc, char **argv)
{
    struct gen_options options;
    gen_parse_args(argc, argv, "giant", GEN_SEEDED, 1, &options);
    options.not_bundled = true;

    struct mix mix = { 0 };
    rng_seed(&mix.rng, options.seed);
    tw_begin(&mix.writer, "giant-mix", "giant.c", options.seed,
             "requests of 10^9 to 10^14 bytes among small ones: a block when it fits, NULL when not");
    ladder(&mix);
    giant_reallocs(&mix);
    tw_comment(&mix.writer, "phase 3: about %d small blocks churn; one request in %d is giant, at most %d live",
               TARGET_SMALL_BLOCKS, 100 / GIANT_PERCENT, GIANTS_LIVE_MOST);
    for (int step = 0; step < MIX_STEPS; step++)
        mix_step(&mix);
    tw_comment(&mix.writer, "phase 4: free everything");
    while (mix.giant.count > 0)
        tw_free(&mix.writer, id_list_take(&mix.giant, mix.giant.count - 1));
    while (mix.small.count > 0)
        tw_free(&mix.writer, id_list_take(&mix.small, mix.small.count - 1));
    id_list_release(&mix.small);
    id_list_release(&mix.giant);
    return gen_emit(&mix.writer, &options);
}
