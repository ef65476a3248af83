/*
 * fence.h: the trust boundary between the kit and a stage it does not trust.
 *
 * Every file in fence/ exists because a stage's code may be hostile. The harness in harness/
 * runs a stage linked into its own runner, which is how a student works: fast, one process,
 * the student is not their own adversary. The grader instead reaches each stage through this
 * fence:
 *
 *     trusted: the kit's code only                  untrusted: the stage program
 *     +--------------------------------+            +--------------------------------+
 *     | runner (fence/main_runner.c):  |  fork,      | STAGE.o + libstageside.a,      |
 *     |   the trace, the checker, the  |  jail,      | linked -static on its own:     |
 *     |   clock, the proofs, the       |  user,      |   fence/stage_program.c serves |
 *     |   result line                  |  limits,    |   calls (checked replay) or    |
 *     |                                |  filter,    |   runs the operations it is    |
 *     |                                |  execveat   |   shown (timed replay)         |
 *     +---------------+----------------+ ---------> +---------------+----------------+
 *                     |   shared memory files only: the channel, simulated memory,    |
 *                     +-- the report, the checkpoints, the operations shown so far  --+
 *
 * The stage program is confined before its first instruction (fence/spawn.c): a user of its
 * own, an empty root directory, limits, and a system-call filter (fence/filter.c) loaded
 * before execveat, so that constructors, ifunc resolvers and any section of its own run
 * confined as well. It holds nothing that decides a score: what it writes into shared
 * memory is a claim the trusted side checks (fence/remote.c, fence/timed_proof.c).
 *
 * The shared regions sit at fixed addresses in the stage program, so that the filter can name
 * the only futex words it may wait on and wake.
 */
#ifndef FENCE_H
#define FENCE_H

#include <stdint.h>

/* Where the stage program maps what it shares with the trusted side. Far from the program
 * (0x400000), its break, its stack and simulated memory (simmem.c, 0x200000000000). */
#define FENCE_CHANNEL_ADDRESS ((uintptr_t)0x100000000000ull)     /* checked replay: the channel */
#define FENCE_REPORT_ADDRESS ((uintptr_t)0x100000000000ull)      /* timed replay: the report page */
#define FENCE_CHECKPOINT_ADDRESS ((uintptr_t)0x100000100000ull)  /* timed replay: the checkpoint page */
#define FENCE_SHOWN_ADDRESS ((uintptr_t)0x110000000000ull)       /* timed replay: operations shown */
#define FENCE_OBSERVED_ADDRESS ((uintptr_t)0x120000000000ull)    /* timed replay: results observed */

/* The file descriptors the stage program starts with, besides stderr (the output file). */
enum {
    FENCE_FD_CHANNEL = 3, /* checked: the channel */
    FENCE_FD_MEMORY = 4,  /* checked: simulated memory */
    FENCE_FD_REPORT = 3,  /* timed: the report page */
    FENCE_FD_CHECKPOINT = 4,
    FENCE_FD_SHOWN = 5,
    FENCE_FD_OBSERVED = 6,
    FENCE_FD_PROGRAM = 9, /* the program itself, for execveat: closed by the exec */
};

#endif /* FENCE_H */
