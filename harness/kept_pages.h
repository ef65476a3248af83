/*
 * kept_pages.h: which pages of the simulated mappings were given back zeroed in place.
 *
 * In a checked replay, a small mapping that the stage unmaps is not handed back to the kernel:
 * simmem zeroes its pages where they are and marks them here. When the pages are mapped again they are already
 * zero, as fresh pages from the kernel are, and already present: no page fault to bring them
 * back and, with shared memory, no TLB shootdown in the stage's process to take them away.
 * Both cost far more than zeroing a page. The pages stay out of the stage's reach (they are
 * inaccessible to it) and out of its footprint; the marks let the checker tell these zeroed
 * pages from pages the stage wrote without being given them (simmem.c, check_unwritten).
 */
#ifndef KEPT_PAGES_H
#define KEPT_PAGES_H

#include <stdint.h>

struct kept_pages {
    uintptr_t start, page_bytes; /* the range the marks cover, and its page size */
    uint64_t *marks;             /* one bit per page */
    uint64_t page_count;
    uint64_t kept_bytes;         /* how many bytes are marked */
};

/* Marks for [start, start + bytes), none set. 0, or -1 when there is no memory for them. */
int kept_pages_init(struct kept_pages *kept, uintptr_t start, uintptr_t bytes, uintptr_t page_bytes);
void kept_pages_release(struct kept_pages *kept);

/* Is the page at `page` (page-aligned) marked? Never, out of range. */
int kept_pages_has(const struct kept_pages *kept, uintptr_t page);

/* Mark the pages of [start, end) (page-aligned, in range), zeroed by the caller. */
void kept_pages_mark(struct kept_pages *kept, uintptr_t start, uintptr_t end);

/* Unmark the pages of [start, end): they are given out again. */
void kept_pages_unmark(struct kept_pages *kept, uintptr_t start, uintptr_t end);

#endif /* KEPT_PAGES_H */
