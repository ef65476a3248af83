/* breaks: completeness: realloc is a skeleton that calls hm_todo */
// test-trace: traces/tiny-basic.rep
// test-expect: traces/tiny-basic.rep:19: r 0 200 (realloc of id 0's block to 200 bytes): 
// test-expect: not implemented yet: hm_realloc (the stage called hm_todo)
// test-expect: reproduce: 
#include "base.h"

void *hm_malloc(size_t size) { return base_malloc(size); }
void hm_free(void *ptr) { base_free(ptr); }

void *hm_realloc(void *ptr, size_t size)
{
    (void)base_realloc;
    (void)ptr;
    (void)size;
    hm_todo("hm_realloc"); /* the "bug": not written yet */
}

void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
