/* breaks: memory under a live block stays mapped: freeing a mapped block unmaps the
 * newest mapping (kept in one variable) instead of the block's own */
// test-trace: tests/traces/good/two-mapped.rep
// test-expect: tests/traces/good/two-mapped.rep:9: f 0 (free of id 0's block): a simulated system call was misused
// test-expect: expected: calls as heapmgr.h describes them
// test-expect: seen:     the stage unmapped it, but id 1 (mmap+0x4b010..mmap+0x943f0, 300000 bytes, from line 8) is live and lies there
// test-expect: reproduce: 
#include "base.h"

static struct base_header *newest_mapping;

void *hm_malloc(size_t size)
{
    void *block = base_malloc(size);
    if (block != NULL && base_header_of(block)->mapped)
        newest_mapping = base_header_of(block);
    return block;
}

void hm_free(void *ptr)
{
    if (ptr == NULL || !base_header_of(ptr)->mapped)
        base_free(ptr);
    else
        hm_munmap(newest_mapping, newest_mapping->chunk_bytes); /* the bug: not ptr's */
}

void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
