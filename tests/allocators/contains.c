/* breaks: no overlap: the second block starts at the heap start, so it holds all of the
 * first (smaller) live block: neither end of the new block lies inside the old one */
// test-trace: traces/tiny-basic.rep
// test-expect: traces/tiny-basic.rep:11: a 1 100 (malloc(100) for id 1): the block overlaps a live block
// test-expect: expected: memory that overlaps no live block
// test-expect: ..heap+0x64, overlapping id 0 (heap+0x10..heap+0x28, 24 bytes, from line 10)
// test-expect: reproduce: 
#include "base.h"

static unsigned calls;

void *hm_malloc(size_t size)
{
    char *block = base_malloc(size);
    if (++calls == 2)
        return base_heap_start; /* the bug: the heap start, below the first block */
    return block;
}
void hm_free(void *ptr) { base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
