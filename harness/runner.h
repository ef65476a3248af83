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

/* Replay the traces named on the command line; is_libc: the stage is the C library. */
int runner_main(int argc, char **argv, int is_libc);

#endif /* RUNNER_H */
