/* breaks: malloc(0) returns NULL or a unique pointer: every malloc(0) returns the same
 * shared dummy block */
// test-trace: tests/traces/good/zero-twice.rep
// test-expect: tests/traces/good/zero-twice.rep:8: a 1 0 (malloc(0) for id 1): malloc(0)'s pointer is not unique
// test-expect: expected: memory that overlaps no live block
// test-expect: seen:     heap+0x10..heap+0x11, overlapping id 0 (heap+0x10..heap+0x10, 0 bytes, from line 7)
// test-expect: reproduce: 
#include "base.h"

static void *zero_block;

void *hm_malloc(size_t size)
{
    if (size != 0)
        return base_malloc(size);
    if (zero_block == NULL)
        zero_block = base_malloc(0);
    return zero_block; /* the bug: the same pointer for every malloc(0) */
}

void hm_free(void *ptr)
{
    if (ptr != zero_block)
        base_free(ptr);
}

void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
