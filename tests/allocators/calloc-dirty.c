/* breaks: calloc's memory is zero: calloc does not clear, trusting memory to be fresh
 * from the break; a recycled chunk still holds its old bytes */
// test-trace: tests/traces/good/calloc-dirty.rep
// test-expect: tests/traces/good/calloc-dirty.rep:9: c 1 10 10 (calloc(10, 10) for id 1): calloc's memory is not zero
// test-expect: expected: every byte zero
// test-expect: seen:     byte 8 of 100 is 0x
// test-expect: reproduce: 
#include "base.h"

void *hm_malloc(size_t size) { return base_malloc(size); }
void hm_free(void *ptr) { base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }

void *hm_calloc(size_t nmemb, size_t size)
{
    (void)base_calloc; /* the right one, which clears: not called */
    if (nmemb != 0 && size > SIZE_MAX / nmemb)
        return NULL;
    return base_malloc(nmemb * size); /* the bug: no memset */
}

int hm_check(void) { return base_check(); }
