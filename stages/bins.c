/*
 * bins.c: the stage "bins", free lists by size with a bitmap of the non-empty ones.
 *
 * Policy: a free chunk of i * 16 bytes waits in bin i, every chunk of LAST_BIN * 16 bytes or
 * more in the last bin; malloc takes the smallest free chunk that fits (best fit), found in
 * O(1) with a bitmap of the non-empty bins, and free merges a chunk with its free neighbours
 * in memory before it puts it in its bin.
 *
 * The rules, in order (the lecture's bins):
 *   1. A request of n bytes needs a chunk of chunk_bytes_for(n): n plus the 8-byte header,
 *      rounded up to a multiple of 16, and never less than MIN_CHUNK_BYTES (32).
 *   2. malloc looks in the request's bin, then upward: the first non-empty bin below the last
 *      holds the best fit, and the bitmap finds it without looking at empty bins. When only
 *      the last bin is left, malloc walks it for the smallest chunk that fits.
 *   3. A chunk larger than needed is split: its front is handed out, and the rest goes back
 *      to its bin.
 *   4. When nothing fits, the heap grows at its end: the heap's last chunk, when it is free,
 *      by what it misses, or by HEAP_GROWTH_MIN_BYTES when that is more.
 *   5. free merges the chunk with a free left neighbour (found through that neighbour's
 *      footer) and a free right neighbour (found through its own size), then bins the
 *      result: O(1).
 *   6. realloc works in place when it can: it shrinks by splitting off the tail, and grows
 *      into a free right neighbour or, at the end of the heap, by growing the heap. Only
 *      otherwise does it malloc, copy and free.
 *   7. Memory is never given back, and large blocks live in the heap too.
 *
 * Going further (section 4): three policies beyond the lecture, each switched by a constant:
 *   G1. the top (the heap's last chunk, when free) waits in no bin: it is kept for what no
 *       binned chunk fits ("wilderness preservation");
 *   G2. a request smaller than the running average is cut from a chunk's high end;
 *   G3. the heap grows by what it misses plus a fraction of itself.
 * The lecture's code calls each through one small function of section 4 (its "hook"), which
 * does the lecture's thing when the policy is off. The reference turns all three on; the
 * student kit's skeleton has them off and section 4 whole, so that what a student must write
 * is the lecture's bins, with the calls to the hooks. (A line of the reference that ends in a
 * comment "skeleton: TEXT" is TEXT in the skeleton: the three switches.)
 *
 * The chunks tile the heap from its start to the epilogue:
 *
 *     an allocated chunk                          a free chunk
 *     chunk -> +----------------------------+     chunk -> +----------------------------+
 *              | size_and_status        8 B |              | size_and_status        8 B |
 *   payload -> +----------------------------+              +----------------------------+
 *   (16-byte   | the caller's bytes:        |              | next_free              8 B |
 *    aligned)  | size - 8 of them           |              | prev_free              8 B |
 *              |                            |              |  ...                       |
 *              |                            |              +----------------------------+
 *              |                            |              | footer: copy of the header |
 *     next  -> +----------------------------+     next  -> +----------------------------+
 *
 *   size_and_status: the chunk's size in bytes, a multiple of 16, with two flags in its low
 *   bits: CHUNK_FREE (this chunk is free) and PREVIOUS_FREE (the chunk before it is free).
 *   An allocated chunk has no footer. The chunk after it never needs its size: chunks merge
 *   only with a free left neighbour, and the PREVIOUS_FREE flag in a chunk's own header says
 *   whether its left neighbour is free. So an allocated chunk costs 8 bytes, and a free one
 *   needs 32 (MIN_CHUNK_BYTES).
 *
 * The heap:
 *
 *   start                                                                         break
 *   | pad | chunk | free chunk | chunk | ... | chunk | top                | epilogue |
 *     0 or 8 bytes, so that                            the last chunk,      8 bytes: size 0,
 *     payloads are 16-byte aligned                     when free (G1: in    allocated (a sentinel
 *                                                      no bin)              that never merges)
 *
 * The bins, an array of doubly linked lists with a bitmap beside it:
 *
 *   bins[0], bins[1]   always empty: the smallest chunk is 32 bytes
 *   bins[2]  -> 32 B <-> 32 B <-> 32 B
 *   bins[3]  -> (empty)
 *   bins[4]  -> 64 B
 *   ...
 *   bins[LAST_BIN] -> 9 KiB <-> 4 KiB <-> 300 KiB      every chunk of LAST_BIN * 16 bytes or
 *                                                      more, in no particular order
 *   nonempty[w], bit b: bins[64 w + b] is not empty.   nonempty_words, bit w: nonempty[w] != 0
 *
 * Invariants (hm_check verifies every one):
 *   1. The chunks tile the heap: each starts where the previous one ends, the first right
 *      after the pad, the last right before the epilogue, which ends at the break.
 *   2. Every chunk's size is a multiple of 16 and at least MIN_CHUNK_BYTES, so its payload is
 *      16-byte aligned.
 *   3. A free chunk's footer equals its header.
 *   4. A chunk's PREVIOUS_FREE flag (the epilogue's too) is set exactly when the chunk before
 *      it is free. free relies on it to find its left neighbour.
 *   5. No two free chunks are neighbours: free merges them at once.
 *   6. Every free chunk is in exactly one bin, the one bin_index_for its size (G1: but the
 *      top, which is in none); only such chunks are in bins. Each list is acyclic and
 *      c->next_free->prev_free == c.
 *   7. Bit i of the bitmap is set exactly when bins[i] is not empty.
 *   8. heap.allocated_chunks is the number of allocated chunks in memory. Nothing else relies
 *      on it: it lets hm_check see a size that leads over a whole chunk to the next one.
 *
 * Cost:
 *   malloc: O(1) to find a chunk in the bins below the last (two count-trailing-zeros on the
 *     bitmap); the length of the last bin when it comes to that bin, which holds only chunks
 *     of LAST_BIN * 16 bytes or more. Growing the heap is one system call.
 *   free: O(1). realloc: O(1) in place; a move costs a malloc, a copy and a free.
 *   Space: 8 bytes of header per allocated chunk plus the rounding to 16; 32 bytes at least
 *     per chunk; 16 bytes per heap (pad and epilogue); what the heap grew by beyond the
 *     request, in the top. The bin table is the stage's static data, outside the heap, as
 *     the C library keeps its own bins in its static data.
 *
 * The file: 1. the idea (the lecture's bins); 2. the C library's functions and their corner
 * cases; 3. the checker, and the walk that draws the heap; 4. going further.
 */
#include "heapmgr.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ==== 1. The idea: free lists by size, and a bitmap of the non-empty ones ================= */

/* May be changed. */
enum {
    LAST_BIN = 255,               /* bins 0 .. LAST_BIN; the last holds every chunk of
                                     LAST_BIN * 16 bytes (4080) or more */
    HEAP_GROWTH_MIN_BYTES = 4096, /* the heap grows by at least this many bytes (rule 4): fewer
                                     sbrk calls, against a footprint that may run this far
                                     ahead of what is live; a multiple of 16 */
};

/* Going further (section 4): 1 turns a policy on. Once the lecture's bins passes every trace,
 * turn them on one at a time and compare the figures. */
enum {
    TOP_OUT_OF_BINS = 1,  /* skeleton: TOP_OUT_OF_BINS = 0,  */
    SPLIT_BY_AVERAGE = 1, /* skeleton: SPLIT_BY_AVERAGE = 0, */
    GROW_BY_FRACTION = 1, /* skeleton: GROW_BY_FRACTION = 0, */
    AVERAGE_SHIFT = 5,    /* G2: each request moves the running average 1/2^AVERAGE_SHIFT of the way */
    GROW_SHIFT = 5,       /* G3: the heap grows by 1/2^GROW_SHIFT of its size more than it needs, */
    GROW_MAX_BYTES = 256 * 1024, /* but by at most this many bytes more */
};

/* Do not change: the layout drawn above depends on them. */
enum {
    ALIGNMENT_BYTES = HM_ALIGNMENT, /* sizes are multiples of it; bin i holds chunks of i of them */
    HEADER_BYTES = 8,               /* size_and_status, before the payload; a free chunk's footer */
    MIN_CHUNK_BYTES = 32,           /* header, next_free, prev_free, footer: the smallest free chunk */
    CHUNK_FREE = 1,                 /* bit 0 of size_and_status: this chunk is free */
    PREVIOUS_FREE = 2,              /* bit 1: the chunk before this one is free */
    STATUS_BITS = CHUNK_FREE | PREVIOUS_FREE,
    BIN_COUNT = LAST_BIN + 1,
    BITMAP_WORDS = (BIN_COUNT + 63) / 64,
};

/* (int): the groups are different enum types. */
_Static_assert((int)LAST_BIN * (int)ALIGNMENT_BYTES > (int)MIN_CHUNK_BYTES, "the last bin holds larger chunks");
_Static_assert(BITMAP_WORDS <= 64, "one 64-bit summary word covers the bitmap");
_Static_assert((int)HEAP_GROWTH_MIN_BYTES % (int)ALIGNMENT_BYTES == 0, "the heap grows by whole chunks");

/* What hm_sbrk returns when it fails. */
static void *const SBRK_FAILED = (void *)-1;

/* ---- the chunk ------------------------------------------------------------------------ */

/* The first 24 bytes of a chunk: its header, and a free chunk's two links. */
struct chunk {
    size_t size_and_status;  /* bytes of the whole chunk, header included | PREVIOUS_FREE | CHUNK_FREE */
    struct chunk *next_free; /* free chunks only: the next chunk in the same bin, or NULL */
    struct chunk *prev_free; /* free chunks only: the previous chunk in the same bin, or NULL.
                                In an allocated chunk both links are the payload's first bytes. */
};

_Static_assert(offsetof(struct chunk, next_free) == HEADER_BYTES, "the payload follows the header");
_Static_assert(sizeof(struct chunk) + HEADER_BYTES == MIN_CHUNK_BYTES, "a free chunk holds its links and footer");

/* All the stage's state. Zero (an empty heap) until the first call sets it up. */
static struct {
    char *start;                     /* the first sbrk(0), for heap+0x... offsets in messages */
    struct chunk *first_chunk;       /* just after the pad; the epilogue while the heap is empty */
    char *end;                       /* the break, just after the epilogue */
    struct chunk *bins[BIN_COUNT];   /* bins[i]: the free chunks of bin i, or NULL */
    uint64_t nonempty[BITMAP_WORDS]; /* bit b of word w: bins[64 w + b] is not empty */
    uint64_t nonempty_words;         /* bit w: nonempty[w] is not zero */
    size_t allocated_chunks;         /* how many chunks are allocated: for hm_check alone */
    size_t average_request_bytes;    /* G2: the running average of malloc's requests */
} heap;

static inline size_t chunk_size(const struct chunk *chunk)
{
    return chunk->size_and_status & ~(size_t)STATUS_BITS;
}

static inline bool chunk_is_free(const struct chunk *chunk)
{
    return (chunk->size_and_status & CHUNK_FREE) != 0;
}

static inline bool previous_is_free(const struct chunk *chunk)
{
    return (chunk->size_and_status & PREVIOUS_FREE) != 0;
}

static inline void set_previous_free(struct chunk *chunk, bool previous_free)
{
    if (previous_free)
        chunk->size_and_status |= PREVIOUS_FREE;
    else
        chunk->size_and_status &= ~(size_t)PREVIOUS_FREE;
}

/* The chunk just after this one in memory; the epilogue after the last chunk. */
static inline struct chunk *next_in_memory(const struct chunk *chunk)
{
    return (struct chunk *)((char *)chunk + chunk_size(chunk));
}

/* A free chunk's footer: its last 8 bytes. */
static inline size_t *footer_of(const struct chunk *chunk)
{
    return (size_t *)((char *)chunk + chunk_size(chunk) - HEADER_BYTES);
}

/* @pre previous_is_free(chunk): only a free chunk has a footer to read the size from. */
static inline struct chunk *previous_in_memory(const struct chunk *chunk)
{
    size_t previous_footer = ((const size_t *)chunk)[-1];
    return (struct chunk *)((char *)chunk - (previous_footer & ~(size_t)STATUS_BITS));
}

/* Make chunk an allocated chunk of `chunk_bytes`: its header only, since it has no footer.
 * @pre chunk_bytes is a multiple of 16. */
static inline void set_allocated(struct chunk *chunk, size_t chunk_bytes, bool previous_free)
{
    chunk->size_and_status = chunk_bytes | (previous_free ? PREVIOUS_FREE : 0);
}

/* Make chunk a free chunk of `chunk_bytes`: header and footer. PREVIOUS_FREE is clear, since
 * the chunk before a free chunk is never free (invariant 5).
 * @pre chunk_bytes is a multiple of 16, at least MIN_CHUNK_BYTES. */
static inline void set_free(struct chunk *chunk, size_t chunk_bytes)
{
    chunk->size_and_status = chunk_bytes | CHUNK_FREE;
    *footer_of(chunk) = chunk->size_and_status;
}

static inline struct chunk *epilogue(void)
{
    return (struct chunk *)(heap.end - HEADER_BYTES);
}

static inline void *payload_of(struct chunk *chunk)
{
    return (char *)chunk + HEADER_BYTES;
}

static inline struct chunk *chunk_of(void *payload)
{
    return (struct chunk *)((char *)payload - HEADER_BYTES);
}

/* The bytes a chunk's payload may use: the caller's request and the rounding after it. */
static inline size_t payload_room(const struct chunk *chunk)
{
    return chunk_size(chunk) - HEADER_BYTES;
}

static inline size_t max_bytes(size_t a_bytes, size_t b_bytes)
{
    return a_bytes > b_bytes ? a_bytes : b_bytes;
}

static inline size_t min_bytes(size_t a_bytes, size_t b_bytes)
{
    return a_bytes < b_bytes ? a_bytes : b_bytes;
}

/* The going-further hooks (section 4). With its policy off, each does the lecture's thing:
 * file_free and unfile_free are bin_insert and bin_remove, top_that_fits and
 * cut_from_high_end return NULL, growth_for(n) returns max(n, HEAP_GROWTH_MIN_BYTES). */
static void file_free(struct chunk *chunk);
static void unfile_free(struct chunk *chunk);
static bool belongs_in_a_bin(const struct chunk *chunk);
static struct chunk *top_that_fits(size_t chunk_bytes);
static struct chunk *cut_from_high_end(struct chunk *chunk, size_t chunk_bytes, size_t request_bytes);
static size_t growth_for(size_t needed_bytes);

/* ---- sizes ---------------------------------------------------------------------------- */

/*
 * chunk_bytes_for: the size of the chunk that holds `payload_bytes` (rule 1): the header
 * added, rounded up to a multiple of 16, at least MIN_CHUNK_BYTES.
 * Returns 0 when no heap could hold the request (more than half the address space). Every
 * size computed below stays under PTRDIFF_MAX, so none of them can wrap around.
 * Example: 100 -> 112, 1 -> 32, 24 -> 32, SIZE_MAX -> 0.
 */
static size_t chunk_bytes_for(size_t payload_bytes)
{
    /* BEGIN SOLUTION */
    if (payload_bytes > (size_t)PTRDIFF_MAX / 2)
        return 0;
    size_t bytes = (payload_bytes + HEADER_BYTES + ALIGNMENT_BYTES - 1) & ~(size_t)(ALIGNMENT_BYTES - 1);
    return bytes < MIN_CHUNK_BYTES ? MIN_CHUNK_BYTES : bytes;
    /* END SOLUTION */
}

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

/* The bin of a free chunk of `chunk_bytes`: its size in 16-byte units, the last bin for every
 * size of LAST_BIN units or more. The one place where sizes are counted in units. */
static inline size_t bin_index_for(size_t chunk_bytes)
{
    size_t units = chunk_bytes / ALIGNMENT_BYTES;
    return units < LAST_BIN ? units : LAST_BIN;
}

/* bin_insert: put a free chunk, header and footer written, at the head of its bin. O(1). */
static void bin_insert(struct chunk *chunk)
{
    /* BEGIN SOLUTION */
    size_t bin = bin_index_for(chunk_size(chunk));
    struct chunk *head = heap.bins[bin];
    chunk->prev_free = NULL;
    chunk->next_free = head;
    if (head != NULL)
        head->prev_free = chunk;
    else
        bitmap_set(bin);
    heap.bins[bin] = chunk;
    /* END SOLUTION */
}

/* bin_remove: take a free chunk out of its bin, wherever it is in it: O(1), thanks to
 * prev_free. Its size must be the one it was inserted with, or the wrong bin is changed. */
static void bin_remove(struct chunk *chunk)
{
    /* BEGIN SOLUTION */
    size_t bin = bin_index_for(chunk_size(chunk));
    if (chunk->prev_free != NULL)
        chunk->prev_free->next_free = chunk->next_free;
    else
        heap.bins[bin] = chunk->next_free;
    if (chunk->next_free != NULL)
        chunk->next_free->prev_free = chunk->prev_free;
    if (heap.bins[bin] == NULL)
        bitmap_clear(bin);
    /* END SOLUTION */
}

/*
 * find_fit: the smallest binned chunk of at least `chunk_bytes` (rule 2), left in its bin; NULL
 * when no binned chunk is large enough. A bin below the last holds chunks of one size, so its
 * head is the fit; the last bin's chunks differ in size, so each is looked at.
 */
static struct chunk *find_fit(size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    size_t bin = bin_index_for(chunk_bytes);
    if (bin < LAST_BIN) {
        size_t found = first_nonempty_bin_from(bin);
        if (found == BIN_COUNT)
            return NULL;
        if (found < LAST_BIN)
            return heap.bins[found];
    }
    struct chunk *best = NULL;
    for (struct chunk *chunk = heap.bins[LAST_BIN]; chunk != NULL; chunk = chunk->next_free) {
        size_t have_bytes = chunk_size(chunk);
        if (have_bytes >= chunk_bytes && (best == NULL || have_bytes < chunk_size(best))) {
            best = chunk;
            if (have_bytes == chunk_bytes)
                break;
        }
    }
    return best;
    /* END SOLUTION */
}

/* ---- splitting and merging ---------------------------------------------------------------- */

/*
 * split: cut an allocated chunk to `chunk_bytes` when what is left would make a chunk (rule
 * 3); the rest becomes a free chunk, filed with file_free.
 * @pre  chunk is allocated, its header written; chunk_bytes a multiple of 16, at least
 *       MIN_CHUNK_BYTES, at most its size; the chunk after it is not free, so the rest needs
 *       no merging.
 * @post chunk keeps its PREVIOUS_FREE flag; the chunk after the rest has PREVIOUS_FREE set.
 */
static void split(struct chunk *chunk, size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    size_t spare_bytes = chunk_size(chunk) - chunk_bytes;
    if (spare_bytes < MIN_CHUNK_BYTES)
        return;
    set_allocated(chunk, chunk_bytes, previous_is_free(chunk));
    struct chunk *rest = next_in_memory(chunk);
    set_free(rest, spare_bytes);
    set_previous_free(next_in_memory(rest), true);
    file_free(rest);
    /* END SOLUTION */
}

/*
 * coalesce: make an allocated chunk free, merged with its free neighbours (rule 5), and file
 * the result with file_free. Each neighbour is taken out (unfile_free) before the merge
 * changes its size: its bin is found from its size. O(1): free chunks never touch, so one
 * merge on each side is all there is.
 * @pre  chunk is allocated, its header (and PREVIOUS_FREE) right.
 * @post the merged chunk is free and filed; the chunk after it has PREVIOUS_FREE set.
 */
static void coalesce(struct chunk *chunk)
{
    /* BEGIN SOLUTION */
    size_t bytes = chunk_size(chunk);
    struct chunk *after = next_in_memory(chunk);
    if (previous_is_free(chunk)) {
        struct chunk *before = previous_in_memory(chunk);
        unfile_free(before);
        bytes += chunk_size(before);
        chunk = before;
    }
    if (chunk_is_free(after)) {
        struct chunk *beyond = next_in_memory(after);
        unfile_free(after);
        bytes += chunk_size(after);
        after = beyond;
    }
    set_free(chunk, bytes);
    set_previous_free(after, true);
    file_free(chunk);
    /* END SOLUTION */
}

/* ---- the heap ------------------------------------------------------------------------- */

/*
 * heap_set_up: set the heap up on the first call: the pad (0 or 8 bytes, so that chunks start
 * 8 bytes past a multiple of 16, and every payload is 16-byte aligned) and the epilogue. Later
 * calls do nothing. Returns false when sbrk failed; the next call tries again.
 */
static bool heap_set_up(void)
{
    if (heap.start != NULL)
        return true;
    char *start = hm_sbrk(0);
    size_t pad_bytes = (ALIGNMENT_BYTES - ((uintptr_t)start + HEADER_BYTES) % ALIGNMENT_BYTES) % ALIGNMENT_BYTES;
    if (hm_sbrk((intptr_t)(pad_bytes + HEADER_BYTES)) == SBRK_FAILED)
        return false;
    heap.start = start;
    heap.first_chunk = (struct chunk *)(start + pad_bytes);
    heap.end = start + pad_bytes + HEADER_BYTES;
    epilogue()->size_and_status = 0; /* size 0, allocated, after no free chunk */
    return true;
}

/*
 * grow_heap: make the heap's last chunk a free chunk of at least `chunk_bytes` (rule 4) by
 * moving the break up by what it misses (at least MIN_CHUNK_BYTES, so that new memory makes a
 * whole chunk), or by HEAP_GROWTH_MIN_BYTES when that is more: growth_for says how far (G3
 * changes that). If the system refuses, it asks again for what is missing alone. The old
 * epilogue becomes the new memory's header, and a new epilogue goes at the break; the new
 * memory merges with the last chunk when that one is free.
 * @pre  the heap is set up; chunk_bytes a multiple of 16, at most PTRDIFF_MAX / 2 (it may be
 *       less than MIN_CHUNK_BYTES: realloc asks for what its chunk misses); the last chunk,
 *       if free, is smaller than chunk_bytes.
 * @post returns that chunk, free and filed; NULL when sbrk failed (errno = ENOMEM), with the
 *       heap as it was.
 */
static struct chunk *grow_heap(size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    struct chunk *last = previous_is_free(epilogue()) ? previous_in_memory(epilogue()) : NULL;
    size_t last_bytes = last != NULL ? chunk_size(last) : 0;
    size_t needed_bytes = last != NULL ? chunk_bytes - last_bytes : max_bytes(chunk_bytes, MIN_CHUNK_BYTES);
    size_t growth_bytes = growth_for(needed_bytes);
    char *old_end = hm_sbrk((intptr_t)growth_bytes);
    if (old_end == SBRK_FAILED && growth_bytes > needed_bytes) {
        /* Near the memory limit: ask for only what this request needs. */
        growth_bytes = needed_bytes;
        old_end = hm_sbrk((intptr_t)growth_bytes);
    }
    if (old_end == SBRK_FAILED)
        return NULL;
    struct chunk *grown = last != NULL ? last : epilogue();
    if (last != NULL)
        unfile_free(last);
    heap.end = old_end + growth_bytes;
    set_free(grown, last_bytes + growth_bytes);
    epilogue()->size_and_status = PREVIOUS_FREE; /* size 0, allocated, after a free chunk */
    file_free(grown);
    return grown;
    /* END SOLUTION */
}

/* ---- malloc, free, realloc in place ------------------------------------------------------ */

/*
 * allocate: the lecture's malloc: the best binned fit (G1: else the top, when it fits), or
 * the last chunk of a grown heap; taken out of its bin, marked allocated, split when it is too
 * big, its front handed out (G2: or a small request cut from its high end).
 * @pre  the heap is set up; chunk_bytes as chunk_bytes_for returns it for request_bytes.
 * @post the chunk, allocated; NULL when sbrk failed (errno = ENOMEM), the heap as it was.
 */
static struct chunk *allocate(size_t chunk_bytes, size_t request_bytes)
{
    /* BEGIN SOLUTION */
    struct chunk *chunk = find_fit(chunk_bytes);
    if (chunk == NULL)
        chunk = top_that_fits(chunk_bytes);
    if (chunk == NULL)
        chunk = grow_heap(chunk_bytes);
    if (chunk == NULL)
        return NULL;
    heap.allocated_chunks++;
    unfile_free(chunk);
    struct chunk *high = cut_from_high_end(chunk, chunk_bytes, request_bytes);
    if (high != NULL)
        return high;
    set_allocated(chunk, chunk_size(chunk), false); /* the chunk before a free chunk is in use */
    set_previous_free(next_in_memory(chunk), false);
    split(chunk, chunk_bytes);
    return chunk;
    /* END SOLUTION */
}

/* release: the lecture's free: coalesce, which merges and files. O(1). @pre chunk is allocated. */
static void release(struct chunk *chunk)
{
    /* BEGIN SOLUTION */
    heap.allocated_chunks--;
    coalesce(chunk);
    /* END SOLUTION */
}

/*
 * resize_in_place: make an allocated chunk `chunk_bytes` big without moving it (rule 6). A
 * shrink always works: the tail is split off and freed (it may merge with a free chunk after
 * it). A grow takes the chunk after it when that one is free and big enough, growing the heap
 * first when there is not enough and the chunk (or that free neighbour) is the last one; what
 * is left over is split off.
 * @pre  chunk is allocated; chunk_bytes as chunk_bytes_for returns it (not 0).
 * @post true when done (the payload untouched); false when the chunk must move, with the
 *       heap as it was.
 */
static bool resize_in_place(struct chunk *chunk, size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    size_t have_bytes = chunk_size(chunk);
    if (chunk_bytes <= have_bytes) {
        if (have_bytes - chunk_bytes < MIN_CHUNK_BYTES)
            return true;
        set_allocated(chunk, chunk_bytes, previous_is_free(chunk));
        struct chunk *tail = next_in_memory(chunk);
        set_allocated(tail, have_bytes - chunk_bytes, false);
        coalesce(tail);
        return true;
    }
    struct chunk *after = next_in_memory(chunk);
    size_t reach_bytes = have_bytes + (chunk_is_free(after) ? chunk_size(after) : 0);
    if (reach_bytes < chunk_bytes) {
        struct chunk *beyond = chunk_is_free(after) ? next_in_memory(after) : after;
        if (beyond != epilogue() || grow_heap(chunk_bytes - have_bytes) == NULL)
            return false;
        after = next_in_memory(chunk); /* free now, grown or new */
    }
    unfile_free(after);
    set_allocated(chunk, have_bytes + chunk_size(after), previous_is_free(chunk));
    set_previous_free(next_in_memory(chunk), false);
    split(chunk, chunk_bytes);
    return true;
    /* END SOLUTION */
}

/* ==== 2. The C library's functions: malloc(0), free(NULL), realloc's and calloc's cases ==== */

/*
 * hm_malloc: a chunk from allocate. malloc(0) returns NULL, which the contract allows and which
 * costs no chunk; a request no heap could hold returns NULL with errno = ENOMEM, as the C
 * library does.
 */
void *hm_malloc(size_t size)
{
    /* BEGIN SOLUTION */
    if (size == 0)
        return NULL;
    size_t chunk_bytes = chunk_bytes_for(size);
    if (chunk_bytes == 0) {
        errno = ENOMEM;
        return NULL;
    }
    if (!heap_set_up())
        return NULL;
    struct chunk *chunk = allocate(chunk_bytes, size);
    return chunk == NULL ? NULL : payload_of(chunk);
    /* END SOLUTION */
}

/* hm_free: release the block's chunk. free(NULL) does nothing. */
void hm_free(void *ptr)
{
    /* BEGIN SOLUTION */
    if (ptr == NULL)
        return;
    release(chunk_of(ptr));
    /* END SOLUTION */
}

/*
 * hm_realloc: in place when it can be, else malloc, copy, free. realloc(NULL, n) is malloc(n);
 * realloc(p, 0) frees p and returns NULL; when the memory cannot be had, NULL (errno = ENOMEM),
 * and p is left live and untouched.
 */
void *hm_realloc(void *ptr, size_t size)
{
    /* BEGIN SOLUTION */
    if (ptr == NULL)
        return hm_malloc(size);
    if (size == 0) {
        hm_free(ptr);
        return NULL;
    }
    size_t chunk_bytes = chunk_bytes_for(size);
    if (chunk_bytes == 0) {
        errno = ENOMEM;
        return NULL;
    }
    struct chunk *chunk = chunk_of(ptr);
    if (resize_in_place(chunk, chunk_bytes))
        return ptr;
    void *moved = hm_malloc(size);
    if (moved == NULL)
        return NULL;
    memcpy(moved, ptr, min_bytes(payload_room(chunk), size));
    release(chunk);
    return moved;
    /* END SOLUTION */
}

/*
 * hm_calloc: malloc(nmemb * size), zeroed: a reused chunk holds old data (telling fresh
 * memory from the break apart would need more bookkeeping than it saves, since most callocs
 * land on recycled chunks). NULL with errno = ENOMEM when the product overflows size_t (it
 * would wrap around to a small block).
 */
void *hm_calloc(size_t nmemb, size_t size)
{
    /* BEGIN SOLUTION */
    if (nmemb != 0 && size > SIZE_MAX / nmemb) {
        errno = ENOMEM;
        return NULL;
    }
    void *block = hm_malloc(nmemb * size);
    if (block != NULL)
        memset(block, 0, nmemb * size);
    return block;
    /* END SOLUTION */
}

/* ==== 3. The checker: hm_check walks memory, then every bin ================================ */

/* Print "bins: hm_check: " and the message, one line on stderr. Returns 1: hm_check's verdict. */
__attribute__((format(printf, 1, 2)))
static int check_failed(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    fputs("bins: hm_check: ", stderr);
    vfprintf(stderr, format, arguments);
    fputc('\n', stderr);
    va_end(arguments);
    return 1;
}

/* An address as an offset from the heap start, "heap+0x40", as the harness prints them. */
static inline unsigned long long heap_offset(const void *address)
{
    return (unsigned long long)((uintptr_t)address - (uintptr_t)heap.start);
}

/* A header for the messages: "(112 bytes, free)" or "(4016 bytes, in use, after a free
 * chunk)", written into text. */
static const char *describe_tag(size_t tag, char *text, size_t text_bytes)
{
    snprintf(text, text_bytes, "(%zu bytes, %s%s)", tag & ~(size_t)STATUS_BITS,
             (tag & CHUNK_FREE) != 0 ? "free" : "in use", (tag & PREVIOUS_FREE) != 0 ? ", after a free chunk" : "");
    return text;
}

/* "heap+0x40", or "NULL": a link for hm_check's messages, written into text. */
static const char *describe_link(const struct chunk *link, char *text, size_t text_bytes)
{
    if (link == NULL)
        return "NULL";
    snprintf(text, text_bytes, "heap+0x%llx", heap_offset(link));
    return text;
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

/* Could a chunk start at `address`: between the first chunk and the epilogue, 8 bytes past a
 * multiple of 16? Checked before a link is followed. */
static inline bool is_chunk_address(const struct chunk *address)
{
    return address >= heap.first_chunk && address < epilogue() &&
           ((uintptr_t)address + HEADER_BYTES) % ALIGNMENT_BYTES == 0;
}

/* Is the chunk's size one to step by: a multiple of 16, at least MIN_CHUNK_BYTES, ending
 * before the epilogue? Checked before a size is stepped by, by hm_check and hm_walk alike. */
static inline bool chunk_size_is_sound(const struct chunk *chunk)
{
    size_t bytes = chunk_size(chunk);
    return bytes >= MIN_CHUNK_BYTES && bytes % ALIGNMENT_BYTES == 0 &&
           bytes <= (size_t)((char *)epilogue() - (char *)chunk);
}

/*
 * hm_check: every invariant of the opening comment, in two walks: memory (1 to 5, 8), then
 * every bin and the bitmap (6, 7). Returns 0 when all hold (and before the first call: no heap,
 * nothing broken); otherwise one line on stderr saying which broke, and 1. It changes nothing,
 * steps by a size only when chunk_size_is_sound, follows a link only to an is_chunk_address,
 * and stops a list longer than the free chunks in need of a bin (a cycle, or a stale chunk).
 *
 * "Exactly one bin" with no memory of its own: the bins list as many chunks as memory holds in
 * need of a bin, each free and in the bin of its size (so none twice), and the sums of their
 * address fingerprints agree: the same chunks, not the stale address of one merged away.
 */
int hm_check(void)
{
    /* BEGIN SOLUTION */
    if (heap.start == NULL)
        return 0;
    char text[64], other[64];
    if ((char *)hm_sbrk(0) != heap.end)
        return check_failed("the heap is said to end at heap+0x%llx, but the break is at heap+0x%llx",
                            heap_offset(heap.end), heap_offset(hm_sbrk(0)));

    /* Memory: the chunks in address order; count the free ones in need of a bin. */
    bool previous_free = false;
    size_t allocated = 0, binned_count = 0, listed_count = 0;
    uint64_t binned_hash = 0, listed_hash = 0;
    for (struct chunk *chunk = heap.first_chunk; chunk != epilogue(); chunk = next_in_memory(chunk)) {
        size_t tag = chunk->size_and_status;
        if (!chunk_size_is_sound(chunk))
            return check_failed("the chunk at heap+0x%llx %s is not a multiple of %d bytes from %d to the %zu "
                                "left before the epilogue", heap_offset(chunk), describe_tag(tag, text, sizeof text),
                                ALIGNMENT_BYTES, MIN_CHUNK_BYTES, (size_t)((char *)epilogue() - (char *)chunk));
        if (previous_is_free(chunk) != previous_free)
            return check_failed("the chunk at heap+0x%llx %s says the chunk before it is %s, but it is %s",
                                heap_offset(chunk), describe_tag(tag, text, sizeof text),
                                previous_free ? "in use" : "free", previous_free ? "free" : "in use");
        if (chunk_is_free(chunk)) {
            if (previous_free)
                return check_failed("the free chunk at heap+0x%llx follows a free chunk: they were not merged",
                                    heap_offset(chunk));
            if (*footer_of(chunk) != tag)
                return check_failed("the free chunk at heap+0x%llx has a header %s that its footer at "
                                    "heap+0x%llx %s does not match", heap_offset(chunk),
                                    describe_tag(tag, text, sizeof text), heap_offset(footer_of(chunk)),
                                    describe_tag(*footer_of(chunk), other, sizeof other));
            if (belongs_in_a_bin(chunk)) {
                binned_count++;
                binned_hash += address_hash(chunk);
            }
        } else {
            allocated++;
        }
        previous_free = chunk_is_free(chunk);
    }
    if (epilogue()->size_and_status != (previous_free ? PREVIOUS_FREE : 0))
        return check_failed("the epilogue at heap+0x%llx is %s: expected (0 bytes, in use%s)",
                            heap_offset(epilogue()), describe_tag(epilogue()->size_and_status, text, sizeof text),
                            previous_free ? ", after a free chunk" : "");
    if (allocated != heap.allocated_chunks)
        return check_failed("memory holds %zu allocated chunks, but %zu were handed out and not given back: "
                            "a size leads past a chunk", allocated, heap.allocated_chunks);

    /* The bins: each chunk listed, its links, its bin; the bitmap beside them. */
    for (size_t bin = 0; bin < BIN_COUNT; bin++) {
        bool bit = ((heap.nonempty[bin / 64] >> (bin % 64)) & 1) != 0;
        if (bit != (heap.bins[bin] != NULL))
            return check_failed("bin %zu is %s, but its bitmap bit is %d", bin,
                                heap.bins[bin] != NULL ? "not empty" : "empty", bit);
        const struct chunk *previous = NULL;
        size_t length = 0;
        for (struct chunk *chunk = heap.bins[bin]; chunk != NULL; previous = chunk, chunk = chunk->next_free) {
            if (!is_chunk_address(chunk))
                return check_failed("bin %zu links to %s, where no chunk can start", bin,
                                    describe_link(chunk, text, sizeof text));
            if (chunk->prev_free != previous)
                return check_failed("in bin %zu, the chunk at heap+0x%llx links back to %s, not to the chunk "
                                    "before it in the list (%s)", bin, heap_offset(chunk),
                                    describe_link(chunk->prev_free, text, sizeof text),
                                    describe_link(previous, other, sizeof other));
            if (!chunk_is_free(chunk))
                return check_failed("bin %zu lists the chunk at heap+0x%llx %s, which is not free", bin,
                                    heap_offset(chunk), describe_tag(chunk->size_and_status, text, sizeof text));
            if (!belongs_in_a_bin(chunk))
                return check_failed("bin %zu lists the top (heap+0x%llx), which belongs in no bin", bin,
                                    heap_offset(chunk));
            if (bin_index_for(chunk_size(chunk)) != bin)
                return check_failed("bin %zu lists the chunk at heap+0x%llx of %zu bytes, which belongs in bin %zu",
                                    bin, heap_offset(chunk), chunk_size(chunk), bin_index_for(chunk_size(chunk)));
            if (++length > binned_count)
                return check_failed("bin %zu lists more chunks than the %zu free ones the heap has in need of a "
                                    "bin: it still lists a chunk that was merged away, or it has a cycle",
                                    bin, binned_count);
            listed_hash += address_hash(chunk);
        }
        listed_count += length;
    }
    for (size_t word = 0; word < BITMAP_WORDS; word++)
        if (((heap.nonempty_words >> word) & 1) != (heap.nonempty[word] != 0))
            return check_failed("the summary bit of bitmap word %zu does not match the word", word);
    if (listed_count != binned_count)
        return check_failed("the heap has %zu free chunks in need of a bin, but the bins list %zu",
                            binned_count, listed_count);
    if (listed_hash != binned_hash)
        return check_failed("the bins list %zu chunks, as many as the heap has free chunks in need of a bin, "
                            "but not the same ones: some listed address is not where a free chunk starts",
                            listed_count);
    return 0;
    /* END SOLUTION */
}

/* hm_walk: the pad, every chunk (a binned free chunk with its bin and next_free; G1's top in
 * none), the epilogue. hm_check's memory walk, unchecked: it stops at a size that is not sound. */
void hm_walk(hm_chunk_visitor *visit, void *context)
{
    /* BEGIN SOLUTION */
    if (heap.start == NULL)
        return;
    if ((char *)heap.first_chunk != heap.start)
        visit(&(struct hm_chunk){ .start = heap.start, .bytes = (size_t)((char *)heap.first_chunk - heap.start),
                                  .state = HM_CHUNK_STAGE, .list = -1 }, context);
    struct chunk *chunk = heap.first_chunk;
    for (; chunk != epilogue() && chunk_size_is_sound(chunk); chunk = next_in_memory(chunk)) {
        bool binned = chunk_is_free(chunk) && belongs_in_a_bin(chunk);
        visit(&(struct hm_chunk){ .start = chunk, .bytes = chunk_size(chunk),
                                  .state = chunk_is_free(chunk) ? HM_CHUNK_FREE : HM_CHUNK_USED,
                                  .list = binned ? (int)bin_index_for(chunk_size(chunk)) : -1,
                                  .next = binned ? chunk->next_free : NULL }, context);
    }
    if (chunk == epilogue())
        visit(&(struct hm_chunk){ .start = chunk, .bytes = HEADER_BYTES, .state = HM_CHUNK_STAGE, .list = -1 },
              context);
    /* END SOLUTION */
}

/* ==== 4. Going further: three policies beyond the lecture's bins, each switched above ======= */

/*
 * G1, the top out of the bins. The top (the heap's last chunk, when free) is the one chunk that
 * can grow, since the heap grows under it: kept out of the bins, it is used only when no binned
 * chunk fits, so it stays large for what nothing else fits, and a block just before it can grow
 * in place (realloc-grow).
 *
 * belongs_in_a_bin: every free chunk does, but the top with G1 on. Told by size, so that
 * hm_check may ask it of a chunk whose size it has not checked.
 */
static bool belongs_in_a_bin(const struct chunk *chunk)
{
    return !TOP_OUT_OF_BINS || chunk_size(chunk) != (size_t)((char *)epilogue() - (char *)chunk);
}

/* File a free chunk, header and footer written: in its bin (G1: unless it is the top). */
static void file_free(struct chunk *chunk)
{
    if (belongs_in_a_bin(chunk))
        bin_insert(chunk);
}

/* Take a free chunk from where file_free put it, to use it or merge it. */
static void unfile_free(struct chunk *chunk)
{
    if (belongs_in_a_bin(chunk))
        bin_remove(chunk);
}

/* G1: the top, when it is at least `chunk_bytes`, for a request no binned chunk fits. NULL
 * with G1 off: the top is then in a bin, and find_fit has looked at it already. */
static struct chunk *top_that_fits(size_t chunk_bytes)
{
    if (!TOP_OUT_OF_BINS || !previous_is_free(epilogue()))
        return NULL;
    struct chunk *top = previous_in_memory(epilogue());
    return chunk_size(top) >= chunk_bytes ? top : NULL;
}

/*
 * G2, the split end by the request's size: small blocks gather at one end of each free region
 * (the top's too) and large ones at the other, so a large block keeps free room after it to
 * grow into, and large blocks freed together merge into one run instead of leaving holes
 * pinned between small live blocks (binary, binary-small).
 *
 * cut_from_high_end: note the request in the running average (with AVERAGE_SHIFT 5 it follows
 * the last few dozen requests); a request smaller than it is cut from the free chunk's high end:
 * [ rest (free, filed) | allocated ]. Returns the allocated chunk; NULL with G2 off, for a
 * request that is not small, or when nothing would be left to split off: the caller then cuts
 * from the front (rule 3).
 * @pre chunk is free, of at least chunk_bytes, out of its bin.
 */
static struct chunk *cut_from_high_end(struct chunk *chunk, size_t chunk_bytes, size_t request_bytes)
{
    if (!SPLIT_BY_AVERAGE)
        return NULL;
    size_t average = heap.average_request_bytes;
    heap.average_request_bytes = average - (average >> AVERAGE_SHIFT) + (request_bytes >> AVERAGE_SHIFT);
    size_t spare_bytes = chunk_size(chunk) - chunk_bytes;
    if (request_bytes >= heap.average_request_bytes || spare_bytes < MIN_CHUNK_BYTES)
        return NULL;
    struct chunk *used = (struct chunk *)((char *)chunk + spare_bytes);
    set_free(chunk, spare_bytes);
    set_allocated(used, chunk_bytes, true);
    set_previous_free(next_in_memory(used), false);
    file_free(chunk); /* into a bin even if it was the top: the allocated chunk now follows it */
    return used;
}

/* G3: how far the break moves for a heap that misses `needed_bytes`: that, plus 1/2^GROW_SHIFT
 * of the heap (at most GROW_MAX_BYTES), so that the heap grows geometrically (O(log n) sbrk
 * calls) and a small heap stays small. With G3 off, rule 4: at least HEAP_GROWTH_MIN_BYTES. */
static size_t growth_for(size_t needed_bytes)
{
    if (!GROW_BY_FRACTION)
        return max_bytes(needed_bytes, HEAP_GROWTH_MIN_BYTES);
    size_t heap_bytes = (size_t)((char *)epilogue() - heap.start);
    size_t extra_bytes = min_bytes(heap_bytes >> GROW_SHIFT, GROW_MAX_BYTES);
    return needed_bytes + (extra_bytes & ~(size_t)(ALIGNMENT_BYTES - 1));
}
