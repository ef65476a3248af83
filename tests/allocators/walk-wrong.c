/* walk-wrong.c: correct, but its hm_walk reports a chunk outside the heap: --map must not
 * believe it, draw the heap itself and name what was wrong (tests/jobs/maps.sh). */
#include "base.h"

void *hm_malloc(size_t size) { return base_malloc(size); }
void hm_free(void *ptr) { base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }

void hm_walk(hm_chunk_visitor *visit, void *context)
{
    static const char elsewhere[64];
    struct hm_chunk chunk = { elsewhere, sizeof elsewhere, HM_CHUNK_USED, -1, NULL };
    visit(&chunk, context);
}
