/*
 * hostile submission "crashes", stage list: hm_malloc writes through a NULL pointer.
 * Stopped by: the stage program's fault handler, which tells the checker the address; the
 * checker ends its replay the same way, and the runner goes on.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage crashed with SIGSEGV (segmentation fault) at address 0x8: a NULL pointer was used
#include "heapmgr.h"
#include "hostile.h"

struct list {
    struct list *next;
    uint64_t bytes;
};

void *hm_malloc(size_t size)
{
    volatile struct list *head = NULL;
    head->bytes = size; /* the crash */
    return bump(size);
}
