/*
 * binary.c: binary and binary-small, where poor placement wastes almost half the heap.
 *
 *   1. allocate pairs: a small block, then a large one      [s][  L  ][s][  L  ][s][  L  ]...
 *   2. free every large block                               [s][     ][s][     ][s][     ]...
 *   3. allocate blocks a little bigger than a large one     [s][     ][s][     ]...[ M ][ M ][ M ]
 *   4. free everything, in random order
 *
 * In phase 3 no hole fits (each is one large block wide, the small neighbours stay live), so
 * every mid-size block goes to fresh memory and the holes are wasted: utilization falls to
 * about (small + mid) / (small + large + mid). An allocator cannot avoid that once phase 1 has
 * interleaved the sizes; what it can do is place the small blocks apart from the large ones
 * in phase 1 (segregated storage), so that freeing the large ones leaves one big free region.
 * The sizes are those of the classic binary-bal (64, 448, 512) and binary2-bal (16, 112, 128).
 */
#include "common.h"

#include <inttypes.h>
#include <stdlib.h>

enum { pair_count = 2000 };

struct binary_sizes {
    const char *name;
    const char *tests;
    uint64_t small_bytes, large_bytes, mid_bytes;
};

static int write_binary_trace(const struct gen_options *options, const struct binary_sizes *sizes)
{
    struct rng rng;
    rng_seed(&rng, options->seed);
    struct trace_writer writer;
    tw_begin(&writer, sizes->name, "binary.c", options->seed, sizes->tests);

    uint32_t *large = malloc(pair_count * sizeof large[0]);
    struct id_list kept = { 0 }; /* the small and the mid blocks: freed at the end */
    if (large == NULL)
        return 1;

    tw_comment(&writer, "phase 1: %d pairs of %" PRIu64 " and %" PRIu64 " bytes", pair_count,
               sizes->small_bytes, sizes->large_bytes);
    for (size_t i = 0; i < pair_count; i++) {
        id_list_push(&kept, tw_malloc(&writer, sizes->small_bytes));
        large[i] = tw_malloc(&writer, sizes->large_bytes);
    }
    tw_comment(&writer, "phase 2: free the %" PRIu64 "-byte blocks", sizes->large_bytes);
    for (size_t i = 0; i < pair_count; i++)
        tw_free(&writer, large[i]);
    tw_comment(&writer, "phase 3: %d blocks of %" PRIu64 " bytes: no hole fits them", pair_count,
               sizes->mid_bytes);
    for (size_t i = 0; i < pair_count; i++)
        id_list_push(&kept, tw_malloc(&writer, sizes->mid_bytes));
    tw_comment(&writer, "phase 4: free everything in random order");
    rng_shuffle(&rng, kept.ids, kept.count);
    for (size_t i = 0; i < kept.count; i++)
        tw_free(&writer, kept.ids[i]);

    free(large);
    id_list_release(&kept);
    return gen_emit(&writer, options);
}

int main(int argc, char **argv)
{
    struct gen_options options;
    gen_parse_args(argc, argv, "binary", GEN_SEEDED, 1, &options);

    static const struct binary_sizes traces[] = {
        { "binary", "alternate 64 and 448 bytes, free the 448s, then ask for 512s: placement",
          64, 448, 512 },
        { "binary-small", "alternate 16 and 112 bytes, free the 112s, then ask for 128s: placement",
          16, 112, 128 },
    };
    int status = 0;
    for (size_t i = 0; i < sizeof traces / sizeof traces[0]; i++)
        status |= write_binary_trace(&options, &traces[i]);
    return status;
}
