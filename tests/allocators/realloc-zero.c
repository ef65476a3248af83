/* breaks: realloc(p, 0) frees p and returns NULL: this one keeps p as a block of 0 bytes
 * and returns it */
// test-trace: traces/tiny-edge.rep
// test-expect: traces/tiny-edge.rep:23: r 2 0 (realloc of id 2's block to 0 bytes): realloc(p, 0) did not return NULL
// test-expect: expected: NULL, with p freed
// test-expect: seen:     heap+0x
// test-expect: reproduce: 
#include "base.h"

void *hm_malloc(size_t size) { return base_malloc(size); }
void hm_free(void *ptr) { base_free(ptr); }

void *hm_realloc(void *ptr, size_t size)
{
    if (ptr != NULL && size == 0)
        return ptr; /* the bug: a 0-byte block is still a block */
    return base_realloc(ptr, size);
}

void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
