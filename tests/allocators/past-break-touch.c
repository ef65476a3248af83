/* breaks: memory past the break is not the stage's: the heap is grown by the chunk's size
 * in 8-byte words where sbrk takes bytes, then the whole chunk is cleared; the clearing
 * runs off the break's page */
// test-trace: tests/traces/good/one-big.rep
// test-expect: tests/traces/good/one-big.rep:7: a 0 8000 (malloc(8000) for id 0): the stage crashed with SIGSEGV (segmentation fault) at heap+0x1000, past the break (break at heap+0x400)
// test-expect: reproduce: 
#include "base.h"

void *hm_malloc(size_t size)
{
    if (size + BASE_HEADER_BYTES >= BASE_MAP_THRESHOLD)
        return base_malloc(size);
    uint64_t chunk_bytes = (uint64_t)1 << base_class_of(size + BASE_HEADER_BYTES);
    struct base_header *chunk = hm_sbrk((intptr_t)(chunk_bytes / 8)); /* the bug: words */
    if (chunk == (void *)-1)
        return NULL;
    if (base_heap_start == NULL)
        base_heap_start = (char *)chunk;
    memset(chunk, 0, chunk_bytes);
    *chunk = (struct base_header){ .chunk_bytes = chunk_bytes, .mapped = 0 };
    return (char *)chunk + BASE_HEADER_BYTES;
}
void hm_free(void *ptr) { base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
