/* runner.h: the main program of a stage runner (see runner.c). */
#ifndef RUNNER_H
#define RUNNER_H

#include <stdint.h>

/* The memory limit of simulated memory: the default fits every bundled trace. */
#define RUNNER_DEFAULT_LIMIT_BYTES (UINT64_C(4) << 30)
#define RUNNER_LEAST_LIMIT_BYTES (UINT64_C(4) << 10)
#define RUNNER_MOST_LIMIT_BYTES (UINT64_C(256) << 30)

/* Seconds one replay may take before it is stopped as a hang (-t changes both). */
#define RUNNER_TIME_LIMIT 10
#define RUNNER_CHECKED_TIME_LIMIT 60

struct stage_calls;

/* How this runner reaches its stage, chosen by its main (stage_calls.h). */
struct runner_stage {
    const struct stage_calls *calls; /* the checked replay's calls */
    void (*timed_body)(void *setup); /* the body of a timed replay's child (timed.h's setup) */
    /* The stage is an allocator the stages are measured against (the C library, a production
     * one), on real memory: no fingerprints compared (its addresses vary run to run), no
     * hm_check to probe, no simulated heap to draw. */
    int is_baseline;
    /* A runner with the stage linked in: warm_main (warm.h), for "--warm" as its first argument. */
    int (*warm)(int argc, char **argv, const struct runner_stage *stage);
    double start_seconds;            /* added to each replay's time limit: starting a program */
    /* A runner with options of its own (the fence's: fence/main_runner.c): called with each
     * option the runner does not know; returns how many arguments it took (1 or 2), 0 when
     * the option is not its own, -1 when its value is bad (it said why). */
    int (*option)(const char *flag, const char *value);
    /* After the options: 0, or -1 when the runner cannot run (it said why). */
    int (*ready)(void);
    /* Is there a reference stage to time beside the stage (NULL: never)? The fence's. */
    int (*has_reference)(void);
};

/* Replay the traces named on the command line. */
int runner_main(int argc, char **argv, const struct runner_stage *stage);

#endif /* RUNNER_H */
