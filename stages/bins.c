/*
 * bins.c: segregated free lists ("bins") with boundary tags.
 *
 * Policy: a free chunk of n units (16 bytes each) waits in bin n, and every chunk of LAST_BIN
 * units or more in the last bin; malloc takes the smallest free chunk that fits (best fit),
 * found in O(1) with a bitmap of the non-empty bins, and free merges a chunk with its free
 * neighbours before it puts it in its bin.
 *
 * The rules, in order:
 *   1. A request of n bytes needs a chunk of units_for(n) units: n plus the 8-byte header,
 *      rounded up to a whole unit, at least MIN_CHUNK_UNITS.
 *   2. malloc looks in the request's bin, then upward: the first non-empty bin below the last
 *      holds the best fit, and the bitmap finds it without looking at empty bins. When only
 *      the last bin is left, it walks that list for the smallest chunk that fits.
 *   3. A chunk larger than needed is split, and the rest goes back to its bin. Where the
 *      request goes in the chunk depends on its size: a small request (at most
 *      SMALL_REQUEST_BYTES) is cut from the chunk's high end, a larger one from its low end.
 *      So small blocks gather on one side and large ones on the other, and when the large
 *      ones are freed they merge into runs that a later, larger request can use, instead of
 *      holes pinned between small live blocks.
 *   4. When no chunk fits, the heap grows at its end. If the last chunk is free it is
 *      extended by just what is missing. The heap grows by at least 1/2^GROW_SHIFT of its
 *      size (at most GROW_MAX_EXTRA_BYTES more than needed), so that a growing program makes
 *      O(log n) system calls, each one costing a trip into the kernel.
 *   5. free sets the chunk's boundary tags, merges it with a free left neighbour (found
 *      through that neighbour's footer) and a free right neighbour (found through its own
 *      size), and puts the result in its bin: O(1).
 *   6. realloc works in place when it can: it shrinks by splitting off the tail, and grows
 *      into a free right neighbour or, for the last chunk of the heap, by growing the heap.
 *      Otherwise it is malloc, copy, free.
 *   7. Memory is never given back: the heap is not trimmed and nothing is mapped. Giving
 *      the top of the heap back cannot lower the peak footprint, which is what this kit
 *      measures, and would cost a system call each time the heap grows again.
 *
 * The chunks, which tile the heap from its start to the epilogue:
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
 *   An allocated chunk has no footer: the chunk after it never needs its size, because it
 *   merges only with a free left neighbour, and the PREV_FREE flag in its own header says
 *   whether that neighbour is free. So an allocated chunk costs 8 bytes, a free one needs 32.
 *
 * The heap:
 *
 *   heap start                                                                  break
 *   | pad | chunk | chunk | free chunk | chunk | ... | chunk | epilogue: 0 units, in use |
 *     ^ 0 or 8 bytes, so that every payload is 16-byte aligned       (8 bytes, a sentinel)
 *
 * The bins, an array of doubly linked lists with a bitmap beside it:
 *
 *   bins[0], bins[1]   always empty: the smallest chunk is 2 units (32 bytes)
 *   bins[2]  -> 32 B <-> 32 B <-> 32 B
 *   bins[3]  -> (empty)
 *   bins[4]  -> 64 B
 *   ...
 *   bins[LAST_BIN] -> 9 KiB <-> 4 KiB <-> 300 KiB        every size of LAST_BIN units or more,
 *                                                        in no particular order
 *   nonempty[w], bit b: bins[64 w + b] is not empty; nonempty_words, bit w: nonempty[w] != 0
 *
 * Invariants (hm_check verifies every one):
 *   - The chunks tile the heap: each starts where the previous one ends, the first right
 *     after the pad, the last right before the epilogue, which ends at the break.
 *   - Every chunk is at least MIN_CHUNK_UNITS units, and its payload is 16-byte aligned.
 *   - A free chunk's footer equals its header.
 *   - A chunk's PREV_FREE flag is set exactly when the chunk before it is free.
 *   - No two free chunks are neighbours: free merges them at once.
 *   - Every free chunk is in exactly one bin, the one bin_index_for its size, and only free
 *     chunks are in bins. Each list is acyclic, and x->next->prev == x.
 *   - Bit i of the bitmap is set exactly when bins[i] is not empty.
 *
 * Cost:
 *   malloc: O(1) to find a chunk in bins 2 .. LAST_BIN - 1 (a bitmap and two count-trailing-
 *     zeros); O(length of the last bin) when it comes to the last bin, which holds only
 *     chunks of LAST_BIN units or more. Growing the heap is one system call.
 *   free: O(1). realloc: O(1) in place; a move costs a malloc, a copy and a free.
 *   Space: 8 bytes of header per allocated chunk plus rounding up to 16 bytes; at least 32
 *     bytes per chunk; 16 bytes per heap (pad and epilogue). The bin table is the stage's
 *     static data, outside the heap (as the C library keeps its own in its static data).
 */
#include "heapmgr.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- constants ------------------------------------------------------------------------ */

/* These may be changed. */
enum {
    LAST_BIN = 255,             /* bins 0..LAST_BIN; the last holds chunks of LAST_BIN units or more */
    SMALL_REQUEST_BYTES = 64,   /* requests of at most this many bytes are cut from a chunk's high end */
    GROW_SHIFT = 4,             /* the heap grows by at least 1/2^GROW_SHIFT of its size */
    GROW_MAX_EXTRA_BYTES = 1 << 20, /* but by at most this many bytes more than it needs */
};

/* These may not: the layout above depends on them. */
enum {
    UNIT_BYTES = HM_ALIGNMENT,  /* a chunk's size is a whole number of units */
    HEADER_BYTES = 8,           /* the header (and a free chunk's footer) */
    MIN_CHUNK_UNITS = 2,        /* header + next + prev + footer = 32 bytes */
    BIN_COUNT = LAST_BIN + 1,
    BITMAP_WORDS = (BIN_COUNT + 63) / 64,
    FLAG_BITS = 2,              /* the header's low bits hold the flags, the rest the size */
    FLAG_FREE = 1,              /* this chunk is free */
    FLAG_PREV_FREE = 2,         /* the chunk before this one is free */
};

_Static_assert(LAST_BIN >= MIN_CHUNK_UNITS + 1, "the last bin must hold larger chunks than the smallest");
_Static_assert(BITMAP_WORDS <= 64, "one 64-bit summary word covers the bitmap's words");

/* The largest request served: far past any memory limit, and small enough that no size
 * computation below can overflow. */
static const size_t LARGEST_REQUEST_BYTES = (size_t)1 << 60;

/* ---- chunks ----------------------------------------------------------------------------- */

/* A boundary tag: a chunk's header, and a free chunk's footer. */
struct chunk {
    uint64_t units_and_flags; /* size in units << FLAG_BITS | FLAG_FREE | FLAG_PREV_FREE */
};

/* A free chunk: its header and its two links; the footer is at its last 8 bytes. */
struct free_chunk {
    struct chunk header;
    struct free_chunk *next; /* next chunk in the same bin; NULL at the end */
    struct free_chunk *prev; /* previous chunk in the same bin; NULL for the first */
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

/* The chunk that starts right after c. */
static inline struct chunk *chunk_next(const struct chunk *c)
{
    return (struct chunk *)((char *)c + chunk_units(c) * UNIT_BYTES);
}

/* The footer of a free chunk: its last 8 bytes. */
static inline struct chunk *chunk_footer(const struct chunk *c)
{
    return (struct chunk *)((char *)c + chunk_units(c) * UNIT_BYTES - HEADER_BYTES);
}

/* The chunk before c. Only when it is free (chunk_prev_is_free(c)): only then has it a footer. */
static inline struct chunk *chunk_prev(const struct chunk *c)
{
    const struct chunk *prev_footer = c - 1;
    return (struct chunk *)((char *)c - chunk_units(prev_footer) * UNIT_BYTES);
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

/* Make c an allocated chunk of `units` units. Its footer is not written: it has none. */
static inline void chunk_set_used(struct chunk *c, size_t units, int prev_free)
{
    c->units_and_flags = tag_value(units, 0, prev_free);
}

/* Make c a free chunk of `units` units: header and footer. Its previous chunk is never free
 * (free chunks do not touch), so PREV_FREE is clear. */
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
    char *start;                  /* the heap's start: the break at the first call */
    struct chunk *first;          /* the first chunk: start plus the alignment pad */
    struct chunk *epilogue;       /* the 0-unit "in use" header in the heap's last 8 bytes */
    struct free_chunk *bins[BIN_COUNT];
    uint64_t nonempty[BITMAP_WORDS]; /* bit b of word w: bins[64 w + b] is not empty */
    uint64_t nonempty_words;      /* bit w: nonempty[w] is not zero */
    size_t free_chunks;           /* how many chunks the bins hold */
} heap;

/* ---- the bitmap ----------------------------------------------------------------------- */

/* The index of the lowest set bit of a non-zero word. A GCC and clang builtin that compiles to
 * one instruction (tzcnt or bsf on x86); a loop over the bits would do the same, slowly. */
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

/* The first non-empty bin at or above `bin`, or BIN_COUNT when there is none. */
static inline size_t first_nonempty_bin_from(size_t bin)
{
    size_t word = bin / 64;
    uint64_t here = heap.nonempty[word] & (~(uint64_t)0 << (bin % 64));
    if (here != 0)
        return word * 64 + lowest_set_bit(here);
    /* ~1 << word: the words above this one (0 when word is 63). */
    uint64_t words_above = heap.nonempty_words & (~(uint64_t)1 << word);
    if (words_above == 0)
        return BIN_COUNT;
    word = lowest_set_bit(words_above);
    return word * 64 + lowest_set_bit(heap.nonempty[word]);
}

/* ---- the bins --------------------------------------------------------------------------- */

/* The bin a free chunk of `units` units belongs in. */
static inline size_t bin_index_for(size_t units)
{
    return units < LAST_BIN ? units : LAST_BIN;
}

/* Put a free chunk (header and footer written) at the head of its bin. O(1). */
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
    heap.free_chunks++;
    /* END SOLUTION */
}

/* Take a free chunk out of its bin; its size must not have changed since bin_insert. O(1). */
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
    heap.free_chunks--;
    /* END SOLUTION */
}

/* The top: the heap's last chunk when it is free, or NULL. It stays out of the bins. */
static inline struct free_chunk *heap_top(void)
{
    return chunk_prev_is_free(heap.epilogue) ? as_free(chunk_prev(heap.epilogue)) : NULL;
}

/* Keep a free chunk (header and footer written): in its bin, unless it is the top. */
static inline void keep_free(struct free_chunk *c)
{
    if (chunk_next(&c->header) != heap.epilogue)
        bin_insert(c);
}

/* Take a free chunk out of where keep_free put it, to use or merge it. */
static inline void take_free(struct free_chunk *c)
{
    if (chunk_next(&c->header) != heap.epilogue)
        bin_remove(c);
}

/* ---- finding, splitting, merging --------------------------------------------------------- */

/* The units of a chunk for a request of `bytes` bytes (rule 1), or 0 when the request is too
 * large to serve. */
static size_t units_for(size_t bytes)
{
    /* BEGIN SOLUTION */
    if (bytes > LARGEST_REQUEST_BYTES)
        return 0;
    size_t units = (bytes + HEADER_BYTES + UNIT_BYTES - 1) / UNIT_BYTES;
    return units < MIN_CHUNK_UNITS ? MIN_CHUNK_UNITS : units;
    /* END SOLUTION */
}

/* The smallest free chunk of at least `units` units (rule 2), still in its bin; NULL when no
 * chunk is large enough. */
static struct free_chunk *find_fit(size_t units)
{
    /* BEGIN SOLUTION */
    size_t bin = bin_index_for(units);
    if (bin < LAST_BIN) {
        size_t found = first_nonempty_bin_from(bin);
        if (found == BIN_COUNT)
            return NULL;
        if (found < LAST_BIN)
            return heap.bins[found]; /* every chunk in bin `found` has `found` >= units units */
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

/* Allocate `units` units out of the free chunk c, which is in no bin (rule 3). What is left,
 * when it can be a chunk, goes back to a bin; otherwise the whole chunk is used. Small
 * requests take the chunk's high end, others its low end. Returns the allocated chunk. */
static struct chunk *split(struct free_chunk *c, size_t units, size_t request_bytes)
{
    /* BEGIN SOLUTION */
    struct chunk *whole = &c->header;
    size_t have = chunk_units(whole);
    struct chunk *after = chunk_next(whole);
    if (have - units < MIN_CHUNK_UNITS) { /* too little left for a chunk: use it all */
        chunk_set_used(whole, have, 0);   /* a free chunk's left neighbour is never free */
        chunk_set_prev_free(after, 0);
        return whole;
    }
    if (request_bytes <= SMALL_REQUEST_BYTES) { /* [ rest (free) | used ] */
        struct chunk *used = (struct chunk *)((char *)whole + (have - units) * UNIT_BYTES);
        chunk_set_free(whole, have - units);
        keep_free(c);
        chunk_set_used(used, units, 1);
        chunk_set_prev_free(after, 0);
        return used;
    }
    /* [ used | rest (free) ] */
    struct chunk *rest = (struct chunk *)((char *)whole + units * UNIT_BYTES);
    chunk_set_used(whole, units, 0);
    chunk_set_free(rest, have - units);
    keep_free(as_free(rest)); /* `after` keeps PREV_FREE: the rest is free */
    return whole;
    /* END SOLUTION */
}

/* Turn c, allocated, into a free chunk merged with its free neighbours, and put it in its bin
 * (rule 5). Returns the merged chunk. */
static struct free_chunk *coalesce(struct chunk *c)
{
    /* BEGIN SOLUTION */
    size_t units = chunk_units(c);
    struct chunk *after = chunk_next(c);
    if (chunk_prev_is_free(c)) {
        struct chunk *before = chunk_prev(c);
        take_free(as_free(before));
        units += chunk_units(before);
        c = before;
    }
    if (chunk_is_free(after)) {
        struct chunk *beyond = chunk_next(after);
        take_free(as_free(after));
        units += chunk_units(after);
        after = beyond;
    }
    chunk_set_free(c, units);
    chunk_set_prev_free(after, 1);
    keep_free(as_free(c));
    return as_free(c);
    /* END SOLUTION */
}

/* ---- growing the heap ------------------------------------------------------------------- */

/* Set up an empty heap: the alignment pad and the epilogue. 0, or -1 when sbrk fails. */
static int heap_init(void)
{
    /* BEGIN SOLUTION */
    char *start = hm_sbrk(0);
    /* The first header must sit 8 bytes before a multiple of 16, so its payload is aligned. */
    size_t pad = (size_t)((UNIT_BYTES + HEADER_BYTES - (uintptr_t)start % UNIT_BYTES) % UNIT_BYTES);
    if (hm_sbrk((intptr_t)(pad + HEADER_BYTES)) == (void *)-1)
        return -1;
    heap.start = start;
    heap.first = (struct chunk *)(start + pad);
    heap.epilogue = heap.first;
    chunk_set_used(heap.epilogue, 0, 0);
    return 0;
    /* END SOLUTION */
}

/* Grow the heap so that its top (its last chunk, free) has at least `units` units (rule 4).
 * The caller has seen that the top, if any, is smaller. Returns the top, or NULL when the
 * system refuses the memory. */
static struct free_chunk *grow_heap(size_t units)
{
    /* BEGIN SOLUTION */
    struct free_chunk *top = heap_top();
    size_t have = top != NULL ? chunk_units(&top->header) : 0;
    size_t missing = (units - have) * UNIT_BYTES; /* the caller asks only when have < units */
    size_t heap_bytes = (size_t)((char *)heap.epilogue - heap.start);
    size_t extra = heap_bytes >> GROW_SHIFT;
    if (extra > GROW_MAX_EXTRA_BYTES)
        extra = GROW_MAX_EXTRA_BYTES;
    extra -= extra % UNIT_BYTES;
    /* With room to spare when the system has it; with just what is needed when not. */
    if (hm_sbrk((intptr_t)(missing + extra)) == (void *)-1) {
        extra = 0;
        if (hm_sbrk((intptr_t)missing) == (void *)-1)
            return NULL;
    }
    /* The top grows, or the old epilogue becomes the header of a new top. */
    struct chunk *grown = top != NULL ? &top->header : heap.epilogue;
    chunk_set_free(grown, have + (missing + extra) / UNIT_BYTES);
    heap.epilogue = chunk_next(grown);
    chunk_set_used(heap.epilogue, 0, 1);
    return as_free(grown);
    /* END SOLUTION */
}

/* ---- the five functions ----------------------------------------------------------------- */

/* malloc(0) returns NULL: the C standard allows it, and it costs no memory. */
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
    /* A binned chunk if one fits; the top only when none does, so that the top stays large. */
    struct free_chunk *c = find_fit(units);
    if (c != NULL)
        bin_remove(c);
    else if ((c = heap_top()) == NULL || chunk_units(&c->header) < units)
        c = grow_heap(units);
    if (c == NULL)
        return NULL;
    return chunk_payload(split(c, units, size));
    /* END SOLUTION */
}

void hm_free(void *ptr)
{
    /* BEGIN SOLUTION */
    if (ptr == NULL)
        return;
    coalesce(chunk_of_payload(ptr));
    /* END SOLUTION */
}

/* Shrink the allocated chunk c to `units` units in place, freeing the tail when it is large
 * enough to be a chunk. */
static void shrink_in_place(struct chunk *c, size_t units)
{
    /* BEGIN SOLUTION */
    size_t have = chunk_units(c);
    if (have - units < MIN_CHUNK_UNITS)
        return;
    struct chunk *tail = (struct chunk *)((char *)c + units * UNIT_BYTES);
    chunk_set_used(c, units, chunk_prev_is_free(c));
    chunk_set_used(tail, have - units, 0);
    coalesce(tail);
    /* END SOLUTION */
}

/* Grow the allocated chunk c to at least `units` units without moving it: into a free right
 * neighbour, and at the end of the heap by growing the heap. 0 when done, -1 when c must move. */
static int grow_in_place(struct chunk *c, size_t units)
{
    /* BEGIN SOLUTION */
    size_t have = chunk_units(c);
    struct chunk *after = chunk_next(c);
    size_t free_after = chunk_is_free(after) ? chunk_units(after) : 0;
    struct chunk *beyond = (struct chunk *)((char *)after + free_after * UNIT_BYTES);
    struct free_chunk *room;
    if (have + free_after >= units) {
        room = as_free(after);
        take_free(room);
    } else if (beyond == heap.epilogue) {
        /* The last chunk of the heap (or the last but a free one): grow the heap under it. */
        room = grow_heap(units - have);
        if (room == NULL)
            return -1;
    } else {
        return -1;
    }
    /* c and the room after it become one allocated chunk, then the surplus is split off. */
    size_t total = have + chunk_units(&room->header);
    chunk_set_used(c, total, chunk_prev_is_free(c));
    chunk_set_prev_free(chunk_next(c), 0);
    shrink_in_place(c, units);
    return 0;
    /* END SOLUTION */
}

/* Grow the allocated chunk c to at least `units` units by merging it with a free left
 * neighbour (and a free right one) and moving its bytes down. The new chunk, or NULL when
 * the neighbours are too small. */
static struct chunk *grow_backward(struct chunk *c, size_t units)
{
    /* BEGIN SOLUTION */
    if (!chunk_prev_is_free(c))
        return NULL;
    size_t have = chunk_units(c);
    struct chunk *before = chunk_prev(c), *after = chunk_next(c);
    size_t free_after = chunk_is_free(after) ? chunk_units(after) : 0;
    size_t total = chunk_units(before) + have + free_after;
    if (total < units)
        return NULL;
    take_free(as_free(before));
    if (free_after != 0)
        take_free(as_free(after));
    memmove(chunk_payload(before), chunk_payload(c), payload_bytes(have));
    chunk_set_used(before, total, 0);
    chunk_set_prev_free(chunk_next(before), 0);
    shrink_in_place(before, units);
    return before;
    /* END SOLUTION */
}

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
    struct chunk *slid = grow_backward(c, units);
    if (slid != NULL)
        return chunk_payload(slid);
    void *moved = hm_malloc(size);
    if (moved == NULL)
        return NULL; /* the old block stays as it was */
    memcpy(moved, ptr, payload_bytes(have));
    hm_free(ptr);
    return moved;
    /* END SOLUTION */
}

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

/* ---- the checker -------------------------------------------------------------------------- */

/* "heap+0x40": an address as an offset from the heap start, the same on every run. */
static unsigned long long heap_offset(const void *address)
{
    return (unsigned long long)((const char *)address - heap.start);
}

/* A fingerprint of a chunk's address for the set comparison in hm_check: a 64-bit mix, so
 * that two different sets of addresses have the same sum only by a vanishing chance. */
static inline uint64_t address_hash(const void *address)
{
    uint64_t x = (uint64_t)(uintptr_t)address;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

/* Is p where a chunk could start: inside the chunk area, with a 16-byte aligned payload? */
static int could_be_chunk(const void *p)
{
    const char *at = p;
    return at >= (const char *)heap.first && at < (const char *)heap.epilogue &&
           (uintptr_t)(at + HEADER_BYTES) % UNIT_BYTES == 0;
}

/* Report a broken invariant on stderr, as "bins: hm_check: WHAT". Returns 1. */
__attribute__((format(printf, 1, 2)))
static int broken(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    fputs("bins: hm_check: ", stderr);
    vfprintf(stderr, format, arguments);
    fputc('\n', stderr);
    va_end(arguments);
    return 1;
}

/* Walk the chunks in address order; count the free ones and sum their fingerprints. */
static int check_chunks(size_t *free_count, uint64_t *free_hash)
{
    /* BEGIN SOLUTION */
    const char *brk = hm_sbrk(0);
    if ((const char *)heap.epilogue + HEADER_BYTES != brk)
        return broken("the epilogue at heap+%#llx does not end at the break (heap+%#llx)",
                            heap_offset(heap.epilogue), heap_offset(brk));
    if (chunk_units(heap.epilogue) != 0 || chunk_is_free(heap.epilogue))
        return broken("the epilogue at heap+%#llx is not a 0-unit chunk in use",
                            heap_offset(heap.epilogue));
    int prev_free = 0;
    *free_count = 0;
    *free_hash = 0;
    const struct chunk *c = heap.first;
    while (c != heap.epilogue) {
        size_t units = chunk_units(c);
        size_t room = (size_t)((const char *)heap.epilogue - (const char *)c) / UNIT_BYTES;
        if (units < MIN_CHUNK_UNITS || units > room)
            return broken("the chunk at heap+%#llx has %zu units: not between %d and the %zu "
                                "units left before the epilogue", heap_offset(c), units,
                                MIN_CHUNK_UNITS, room);
        if (chunk_prev_is_free(c) != prev_free)
            return broken("the chunk at heap+%#llx says the chunk before it is %s, but it is %s",
                                heap_offset(c), chunk_prev_is_free(c) ? "free" : "in use",
                                prev_free ? "free" : "in use");
        if (chunk_is_free(c)) {
            if (prev_free)
                return broken("the free chunks at heap+%#llx and before it were not merged",
                                    heap_offset(c));
            const struct chunk *footer = chunk_footer(c);
            if (footer->units_and_flags != c->units_and_flags)
                return broken("the free chunk at heap+%#llx has header %#llx but footer %#llx",
                                    heap_offset(c), (unsigned long long)c->units_and_flags,
                                    (unsigned long long)footer->units_and_flags);
            if (chunk_next(c) != heap.epilogue) { /* the top stays out of the bins */
                ++*free_count;
                *free_hash += address_hash(c);
            }
        }
        prev_free = chunk_is_free(c);
        c = chunk_next(c);
    }
    if (chunk_prev_is_free(heap.epilogue) != prev_free)
        return broken("the epilogue says the last chunk is %s, but it is %s",
                            chunk_prev_is_free(heap.epilogue) ? "free" : "in use",
                            prev_free ? "free" : "in use");
    return 0;
    /* END SOLUTION */
}

/* Walk every bin; count its chunks and sum their fingerprints. No list may hold more than
 * `limit` chunks (the free chunks in the heap): a longer walk means a cycle. */
static int check_bins(size_t limit, size_t *listed_count, uint64_t *listed_hash)
{
    /* BEGIN SOLUTION */
    *listed_count = 0;
    *listed_hash = 0;
    for (size_t bin = 0; bin < BIN_COUNT; bin++) {
        int bit = (heap.nonempty[bin / 64] >> (bin % 64)) & 1;
        if (bit != (heap.bins[bin] != NULL))
            return broken("bin %zu is %s but its bitmap bit is %d", bin,
                                heap.bins[bin] != NULL ? "not empty" : "empty", bit);
        const struct free_chunk *prev = NULL;
        size_t length = 0;
        for (const struct free_chunk *c = heap.bins[bin]; c != NULL; prev = c, c = c->next) {
            if (!could_be_chunk(c))
                return broken("bin %zu links to %p, which is not a chunk in the heap", bin,
                                    (const void *)c);
            if (++length > limit)
                return broken("bin %zu has more chunks than the heap has free chunks (%zu): "
                                    "its list has a cycle", bin, limit);
            if (c->prev != prev)
                return broken("in bin %zu, the chunk at heap+%#llx links back to %s%#llx, not "
                                    "to the chunk before it", bin, heap_offset(c),
                                    c->prev != NULL ? "heap+" : "", c->prev ? heap_offset(c->prev) : 0);
            if (!chunk_is_free(&c->header))
                return broken("bin %zu holds the chunk at heap+%#llx, which is in use", bin,
                                    heap_offset(c));
            size_t units = chunk_units(&c->header);
            if (bin_index_for(units) != bin)
                return broken("bin %zu holds the chunk at heap+%#llx of %zu units, which "
                                    "belongs in bin %zu", bin, heap_offset(c), units, bin_index_for(units));
            *listed_hash += address_hash(c);
        }
        *listed_count += length;
    }
    for (size_t word = 0; word < BITMAP_WORDS; word++)
        if (((heap.nonempty_words >> word) & 1) != (heap.nonempty[word] != 0))
            return broken("the summary bit of bitmap word %zu does not match the word", word);
    return 0;
    /* END SOLUTION */
}

int hm_check(void)
{
    /* BEGIN SOLUTION */
    if (heap.epilogue == NULL)
        return 0; /* nothing allocated yet */
    size_t free_count = 0, listed_count = 0;
    uint64_t free_hash = 0, listed_hash = 0;
    if (check_chunks(&free_count, &free_hash) != 0 || check_bins(free_count, &listed_count, &listed_hash) != 0)
        return 1;
    if (listed_count != free_count || heap.free_chunks != free_count)
        return broken("the heap has %zu free chunks, but the bins list %zu and count %zu",
                            free_count, listed_count, heap.free_chunks);
    /* Same count, no repeats (the lists are acyclic and each chunk is in its one right bin):
     * so if the fingerprints agree, the bins hold exactly the free chunks of the heap. */
    if (listed_hash != free_hash)
        return broken("the bins hold %zu chunks, as many as the heap's free chunks, but not "
                            "the same ones: some listed chunk is not a chunk of the heap", listed_count);
    return 0;
    /* END SOLUTION */
}
