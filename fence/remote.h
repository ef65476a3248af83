/*
 * remote.h: the checked replay with the stage in a program of its own (fence.h).
 *
 * The checker's process (a replay child of the runner: the kit's code only) keeps everything
 * that decides a verdict: the checker's tables, simulated memory's state, and the report that
 * goes to the runner. The stage program, started confined (spawn.h), runs the stage and its
 * server loop (stage_program.c), and learns each call only as it is made:
 *
 *     checker's process                              stage program
 *     +-------------------------------+   call      +--------------------------------+
 *     | checks every result           | ----------> | hm_malloc, hm_free, hm_realloc,|
 *     | simulates hm_sbrk & co.       | <---------- | hm_calloc, hm_check            |
 *     | writes the runner's report    |   answer    | its hm_sbrk & co. ask back     |
 *     +---------------+---------------+             +---------------+----------------+
 *                     |                                             |
 *                     +---- simulated memory: one memory file, -----+
 *                           mapped in both at the same addresses
 *
 * Whatever the stage program writes (answers, simulated-call arguments, a fault's address) the
 * checker takes as a claim and checks. When the program dies, the checker's process ends the
 * same way, so the runner sees the crash, the exit or the hm_todo as it always did (isolate.h).
 * A program that sleeps in the kernel during its call, using no CPU, is stopped as a hang.
 */
#ifndef REMOTE_H
#define REMOTE_H

#include "spawn.h"

#include <stddef.h>
#include <stdint.h>

/* The program every checked replay of this runner starts (the runner's --program). */
void remote_use_program(const struct fence_program *program, uint64_t data_bytes);

/* Is there one? (Then checked.c reaches the stage through remote_*, else it is linked in.) */
int remote_in_use(void);

/* In the checker's process, after simmem_init_shared and before the first call: start the
 * stage program. Returns 0, or -1 with a message in error. */
int remote_start(char *error, size_t error_size);

/* The stage's calls, made in its program. When the program dies during one, they do not
 * return: the checker's process ends as it did. */
void *remote_malloc(size_t size);
void remote_free(void *ptr);
void *remote_realloc(void *ptr, size_t size);
void *remote_calloc(size_t nmemb, size_t size);
int remote_check(void);

/* End the stage program and wait for it. */
void remote_stop(void);

#endif /* REMOTE_H */
