/*
 * hostile submission "memory", stage pad: every hm_malloc takes 4 MiB more with hm_sbrk and
 * touches all of it, and never looks at what hm_sbrk returned.
 * Stopped by: the memory limit of simulated memory (--limit): past it hm_sbrk fails, so the
 * process never holds more than the limit; the stage then writes through sbrk's failure value,
 * (void *)-1, and crashes.
 */
// hostile-trace: traces/binary-small.rep
// hostile-options: --limit 64M
// hostile-expect: the stage crashed with SIGSEGV (segmentation fault)
// hostile-most-memory: 160M
#include "heapmgr.h"
#include "hostile.h"

enum { GRAB_BYTES = 4 << 20 };

void *hm_malloc(size_t size)
{
    char *more = hm_sbrk(GRAB_BYTES); /* the attack: more memory on every call... */
    memset(more, 1, GRAB_BYTES);      /* ...all of it touched, and no failure checked */
    return bump(size);
}
