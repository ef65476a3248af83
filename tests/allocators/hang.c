/* breaks: every call returns: malloc rounds the request up by doubling it until it reaches
 * the smallest chunk, and 0 doubled stays 0, so malloc(0) never returns */
// test-trace: traces/tiny-edge.rep
// test-options: -t 1
// test-expect: traces/tiny-edge.rep:10: a 0 0 (malloc(0) for id 0): the stage did not finish within 1 s (an endless loop? a cycle in a free list?); it was stopped
// test-expect: reproduce: 
#include "base.h"

void *hm_malloc(size_t size)
{
    volatile uint64_t rounded = size; /* volatile: the loop stays as written */
    while (rounded < 32)
        rounded *= 2; /* the bug: 0 * 2 == 0 */
    return base_malloc(size);
}
void hm_free(void *ptr) { base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
