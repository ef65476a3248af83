/*
 * timed_remote.h: a timed replay of a stage program (fence.h). The runner forks a replay child
 * as for any timed replay (isolate_run_checkpointed); the child execs the stage program,
 * confined, handing it the report, the checkpoint page, the operations shown so far and the
 * results page (timed.h). The runner measures and proves as ever (timed_proof.h): the program
 * never sees the checked replay's results, nor a segment before its checkpoint.
 *
 * The C library's side of each pair runs the same way in the kit's own program (built from
 * the same stage_program.c with hm_ calls into the C library), so that both sides of a speed
 * ratio run the same loop, compiled alike, in a fresh static program.
 */
#ifndef TIMED_REMOTE_H
#define TIMED_REMOTE_H

#include "spawn.h"
#include "timed.h"

/* The programs timed replays start: the stage's, the C library's (--libc-program) and the
 * reference stage's (--reference-program; NULL: none), a stage program as the stage's is;
 * data_bytes: a stage program's own data, beyond simulated memory (RLIMIT_DATA). */
void timed_remote_use(const struct fence_program *stage, const struct fence_program *libc,
                      const struct fence_program *reference, uint64_t data_bytes);

/* The body of the replay child (isolate_run_checkpointed's): the argument is a timed_setup. */
void timed_remote_replay(void *setup);

#endif /* TIMED_REMOTE_H */
