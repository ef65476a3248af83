/* breaks: calloc returns NULL when nmemb * size overflows: it multiplies first and
 * checks nothing, so calloc(2^62 + 1, 4) asks for the wrapped product, 4 bytes */
// test-trace: traces/tiny-edge.rep
// test-expect: traces/tiny-edge.rep:29: c 3 4611686018427387905 4 (calloc(4611686018427387905, 4) for id 3): calloc's size overflows, yet it returned a block
// test-expect: expected: NULL: nmemb * size overflows size_t
// test-expect: seen:     heap+0x
// test-expect: reproduce: 
#include "base.h"

void *hm_malloc(size_t size) { return base_malloc(size); }
void hm_free(void *ptr) { base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }

void *hm_calloc(size_t nmemb, size_t size)
{
    return base_calloc(nmemb * size, 1); /* the bug: the product may have wrapped */
}

int hm_check(void) { return base_check(); }
