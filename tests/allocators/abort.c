/* breaks: no abort on valid calls: realloc asserts that it only ever grows a block, so a
 * shrinking realloc fails the assert (SIGABRT) */
// test-trace: traces/tiny-basic.rep
// test-expect: traces/tiny-basic.rep:23: r 2 1000 (realloc of id 2's block to 1000 bytes): the stage crashed with SIGABRT (abort: a failed assert?)
// test-expect: reproduce: 
#include "base.h"

#include <assert.h>

void *hm_malloc(size_t size) { return base_malloc(size); }
void hm_free(void *ptr) { base_free(ptr); }

void *hm_realloc(void *ptr, size_t size)
{
    assert((ptr == NULL || size == 0 || size >= base_usable_bytes(ptr)) && "realloc only grows"); /* the bug */
    return base_realloc(ptr, size);
}

void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
