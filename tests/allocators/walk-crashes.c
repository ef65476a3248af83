/* walk-crashes.c: correct, but its hm_walk crashes: --map must still draw the heap, from what
 * the harness knows, and say that the walk crashed (tests/jobs/maps.sh; no rule is broken). */
#include "base.h"

void *hm_malloc(size_t size) { return base_malloc(size); }
void hm_free(void *ptr) { base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }

/* Where the walk thinks its first chunk is: nowhere, but not NULL, whose load UBSan would stop
 * before it faults (volatile, so the compiler cannot tell). */
static const struct hm_chunk *volatile first_chunk = (const struct hm_chunk *)(uintptr_t)4096;

void hm_walk(hm_chunk_visitor *visit, void *context)
{
    struct hm_chunk chunk = *first_chunk; /* the crash */
    visit(&chunk, context);
}
