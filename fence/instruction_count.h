/*
 * instruction_count.h: the instructions a replay child executes, counted by the CPU.
 *
 * Time per operation measures the algorithm and the machine together: caches that grow colder
 * as a free list outgrows them, and other processes on a busy machine. The number of
 * instructions a process executes in user space is the algorithm's alone: a constant-time free
 * executes the same instructions at 1,000 free chunks and at 100,000. So where the CPU counts
 * them (a hardware performance counter, through perf_event_open), the runner counts a timed
 * replay's instructions beside its time, and the complexity of a stage is judged by them
 * (scaling.h).
 *
 * The runner opens the counter on the child, holds it, and reads it at the child's
 * checkpoints, as it reads the child's CPU clock (checkpoint.h): the child cannot reach it.
 * Many machines have no such counter (most virtual machines, and containers that forbid
 * perf_event_open): then every count is INSTRUCTIONS_UNKNOWN, and time decides.
 */
#ifndef INSTRUCTION_COUNT_H
#define INSTRUCTION_COUNT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define INSTRUCTIONS_UNKNOWN UINT64_MAX

/* Start counting the user-space instructions of process `pid` (and its later execs). Returns
 * the counter (a file descriptor, closed on exec), or -1 when this machine cannot count them;
 * then, when `why` is not NULL, it says why (the kernel's error). */
int instruction_count_open(pid_t pid, char *why, size_t why_size);

/* The instructions counted so far, or INSTRUCTIONS_UNKNOWN (no counter, a failed read, or a
 * counter the kernel could not keep on the CPU the whole time). */
uint64_t instruction_count_read(int counter);

void instruction_count_close(int counter);

#endif /* INSTRUCTION_COUNT_H */
