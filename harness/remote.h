/*
 * remote.h: the checked replay's stage process.
 *
 * The stage's code and the checker never share an address space. The checker's process
 * keeps everything that decides a verdict: the checker's tables, simulated memory's state,
 * and the report that goes to the runner. The stage's process, forked from it once simulated
 * memory is set up, runs the stage and nothing else:
 *
 *     checker's process                              stage's process
 *     +-------------------------------+   call      +--------------------------------+
 *     | checks every result           | ----------> | hm_malloc, hm_free, hm_realloc,|
 *     | simulates hm_sbrk & co.       | <---------- | hm_calloc, hm_check            |
 *     | writes the runner's report    |   answer    | its hm_sbrk & co. ask back     |
 *     +---------------+---------------+             +---------------+----------------+
 *                     |                                             |
 *                     +---- simulated memory: one memory file, -----+
 *                           mapped in both at the same addresses
 *
 * A call and its answer cross a page of shared memory (the channel), one side waiting while
 * the other works. The checker reads blocks where the stage put them, through its own view
 * of the same pages. What the stage's process can write is its own memory, simulated memory
 * and the channel; whatever it writes there, the checker takes as a claim to check, never as
 * a result. When the stage's process dies, the checker's process ends the same way, so the
 * runner sees the crash, the exit or the hm_todo as it always did (see isolate.h).
 */
#ifndef REMOTE_H
#define REMOTE_H

#include <stddef.h>

/* Memory the stage's process must not read, such as the trace (a stage that knew the calls to
 * come could place every block with hindsight) and the fingerprints the timed replays must
 * match. start NULL: none. */
struct remote_hidden {
    void *start;
    size_t bytes;
};
enum { REMOTE_MOST_HIDDEN = 4 };

/* In the checker's process, after simmem_init_shared and before the first call: make the
 * stage's process. It drops its view of the runner's report and of each `hidden` region, then
 * runs isolate_enter_stage (the grader's sandbox) and waits for calls, whose arguments are all
 * it learns of the trace. Returns 0, or -1 with a message in error. */
int remote_start(const struct remote_hidden hidden[REMOTE_MOST_HIDDEN], char *error, size_t error_size);

/* The stage's calls, made in its process. When that process dies during one, they do not
 * return: the checker's process ends as it did. */
void *remote_malloc(size_t size);
void remote_free(void *ptr);
void *remote_realloc(void *ptr, size_t size);
void *remote_calloc(size_t nmemb, size_t size);
int remote_check(void);

/* End the stage's process (it leaves as a replay child does, writing coverage counters in a
 * coverage build), and wait for it. */
void remote_stop(void);

#endif /* REMOTE_H */
