/* breaks: inside the heap: the break is moved 16 bytes short of each new chunk's end,
 * so a block that fills its chunk runs past the break */
// test-trace: traces/tiny-basic.rep
// test-expect: traces/tiny-basic.rep:11: a 1 100 (malloc(100) for id 1): the block is not inside the heap or a live mapping
// test-expect: expected: all of the block's bytes below the break, or inside one live mapping
// test-expect: seen:     100 bytes at heap+0x40; the heap ends at the break, heap+0xa0
// test-expect: reproduce: 
#include "base.h"

void *hm_malloc(size_t size)
{
    char *before = hm_sbrk(0);
    char *block = base_malloc(size);
    if (hm_sbrk(0) != before)
        hm_sbrk(-16); /* the bug: gives back the chunk's last 16 bytes */
    return block;
}
void hm_free(void *ptr) { base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
