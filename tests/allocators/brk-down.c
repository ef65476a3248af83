/* breaks: the break stays above live blocks: free gives a chunk back by moving the break
 * down by the chunk's size, without asking whether the chunk is the last in the heap */
// test-trace: traces/tiny-basic.rep
// test-expect: traces/tiny-basic.rep:14: f 1 (free of id 1's block): a simulated system call was misused
// test-expect: expected: calls as heapmgr.h describes them
// test-expect: seen:     the stage moved the break down over it, but id 2 (heap+0xd0..heap+0x1070, 4000 bytes, from line 12) is live and lies there
// test-expect: reproduce: 
#include "base.h"

void *hm_malloc(size_t size) { return base_malloc(size); }

void hm_free(void *ptr)
{
    if (ptr == NULL || base_header_of(ptr)->mapped) {
        base_free(ptr);
        return;
    }
    hm_sbrk(-(intptr_t)base_header_of(ptr)->chunk_bytes); /* the bug: is it the top chunk? */
}

void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
