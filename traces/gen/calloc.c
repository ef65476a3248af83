/*
 * calloc.c: calloc-mix, calloc among mallocs, reallocs and frees, with the edge cases calloc has.
 *
 * The body is a steady-state mix like random-random: about target_live_blocks blocks live, half
 * of them from calloc (element sizes from 1 to 1000 bytes, counts up to 4 KiB worth, now and
 * then a large one up to 64 KiB), half from malloc, some resized by realloc. Memory fresh from
 * the break reads as zero already, but a recycled chunk holds whatever its last owner wrote:
 * calloc must clear it, and most callocs here land on recycled chunks.
 *
 * At fixed points the trace asks for:
 *   - calloc(0, n), calloc(n, 0), calloc(0, 0): zero bytes, so NULL or a unique pointer;
 *   - calloc(nmemb, size) where nmemb * size overflows 64 bits: the only right answer is NULL.
 *     The overflowing products are chosen to wrap to tiny values (4, 2, 0, 1), so a calloc that
 *     multiplies without checking returns a small block instead of NULL, and is caught.
 * Each of these ids stays live (holding NULL or the zero-byte block) and is freed later with
 * "f ID", which for a NULL block is free(NULL): that must do nothing.
 */
#include "common.h"

#include <inttypes.h>

enum {
    step_count = 9000,
    target_live_blocks = 500,
    calloc_percent = 50,       /* of allocations */
    realloc_percent = 5,       /* of steps */
    large_calloc_percent = 3,  /* of callocs: up to 64 KiB, likely fresh memory */
    small_limit_bytes = 4096,
    large_limit_bytes = 65536,
    special_free_delay_steps = 600, /* how long an edge-case id stays live before its free */
};

/* A calloc whose answer is fixed by the C standard, asked at step `at_step`. */
struct special_calloc {
    int at_step;
    uint64_t nmemb;
    uint64_t bytes_each;
    const char *call; /* the call as a reader would write it */
    const char *why;  /* what the answer must be */
};

static const struct special_calloc specials[] = {
    { 500, 0, 24, "calloc(0, 24)", "zero bytes: NULL or a unique pointer, both correct" },
    { 1000, 17, 0, "calloc(17, 0)", "zero bytes: NULL or a unique pointer, both correct" },
    { 1500, UINT64_C(4611686018427387905), 4, "calloc(2^62 + 1, 4)",
      "the product overflows and wraps to 4: the answer must be NULL" },
    { 3000, 3, UINT64_C(6148914691236517206), "calloc(3, 6148914691236517206)",
      "the product overflows and wraps to 2: the answer must be NULL" },
    { 4500, UINT64_C(4294967296), UINT64_C(4294967296), "calloc(2^32, 2^32)",
      "the product is 2^64, which wraps to 0: the answer must be NULL" },
    { 6000, 0, 0, "calloc(0, 0)", "zero bytes: NULL or a unique pointer, both correct" },
    { 7500, UINT64_MAX, UINT64_MAX, "calloc(2^64 - 1, 2^64 - 1)",
      "the product overflows and wraps to 1: the answer must be NULL" },
};
enum { special_count = sizeof specials / sizeof specials[0] };

/* Element sizes a program might calloc: chars, shorts, odd structs, pointers, records. */
static const uint64_t element_bytes_table[] = { 1, 2, 3, 4, 8, 12, 16, 20, 24, 40, 56, 100, 136, 1000 };
enum { element_size_count = sizeof element_bytes_table / sizeof element_bytes_table[0] };

static uint32_t random_calloc(struct trace_writer *writer, struct rng *rng)
{
    uint64_t bytes_each = element_bytes_table[rng_below(rng, element_size_count)];
    uint64_t limit_bytes = rng_percent(rng, large_calloc_percent) ? large_limit_bytes : small_limit_bytes;
    uint64_t nmemb = rng_log_between(rng, 1, limit_bytes / bytes_each);
    return tw_calloc(writer, nmemb, bytes_each);
}

static void random_step(struct trace_writer *writer, struct rng *rng, struct id_list *live)
{
    if (live->count > 0 && rng_percent(rng, realloc_percent)) {
        uint32_t id = live->ids[rng_below(rng, live->count)];
        tw_realloc(writer, id, rng_log_between(rng, 1, small_limit_bytes));
        return;
    }
    bool allocate = live->count == 0 || rng_below(rng, 2 * target_live_blocks) >= live->count;
    if (!allocate)
        tw_free(writer, id_list_take_random(live, rng));
    else if (rng_percent(rng, calloc_percent))
        id_list_push(live, random_calloc(writer, rng));
    else
        id_list_push(live, tw_malloc(writer, rng_log_between(rng, 1, small_limit_bytes)));
}

int main(int argc, char **argv)
{
    struct gen_options options;
    gen_parse_args(argc, argv, "calloc", GEN_SEEDED, 1, &options);

    struct rng rng;
    rng_seed(&rng, options.seed);
    struct trace_writer writer;
    tw_begin(&writer, "calloc-mix", "calloc.c", options.seed,
             "calloc mixed with malloc/realloc/free; calloc of 0 bytes; calloc whose size overflows");

    struct id_list live = { 0 };       /* ordinary blocks: any operation may touch them */
    uint32_t special_ids[special_count]; /* edge-case ids: only their own "f" touches them */
    tw_comment(&writer, "a steady mix of calloc, malloc, realloc and free, about %d blocks live",
               target_live_blocks);
    for (int step = 0; step < step_count; step++) {
        for (size_t i = 0; i < special_count; i++) {
            if (specials[i].at_step == step) {
                tw_comment(&writer, "%s: %s", specials[i].call, specials[i].why);
                special_ids[i] = tw_calloc(&writer, specials[i].nmemb, specials[i].bytes_each);
            } else if (specials[i].at_step + special_free_delay_steps == step) {
                tw_comment(&writer, "free the id of %s (free(NULL) if it holds NULL)",
                           specials[i].call);
                tw_free(&writer, special_ids[i]);
            }
        }
        random_step(&writer, &rng, &live);
    }
    tw_comment(&writer, "free everything that is left");
    while (live.count > 0)
        tw_free(&writer, id_list_take(&live, live.count - 1));
    id_list_release(&live);
    return gen_emit(&writer, &options);
}
