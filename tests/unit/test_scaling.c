/*
 * test_scaling.c: the complexity classifier on cost series as machines measure them.
 *
 * Each series is the cost of one operation (ns) with 1k, 10k and 100k free chunks. A constant
 * operation stays flat but for noise and for its caches, which grow colder as the list outgrows
 * them (the reference dlist's free once measured 23, 85 and 119 ns on a loaded machine); a
 * search of the list grows in proportion to it, whatever constant part the operation has. The
 * classifier must tell them apart with a margin: up to 8x over the 100x longer list is O(1),
 * 31x and more in proportion is O(n).
 */
#include "scaling.h"
#include "unit.h"

static enum growth of(double at_1k, double at_10k, double at_100k)
{
    const double ns[SCALING_LENGTHS] = { at_1k, at_10k, at_100k };
    return scaling_classify(ns, COST_NANOSECONDS);
}

static enum growth counted(double at_1k, double at_10k, double at_100k)
{
    const double instructions[SCALING_LENGTHS] = { at_1k, at_10k, at_100k };
    return scaling_classify(instructions, COST_INSTRUCTIONS);
}

static void flat_is_constant(void)
{
    expect(of(40, 40, 40) == GROWTH_CONSTANT);
    expect(of(120, 95, 130) == GROWTH_CONSTANT);      /* noise either way */
    expect(of(3, 9, 2) == GROWTH_CONSTANT);           /* under the noise floor: no trend */
}

static void colder_caches_are_constant(void)
{
    expect(of(23, 85, 119) == GROWTH_CONSTANT);       /* recorded: reference dlist, loaded machine */
    expect(of(137, 173, 349) == GROWTH_CONSTANT);     /* recorded: reference dlist, idle */
    expect(of(30, 200, 240) == GROWTH_CONSTANT);      /* 8x, all of it in the first step */
    expect(of(30, 60, 240) == GROWTH_CONSTANT);       /* 8x, spread over both steps */
    expect(of(50, 60, 400) == GROWTH_CONSTANT);       /* 8x, all of it in the last step */
}

static void proportional_is_linear(void)
{
    expect(of(1000, 10000, 100000) == GROWTH_LINEAR);
    expect(of(11574, 40540, 394429) == GROWTH_LINEAR); /* recorded: reference dlist's malloc */
    expect(of(200, 1100, 10100) == GROWTH_LINEAR);     /* a constant part, then the walk */
    expect(of(3000, 10000, 100000) == GROWTH_LINEAR);  /* the shortest list measured slow */
    expect(of(1000, 10000, 60000) == GROWTH_LINEAR);   /* the longest measured fast */
}

static void between_is_neither(void)
{
    expect(of(100, 1000, 1500) == GROWTH_SLOW);        /* 15x, then it stops growing */
    expect(of(100, 400, 1600) == GROWTH_SLOW);         /* 16x: O(sqrt n)-like */
}

/* Counted in instructions, a constant operation is flat but for the branch it takes (a bin
 * found at once, or one word further); a search grows with the list. */
static void instructions_are_classified_alike(void)
{
    expect(counted(31, 31, 31) == GROWTH_CONSTANT);
    expect(counted(20, 45, 38) == GROWTH_CONSTANT);      /* under the floor: the call's own cost */
    expect(counted(120, 180, 150) == GROWTH_CONSTANT);
    expect(counted(4012, 40012, 400012) == GROWTH_LINEAR);
    expect(counted(60, 3000, 30000) == GROWTH_LINEAR);
    expect(counted(100, 1000, 1200) == GROWTH_SLOW);
}

static void unmeasured_is_unknown(void)
{
    expect(of(-1, 10, 10) == GROWTH_UNKNOWN);
    expect(of(10, 10, -1) == GROWTH_UNKNOWN);
    expect(of(10, -1, 10) == GROWTH_UNKNOWN);
}

int main(void)
{
    RUN(flat_is_constant);
    RUN(colder_caches_are_constant);
    RUN(proportional_is_linear);
    RUN(between_is_neither);
    RUN(instructions_are_classified_alike);
    RUN(unmeasured_is_unknown);
    return unit_exit_status();
}
