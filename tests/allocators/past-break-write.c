/* breaks: no write past the break: each new chunk gets a boundary tag written at its end,
 * which for the newest chunk is the first byte past the break (still in the break's page,
 * so nothing faults: only the canary sees it) */
// test-trace: traces/tiny-basic.rep
// test-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): wrote past the break
// test-expect: expected: no write at or past the break
// test-expect: seen:     wrote 8 bytes past the break (break at heap+0x40)
// test-expect: reproduce: 
#include "base.h"

void *hm_malloc(size_t size)
{
    void *block = base_malloc(size);
    if (block != NULL && !base_header_of(block)->mapped) {
        struct base_header *header = base_header_of(block);
        uint64_t *tag = (uint64_t *)((char *)header + header->chunk_bytes);
        *tag = header->chunk_bytes; /* the bug: a tag for a chunk that is not there */
    }
    return block;
}
void hm_free(void *ptr) { base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
