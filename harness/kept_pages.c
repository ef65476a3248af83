/* kept_pages.c: a bitmap of the pages given back zeroed in place (see kept_pages.h). */
#include "kept_pages.h"

#include "hostmem.h"

enum { BITS_PER_WORD = 64 };

static size_t marks_bytes(uint64_t page_count)
{
    return (size_t)((page_count + BITS_PER_WORD - 1) / BITS_PER_WORD) * sizeof(uint64_t);
}

int kept_pages_init(struct kept_pages *kept, uintptr_t start, uintptr_t bytes, uintptr_t page_bytes)
{
    *kept = (struct kept_pages){ .start = start, .page_bytes = page_bytes, .page_count = bytes / page_bytes };
    kept->marks = host_alloc(marks_bytes(kept->page_count)); /* zeroed: nothing marked */
    return kept->marks != NULL ? 0 : -1;
}

void kept_pages_release(struct kept_pages *kept)
{
    if (kept->marks != NULL)
        host_free(kept->marks, marks_bytes(kept->page_count));
    *kept = (struct kept_pages){ 0 };
}

static uint64_t index_of(const struct kept_pages *kept, uintptr_t page)
{
    return (page - kept->start) / kept->page_bytes;
}

int kept_pages_has(const struct kept_pages *kept, uintptr_t page)
{
    if (kept->marks == NULL || page < kept->start || index_of(kept, page) >= kept->page_count)
        return 0;
    uint64_t i = index_of(kept, page);
    return (kept->marks[i / BITS_PER_WORD] >> (i % BITS_PER_WORD) & 1) != 0;
}

/* Set or clear the marks of [start, end), keeping kept_bytes right. */
static void set_marks(struct kept_pages *kept, uintptr_t start, uintptr_t end, int marked)
{
    if (kept->marks == NULL || end <= start)
        return;
    for (uint64_t i = index_of(kept, start), last = index_of(kept, end); i < last; i++) {
        uint64_t *word = &kept->marks[i / BITS_PER_WORD], bit = UINT64_C(1) << (i % BITS_PER_WORD);
        /* Whole words at once when the range covers them: a big unmapping is common. */
        if (i % BITS_PER_WORD == 0 && last - i >= BITS_PER_WORD) {
            uint64_t before = (uint64_t)__builtin_popcountll(*word);
            *word = marked ? ~UINT64_C(0) : 0;
            kept->kept_bytes += (marked ? BITS_PER_WORD - before : 0) * kept->page_bytes;
            kept->kept_bytes -= (marked ? 0 : before) * kept->page_bytes;
            i += BITS_PER_WORD - 1;
            continue;
        }
        if (((*word & bit) != 0) == marked)
            continue;
        *word ^= bit;
        if (marked)
            kept->kept_bytes += kept->page_bytes;
        else
            kept->kept_bytes -= kept->page_bytes;
    }
}

void kept_pages_mark(struct kept_pages *kept, uintptr_t start, uintptr_t end)
{
    set_marks(kept, start, end, 1);
}

void kept_pages_unmark(struct kept_pages *kept, uintptr_t start, uintptr_t end)
{
    set_marks(kept, start, end, 0);
}
