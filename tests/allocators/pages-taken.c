/* breaks: memory only from the simulated calls: the stage keeps a side table in a page far
 * past the break, which it makes accessible itself with the real mprotect, so that the table
 * counts in no footprint. Run in one process the checker cannot see it (its blocks are all
 * fine); run apart, as the grader runs every stage, the page shows up in simulated memory's
 * file, where the simulation never put anything. */
// test-trace: traces/tiny-basic.rep
// test-options: --separate
// test-expect: traces/tiny-basic.rep: after the last operation, checking the memory outside the heap and mappings: the stage used memory it was never given
// test-expect: expected: memory from hm_sbrk, hm_brk and hm_mmap only
// test-expect: seen:     the page at heap+0x4000000 holds data, yet the simulation never gave it out
// test-expect: reproduce: 
#include "base.h"

#include <sys/mman.h>

enum { SIDE_TABLE_OFFSET = 64 << 20 };

static uint64_t *side_table;

void *hm_malloc(size_t size)
{
    if (side_table == NULL) {
        char *page = (char *)hm_sbrk(0) + SIDE_TABLE_OFFSET;
        if (mprotect(page, 4096, PROT_READ | PROT_WRITE) == 0)
            side_table = (uint64_t *)page;
    }
    void *block = base_malloc(size);
    if (side_table != NULL)
        side_table[0]++; /* the bug: bookkeeping kept where no footprint counts it */
    return block;
}
void hm_free(void *ptr) { base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
