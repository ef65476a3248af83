/* breaks: a stage gives the same results in every replay of a trace: malloc reads the first
 * word of the block it returned last (the program's memory, which the allocator must not
 * read), and takes an extra chunk when it is zero. The checked replay fills every block it
 * gets; the timed replay writes none, so there malloc places its blocks elsewhere */
// test-trace: traces/tiny-basic.rep
// test-options: -n 1
// test-expect: traces/tiny-basic.rep:11: a 1 100 (malloc(100) for id 1): the timed replay of the stage returned heap+0x70 where the checked replay returned heap+0x50
// test-expect: (a stage must give the same results in every replay of a trace; does it depend on uninitialized memory or addresses?)
// test-expect: reproduce: 
#include "base.h"

static const void *last_block;

void *hm_malloc(size_t size)
{
    uint64_t first_word = 1;
    if (last_block != NULL)
        memcpy(&first_word, last_block, sizeof first_word); /* the bug: the program's bytes */
    if (first_word == 0)
        base_malloc(16);
    void *block = base_malloc(size);
    if (size >= sizeof first_word)
        last_block = block;
    return block;
}

void hm_free(void *ptr) { base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }
int hm_check(void) { return base_check(); }
