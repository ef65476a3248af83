/* breaks: realloc(NULL, n) is malloc(n): this realloc returns NULL when given NULL */
// test-trace: traces/tiny-basic.rep
// test-expect: traces/tiny-basic.rep: after the last operation, probe realloc(NULL, 24), which must act as malloc(24): returned NULL
// test-expect: expected: a block
// test-expect: seen:     NULL
// test-expect: reproduce: 
#include "base.h"

void *hm_malloc(size_t size) { return base_malloc(size); }
void hm_free(void *ptr) { base_free(ptr); }

void *hm_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return NULL; /* the bug: nothing to resize, so nothing returned */
    return base_realloc(ptr, size);
}

void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
