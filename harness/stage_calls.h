/*
 * stage_calls.h: how a checked replay reaches its stage, and what memory it stands on. Chosen
 * once, by the runner's main, and read by checked.c where the replay is prepared:
 *
 *   STAGE_LINKED   the stage's hm_ functions linked into this runner (build/stages/NAME):
 *                  simulated memory, in this process; the way a student works
 *   STAGE_LIBC     the C library's malloc (build/stages/libc): real memory, no simulated calls
 *   a baseline     a production allocator (build/stages/jemalloc, ...: baseline_as_stage.c),
 *                  loaded at run time: real memory, as the C library
 *   STAGE_APART    the stage in a program of its own, behind the fence (fence/remote.h): the
 *                  simulated memory is shared with it; the way the grader works
 */
#ifndef STAGE_CALLS_H
#define STAGE_CALLS_H

#include <stddef.h>

struct real_allocator;

struct stage_calls {
    const char *name;
    /* NULL: simulated memory. Else the process's own memory, through this allocator, whose
     * statistics give the footprint (real_allocator.h). */
    const struct real_allocator *real_memory;
    int apart;       /* another process: simulated memory shared, start and stop called */
    int (*start)(char *error, size_t error_size); /* apart: after simulated memory is set up */
    void (*stop)(void);
    void *(*malloc)(size_t size);
    void (*free)(void *ptr);
    void *(*realloc)(void *ptr, size_t size);
    void *(*calloc)(size_t nmemb, size_t size);
    int (*check)(void);
};

extern const struct stage_calls STAGE_LINKED; /* stage_linked.c */
extern const struct stage_calls STAGE_LIBC;   /* libc_as_stage.c */
extern const struct stage_calls STAGE_APART;  /* fence/remote.c */

#endif /* STAGE_CALLS_H */
