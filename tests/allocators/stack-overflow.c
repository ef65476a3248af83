/* breaks: bounded recursion: the size-class search recurses on bytes + 16 where it meant
 * bytes / 2, so it never reaches its base case and runs out of stack */
// test-trace: traces/tiny-basic.rep
// test-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage crashed with SIGSEGV (segmentation fault): stack overflow
// test-expect: reproduce: 
#include "base.h"

/* The class of a chunk of `bytes`: 5 for 32 bytes, one more per doubling. */
static unsigned class_search(uint64_t bytes)
{
    volatile uint64_t asked = bytes; /* read after the call: every call keeps its frame */
    if (bytes <= 32)
        return 5;
    unsigned below = class_search(bytes + 16); /* the bug: bytes / 2 */
    return below + 1 + (unsigned)(asked - bytes);
}

void *hm_malloc(size_t size)
{
    if (class_search(size + BASE_HEADER_BYTES) >= BASE_CLASSES)
        return NULL;
    return base_malloc(size);
}
void hm_free(void *ptr) { base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
