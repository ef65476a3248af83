/* correct.c: the test allocator that breaks no rule: no trace may raise an error against it. */
#include "base.h"

void *hm_malloc(size_t size) { return base_malloc(size); }
void hm_free(void *ptr) { base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
