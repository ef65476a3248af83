/*
 * scaling.h: how a stage's malloc and free cost grows with the length of its free list.
 *
 * build/replay --scaling replays traces/gen/freelist.c's workloads, which keep 1,000, 10,000
 * and 100,000 small free chunks and then time 250 mallocs and 250 frees that a free-list
 * search must walk past them (the "malloc" and "free" segments of each trace). The cost of one
 * operation at each length, and how it grows from the shortest to the longest list (its slope
 * on log-log axes), tell O(1) from O(n) by measurement.
 *
 * The cost is counted in instructions where the CPU counts them for the runner
 * (instruction_count.h): the algorithm's alone, the same on a busy machine as on an idle one.
 * Elsewhere it is time, with the caches and the machine's load in it; the thresholds leave
 * room for both.
 */
#ifndef SCALING_H
#define SCALING_H

#include <stdio.h>

#include "report.h"

enum { SCALING_LENGTHS = 3 };
extern const unsigned SCALING_FREE_CHUNKS[SCALING_LENGTHS]; /* 1000, 10000, 100000 */

enum growth { GROWTH_UNKNOWN, GROWTH_CONSTANT, GROWTH_SLOW, GROWTH_LINEAR };

enum cost_unit { COST_NANOSECONDS, COST_INSTRUCTIONS };

struct scaling_row {
    enum cost_unit malloc_unit, free_unit; /* instructions where every length's were counted */
    double malloc_cost[SCALING_LENGTHS];   /* one malloc, at each free-list length; < 0: not measured */
    double free_cost[SCALING_LENGTHS];
    enum growth malloc_growth, free_growth;
};

enum { SCALING_PATH_BYTES = 4200 };

/* The workloads' paths, BUILD/scaling/freelist-N.rep, each made by BUILD/gen/freelist when
 * missing. Returns 0, or -1 with a message in error. */
int scaling_workloads(const char *build_dir, char paths[SCALING_LENGTHS][SCALING_PATH_BYTES], char *error,
                      size_t error_size);

/* The costs of one stage, from its results on the freelist-N traces. */
struct scaling_row scaling_measure(const struct stage_run *run);

/* How a cost series (at each length; < 0: not measured) grows: GROWTH_CONSTANT when it grows
 * less than 10x over the 100x longer list (slope 0.5 on log-log axes: a flat cost, its noise
 * and its caches growing colder), GROWTH_LINEAR when in proportion (slope at least 0.75 over
 * the range and 0.6 over the last step), GROWTH_SLOW between. */
enum growth scaling_classify(const double cost[SCALING_LENGTHS], enum cost_unit unit);

/* "ns", "instructions" */
const char *scaling_unit_name(enum cost_unit unit);

/* "O(1)", "O(n)", "grows", "?" */
const char *scaling_growth_name(enum growth growth);

void scaling_table(FILE *out, const struct stage_run *runs, size_t count);

#endif /* SCALING_H */
