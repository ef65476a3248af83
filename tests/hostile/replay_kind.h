/*
 * replay_kind.h: how a stage can tell the timed replay from the checked one with nothing but
 * its own memory, as a cheat would. The checked replay fills every block it gets with a
 * pattern; the timed replay writes into none. So when the block hm_malloc returned last is
 * still all zero at the next call (memory from hm_sbrk starts zero), this is the timed replay.
 * (The replays do not hide which is which: they make the same calls, and the runner checks
 * the timed one's results against the checked one's.)
 */
#ifndef REPLAY_KIND_H
#define REPLAY_KIND_H

#include <stdint.h>
#include <string.h>

static const void *last_block_returned; /* at least 8 bytes */
static int timed_replay_seen;

/* Note a block hm_malloc is about to return; returns it. */
static void *returned(void *block, size_t size)
{
    if (block != NULL && size >= sizeof(uint64_t))
        last_block_returned = block;
    return block;
}

/* Is this the timed replay? Known from the second call of hm_malloc on. */
static int in_timed_replay(void)
{
    uint64_t first_word = 1;
    if (!timed_replay_seen && last_block_returned != NULL) {
        memcpy(&first_word, last_block_returned, sizeof first_word);
        timed_replay_seen = first_word == 0;
    }
    return timed_replay_seen;
}

#endif /* REPLAY_KIND_H */
