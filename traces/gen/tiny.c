/*
 * tiny.c: tiny-basic and tiny-edge, two traces short enough to follow by hand.
 *
 * Debug on these first: `build/replay -s STAGE -c -v traces/tiny-basic.rep` checks the heap after
 * every operation, and with a dozen operations a failure can be traced on paper. Every operation
 * is preceded by a comment saying what it asks and what a correct allocator may answer.
 *
 * tiny-edge is valid whatever the allocator answers where the C standard leaves a choice:
 * malloc(0) and calloc(0, n) may return NULL or a unique pointer, and every id holding such a
 * result is only resized with a non-zero size or freed, which is right in both cases.
 * These traces make no random choices; the seed in their source line is unused.
 */
#include "common.h"

static int write_tiny_basic(const struct gen_options *options)
{
    struct trace_writer writer;
    tw_begin(&writer, "tiny-basic", "tiny.c", options->seed,
             "a dozen mallocs, frees and reallocs to trace by hand");
    struct trace_writer *w = &writer;

    tw_comment(w, "written by hand, no random choices: ids and sizes are as listed in tiny.c");
    tw_comment(w, "three blocks side by side: 24, 100 and 4000 bytes (all aligned to 16)");
    uint32_t first = tw_malloc(w, 24);
    uint32_t middle = tw_malloc(w, 100);
    uint32_t last = tw_malloc(w, 4000);
    tw_comment(w, "free the middle one: a hole between two live blocks");
    tw_free(w, middle);
    tw_comment(w, "80 bytes fit in the hole, where a first-fit search finds them; the id is reused");
    middle = tw_malloc(w, 80);
    tw_comment(w, "grow the first block to 200 bytes: its neighbour is live, so it likely moves;");
    tw_comment(w, "its first 24 bytes must come along");
    tw_realloc(w, first, 200);
    tw_comment(w, "grow the last block to 5000 bytes (it may grow in place at the end of the heap)");
    tw_realloc(w, last, 5000);
    tw_comment(w, "shrink it to 1000 bytes: its first 1000 bytes must stay");
    tw_realloc(w, last, 1000);
    tw_comment(w, "free everything: with coalescing the heap is one free region again");
    tw_free(w, first);
    tw_free(w, middle);
    tw_free(w, last);
    tw_comment(w, "8000 bytes: more than any one block freed above, so only coalesced free space");
    tw_comment(w, "(or new heap) can hold it");
    tw_free(w, tw_malloc(w, 8000));
    return gen_emit(&writer, options);
}

static int write_tiny_edge(const struct gen_options *options)
{
    struct trace_writer writer;
    tw_begin(&writer, "tiny-edge", "tiny.c", options->seed,
             "malloc(0), calloc, realloc(NULL, n), realloc(p, 0), id reuse, an overflowing calloc");
    struct trace_writer *w = &writer;

    tw_comment(w, "written by hand, no random choices: ids and sizes are as listed in tiny.c");
    tw_comment(w, "malloc(0): NULL or a unique pointer, both correct");
    uint32_t zero = tw_malloc(w, 0);
    tw_comment(w, "malloc(1): the smallest real block, still aligned to 16");
    uint32_t one = tw_malloc(w, 1);
    tw_comment(w, "realloc the malloc(0) result to 24 bytes (if it was NULL, this is malloc(24))");
    tw_realloc(w, zero, 24);
    tw_comment(w, "calloc(3, 5): 15 bytes, all zero");
    uint32_t fifteen = tw_calloc(w, 3, 5);
    tw_comment(w, "calloc(0, 8): zero bytes: NULL or a unique pointer");
    uint32_t empty = tw_calloc(w, 0, 8);
    tw_comment(w, "free the 1-byte block, then allocate 33 bytes: the freed id is reused");
    tw_free(w, one);
    one = tw_malloc(w, 33);
    tw_comment(w, "realloc(p, 0) frees the 15-byte block and returns NULL; this id is not used again");
    tw_realloc(w, fifteen, 0);
    tw_comment(w, "shrink the 33-byte block to 17 bytes");
    tw_realloc(w, one, 17);
    tw_comment(w, "free the calloc(0, 8) result: free(NULL) does nothing, if that is what it got");
    tw_free(w, empty);
    tw_comment(w, "calloc(2^62 + 1, 4): the product overflows 64 bits (it wraps to 4): must be NULL");
    uint32_t overflow = tw_calloc(w, UINT64_C(4611686018427387905), 4);
    tw_comment(w, "so this is free(NULL), which does nothing");
    tw_free(w, overflow);
    tw_comment(w, "grow the first block from 24 to 5000 bytes, keeping its first 24");
    tw_realloc(w, zero, 5000);
    tw_comment(w, "free what is left");
    tw_free(w, zero);
    tw_free(w, one);
    return gen_emit(&writer, options);
}

int main(int argc, char **argv)
{
    struct gen_options options;
    gen_parse_args(argc, argv, "tiny", 0, 0, &options);
    int status = 0;
    status |= write_tiny_basic(&options);
    status |= write_tiny_edge(&options);
    return status;
}
