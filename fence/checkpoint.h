/*
 * checkpoint.h: where a replay child stops so that the runner, not the child, reads its time.
 *
 * A replay child runs the stage's code, and that code can write any memory of its process:
 * a time the child measured itself, or a flag saying it finished, proves nothing. So the child
 * only works, and stops at checkpoints (for a timed replay: ready to start, each mark of the
 * trace, the end). At each one the runner reads the child's CPU time from the kernel
 * (clock_getcpuclockid), looks at what the child has done so far while it sleeps, and lets it
 * go on, or stops it.
 *
 * The handshake is two words of one page that the runner shares with the child (made before
 * the fork, zeroed before each child, so that no child can leave anything there for the next):
 *
 *   child                                   runner (isolate_run, waiting for the child)
 *   reached = N, FUTEX_WAKE(reached)  --->  wakes (or looks every 2 ms), sees N
 *   FUTEX_WAIT(acknowledged) while != N     reads the child's CPU clock, calls the server
 *   wakes, goes on                    <---  acknowledged = N, FUTEX_WAKE(acknowledged)
 *
 * The child sleeps rather than spins: a spinning child would be counted as its own CPU time.
 * Numbers start at 1; what they mean, and in what order they must come, is the server's
 * business (timed_proof.h for timed replays). Needs only futex WAIT and WAKE in the child,
 * which the grader's sandbox allows.
 */
#ifndef CHECKPOINT_H
#define CHECKPOINT_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "instruction_count.h"

/* The child's CPU time could not be read (the server should refuse the checkpoint). */
#define CHECKPOINT_CPU_UNKNOWN UINT64_MAX

/* What the runner reads of the child at a checkpoint. */
struct checkpoint_reading {
    uint64_t cpu_ns;       /* its CPU time so far, user and system, as the kernel counts it */
    uint64_t instructions; /* its user-space instructions since the watch began
                              (instruction_count.h), or INSTRUCTIONS_UNKNOWN */
};

/* What the runner does at each checkpoint: serve(context, number, reading), called while the
 * child sleeps. It returns 0 to let the child go on, or -1 to stop it: the child is then
 * killed, and isolate_run's outcome names the checkpoint refused. */
struct checkpoint_server {
    int (*serve)(void *context, uint32_t number, const struct checkpoint_reading *reading);
    void *context;
    uint32_t last; /* the last checkpoint: after it, the runner only waits for the child to end */
};

/* ---- in the child ------------------------------------------------------------------------ */

/* Stop at checkpoint `number`: tell the runner, sleep until it has acknowledged. */
void checkpoint_reach(uint32_t number);

/* In a stage program (fence.h): the page is the runner's, mapped at `mapped`. */
void checkpoint_use_page(void *mapped);

/* The words of the page mapped at `page_address`: the only ones a stage program may wake and
 * wait on (fence/filter.c). */
uintptr_t checkpoint_reached_address(uintptr_t page_address);
uintptr_t checkpoint_acknowledged_address(uintptr_t page_address);

/* ---- in the runner (isolate_run) --------------------------------------------------------- */

/* The page's memory file (after checkpoint_prepare), to hand to a stage program; -1 before. */
int checkpoint_page_file(void);

/* Before the fork: the shared page, made once per process, zeroed; `watched`: a server will
 * serve the child's checkpoints (without one, checkpoint_reach does not stop). Returns -1 when
 * the page cannot be made (errno says why). */
int checkpoint_prepare(int watched);

/* One child being watched. */
struct checkpoint_watch {
    const struct checkpoint_server *server;
    clockid_t child_clock; /* the child's CPU clock */
    int clock_known;
    int instruction_counter; /* instruction_count.h; -1: none */
    uint32_t served;       /* the last checkpoint served, 0 before the first */
    int refused;           /* the server refused a checkpoint: */
    uint32_t refused_number; /* this one */
};

/* After the fork: start watching `child` for the server. */
void checkpoint_watch_start(struct checkpoint_watch *watch, pid_t child, const struct checkpoint_server *server);

/* Once the child has ended: let go of what the watch holds. */
void checkpoint_watch_stop(struct checkpoint_watch *watch);

/* Has the watch nothing more to serve (the last checkpoint served, or one refused)? */
int checkpoint_watch_done(const struct checkpoint_watch *watch);

/* Serve the checkpoint the child reached since the last call, if it reached one. Returns 1
 * when it served one, 0 when there was none, -1 when the server refused it (watch->refused
 * says which). */
int checkpoint_serve_pending(struct checkpoint_watch *watch);

/* Sleep until the child reaches a checkpoint not served yet, or `most_seconds` have passed. */
void checkpoint_wait(const struct checkpoint_watch *watch, double most_seconds);

#endif /* CHECKPOINT_H */
