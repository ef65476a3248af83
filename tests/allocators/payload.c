/* breaks: a live block's payload is the caller's: each malloc writes a link to the new
 * block into the first 8 bytes of the block malloc returned before it (metadata kept in
 * a live payload). Caught on free, on realloc, and at the end of a trace. */
// test-trace: traces/tiny-basic.rep
// test-expect: traces/tiny-basic.rep:14: f 1 (free of id 1's block): a live block's payload was changed
// test-expect: expected: a live block's bytes stay as the program wrote them (keep metadata outside payloads)
// test-expect: seen:     id 1 (heap+0x50..heap+0xb4, 100 bytes, from line 11): byte 0 (at heap+0x50) is 0x
// test-expect: found before it was freed
// test-expect: reproduce: 
// test-trace: tests/traces/good/payload-realloc.rep
// test-expect: tests/traces/good/payload-realloc.rep:9: r 0 100 (realloc of id 0's block to 100 bytes): a live block's payload was changed
// test-expect: expected: a live block's bytes stay as the program wrote them
// test-expect: seen:     id 0 (heap+0x10..heap+0x28, 24 bytes, from line 7): byte 0 (at heap+0x10) is 0x
// test-expect: found before realloc
// test-expect: reproduce: 
// test-trace: tests/traces/good/payload-end.rep
// test-expect: tests/traces/good/payload-end.rep: after the last operation, checking every live block's payload: a live block's payload was changed
// test-expect: expected: a live block's bytes stay as the program wrote them
// test-expect: seen:     id 0 (heap+0x10..heap+0x28, 24 bytes, from line 7): byte 0 (at heap+0x10) is 0x
// test-expect: found at the end of the trace
// test-expect: reproduce: 
#include "base.h"

static uint64_t *previous_block;

void *hm_malloc(size_t size)
{
    void *block = base_malloc(size);
    if (previous_block != NULL)
        *previous_block = (uint64_t)(uintptr_t)block; /* the bug: "next allocated" link */
    previous_block = block;
    return block;
}
void hm_free(void *ptr) { base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
