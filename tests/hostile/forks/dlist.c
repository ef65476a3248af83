/*
 * hostile submission "forks", stage dlist: hm_malloc calls fork(), and each child forks again.
 * Stopped by: the system-call filter, at the first fork (the C library's fork is clone).
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'clone', which a stage may not make
#include "heapmgr.h"
#include "hostile.h"

#include <unistd.h>

void *hm_malloc(size_t size)
{
    for (int i = 0; i < 64; i++)
        fork(); /* the attack */
    return bump(size);
}
