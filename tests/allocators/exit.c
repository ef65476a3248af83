/* breaks: a stage never ends the process: free calls exit(3) when it sees a block it
 * considers bad (any block over 64 bytes) */
// test-trace: traces/tiny-basic.rep
// test-expect: traces/tiny-basic.rep:14: f 1 (free of id 1's block): the stage ended the process with exit status 3 before the replay ended
// test-expect: reproduce: 
#include "base.h"

#include <stdlib.h>

void *hm_malloc(size_t size) { return base_malloc(size); }

void hm_free(void *ptr)
{
    if (ptr != NULL && base_usable_bytes(ptr) > 64) {
        fprintf(stderr, "exit: hm_free: a block of %zu bytes, giving up\n", base_usable_bytes(ptr));
        exit(3); /* the bug */
    }
    base_free(ptr);
}

void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
