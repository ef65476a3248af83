/* breaks: no crash: the 5th malloc follows a corrupted free-list pointer (0xdead0000).
 * The address in the report is 0xdead0010, or under AddressSanitizer its shadow byte's. */
// test-trace: traces/tiny-basic.rep
// test-expect: traces/tiny-basic.rep:30: a 2 8000 (malloc(8000) for id 2): the stage crashed with SIGSEGV (segmentation fault) at address 0x
// test-expect: , outside the heap and every mapping
// test-expect: reproduce: 
#include "base.h"

static unsigned calls;

void *hm_malloc(size_t size)
{
    if (++calls == 5) {
        volatile uintptr_t corrupted = 0xdead0000u;
        struct base_free_chunk *chunk = (struct base_free_chunk *)corrupted;
        return chunk->next; /* the bug: a free list that points nowhere */
    }
    return base_malloc(size);
}
void hm_free(void *ptr) { base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
