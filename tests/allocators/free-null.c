/* breaks: free(NULL) does nothing: this free reads the block's first word (a "freed"
 * mark) before it checks for NULL, so free(NULL) reads address 0 */
// test-trace: traces/tiny-basic.rep
// test-expect: traces/tiny-basic.rep: before the first operation (in the probe free(NULL)): the stage crashed with SIGSEGV
// test-expect: a NULL pointer was used
// test-expect: reproduce: 
#include "base.h"

enum { FREED_MARK = 0xf4eed };

void *hm_malloc(size_t size) { return base_malloc(size); }

/* No sanitizer check here: the NULL read must fault, as it does in a plain build. */
__attribute__((no_sanitize("undefined")))
void hm_free(void *ptr)
{
    volatile uint64_t *mark = ptr;
    if (*mark == FREED_MARK) /* the bug: ptr may be NULL */
        return;
    base_free(ptr);
}

void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
