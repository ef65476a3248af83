/*
 * channel.h: the pages the checker and the stage program take turns on, in a checked replay.
 *
 * One request at a time, and a turn: whoever holds the turn works, the other waits for it.
 *
 *     checker: CALL_MALLOC, turn to the stage  ->  stage: runs hm_malloc ...
 *                                                  ... which calls hm_sbrk: ASK_SBRK, turn back
 *     checker: simulates it, answers, turn     ->  stage: mirrors the page protections,
 *                                                  hm_malloc returns: ANSWER, turn back
 *     checker: checks the block
 *
 * A round trip through the kernel (futex wake, then wait) costs microseconds, many times a
 * stage's work, so a waiting side spins on the turn first: the two processes are pinned to
 * two different CPUs (channel_pin_apart), where each answer comes while the other spins. A
 * side that has spun CHANNEL_SPIN_NS without an answer sleeps on the turn with futex, so a
 * long call, a busy machine or a single CPU costs only the wake-up.
 *
 * Everything the stage program writes here is a claim: the checker reads each field once,
 * checks it, and never lets it decide more than the stage's own answers.
 */
#ifndef CHANNEL_H
#define CHANNEL_H

#include "isolate.h"

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

enum channel_request {
    /* the checker asks, the stage answers with ANSWER */
    CALL_MALLOC = 1, CALL_FREE, CALL_REALLOC, CALL_CALLOC, CALL_CHECK, CALL_LEAVE,
    /* the stage asks during a call, the checker answers with ANSWER */
    ASK_BRK, ASK_SBRK, ASK_MMAP, ASK_MUNMAP,
    ANSWER,
};

enum channel_turn { TURN_CHECKER, TURN_STAGE };

enum { CHANNEL_MOST_PROTECTIONS = 8 }; /* a simulated call changes protections twice at most */

struct channel {
    _Atomic uint32_t turn;
    _Atomic uint32_t sleeping[2]; /* by turn: that side sleeps in futex, so wake it */
    uint32_t request;
    uint64_t argument[6];
    uint64_t answer;
    int32_t answer_errno;
    /* With an ANSWER to an ASK_: the page protections the simulation changed, to mirror. */
    uint32_t protection_count;
    struct channel_protection {
        uint64_t start, end;
        uint32_t accessible;
    } protections[CHANNEL_MOST_PROTECTIONS];
    /* Written by the checker before the stage program starts. */
    uint64_t memory_start, memory_bytes; /* simulated memory, mapped at the same address in both */
    uint64_t spin_ns;                    /* how long a waiting side spins before it sleeps */
    /* The stage program reports its faults and hm_todo here (isolate.h). */
    struct child_report stage_report;
};

/* The channel's size in bytes, whole pages. */
size_t channel_bytes(void);

/* The address of the turn word in the stage program, whose channel is at FENCE_CHANNEL_ADDRESS:
 * the only word it may wait on (fence/filter.c). */
uintptr_t channel_turn_address_in_stage(void);

/* Give the turn to `whose`, waking it when it sleeps. */
void channel_hand_turn_to(struct channel *channel, enum channel_turn whose);

/* Wait until the turn is `mine`: spin up to channel->spin_ns, then sleep. `check_other`, when
 * not NULL, is called each time a sleep times out (every 20 ms): the other side may have died
 * or gone to sleep on something else; it may end the process. */
void channel_wait_for_turn(struct channel *channel, enum channel_turn mine, void (*check_other)(void));

/* How long to spin: long when the two sides can run at once on two CPUs, none on one. */
uint64_t channel_spin_ns(void);

/* In the checker's process: pin this process to the CPU it runs on, and say which other CPU
 * the stage program should be pinned to (channel_pin_to in its process before it starts).
 * Returns that CPU, or -1 when only one CPU may be used (then nothing is pinned). */
int channel_pin_apart(void);
void channel_pin_to(int cpu);

/* Undo channel_pin_apart in the checker's process (all CPUs it had before). */
void channel_unpin(void);

#endif /* CHANNEL_H */
