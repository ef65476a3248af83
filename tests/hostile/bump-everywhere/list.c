/*
 * hostile submission "bump-everywhere", stage list: no attack, and no allocator either: the same
 * honest bump allocator (tests/hostile/hostile.h: every block new memory from hm_sbrk, free does
 * nothing, realloc copies) handed in as every stage. Every block is correct, so it earns the
 * correctness points of every trace that fits in the memory limit, and whatever utilization and
 * throughput points a bump allocator gets against the reference.
 * Graded by: the job grader/bump-everywhere (tests/jobs/grader.sh), with the kit's own rubric,
 * which prints its score. A later rubric caps such a submission at 35 / 100.
 */
// hostile-graded-by: grader_bump_everywhere
#include "heapmgr.h"
#include "hostile.h"

void *hm_malloc(size_t size)
{
    return bump(size);
}
