/* breaks: munmap only what was mapped: freeing a mapped block unmaps one page too many,
 * the guard page after the mapping, which was never mapped */
// test-trace: tests/traces/good/one-mapped.rep
// test-expect: tests/traces/good/one-mapped.rep:8: f 0 (free of id 0's block): a simulated system call was misused
// test-expect: expected: calls as heapmgr.h describes them
// test-expect: seen:     hm_munmap(mmap+0
// test-expect: , 304112): that memory was never mapped, or was unmapped already
// test-expect: reproduce: 
#include "base.h"

#include <unistd.h>

void *hm_malloc(size_t size) { return base_malloc(size); }

void hm_free(void *ptr)
{
    struct base_header *header = ptr != NULL ? base_header_of(ptr) : NULL;
    if (header == NULL || !header->mapped)
        base_free(ptr);
    else
        hm_munmap(header, header->chunk_bytes + (size_t)sysconf(_SC_PAGESIZE)); /* the bug */
}

void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
