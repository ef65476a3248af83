/* breaks: a failed realloc leaves the old block live and untouched: when the new block
 * cannot be had, this realloc frees the old one before returning NULL */
// test-trace: tests/traces/good/realloc-fail.rep
// test-options: --limit 8K
// test-expect: tests/traces/good/realloc-fail.rep:8: r 0 10000 (realloc of id 0's block to 10000 bytes): a live block's payload was changed
// test-expect: expected: a live block's bytes stay as the program wrote them
// test-expect: found after realloc returned NULL, which must leave it untouched
// test-expect: reproduce: 
// test-expect: /tests/stages/realloc-fail --limit 8K tests/traces/good/realloc-fail.rep
#include "base.h"

void *hm_malloc(size_t size) { return base_malloc(size); }
void hm_free(void *ptr) { base_free(ptr); }

void *hm_realloc(void *ptr, size_t size)
{
    void *moved = base_realloc(ptr, size);
    if (moved == NULL && ptr != NULL && size != 0)
        base_free(ptr); /* the bug: the caller still owns ptr */
    return moved;
}

void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
