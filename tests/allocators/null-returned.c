/* breaks: NULL only when the memory cannot be had: malloc gives up on any request over
 * 2048 bytes, though the limit leaves plenty */
// test-trace: traces/tiny-basic.rep
// test-expect: traces/tiny-basic.rep:12: a 2 4000 (malloc(4000) for id 2): returned NULL though the memory was there
// test-expect: expected: a block: NULL is right only when the memory cannot be had
// test-expect: seen:     NULL, but no system call failed during the call and 4000 bytes fit under the memory limit of 4294967296 bytes
// test-expect: reproduce: 
#include "base.h"

void *hm_malloc(size_t size)
{
    if (size > 2048)
        return NULL; /* the bug */
    return base_malloc(size);
}
void hm_free(void *ptr) { base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
