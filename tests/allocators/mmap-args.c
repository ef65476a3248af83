/* breaks: mappings are anonymous, private and read-write: large blocks are mapped shared */
// test-trace: tests/traces/good/one-mapped.rep
// test-expect: tests/traces/good/one-mapped.rep:7: a 0 300000 (malloc(300000) for id 0): a simulated system call was misused
// test-expect: expected: calls as heapmgr.h describes them
// test-expect: seen:     hm_mmap(length 300016, prot 0x3, flags 0x21, fd -1, offset 0): only anonymous private read-write mappings of a non-zero length are simulated
// test-expect: reproduce: 
#include "base.h"

void *hm_malloc(size_t size)
{
    if (size + BASE_HEADER_BYTES < BASE_MAP_THRESHOLD)
        return base_malloc(size);
    size_t needed = size + BASE_HEADER_BYTES;
    struct base_header *chunk = hm_mmap(NULL, needed, PROT_READ | PROT_WRITE,
                                        MAP_SHARED | MAP_ANONYMOUS, -1, 0); /* the bug */
    if (chunk == MAP_FAILED)
        return NULL;
    *chunk = (struct base_header){ .chunk_bytes = needed, .mapped = 1 };
    return (char *)chunk + BASE_HEADER_BYTES;
}
void hm_free(void *ptr) { base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
