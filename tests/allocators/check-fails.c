/* breaks: hm_check returns 0 on a sound heap: this checker wants every chunk allocated,
 * so it fails as soon as a block is freed (found only with -c) */
// test-trace: traces/tiny-basic.rep
// test-options: -c
// test-expect: check-fails: hm_check: the chunk at heap+0x40 is free
// test-expect: traces/tiny-basic.rep:14: f 1 (free of id 1's block): hm_check() found a broken invariant
// test-expect: expected: hm_check() returns 0
// test-expect: seen:     1 (what hm_check printed, below, says which invariant)
// test-expect: reproduce: 
// test-expect: /tests/stages/check-fails -c traces/tiny-basic.rep
#include "base.h"

void *hm_malloc(size_t size) { return base_malloc(size); }
void hm_free(void *ptr) { base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }

int hm_check(void)
{
    if (base_check() != 0)
        return 1;
    for (unsigned class_index = 0; class_index < BASE_CLASSES; class_index++) {
        struct base_free_chunk *chunk = base_free_lists[class_index];
        if (chunk != NULL) { /* the bug: a free chunk is not a broken invariant */
            fprintf(stderr, "check-fails: hm_check: the chunk at heap+%#lx is free\n",
                    (unsigned long)((char *)chunk - base_heap_start));
            return 1;
        }
    }
    return 0;
}
