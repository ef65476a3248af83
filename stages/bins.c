/*
 * bins.c: segregated free lists ("bins") with boundary tags.
 *
 * Policy: a free chunk of n units (16 bytes each) waits in bin n, every chunk of LAST_BIN units
 * or more in the last bin; malloc takes the smallest free chunk that fits (best fit), found in
 * O(1) with a bitmap of the non-empty bins, and free merges a chunk with its free neighbours
 * before it puts it in its bin.
 *
 * The rules, in order:
 *   1. A request of n bytes needs a chunk of units_for(n) units: n plus the 8-byte header,
 *      rounded up to a whole unit, and never less than MIN_CHUNK_UNITS.
 *   2. malloc looks in the request's bin, then upward: the first non-empty bin below the last
 *      holds the best fit, and the bitmap finds it without looking at empty bins. When only
 *      the last bin is left, malloc walks it for the smallest chunk that fits.
 *   3. The top, the heap's last chunk when it is free, stays out of the bins and is used only
 *      when no binned chunk fits. It is the one chunk that can grow (the heap grows under it),
 *      so it is kept for what nothing else fits (dlmalloc calls this "wilderness
 *      preservation"), and a block just before it can grow in place.
 *   4. A chunk larger than needed is split, and the rest goes back to its bin. A request
 *      smaller than the running average of requests is cut from the chunk's high end, any
 *      other from its low end. So small blocks gather at one end of each free region and
 *      large ones at the other: a large block keeps free room after it to grow into with
 *      realloc, and large blocks freed together merge into one run, instead of leaving holes
 *      pinned between small live blocks.
 *   5. When nothing fits, the heap grows at its end: the top, if there is one, by just what
 *      is missing, plus 1/2^GROW_SHIFT of the heap (at most GROW_MAX_EXTRA_BYTES) so that a
 *      growing program calls sbrk O(log n) times, not once per malloc: each call is a trip
 *      into the kernel, worth a hundred mallocs.
 *   6. free merges the chunk with a free left neighbour (found through that neighbour's
 *      footer) and a free right neighbour (found through its own size), then bins the
 *      result: O(1).
 *   7. realloc works in place when it can: it shrinks by splitting off the tail, and grows
 *      into a free right neighbour or, at the end of the heap, by growing the heap. Only
 *      otherwise does it malloc, copy and free.
 *   8. Memory is never given back, and large blocks live in the heap too. Trimming the top
 *      cannot lower the peak footprint, and a mapping per large block would turn every
 *      realloc of it into map, copy, unmap (there is no mremap here): copying is the dearest
 *      thing an allocator does, since every page it writes to is a page fault.
 *
 * The chunks tile the heap from its start to the epilogue:
 *
 *     an allocated chunk                          a free chunk
 *     chunk -> +----------------------------+     chunk -> +----------------------------+
 *              | header: units | PREV_FREE  | 8 B          | header: units | FREE       | 8 B
 *   payload -> +----------------------------+              +----------------------------+
 *   (16-byte   | the caller's bytes:        |              | next: next chunk in its bin| 8 B
 *    aligned)  | units * 16 - 8 of them     |              | prev: prev chunk in its bin| 8 B
 *              |                            |              |  ...                       |
 *              |                            |              +----------------------------+
 *              |                            |              | footer: copy of the header | 8 B
 *     next  -> +----------------------------+     next  -> +----------------------------+
 *
 *   An allocated chunk has no footer. The chunk after it never needs its size: chunks merge
 *   only with a free left neighbour, and the PREV_FREE flag in a chunk's own header says
 *   whether its left neighbour is free. So an allocated chunk costs 8 bytes, and a free one
 *   needs 32 (MIN_CHUNK_UNITS).
 *
 * The heap:
 *
 *   start                                                                         break
 *   | pad | chunk | free chunk | chunk | ... | chunk | top                | epilogue |
 *     0 or 8 bytes, so that                            the last chunk,      8 bytes: 0 units,
 *     payloads are 16-byte aligned                     when free: in no     in use (a sentinel
 *                                                      bin (rule 3)         that never merges)
 *
 * The bins, an array of doubly linked lists with a bitmap beside it:
 *
 *   bins[0], bins[1]   always empty: the smallest chunk is 2 units (32 bytes)
 *   bins[2]  -> 32 B <-> 32 B <-> 32 B
 *   bins[3]  -> (empty)
 *   bins[4]  -> 64 B
 *   ...
 *   bins[LAST_BIN] -> 9 KiB <-> 4 KiB <-> 300 KiB      every chunk of LAST_BIN units or more,
 *                                                      in no particular order
 *   nonempty[w], bit b: bins[64 w + b] is not empty.   nonempty_words, bit w: nonempty[w] != 0
 *
 * Invariants (hm_check verifies every one):
 *   - The chunks tile the heap: each starts where the previous one ends, the first right
 *     after the pad, the last right before the epilogue, which ends at the break.
 *   - Every chunk has at least MIN_CHUNK_UNITS units, and its payload is 16-byte aligned.
 *   - A free chunk's footer equals its header.
 *   - A chunk's PREV_FREE flag (the epilogue's too) is set exactly when the chunk before it
 *     is free.
 *   - No two free chunks are neighbours: free merges them at once.
 *   - Every free chunk but the top is in exactly one bin, the one bin_index_for its size;
 *     only such chunks are in bins. Each list is acyclic and c->next->prev == c.
 *   - Bit i of the bitmap is set exactly when bins[i] is not empty.
 *
 * Cost:
 *   malloc: O(1) to find a chunk in bins 2 .. LAST_BIN - 1 (two count-trailing-zeros on the
 *     bitmap); the length of the last bin when it comes to that bin, which holds only chunks
 *     of LAST_BIN units or more. Growing the heap is one system call.
 *   free: O(1). realloc: O(1) in place; a move costs a malloc, a copy and a free.
 *   Space: 8 bytes of header per allocated chunk plus the rounding to 16; 32 bytes at least
 *     per chunk; 16 bytes per heap (pad and epilogue); up to 1/2^GROW_SHIFT of the heap in
 *     the top after the heap grows. The bin table is the stage's static data, outside the
 *     heap, as the C library keeps its own bins in its static data.
 */
#include "heapmgr.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- constants ------------------------------------------------------------------------ */

/* These may be changed. */
enum {
    LAST_BIN = 255,            /* bins 0 .. LAST_BIN; the last holds every chunk of LAST_BIN
                                  units (4 KiB) or more */
    AVERAGE_SHIFT = 5,         /* each request moves the running average 1/2^AVERAGE_SHIFT of the way */
    GROW_SHIFT = 5,            /* the heap grows by 1/2^GROW_SHIFT of its size more than it needs... */
    GROW_MAX_EXTRA_BYTES = 256 * 1024, /* ...but by at most this many bytes more */
};

/* These may not: the layout drawn above depends on them. */
enum {
    UNIT_BYTES = HM_ALIGNMENT, /* chunk sizes are whole units, so payloads stay aligned */
    HEADER_BYTES = 8,          /* a header, and a free chunk's footer */
    MIN_CHUNK_UNITS = 2,       /* header + next + prev + footer = 32 bytes */
    BIN_COUNT = LAST_BIN + 1,
    BITMAP_WORDS = (BIN_COUNT + 63) / 64,
    FLAG_BITS = 2,             /* a header's low bits hold the flags, the others the size in units */
    FLAG_FREE = 1,             /* this chunk is free */
    FLAG_PREV_FREE = 2,        /* the chunk before this one is free */
};

_Static_assert((int)LAST_BIN > (int)MIN_CHUNK_UNITS, "the last bin holds larger chunks than the smallest");
_Static_assert(BITMAP_WORDS <= 64, "one 64-bit summary word covers the bitmap");

/* The largest request served: far past any memory limit, and small enough that no size
 * computation below can overflow. */
static const size_t LARGEST_REQUEST_BYTES = (size_t)1 << 60;

/* ---- chunks ----------------------------------------------------------------------------- */

/* A boundary tag: every chunk's header, and a free chunk's footer. */
struct chunk {
    uint64_t units_and_flags; /* size in units << FLAG_BITS | FLAG_PREV_FREE | FLAG_FREE */
};

/* A free chunk: its header and its two links; its footer is its last 8 bytes. */
struct free_chunk {
    struct chunk header;
    struct free_chunk *next; /* the next chunk in the same bin; NULL at the end */
    struct free_chunk *prev; /* the previous chunk in the same bin; NULL for the first */
};

static inline size_t chunk_units(const struct chunk *c)
{
    return (size_t)(c->units_and_flags >> FLAG_BITS);
}

static inline int chunk_is_free(const struct chunk *c)
{
    return (c->units_and_flags & FLAG_FREE) != 0;
}

static inline int chunk_prev_is_free(const struct chunk *c)
{
    return (c->units_and_flags & FLAG_PREV_FREE) != 0;
}

static inline void chunk_set_prev_free(struct chunk *c, int prev_free)
{
    if (prev_free)
        c->units_and_flags |= FLAG_PREV_FREE;
    else
        c->units_and_flags &= ~(uint64_t)FLAG_PREV_FREE;
}

static inline uint64_t tag_value(size_t units, int is_free, int prev_free)
{
    return (uint64_t)units << FLAG_BITS | (is_free ? FLAG_FREE : 0) | (prev_free ? FLAG_PREV_FREE : 0);
}

/* The chunk `units` units after c. */
static inline struct chunk *chunk_at(const struct chunk *c, size_t units)
{
    return (struct chunk *)((const char *)c + units * UNIT_BYTES);
}

/* The chunk that starts where c ends. */
static inline struct chunk *chunk_next(const struct chunk *c)
{
    return chunk_at(c, chunk_units(c));
}

/* A free chunk's footer: its last 8 bytes. */
static inline struct chunk *chunk_footer(const struct chunk *c)
{
    return (struct chunk *)((const char *)chunk_next(c) - HEADER_BYTES);
}

/* The chunk before c, found through its footer: only when it is free (chunk_prev_is_free(c)),
 * since only a free chunk has a footer. */
static inline struct chunk *chunk_prev(const struct chunk *c)
{
    const struct chunk *prev_footer = (const struct chunk *)((const char *)c - HEADER_BYTES);
    return (struct chunk *)((const char *)c - chunk_units(prev_footer) * UNIT_BYTES);
}

static inline void *chunk_payload(struct chunk *c)
{
    return (char *)c + HEADER_BYTES;
}

static inline struct chunk *chunk_of_payload(void *payload)
{
    return (struct chunk *)((char *)payload - HEADER_BYTES);
}

/* The bytes the caller may use in a chunk of `units` units. */
static inline size_t payload_bytes(size_t units)
{
    return units * UNIT_BYTES - HEADER_BYTES;
}

/* Make c an allocated chunk of `units` units. It has no footer to write. */
static inline void chunk_set_used(struct chunk *c, size_t units, int prev_free)
{
    c->units_and_flags = tag_value(units, 0, prev_free);
}

/* Make c a free chunk of `units` units: header and footer. PREV_FREE is clear, because the
 * chunk before a free chunk is never free (they would have been merged). */
static inline void chunk_set_free(struct chunk *c, size_t units)
{
    c->units_and_flags = tag_value(units, 1, 0);
    chunk_footer(c)->units_and_flags = c->units_and_flags;
}

static inline struct free_chunk *as_free(struct chunk *c)
{
    return (struct free_chunk *)c;
}

/* ---- the state -------------------------------------------------------------------------- */

static struct {
    char *start;                     /* the heap's start: the break at the first call */
    struct chunk *first;             /* the first chunk: start plus the alignment pad */
    struct chunk *epilogue;          /* the 0-unit "in use" header in the heap's last 8 bytes;
                                        NULL until the first malloc sets the heap up */
    struct free_chunk *bins[BIN_COUNT];
    uint64_t nonempty[BITMAP_WORDS]; /* bit b of word w: bins[64 w + b] is not empty */
    uint64_t nonempty_words;         /* bit w: nonempty[w] is not zero */
    size_t average_request_bytes;    /* the running average of malloc's requests (rule 4) */
} heap;

/* ---- the bitmap ------------------------------------------------------------------------- */

/* The index of the lowest set bit of a word that is not zero. A builtin of GCC and clang that
 * compiles to one instruction (tzcnt or bsf on x86-64); a loop over the bits would do too. */
static inline unsigned lowest_set_bit(uint64_t word)
{
    return (unsigned)__builtin_ctzll(word);
}

static inline void bitmap_set(size_t bin)
{
    heap.nonempty[bin / 64] |= (uint64_t)1 << (bin % 64);
    heap.nonempty_words |= (uint64_t)1 << (bin / 64);
}

static inline void bitmap_clear(size_t bin)
{
    heap.nonempty[bin / 64] &= ~((uint64_t)1 << (bin % 64));
    if (heap.nonempty[bin / 64] == 0)
        heap.nonempty_words &= ~((uint64_t)1 << (bin / 64));
}

/* The first non-empty bin at or above `bin`, or BIN_COUNT when there is none. O(1): one look
 * at the bin's own word, then one at the summary for the words above it. */
static inline size_t first_nonempty_bin_from(size_t bin)
{
    size_t word = bin / 64;
    uint64_t here = heap.nonempty[word] & (~(uint64_t)0 << (bin % 64));
    if (here != 0)
        return word * 64 + lowest_set_bit(here);
    uint64_t words_above = heap.nonempty_words & (~(uint64_t)1 << word); /* 0 when word is 63 */
    if (words_above == 0)
        return BIN_COUNT;
    word = lowest_set_bit(words_above);
    return word * 64 + lowest_set_bit(heap.nonempty[word]);
}

/* ---- the bins --------------------------------------------------------------------------- */

/* The bin for a free chunk of `units` units. */
static inline size_t bin_index_for(size_t units)
{
    return units < LAST_BIN ? units : LAST_BIN;
}

/* Put a free chunk, header and footer written, at the head of its bin. O(1). */
static void bin_insert(struct free_chunk *c)
{
    /* BEGIN SOLUTION */
    size_t bin = bin_index_for(chunk_units(&c->header));
    struct free_chunk *head = heap.bins[bin];
    c->prev = NULL;
    c->next = head;
    if (head != NULL)
        head->prev = c;
    else
        bitmap_set(bin);
    heap.bins[bin] = c;
    /* END SOLUTION */
}

/* Take a free chunk out of its bin. Its size must be the one it was inserted with, or the
 * wrong bin would be searched. O(1), thanks to the prev link. */
static void bin_remove(struct free_chunk *c)
{
    /* BEGIN SOLUTION */
    size_t bin = bin_index_for(chunk_units(&c->header));
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        heap.bins[bin] = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    if (heap.bins[bin] == NULL)
        bitmap_clear(bin);
    /* END SOLUTION */
}

/* The top: the heap's last chunk when it is free, or NULL. The epilogue's PREV_FREE says. */
static inline struct free_chunk *heap_top(void)
{
    return chunk_prev_is_free(heap.epilogue) ? as_free(chunk_prev(heap.epilogue)) : NULL;
}

/* File a free chunk, header and footer written: in its bin, unless it is the top (rule 3). */
static inline void file_free(struct free_chunk *c)
{
    if (chunk_next(&c->header) != heap.epilogue)
        bin_insert(c);
}

/* Take a free chunk from where file_free put it, to use it or merge it. */
static inline void unfile_free(struct free_chunk *c)
{
    if (chunk_next(&c->header) != heap.epilogue)
        bin_remove(c);
}

/* ---- finding, splitting, merging -------------------------------------------------------- */

/* The units of the chunk for a request of `bytes` bytes (rule 1); 0 when it is too large to
 * serve. */
static size_t units_for(size_t bytes)
{
    /* BEGIN SOLUTION */
    if (bytes > LARGEST_REQUEST_BYTES)
        return 0;
    size_t units = (bytes + HEADER_BYTES + UNIT_BYTES - 1) / UNIT_BYTES;
    return units < MIN_CHUNK_UNITS ? MIN_CHUNK_UNITS : units;
    /* END SOLUTION */
}

/* The smallest binned chunk of at least `units` units (rule 2), left in its bin; NULL when no
 * binned chunk is large enough. */
static struct free_chunk *find_fit(size_t units)
{
    /* BEGIN SOLUTION */
    size_t bin = bin_index_for(units);
    if (bin < LAST_BIN) {
        size_t found = first_nonempty_bin_from(bin);
        if (found == BIN_COUNT)
            return NULL;
        if (found < LAST_BIN)
            return heap.bins[found]; /* all its chunks have `found` units, and found >= units */
    }
    /* Only the last bin is left: its chunks differ in size, so look at each. */
    struct free_chunk *best = NULL;
    for (struct free_chunk *c = heap.bins[LAST_BIN]; c != NULL; c = c->next) {
        size_t have = chunk_units(&c->header);
        if (have >= units && (best == NULL || have < chunk_units(&best->header))) {
            best = c;
            if (have == units)
                break;
        }
    }
    return best;
    /* END SOLUTION */
}

/* Allocate `units` units out of c, a free chunk of at least that many taken from its bin (or
 * the top), for a request of `request_bytes` (rule 4). What is left, when it can make a chunk,
 * is filed back; otherwise the whole chunk is used. Returns the allocated chunk. */
static struct chunk *split(struct free_chunk *c, size_t units, size_t request_bytes)
{
    /* BEGIN SOLUTION */
    struct chunk *whole = &c->header;
    size_t have = chunk_units(whole);
    struct chunk *after = chunk_next(whole);
    if (have - units < MIN_CHUNK_UNITS) { /* too little left for a chunk: use it all */
        chunk_set_used(whole, have, 0);   /* the chunk before a free chunk is in use */
        chunk_set_prev_free(after, 0);
        return whole;
    }
    if (request_bytes < heap.average_request_bytes) { /* small: [ rest (free) | used ] */
        struct chunk *used = chunk_at(whole, have - units);
        chunk_set_free(whole, have - units);
        chunk_set_used(used, units, 1);
        chunk_set_prev_free(after, 0);
        file_free(c); /* into a bin even if c was the top: the used chunk now follows it */
        return used;
    }
    /* large: [ used | rest (free) ]; `after` keeps its PREV_FREE, since the rest is free */
    struct chunk *rest = chunk_at(whole, units);
    chunk_set_used(whole, units, 0);
    chunk_set_free(rest, have - units);
    file_free(as_free(rest));
    return whole;
    /* END SOLUTION */
}

/* Free the allocated chunk c: merge it with its free neighbours and file the result (rule 6).
 * Returns the merged chunk. */
static struct free_chunk *coalesce(struct chunk *c)
{
    /* BEGIN SOLUTION */
    /* Free chunks never touch, so a free neighbour has an allocated chunk (or an end of the
     * heap) beyond it: one merge on each side is all there is to do, O(1). */
    size_t units = chunk_units(c);
    struct chunk *after = chunk_next(c);
    if (chunk_prev_is_free(c)) {
        struct chunk *before = chunk_prev(c);
        unfile_free(as_free(before)); /* before its size changes: its bin is found by its size */
        units += chunk_units(before);
        c = before;
    }
    if (chunk_is_free(after)) {
        struct chunk *beyond = chunk_next(after);
        unfile_free(as_free(after)); /* before its size is lost in the merge */
        units += chunk_units(after);
        after = beyond;
    }
    chunk_set_free(c, units);
    chunk_set_prev_free(after, 1);
    file_free(as_free(c));
    return as_free(c);
    /* END SOLUTION */
}

/* ---- growing the heap ------------------------------------------------------------------- */

/* Set up an empty heap: the alignment pad and the epilogue. 0, or -1 when sbrk fails. */
static int heap_init(void)
{
    /* BEGIN SOLUTION */
    char *start = hm_sbrk(0);
    /* The first header sits 8 bytes before a multiple of 16, so that its payload is aligned. */
    size_t pad = (UNIT_BYTES - ((uintptr_t)start + HEADER_BYTES) % UNIT_BYTES) % UNIT_BYTES;
    if (hm_sbrk((intptr_t)(pad + HEADER_BYTES)) == (void *)-1)
        return -1;
    heap.start = start;
    heap.first = (struct chunk *)(start + pad);
    heap.epilogue = heap.first;
    chunk_set_used(heap.epilogue, 0, 0);
    return 0;
    /* END SOLUTION */
}

/* Grow the heap until the top has at least `units` units (rule 5); the caller has seen that
 * it has fewer, or that there is no top. Returns the top, or NULL when the system refuses. */
static struct free_chunk *grow_heap(size_t units)
{
    /* BEGIN SOLUTION */
    struct free_chunk *top = heap_top();
    size_t have = top != NULL ? chunk_units(&top->header) : 0;
    size_t missing_bytes = (units - have) * UNIT_BYTES;
    size_t heap_bytes = (size_t)((char *)heap.epilogue - heap.start);
    size_t extra_bytes = heap_bytes >> GROW_SHIFT;
    if (extra_bytes > GROW_MAX_EXTRA_BYTES)
        extra_bytes = GROW_MAX_EXTRA_BYTES;
    extra_bytes -= extra_bytes % UNIT_BYTES;
    /* Room to spare when the system has it; only what is missing when it has no more. */
    if (hm_sbrk((intptr_t)(missing_bytes + extra_bytes)) == (void *)-1) {
        extra_bytes = 0;
        if (hm_sbrk((intptr_t)missing_bytes) == (void *)-1)
            return NULL;
    }
    /* The top grows, or the old epilogue becomes the header of a new top. */
    struct chunk *grown = top != NULL ? &top->header : heap.epilogue;
    chunk_set_free(grown, have + (missing_bytes + extra_bytes) / UNIT_BYTES);
    heap.epilogue = chunk_next(grown);
    chunk_set_used(heap.epilogue, 0, 1);
    return as_free(grown);
    /* END SOLUTION */
}

/* ---- the five functions ----------------------------------------------------------------- */

/* Move the running average of requests toward `bytes`: it keeps 31/32 of itself and takes
 * 1/32 of the request (for AVERAGE_SHIFT 5), so it follows the last few dozen requests. */
static inline void note_request(size_t bytes)
{
    size_t average = heap.average_request_bytes;
    heap.average_request_bytes = average - (average >> AVERAGE_SHIFT) + (bytes >> AVERAGE_SHIFT);
}

/* As heapmgr.h says. malloc(0) returns NULL, which the C standard allows and costs nothing. */
void *hm_malloc(size_t size)
{
    /* BEGIN SOLUTION */
    if (size == 0)
        return NULL;
    size_t units = units_for(size);
    if (units == 0) {
        errno = ENOMEM;
        return NULL;
    }
    if (heap.epilogue == NULL && heap_init() != 0)
        return NULL;
    note_request(size);
    struct free_chunk *c = find_fit(units);
    if (c != NULL)
        bin_remove(c);
    else if ((c = heap_top()) == NULL || chunk_units(&c->header) < units)
        c = grow_heap(units); /* the top only when no binned chunk fits, and grown if need be */
    if (c == NULL)
        return NULL;
    return chunk_payload(split(c, units, size));
    /* END SOLUTION */
}

/* As heapmgr.h says: ptr came from this stage and is live, or is NULL (then nothing happens). */
void hm_free(void *ptr)
{
    /* BEGIN SOLUTION */
    if (ptr == NULL)
        return;
    coalesce(chunk_of_payload(ptr));
    /* END SOLUTION */
}

/* Shrink the allocated chunk c to `units` units (no more than it has) in place; the tail is
 * freed when it is large enough to make a chunk. */
static void shrink_in_place(struct chunk *c, size_t units)
{
    /* BEGIN SOLUTION */
    size_t have = chunk_units(c);
    if (have - units < MIN_CHUNK_UNITS)
        return;
    struct chunk *tail = chunk_at(c, units);
    chunk_set_used(c, units, chunk_prev_is_free(c));
    chunk_set_used(tail, have - units, 0);
    coalesce(tail);
    /* END SOLUTION */
}

/* Grow the allocated chunk c to at least `units` units (more than it has) without moving it:
 * into a free right neighbour or, when c is the heap's last chunk or only the top follows it,
 * by growing the heap. 0 when done; -1 when c must move, and then nothing has changed. */
static int grow_in_place(struct chunk *c, size_t units)
{
    /* BEGIN SOLUTION */
    size_t have = chunk_units(c);
    struct chunk *after = chunk_next(c);
    size_t free_after = chunk_is_free(after) ? chunk_units(after) : 0;
    struct free_chunk *room;
    if (have + free_after >= units) {
        room = as_free(after);
        unfile_free(room);
    } else if (chunk_at(after, free_after) == heap.epilogue) {
        room = grow_heap(units - have);
        if (room == NULL)
            return -1;
    } else {
        return -1;
    }
    /* c and the room after it become one allocated chunk; then the surplus is split off. */
    chunk_set_used(c, have + chunk_units(&room->header), chunk_prev_is_free(c));
    chunk_set_prev_free(chunk_next(c), 0);
    shrink_in_place(c, units);
    return 0;
    /* END SOLUTION */
}

/* As heapmgr.h says: in place when it can be (rule 7), else malloc, copy, free; when the
 * memory cannot be had, NULL, and the old block is left as it was. */
void *hm_realloc(void *ptr, size_t size)
{
    /* BEGIN SOLUTION */
    if (ptr == NULL)
        return hm_malloc(size);
    if (size == 0) {
        hm_free(ptr);
        return NULL;
    }
    size_t units = units_for(size);
    if (units == 0) {
        errno = ENOMEM;
        return NULL;
    }
    struct chunk *c = chunk_of_payload(ptr);
    size_t have = chunk_units(c);
    if (units <= have) {
        shrink_in_place(c, units);
        return ptr;
    }
    if (grow_in_place(c, units) == 0)
        return ptr;
    void *moved = hm_malloc(size);
    if (moved == NULL)
        return NULL; /* the old block stays as it was */
    memcpy(moved, ptr, payload_bytes(have));
    hm_free(ptr);
    return moved;
    /* END SOLUTION */
}

/* As heapmgr.h says. Every byte is cleared, even where the memory is fresh from sbrk and
 * already zero: telling fresh bytes apart would need more bookkeeping than it saves here,
 * since most callocs land on recycled chunks. */
void *hm_calloc(size_t nmemb, size_t size)
{
    /* BEGIN SOLUTION */
    if (nmemb != 0 && size > SIZE_MAX / nmemb) {
        errno = ENOMEM;
        return NULL;
    }
    size_t bytes = nmemb * size;
    void *p = hm_malloc(bytes);
    if (p != NULL)
        memset(p, 0, bytes);
    return p;
    /* END SOLUTION */
}

/* ---- the checker ------------------------------------------------------------------------ */

/* The checker's messages go out with fprintf(stderr, ...) alone, the one output a stage may
 * use. Each is one line, "bins: hm_check: WHAT", and names chunks by their offset from the heap
 * start ("heap+0x40"), which is the same on every run. */

static unsigned long long offset_of(const void *address)
{
    return (unsigned long long)((const char *)address - heap.start);
}

/* A boundary tag in words, for the format "(units: %llu, %s%s)": "(units: 7, free)" or
 * "(units: 251, in use, after a free chunk)". */
static unsigned long long tag_units(uint64_t tag)
{
    return (unsigned long long)(tag >> FLAG_BITS);
}

static const char *tag_state(uint64_t tag)
{
    return (tag & FLAG_FREE) != 0 ? "free" : "in use";
}

static const char *tag_prev(uint64_t tag)
{
    return (tag & FLAG_PREV_FREE) != 0 ? ", after a free chunk" : "";
}

/* Print a link, which may point anywhere: "NULL", "heap+0x40", or "0x... (outside the heap)". */
static void print_link(const void *link)
{
    const char *at = link;
    if (at == NULL)
        fprintf(stderr, "NULL");
    else if (at >= heap.start && at < (const char *)heap.epilogue)
        fprintf(stderr, "heap+%#llx", offset_of(at));
    else
        fprintf(stderr, "%p (outside the heap)", link);
}

/* A fingerprint of a chunk's address (the splitmix64 finalizer): two different sets of
 * chunks have the same sum of fingerprints only by a vanishing chance. */
static inline uint64_t address_hash(const void *address)
{
    uint64_t x = (uint64_t)(uintptr_t)address;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

/* Could a chunk start at p: inside the chunk area, with a 16-byte aligned payload? */
static int could_be_chunk(const void *p)
{
    const char *at = p;
    return at >= (const char *)heap.first && at < (const char *)heap.epilogue &&
           (uintptr_t)(at + HEADER_BYTES) % UNIT_BYTES == 0;
}

/* Walk the chunks in address order and check each; count the free chunks that should be in
 * bins (all but the top) and sum their fingerprints. 0 when all is well; otherwise 1, after
 * saying what broke. */
static int check_chunks(size_t *binnable_count, uint64_t *binnable_hash)
{
    /* BEGIN SOLUTION */
    const char *brk = hm_sbrk(0);
    uint64_t end_tag = heap.epilogue->units_and_flags;
    if ((const char *)heap.epilogue + HEADER_BYTES != brk) {
        fprintf(stderr, "bins: hm_check: the epilogue at heap+%#llx does not end at the break (heap+%#llx)\n",
                offset_of(heap.epilogue), offset_of(brk));
        return 1;
    }
    if (chunk_units(heap.epilogue) != 0 || chunk_is_free(heap.epilogue)) {
        fprintf(stderr, "bins: hm_check: the epilogue at heap+%#llx is not a 0-unit chunk in use: (units: "
                "%llu, %s%s)\n", offset_of(heap.epilogue), tag_units(end_tag), tag_state(end_tag),
                tag_prev(end_tag));
        return 1;
    }
    int prev_free = 0;
    const struct chunk *c = heap.first;
    while (c != heap.epilogue) {
        uint64_t tag = c->units_and_flags;
        size_t room = (size_t)((const char *)heap.epilogue - (const char *)c) / UNIT_BYTES;
        if (chunk_units(c) < MIN_CHUNK_UNITS || chunk_units(c) > room) {
            fprintf(stderr, "bins: hm_check: the chunk at heap+%#llx (units: %llu, %s%s) is not between "
                    "%d units and the %zu units left before the epilogue\n", offset_of(c), tag_units(tag),
                    tag_state(tag), tag_prev(tag), MIN_CHUNK_UNITS, room);
            return 1;
        }
        if (chunk_prev_is_free(c) != prev_free) {
            fprintf(stderr, "bins: hm_check: the chunk at heap+%#llx (units: %llu, %s%s) says the chunk "
                    "before it is %s, but it is %s\n", offset_of(c), tag_units(tag), tag_state(tag),
                    tag_prev(tag), prev_free ? "in use" : "free", prev_free ? "free" : "in use");
            return 1;
        }
        if (chunk_is_free(c)) {
            const struct chunk *footer = chunk_footer(c);
            uint64_t footer_tag = footer->units_and_flags;
            if (prev_free) {
                fprintf(stderr, "bins: hm_check: the free chunk at heap+%#llx follows a free chunk: they "
                        "were not merged\n", offset_of(c));
                return 1;
            }
            if (footer_tag != tag) {
                fprintf(stderr, "bins: hm_check: the free chunk at heap+%#llx has a header (units: %llu, "
                        "%s%s) that its footer at heap+%#llx (units: %llu, %s%s) does not match\n",
                        offset_of(c), tag_units(tag), tag_state(tag), tag_prev(tag), offset_of(footer),
                        tag_units(footer_tag), tag_state(footer_tag), tag_prev(footer_tag));
                return 1;
            }
            if (chunk_next(c) != heap.epilogue) { /* the top is in no bin */
                ++*binnable_count;
                *binnable_hash += address_hash(c);
            }
        }
        prev_free = chunk_is_free(c);
        c = chunk_next(c);
    }
    if (chunk_prev_is_free(heap.epilogue) != prev_free) {
        fprintf(stderr, "bins: hm_check: the epilogue says the last chunk is %s, but it is %s\n",
                prev_free ? "in use" : "free", prev_free ? "free" : "in use");
        return 1;
    }
    return 0;
    /* END SOLUTION */
}

/* Walk every bin and check each chunk in it and the bitmap; count the listed chunks and sum
 * their fingerprints. No list may be longer than `limit`, the free chunks that the heap walk
 * found, which also stops the walk of a list that has a cycle. 0 when all is well; otherwise
 * 1, after saying what broke. */
static int check_bins(size_t limit, size_t *listed_count, uint64_t *listed_hash)
{
    /* BEGIN SOLUTION */
    for (size_t bin = 0; bin < BIN_COUNT; bin++) {
        int bit = (int)((heap.nonempty[bin / 64] >> (bin % 64)) & 1);
        if (bit != (heap.bins[bin] != NULL)) {
            fprintf(stderr, "bins: hm_check: bin %zu is %s, but its bitmap bit is %d\n", bin,
                    heap.bins[bin] != NULL ? "not empty" : "empty", bit);
            return 1;
        }
        const struct free_chunk *prev = NULL;
        size_t length = 0;
        for (const struct free_chunk *c = heap.bins[bin]; c != NULL; prev = c, c = c->next) {
            if (!could_be_chunk(c)) {
                fprintf(stderr, "bins: hm_check: bin %zu links to ", bin);
                print_link(c);
                fprintf(stderr, ", where no chunk can start\n");
                return 1;
            }
            if (c->prev != prev) {
                fprintf(stderr, "bins: hm_check: in bin %zu, the chunk at heap+%#llx links back to ", bin,
                        offset_of(c));
                print_link(c->prev);
                fprintf(stderr, ", not to the chunk before it in the list (");
                print_link(prev);
                fprintf(stderr, ")\n");
                return 1;
            }
            uint64_t tag = c->header.units_and_flags;
            if (!chunk_is_free(&c->header)) {
                fprintf(stderr, "bins: hm_check: bin %zu lists the chunk at heap+%#llx (units: %llu, %s%s), "
                        "which is not free\n", bin, offset_of(c), tag_units(tag), tag_state(tag),
                        tag_prev(tag));
                return 1;
            }
            if (chunk_next(&c->header) == heap.epilogue) {
                fprintf(stderr, "bins: hm_check: bin %zu lists the top (heap+%#llx), which belongs in no "
                        "bin\n", bin, offset_of(c));
                return 1;
            }
            if (bin_index_for(chunk_units(&c->header)) != bin) {
                fprintf(stderr, "bins: hm_check: bin %zu lists the chunk at heap+%#llx of %llu units, which "
                        "belongs in bin %zu\n", bin, offset_of(c), tag_units(tag),
                        bin_index_for(chunk_units(&c->header)));
                return 1;
            }
            if (++length > limit) {
                fprintf(stderr, "bins: hm_check: bin %zu lists more chunks than the %zu free ones the heap "
                        "has besides the top: it still lists a chunk that was merged away, or it has a "
                        "cycle\n", bin, limit);
                return 1;
            }
            *listed_hash += address_hash(c);
        }
        *listed_count += length;
    }
    for (size_t word = 0; word < BITMAP_WORDS; word++) {
        if (((heap.nonempty_words >> word) & 1) != (heap.nonempty[word] != 0)) {
            fprintf(stderr, "bins: hm_check: the summary bit of bitmap word %zu does not match the word\n",
                    word);
            return 1;
        }
    }
    return 0;
    /* END SOLUTION */
}

/* As heapmgr.h says: 0 when every invariant of the opening comment holds; otherwise one
 * line on stderr saying which broke, and 1. It reads the heap and changes nothing. */
int hm_check(void)
{
    /* BEGIN SOLUTION */
    if (heap.epilogue == NULL)
        return 0; /* no heap yet */
    size_t binnable_count = 0, listed_count = 0;
    uint64_t binnable_hash = 0, listed_hash = 0;
    if (check_chunks(&binnable_count, &binnable_hash) != 0 ||
        check_bins(binnable_count, &listed_count, &listed_hash) != 0)
        return 1;
    if (listed_count != binnable_count) {
        fprintf(stderr, "bins: hm_check: the heap has %zu free chunks besides the top, but the bins list "
                "%zu\n", binnable_count, listed_count);
        return 1;
    }
    /* As many as there should be, none twice (each list is acyclic and each chunk is listed
     * only in its one right bin): so if the fingerprints agree too, the bins hold exactly the
     * free chunks of the heap, and no stale address of a chunk that is gone. */
    if (listed_hash != binnable_hash) {
        fprintf(stderr, "bins: hm_check: the bins list %zu chunks, as many as the heap has free chunks "
                "besides the top, but not the same ones: some listed address is not where a free "
                "chunk starts\n", listed_count);
        return 1;
    }
    return 0;
    /* END SOLUTION */
}
