/*
 * hostile submission "exits", stage list: hm_malloc ends the process with exit(0), as if the
 * replay had finished.
 * Stopped by: the replay's own account: a child that ends before the end of the trace did not
 * finish, whatever its exit status.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage ended the process with exit status 0 before the replay ended
#include "heapmgr.h"
#include "hostile.h"

#include <stdlib.h>

void *hm_malloc(size_t size)
{
    (void)size;
    exit(0); /* the attack */
}
