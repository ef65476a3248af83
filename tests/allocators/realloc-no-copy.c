/* breaks: realloc keeps the first min(old, new) bytes: a realloc that moves the block
 * forgets to copy it */
// test-trace: traces/tiny-basic.rep
// test-expect: traces/tiny-basic.rep:19: r 0 200 (realloc of id 0's block to 200 bytes): realloc did not keep the block's contents
// test-expect: expected: the first min(old, new) bytes unchanged
// test-expect: seen:     24 bytes moved from heap+0x10 to heap+0x10d0; byte 0 is 0x00, was 0x
// test-expect: reproduce: 
#include "base.h"

void *hm_malloc(size_t size) { return base_malloc(size); }
void hm_free(void *ptr) { base_free(ptr); }

void *hm_realloc(void *ptr, size_t size)
{
    if (ptr == NULL || size == 0 || size <= base_usable_bytes(ptr))
        return base_realloc(ptr, size);
    void *moved = base_malloc(size);
    if (moved != NULL)
        base_free(ptr); /* the bug: no memcpy before the free */
    return moved;
}

void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
