/*
 * freelist.c: the workloads that measure how malloc and free cost grows with the free list.
 *
 * Not a bundled trace (the largest would slow the suite down for the O(n) stages): build/replay
 * --scaling makes them into $(BUILD)/scaling/ and times them. For each length N of the free
 * list (1,000, 10,000 and 100,000 chunks) it writes freelist-N.rep in three segments, which
 * "# mark:" lines name so that the timed replay clocks each on its own:
 *
 *   start    N small holes, each followed by a keeper, so no two holes can coalesce; the holes
 *            freed from the highest address down (an address-ordered list inserts each at its
 *            head, so building the list costs O(1) per free)
 *   malloc   PROBES mallocs of growing sizes, each too big for any hole and for the chunk before
 *            it: a first-fit search walks the whole list every time
 *   free     those blocks freed in address order: an address-ordered list walks to its end to
 *            insert each one
 *
 * The cost of one malloc is the malloc segment's time / PROBES, and likewise for free.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>

enum {
    /* Enough for a steady figure (over 20 us of work even for a constant-time free), few enough
     * that an O(n) stage's 100,000-chunk walks do not take seconds in every timed run. */
    PROBES = 250,
    /* Holes and keepers of one size, so no placement policy can sort them apart; 56 bytes make
     * 64-byte chunks with an 8-byte header, which tile a page: growing the heap a page at a time
     * leaves no unusable remainders for every later malloc of the setup to walk past. */
    HOLE_BYTES = 56,
    KEEPER_BYTES = 56,
    FIRST_PROBE_BYTES = 1024,   /* more than any hole, with any header */
    PROBE_GROWTH_BYTES = 16,    /* each probe is larger than the one before */
};

static int write_trace(const struct gen_options *options, uint32_t hole_count)
{
    char name[64];
    snprintf(name, sizeof name, "freelist-%u", hole_count);
    struct trace_writer writer;
    tw_begin(&writer, name, "freelist.c", 0,
             "a free list of many small chunks, then mallocs and frees that must search it");

    uint32_t *holes = malloc(hole_count * sizeof holes[0]);
    if (holes == NULL)
        return 1;
    tw_comment(&writer, "%u holes, each followed by a keeper", hole_count);
    for (uint32_t i = 0; i < hole_count; i++) {
        holes[i] = tw_malloc(&writer, HOLE_BYTES);
        tw_malloc(&writer, KEEPER_BYTES);
    }
    tw_comment(&writer, "free the holes from the highest address down");
    for (uint32_t i = hole_count; i-- > 0;)
        tw_free(&writer, holes[i]);
    free(holes);

    uint32_t probes[PROBES];
    tw_comment(&writer, "mark: malloc");
    tw_comment(&writer, "%d mallocs, each too big for every free chunk", PROBES);
    for (int i = 0; i < PROBES; i++)
        probes[i] = tw_malloc(&writer, FIRST_PROBE_BYTES + (uint64_t)i * PROBE_GROWTH_BYTES);
    tw_comment(&writer, "mark: free");
    tw_comment(&writer, "free them in address order");
    for (int i = 0; i < PROBES; i++)
        tw_free(&writer, probes[i]);
    return gen_emit(&writer, options);
}

int main(int argc, char **argv)
{
    struct gen_options options;
    gen_parse_args(argc, argv, "freelist", 0, 0, &options);
    options.not_bundled = true;
    static const uint32_t lengths[] = { 1000, 10000, 100000 };
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++)
        if (write_trace(&options, lengths[i]) != 0)
            return 1;
    return 0;
}
