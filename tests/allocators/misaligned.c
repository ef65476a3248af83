/* breaks: alignment: every 3rd block is returned 8 bytes off (an 8-byte header assumed) */
// test-trace: traces/tiny-basic.rep
// test-expect: traces/tiny-basic.rep:12: a 2 4000 (malloc(4000) for id 2): the block is not 16-byte aligned
// test-expect: expected: an address that is a multiple of 16
// test-expect: seen:     heap+0xc8, which is 8 bytes past a multiple of 16
// test-expect: reproduce: 
// test-expect: /tests/stages/misaligned traces/tiny-basic.rep
#include "base.h"

static unsigned calls;

void *hm_malloc(size_t size)
{
    char *block = base_malloc(size);
    if (block != NULL && ++calls % 3 == 0)
        block -= 8; /* the bug */
    return block;
}
void hm_free(void *ptr) { base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
