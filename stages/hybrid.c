/*
 * hybrid.c: the stage "hybrid", the capstone: size classes in pages of their own for small
 * requests, bins for medium ones, a mapping for each large one, as the GNU C library does.
 *
 * Policy: a request of up to SMALL_MAX_BYTES is rounded up to its class (a multiple of 16) and
 * served from a page that holds only that class's blocks: malloc never splits, free never
 * merges, and each page's bookkeeping sits apart from the blocks, in a table of pages. A medium
 * request gets a chunk from bins with boundary tags (the stage bins, with the top kept out of
 * the bins); a request of LARGE_MIN_BYTES or more (at first) gets a mapping of its own (the
 * stage mmap).
 *
 * The rules, in order (the lecture's "segregated data", "segregated metadata" and GNU's hybrid):
 *   1. Small: class c holds blocks of 16 c bytes, c = 1 .. CLASS_COUNT. malloc pops a block
 *      from the first page of its class's list of pages with room: the page's free list, or
 *      else its next never-used block. No header: the block's page, found from its address,
 *      says its class.
 *   2. A small page is a chunk of the heap of exactly SMALL_PAGE_BYTES (4096), allocated in the
 *      bins' sense, that starts on the page grid: first_chunk + k * 4096 for page number k.
 *      Its 8-byte header stays the bins' header, so that small pages and medium chunks tile
 *      one heap; its blocks fill the 4080 bytes after the header, less what no block fills.
 *   3. A page whose last block is freed goes to the pool of empty pages, for any class; past
 *      POOL_MAX_PAGES pooled pages it goes back to the bins as a free chunk.
 *   4. A new page comes from the pool, else from a free chunk of the last bin that holds a
 *      page on the grid, else from the top (grown if need be), at the free chunk's high end:
 *      the medium chunk before the free space keeps room to grow into.
 *   5. Medium: the bins of the stage bins (best fit, split, merge on free, grow at the top by
 *      what is missed plus 1/32 of the heap), the top in no bin; a small request served from
 *      the top is cut from its high end, as in rule 4; the rest of a chunk of the last bin
 *      that stays in the last bin takes the chunk's place in its list.
 *   6. Large: one mapping per block, 32-byte header, unmapped by free. Freeing a mapping raises
 *      the threshold to its size (up to LARGE_MIN_MAX_BYTES), as the GNU C library does.
 *   7. realloc stays in place when the block's class, chunk (which may grow into its free
 *      neighbour or the top) or mapping still holds the new size; a chunk shrunk by less than
 *      half keeps its room (what shrinks is often grown again); a block that must grow moves
 *      to the bins (under the mapping threshold), where it can go on growing in place.
 *   8. A class gets pages only once a page's worth of blocks of about its size are live in
 *      the bins (1/WARM_SHARE_DIVISOR of a page's): until then its requests are medium ones.
 *
 * The heap: medium chunks and small pages, tiled as in the stage bins:
 *
 *   start  first_chunk = grid - 8                            page k: grid + 4096 k
 *   | pad | chunk | free | small page (class 3) | small page (class 1) | chunk | top | epilogue |
 *                        |<-------- 4096 -------->|
 *
 * A small page (a bins chunk of 4096 bytes; page number k):
 *
 *    chunk                 block 0          block 1                            next chunk
 *    v                     v (page k)       v                                  v
 *    +---------------------+----------------+----------------+-- ... -+------+
 *    | header: 4096 | used | 48 B, in use   | 48 B, free:    |        | rest |
 *    | 8 B                 |                | next free -----+-> ...  |      |
 *    +---------------------+----------------+----------------+-- ... -+------+
 *                          |<------- capacity = 4080 / 48 = 85 blocks ------>|
 *
 * Its description, in the table of pages (a mapping of its own, pages[k], 24 bytes each):
 *
 *    pages[k] = { free: the first free block, next and prev: page numbers + 1 in the list of
 *                 its class's pages with room (or in the pool), class_index, used, fresh
 *                 (blocks [0, fresh) have been handed out at least once), capacity }
 *    with_room[c] -> page 7 <-> page 2 <-> page 9        pool -> page 4 <-> page 5
 *
 * A large block, as in the stage mmap:  | prev | next | payload_bytes | mapping_bytes | payload |
 *
 * Invariants (hm_check verifies every one):
 *   1. The chunks tile the heap from first_chunk to the epilogue, each a multiple of 16 and at
 *      least 32 bytes; a free chunk's footer equals its header; PREVIOUS_FREE is set exactly
 *      after a free chunk; no two free chunks touch.
 *   2. Every free chunk but the top is in the bin of its size, once; the bitmap marks exactly
 *      the non-empty bins; heap.allocated_chunks counts the allocated chunks.
 *   3. A page number k is marked small (a class, or pooled) only where an allocated chunk of
 *      4096 bytes starts at first_chunk + 4096 k, and the table covers every such page.
 *   4. A small page: capacity = 4080 / class bytes; used <= fresh <= capacity; its free list
 *      holds fresh - used distinct blocks of [0, fresh), on block boundaries; used > 0.
 *   5. A class's list holds exactly its pages with used < capacity; the pool exactly the
 *      pooled pages (heap.pooled_pages of them); each list's links agree both ways.
 *   6. The live mappings are the list from heap.first_mapping, counted and summed as in mmap.
 *
 * Cost:
 *   small malloc and free: O(1), a few loads and stores; a new page is O(1) from the pool, a
 *     look at PAGE_SEARCH_CHUNKS free chunks at most, or a grown heap. Space: the rounding to
 *     16, what a page's blocks do not fill (less than one block: 16 bytes for the classes that
 *     divide 4080, 256 at most), 8 header bytes per 4096, 24 table bytes per heap page, the
 *     free room of partly used pages, and the pool.
 *   medium: as the stage bins, O(1) but the last bin. large: as the stage mmap, a system call.
 *
 * The file: 1. the idea (small pages, the bins, the mappings); 2. the C library's functions;
 * 3. the checker, and the walk that draws the heap.
 */
#include "heapmgr.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ==== 1. The idea ========================================================================= */

/* May be changed. */
enum {
    SMALL_MAX_BYTES = 256,          /* requests up to this many bytes are small: 16 classes */
    LARGE_MIN_BYTES = 128 * 1024,   /* requests of this many bytes or more get a mapping, at first: */
    LARGE_MIN_MAX_BYTES = 32 * 1024 * 1024, /* free raises it to a freed mapping's size, up to this */
    POOL_MAX_PAGES = 4,             /* empty small pages kept for any class, beyond: to the bins */
    WARM_SHARE_DIVISOR = 1,         /* a class gets pages once a page's worth of its blocks are live */
    PAGE_SEARCH_CHUNKS = 16,        /* free chunks of the last bin looked at for room for a page */
    GROW_SHIFT = 5,                 /* the heap grows by 1/2^GROW_SHIFT of its size more than needed */
    GROW_MAX_BYTES = 256 * 1024,    /* but by at most this many bytes more */
};

/* Do not change: the layouts drawn above depend on them. */
enum {
    ALIGNMENT_BYTES = HM_ALIGNMENT,
    HEADER_BYTES = 8,                 /* a chunk's size_and_status; a free chunk's footer */
    MIN_CHUNK_BYTES = 32,             /* header, two links, footer */
    CHUNK_FREE = 1,
    PREVIOUS_FREE = 2,
    STATUS_BITS = CHUNK_FREE | PREVIOUS_FREE,
    LAST_BIN = 255,                   /* bin i: free chunks of 16 i bytes; the last: 4080 and more */
    BIN_COUNT = LAST_BIN + 1,
    BITMAP_WORDS = BIN_COUNT / 64,
    SMALL_PAGE_BYTES = 4096,          /* a small page, header included; the grid's step */
    BLOCK_AREA_BYTES = SMALL_PAGE_BYTES - 2 * HEADER_BYTES, /* 4080: the blocks' room */
    CLASS_COUNT = SMALL_MAX_BYTES / ALIGNMENT_BYTES,
    POOLED = 0xffff,                  /* class_index of an empty page in the pool */
    MAPPING_HEADER_BYTES = 32,
    SMALL_CHUNK_BYTES = SMALL_MAX_BYTES + 2 * HEADER_BYTES, /* a small request's chunk in the bins */
};

_Static_assert((int)SMALL_MAX_BYTES % (int)ALIGNMENT_BYTES == 0 && (int)SMALL_MAX_BYTES <= (int)BLOCK_AREA_BYTES, "small classes");
_Static_assert(LARGE_MIN_BYTES > SMALL_MAX_BYTES, "medium requests lie between the two");

static void *const SBRK_FAILED = (void *)-1;

/* A bins chunk: its header, and a free chunk's two links. */
struct chunk {
    size_t size_and_status;  /* bytes of the whole chunk | PREVIOUS_FREE | CHUNK_FREE */
    struct chunk *next_free; /* free chunks only: the next chunk in the same bin, or NULL */
    struct chunk *prev_free; /* free chunks only: the previous one, or NULL */
};

/* The description of one small page, in the table of pages: none of it is in the page. */
struct page {
    void *free;           /* the first free block of [0, fresh); each links the next in its first word */
    uint32_t next, prev;  /* page number + 1 of the next and previous page in the same list; 0: none */
    uint16_t class_index; /* 1 .. CLASS_COUNT; POOLED: empty, in the pool; 0: not a small page */
    uint16_t used;        /* blocks held by the caller */
    uint16_t fresh;       /* blocks [0, fresh) have been handed out; the rest never were */
    uint16_t capacity;    /* BLOCK_AREA_BYTES / class bytes */
};

/* At the start of every large block's mapping. */
struct mapping {
    struct mapping *prev, *next; /* the live mappings, for hm_check and hm_walk */
    uint64_t payload_bytes;      /* what the caller last asked for */
    uint64_t mapping_bytes;      /* the whole mapping, header included */
};

_Static_assert(sizeof(struct page) == 24, "a page's description");
_Static_assert(sizeof(struct mapping) == MAPPING_HEADER_BYTES, "the header keeps payloads aligned");

/* All the stage's state. Zero (nothing yet) until the first call sets the heap up. */
static struct {
    char *start;                     /* the first sbrk(0) */
    struct chunk *first_chunk;       /* after the pad; the grid starts 8 bytes after it */
    char *end;                       /* the break, just after the epilogue */
    struct chunk *bins[BIN_COUNT];
    uint64_t nonempty[BITMAP_WORDS];
    uint64_t nonempty_words;
    size_t allocated_chunks;         /* allocated chunks, small pages included: for hm_check */
    struct page *pages;              /* the table of pages, a mapping; NULL before the first page */
    size_t page_slots;               /* descriptions it holds */
    size_t table_bytes;              /* its mapping's length */
    uint32_t with_room[CLASS_COUNT + 1]; /* page number + 1 of the first page of class c with room */
    uint32_t pool;                   /* page number + 1 of the first pooled page */
    size_t pooled_pages;
    size_t binned_small[CLASS_COUNT + 1]; /* [c]: live small requests in bins chunks counted at c */
    struct mapping *first_mapping;   /* the most recently mapped large block */
    size_t live_mappings;
    size_t mapped_bytes;
    size_t large_min_bytes;          /* requests of this many bytes or more get a mapping (rule 6) */
} heap;

/* ---- chunks (as in the stage bins) -------------------------------------------------------- */

static inline size_t chunk_size(const struct chunk *chunk) { return chunk->size_and_status & ~(size_t)STATUS_BITS; }
static inline bool chunk_is_free(const struct chunk *chunk) { return (chunk->size_and_status & CHUNK_FREE) != 0; }
static inline bool previous_is_free(const struct chunk *chunk) { return (chunk->size_and_status & PREVIOUS_FREE) != 0; }

static inline void set_previous_free(struct chunk *chunk, bool previous_free)
{
    if (previous_free)
        chunk->size_and_status |= PREVIOUS_FREE;
    else
        chunk->size_and_status &= ~(size_t)PREVIOUS_FREE;
}

static inline struct chunk *next_in_memory(const struct chunk *chunk)
{
    return (struct chunk *)((char *)chunk + chunk_size(chunk));
}

static inline size_t *footer_of(const struct chunk *chunk)
{
    return (size_t *)((char *)chunk + chunk_size(chunk) - HEADER_BYTES);
}

/* @pre previous_is_free(chunk): only a free chunk has a footer. */
static inline struct chunk *previous_in_memory(const struct chunk *chunk)
{
    return (struct chunk *)((char *)chunk - (((const size_t *)chunk)[-1] & ~(size_t)STATUS_BITS));
}

static inline void set_allocated(struct chunk *chunk, size_t chunk_bytes, bool previous_free)
{
    chunk->size_and_status = chunk_bytes | (previous_free ? PREVIOUS_FREE : 0);
}

/* A free chunk: header and footer; the chunk before it is never free. */
static inline void set_free(struct chunk *chunk, size_t chunk_bytes)
{
    chunk->size_and_status = chunk_bytes | CHUNK_FREE;
    *footer_of(chunk) = chunk->size_and_status;
}

static inline struct chunk *epilogue(void) { return (struct chunk *)(heap.end - HEADER_BYTES); }
static inline void *payload_of(struct chunk *chunk) { return (char *)chunk + HEADER_BYTES; }
static inline struct chunk *chunk_of(void *payload) { return (struct chunk *)((char *)payload - HEADER_BYTES); }
static inline size_t max_bytes(size_t a, size_t b) { return a > b ? a : b; }
static inline size_t min_bytes(size_t a, size_t b) { return a < b ? a : b; }

/* The chunk for a medium request: header added, rounded to 16, at least 32. 0: too large. */
static size_t chunk_bytes_for(size_t payload_bytes)
{
    /* BEGIN SOLUTION */
    if (payload_bytes > (size_t)PTRDIFF_MAX / 2)
        return 0;
    size_t bytes = (payload_bytes + HEADER_BYTES + ALIGNMENT_BYTES - 1) & ~(size_t)(ALIGNMENT_BYTES - 1);
    return bytes < MIN_CHUNK_BYTES ? MIN_CHUNK_BYTES : bytes;
    /* END SOLUTION */
}

/* ---- the bins and their bitmap (as in the stage bins) --------------------------------------- */

static inline size_t bin_index_for(size_t chunk_bytes)
{
    size_t units = chunk_bytes / ALIGNMENT_BYTES;
    return units < LAST_BIN ? units : LAST_BIN;
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

/* The first non-empty bin at or above `bin`; BIN_COUNT when none. */
static inline size_t first_nonempty_bin_from(size_t bin)
{
    size_t word = bin / 64;
    uint64_t here = heap.nonempty[word] & (~(uint64_t)0 << (bin % 64));
    if (here != 0)
        return word * 64 + (size_t)__builtin_ctzll(here);
    uint64_t above = heap.nonempty_words & (~(uint64_t)1 << word);
    if (above == 0)
        return BIN_COUNT;
    word = (size_t)__builtin_ctzll(above);
    return word * 64 + (size_t)__builtin_ctzll(heap.nonempty[word]);
}

/* The top, the heap's last chunk when free, is in no bin: it is kept for what nothing fits. */
static inline bool belongs_in_a_bin(const struct chunk *chunk)
{
    return chunk_size(chunk) != (size_t)((char *)epilogue() - (char *)chunk);
}

/* File a free chunk, header and footer written, at the head of its bin (but the top). */
static inline void file_free(struct chunk *chunk)
{
    /* BEGIN SOLUTION */
    if (!belongs_in_a_bin(chunk))
        return;
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

/* Take a free chunk out of where file_free put it. */
static inline void unfile_free(struct chunk *chunk)
{
    /* BEGIN SOLUTION */
    if (!belongs_in_a_bin(chunk))
        return;
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

/* The smallest binned chunk of at least chunk_bytes, else the top if it fits; NULL: none. */
static struct chunk *find_fit(size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    size_t bin = first_nonempty_bin_from(bin_index_for(chunk_bytes));
    if (bin < LAST_BIN)
        return heap.bins[bin];
    struct chunk *best = NULL;
    for (struct chunk *chunk = bin == LAST_BIN ? heap.bins[LAST_BIN] : NULL; chunk != NULL; chunk = chunk->next_free)
        if (chunk_size(chunk) >= chunk_bytes && (best == NULL || chunk_size(chunk) < chunk_size(best)))
            best = chunk;
    if (best == NULL && previous_is_free(epilogue()) && chunk_size(previous_in_memory(epilogue())) >= chunk_bytes)
        best = previous_in_memory(epilogue());
    return best;
    /* END SOLUTION */
}

/* Cut an allocated chunk to chunk_bytes when the rest makes a chunk; file the rest.
 * @pre the chunk after it is not free. */
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

/* Make an allocated chunk free, merged with its free neighbours, and file it. */
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

/* The pad and the epilogue, on the first call. false: sbrk failed. */
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
    epilogue()->size_and_status = 0;
    return true;
}

/*
 * grow_heap: make the last chunk a free chunk (the top) of at least chunk_bytes, by what it
 * misses plus 1/32 of the heap (only what it misses near the limit). NULL: sbrk failed.
 */
static struct chunk *grow_heap(size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    struct chunk *last = previous_is_free(epilogue()) ? previous_in_memory(epilogue()) : NULL;
    size_t last_bytes = last != NULL ? chunk_size(last) : 0;
    size_t needed_bytes = last != NULL ? chunk_bytes - last_bytes : max_bytes(chunk_bytes, MIN_CHUNK_BYTES);
    size_t heap_bytes = (size_t)((char *)epilogue() - heap.start);
    size_t growth_bytes = needed_bytes + (min_bytes(heap_bytes >> GROW_SHIFT, GROW_MAX_BYTES) & ~(size_t)15);
    char *old_end = hm_sbrk((intptr_t)growth_bytes);
    if (old_end == SBRK_FAILED && growth_bytes > needed_bytes) {
        growth_bytes = needed_bytes;
        old_end = hm_sbrk((intptr_t)growth_bytes);
    }
    if (old_end == SBRK_FAILED)
        return NULL;
    struct chunk *grown = last != NULL ? last : epilogue();
    heap.end = old_end + growth_bytes;
    set_free(grown, last_bytes + growth_bytes); /* still the top: in no bin */
    epilogue()->size_and_status = PREVIOUS_FREE;
    return grown;
    /* END SOLUTION */
}

/* A medium malloc: the best fit (or the top, or a grown heap), taken out, split. */
static struct chunk *allocate(size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    struct chunk *chunk = find_fit(chunk_bytes);
    if (chunk == NULL)
        chunk = grow_heap(chunk_bytes);
    if (chunk == NULL)
        return NULL;
    heap.allocated_chunks++;
    size_t spare_bytes = chunk_size(chunk) - chunk_bytes;
    if (spare_bytes >= MIN_CHUNK_BYTES && bin_index_for(spare_bytes) == LAST_BIN && belongs_in_a_bin(chunk)) {
        /* The rest stays in the last bin, where the chunk was: it takes the chunk's place in
         * the list, four links rewritten rather than a chunk unfiled and another filed. */
        struct chunk *rest = (struct chunk *)((char *)chunk + chunk_bytes);
        rest->next_free = chunk->next_free;
        rest->prev_free = chunk->prev_free;
        if (rest->prev_free != NULL)
            rest->prev_free->next_free = rest;
        else
            heap.bins[LAST_BIN] = rest;
        if (rest->next_free != NULL)
            rest->next_free->prev_free = rest;
        set_free(rest, spare_bytes);
        set_allocated(chunk, chunk_bytes, false);
        return chunk;
    }
    unfile_free(chunk);
    if (chunk_bytes <= SMALL_CHUNK_BYTES && !belongs_in_a_bin(chunk) && spare_bytes >= MIN_CHUNK_BYTES) {
        /* A small request from the top is cut from its high end: the block before the top
         * keeps room to grow into (realloc). */
        struct chunk *used = (struct chunk *)((char *)chunk + spare_bytes);
        set_free(chunk, spare_bytes);
        set_allocated(used, chunk_bytes, true);
        set_previous_free(next_in_memory(used), false);
        file_free(chunk);
        return used;
    }
    set_allocated(chunk, chunk_size(chunk), false);
    set_previous_free(next_in_memory(chunk), false);
    split(chunk, chunk_bytes);
    return chunk;
    /* END SOLUTION */
}

static inline size_t small_count_index(size_t chunk_bytes);

/* A medium free; a small request's chunk is counted out (rule 8; a chunk resized in place
 * may have been counted at another size: the counts are a heuristic, and stop at zero). */
static void release(struct chunk *chunk)
{
    if (chunk_size(chunk) <= SMALL_CHUNK_BYTES && heap.binned_small[small_count_index(chunk_size(chunk))] != 0)
        heap.binned_small[small_count_index(chunk_size(chunk))]--;
    heap.allocated_chunks--;
    coalesce(chunk);
}

/* Resize an allocated chunk without moving it: shrink by splitting, grow into a free right
 * neighbour (growing the heap when that is the top or the chunk is last). false: it must move. */
static bool resize_in_place(struct chunk *chunk, size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    size_t have_bytes = chunk_size(chunk);
    if (chunk_bytes <= have_bytes) {
        if (have_bytes - chunk_bytes < MIN_CHUNK_BYTES || chunk_bytes > have_bytes / 2)
            return true; /* what a block shrinks by less than half is often grown again */
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
        after = next_in_memory(chunk);
    }
    unfile_free(after);
    set_allocated(chunk, have_bytes + chunk_size(after), previous_is_free(chunk));
    set_previous_free(next_in_memory(chunk), false);
    split(chunk, chunk_bytes);
    return true;
    /* END SOLUTION */
}

/* ---- small pages -------------------------------------------------------------------------- */

/* Page k's first block: the grid starts just after first_chunk's header. */
static inline char *page_blocks(size_t page_number)
{
    return (char *)heap.first_chunk + HEADER_BYTES + page_number * SMALL_PAGE_BYTES;
}

static inline size_t class_bytes(size_t class_index) { return class_index * ALIGNMENT_BYTES; }

/* The number of the grid page that holds `address`: past heap.page_slots when it is in no
 * page the table describes (below the heap, a mapping, or before the heap is set up). */
static inline size_t page_number_of(const void *address)
{
    return (size_t)((uintptr_t)address - (uintptr_t)heap.first_chunk - HEADER_BYTES) / SMALL_PAGE_BYTES;
}

/* Is page k a small page of some class (not pooled, not a medium chunk's)? */
static inline bool is_small_page(size_t page_number)
{
    return page_number < heap.page_slots && (size_t)heap.pages[page_number].class_index - 1 < CLASS_COUNT;
}

/* Put page number k first on a list (a class's, or the pool). */
static void list_push(uint32_t *head, size_t page_number)
{
    /* BEGIN SOLUTION */
    struct page *page = &heap.pages[page_number];
    page->prev = 0;
    page->next = *head;
    if (*head != 0)
        heap.pages[*head - 1].prev = (uint32_t)page_number + 1;
    *head = (uint32_t)page_number + 1;
    /* END SOLUTION */
}

static void list_remove(uint32_t *head, size_t page_number)
{
    /* BEGIN SOLUTION */
    struct page *page = &heap.pages[page_number];
    if (page->prev != 0)
        heap.pages[page->prev - 1].next = page->next;
    else
        *head = page->next;
    if (page->next != 0)
        heap.pages[page->next - 1].prev = page->prev;
    /* END SOLUTION */
}

/* Make the table of pages hold page number k: a larger mapping, the old one copied and
 * unmapped (the lists link by number, so they survive the move). false: mmap failed. */
static bool table_holds(size_t page_number)
{
    /* BEGIN SOLUTION */
    if (page_number < heap.page_slots)
        return true;
    size_t page = hm_page_bytes();
    size_t want = max_bytes(2 * heap.table_bytes, (page_number + 1) * sizeof(struct page));
    want = (want + page - 1) & ~(page - 1);
    struct page *table = hm_mmap(NULL, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (table == MAP_FAILED)
        return false;
    if (heap.pages != NULL) {
        memcpy(table, heap.pages, heap.page_slots * sizeof(struct page));
        hm_munmap(heap.pages, heap.table_bytes);
    }
    heap.pages = table;
    heap.table_bytes = want;
    heap.page_slots = want / sizeof(struct page);
    return true;
    /* END SOLUTION */
}

/* The bytes from a free chunk's start to the first grid point in it that leaves nothing or a
 * whole chunk before it. */
static size_t grid_gap(const struct chunk *chunk)
{
    size_t offset = (size_t)((const char *)chunk - (const char *)heap.first_chunk);
    size_t gap_bytes = (SMALL_PAGE_BYTES - offset % SMALL_PAGE_BYTES) % SMALL_PAGE_BYTES;
    return gap_bytes != 0 && gap_bytes < MIN_CHUNK_BYTES ? gap_bytes + SMALL_PAGE_BYTES : gap_bytes;
}

/* Does a page fit in a free chunk of have_bytes at that gap, leaving nothing or a chunk after? */
static inline bool page_fits(size_t have_bytes, size_t gap_bytes)
{
    size_t need_bytes = gap_bytes + SMALL_PAGE_BYTES;
    return have_bytes == need_bytes || have_bytes >= need_bytes + MIN_CHUNK_BYTES;
}

/*
 * cut_page: a small page cut from a free chunk (binned, or the top) that page_fits, at the
 * chunk's last grid point that leaves nothing or a chunk after it: the bytes before it stay
 * free for the medium chunk before them to grow into (realloc), and the next page goes below. Returns the page number; SIZE_MAX
 * when the table of pages cannot grow to hold it (errno = ENOMEM), the heap as it was.
 */
static size_t cut_page(struct chunk *chunk)
{
    /* BEGIN SOLUTION */
    size_t gap_bytes = grid_gap(chunk), have_bytes = chunk_size(chunk);
    gap_bytes += (have_bytes - gap_bytes - SMALL_PAGE_BYTES) / SMALL_PAGE_BYTES * SMALL_PAGE_BYTES;
    if (!page_fits(have_bytes, gap_bytes))
        gap_bytes -= SMALL_PAGE_BYTES; /* the rest after the page would be too small for a chunk */
    size_t offset = (size_t)((char *)chunk - (char *)heap.first_chunk) + gap_bytes;
    if (!table_holds(offset / SMALL_PAGE_BYTES))
        return SIZE_MAX;
    unfile_free(chunk);
    struct chunk *page_chunk = (struct chunk *)((char *)chunk + gap_bytes);
    if (gap_bytes != 0) {
        set_free(chunk, gap_bytes);
        file_free(chunk); /* not the top: the page follows it */
    }
    set_allocated(page_chunk, SMALL_PAGE_BYTES, gap_bytes != 0);
    size_t rest_bytes = have_bytes - gap_bytes - SMALL_PAGE_BYTES;
    struct chunk *after = next_in_memory(page_chunk);
    if (rest_bytes != 0) {
        set_free(after, rest_bytes);
        file_free(after); /* into its bin, or the top */
    } else {
        set_previous_free(after, false);
    }
    heap.allocated_chunks++;
    return offset / SMALL_PAGE_BYTES;
    /* END SOLUTION */
}

/*
 * carve_page: a new small page (rule 4): from the first free chunk of the last bin that holds
 * one on the grid (looking at PAGE_SEARCH_CHUNKS of them at most), else from the top, grown
 * when it does not reach. Returns the page number; SIZE_MAX when memory could not be had
 * (errno = ENOMEM), the heap still sound.
 */
static size_t carve_page(void)
{
    /* BEGIN SOLUTION */
    size_t looked = 0;
    for (struct chunk *chunk = heap.bins[LAST_BIN]; chunk != NULL && looked++ < PAGE_SEARCH_CHUNKS;
         chunk = chunk->next_free)
        if (page_fits(chunk_size(chunk), grid_gap(chunk)))
            return cut_page(chunk);
    struct chunk *top = previous_is_free(epilogue()) ? previous_in_memory(epilogue()) : epilogue();
    size_t gap_bytes = grid_gap(top);
    if (top == epilogue() || !page_fits(chunk_size(top), gap_bytes)) {
        if (grow_heap(gap_bytes + SMALL_PAGE_BYTES + MIN_CHUNK_BYTES) == NULL)
            return SIZE_MAX;
    }
    return cut_page(top); /* the grown top starts where the old top or the epilogue did */
    /* END SOLUTION */
}

/* A page with room for class c, first on its list: from the pool, else carved (rules 3, 4).
 * NULL when memory could not be had. */
static struct page *new_page(size_t class_index)
{
    /* BEGIN SOLUTION */
    size_t page_number;
    if (heap.pool != 0) {
        page_number = heap.pool - 1;
        list_remove(&heap.pool, page_number);
        heap.pooled_pages--;
    } else if ((page_number = carve_page()) == SIZE_MAX) {
        return NULL;
    }
    struct page *page = &heap.pages[page_number];
    *page = (struct page){ .class_index = (uint16_t)class_index,
                           .capacity = (uint16_t)(BLOCK_AREA_BYTES / class_bytes(class_index)) };
    list_push(&heap.with_room[class_index], page_number);
    return page;
    /* END SOLUTION */
}

/* A block of page k, of class c, which has room (rule 1): a free block, else the page's next
 * never-used block; a full page leaves its class's list. */
static inline void *take_block(size_t page_number, size_t class_index)
{
    /* BEGIN SOLUTION */
    struct page *page = &heap.pages[page_number];
    void *block = page->free;
    if (block != NULL)
        page->free = *(void **)block;
    else
        block = page_blocks(page_number) + page->fresh++ * class_bytes(class_index);
    if (++page->used == page->capacity)
        list_remove(&heap.with_room[class_index], page_number);
    return block;
    /* END SOLUTION */
}

/* A small block of class c: from the first page of its list, else from a new page. */
static void *small_malloc(size_t class_index)
{
    /* BEGIN SOLUTION */
    if (heap.with_room[class_index] == 0 && new_page(class_index) == NULL)
        return NULL;
    return take_block(heap.with_room[class_index] - 1, class_index);
    /* END SOLUTION */
}

/* Where a bins chunk of chunk_bytes is counted in heap.binned_small: a small request of class c
 * gets a chunk counted at c - 1 or c. */
static inline size_t small_count_index(size_t chunk_bytes)
{
    return (chunk_bytes - HEADER_BYTES) / ALIGNMENT_BYTES;
}

/* Is class c in use enough to be worth pages of its own (rule 8)? Until it is, its requests
 * are bins chunks, and a class of a few live blocks costs no page: it gets pages once
 * 1/WARM_SHARE_DIVISOR of a page's blocks of about its size are live in the bins. */
static bool class_is_warm(size_t class_index)
{
    /* BEGIN SOLUTION */
    size_t live = heap.binned_small[class_index - 1] + heap.binned_small[class_index];
    /* live * D >= capacity = BLOCK_AREA_BYTES / class bytes (rounded down), without dividing:
     * a division costs tens of cycles, and every small request pays this test until it is warm. */
    return (live * WARM_SHARE_DIVISOR + 1) * class_bytes(class_index) > BLOCK_AREA_BYTES;
    /* END SOLUTION */
}

/* Page k has no block left in use: to the pool, or past POOL_MAX_PAGES back to the bins. */
static void page_emptied(size_t page_number)
{
    /* BEGIN SOLUTION */
    struct page *page = &heap.pages[page_number];
    list_remove(&heap.with_room[page->class_index], page_number);
    if (heap.pooled_pages < POOL_MAX_PAGES) {
        page->class_index = POOLED;
        list_push(&heap.pool, page_number);
        heap.pooled_pages++;
    } else {
        page->class_index = 0;
        release((struct chunk *)(page_blocks(page_number) - HEADER_BYTES));
    }
    /* END SOLUTION */
}

/* Free a small block of page k: onto its page's free list; a full page rejoins its class's
 * list, an empty one leaves it (rule 3). */
static inline void small_free(size_t page_number, void *block)
{
    /* BEGIN SOLUTION */
    struct page *page = &heap.pages[page_number];
    *(void **)block = page->free;
    page->free = block;
    if (page->used-- == page->capacity)
        list_push(&heap.with_room[page->class_index], page_number);
    if (page->used == 0)
        page_emptied(page_number);
    /* END SOLUTION */
}

/* ---- large blocks: a mapping each (as in the stage mmap) ---------------------------------- */

static size_t mapping_bytes_for(size_t payload_bytes)
{
    if (payload_bytes > (size_t)PTRDIFF_MAX / 2)
        return 0;
    size_t page = hm_page_bytes();
    return (MAPPING_HEADER_BYTES + payload_bytes + page - 1) & ~(page - 1);
}

static void *large_malloc(size_t size)
{
    /* BEGIN SOLUTION */
    size_t bytes = mapping_bytes_for(size);
    if (bytes == 0) {
        errno = ENOMEM;
        return NULL;
    }
    struct mapping *mapping = hm_mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED)
        return NULL;
    *mapping = (struct mapping){ .next = heap.first_mapping, .payload_bytes = size, .mapping_bytes = bytes };
    if (heap.first_mapping != NULL)
        heap.first_mapping->prev = mapping;
    heap.first_mapping = mapping;
    heap.live_mappings++;
    heap.mapped_bytes += bytes;
    return (char *)mapping + MAPPING_HEADER_BYTES;
    /* END SOLUTION */
}

static void large_free(struct mapping *mapping)
{
    /* BEGIN SOLUTION */
    if (mapping->prev != NULL)
        mapping->prev->next = mapping->next;
    else
        heap.first_mapping = mapping->next;
    if (mapping->next != NULL)
        mapping->next->prev = mapping->prev;
    heap.live_mappings--;
    heap.mapped_bytes -= mapping->mapping_bytes;
    if (mapping->mapping_bytes > heap.large_min_bytes && mapping->mapping_bytes <= LARGE_MIN_MAX_BYTES)
        heap.large_min_bytes = mapping->mapping_bytes; /* GNU's dynamic threshold: such a size is
                                                          not rare, the heap can reuse it */
    hm_munmap(mapping, mapping->mapping_bytes);
    /* END SOLUTION */
}

/* Is the address in the heap (small or medium), rather than in a large block's mapping? */
static inline bool in_heap(const void *address)
{
    return heap.start != NULL && (uintptr_t)address >= (uintptr_t)heap.start && (uintptr_t)address < (uintptr_t)heap.end;
}

/* ==== 2. The C library's functions ========================================================= */

/* Every malloc that the first page of its class cannot serve: a new page, a bins chunk, a
 * mapping. Kept out of hm_malloc (noinline), so that the common case costs no more than its
 * few loads: inlined, its registers would be saved and restored on every call. */
__attribute__((noinline)) static void *malloc_otherwise(size_t size)
{
    /* BEGIN SOLUTION */
    if (size == 0)
        return NULL;
    size_t chunk_bytes = chunk_bytes_for(size);
    if (chunk_bytes == 0) {
        errno = ENOMEM;
        return NULL;
    }
    if (heap.large_min_bytes == 0)
        heap.large_min_bytes = LARGE_MIN_BYTES;
    if (size >= heap.large_min_bytes) {
        void *block = large_malloc(size);
        if (block != NULL)
            return block; /* near the memory limit, a free chunk of the heap may still hold it */
    }
    if (heap.start == NULL && !heap_set_up())
        return NULL;
    size_t class_index = (size + ALIGNMENT_BYTES - 1) / ALIGNMENT_BYTES;
    if (size <= SMALL_MAX_BYTES && class_is_warm(class_index)) {
        void *block = small_malloc(class_index);
        if (block != NULL)
            return block; /* no room for a new page: a bins chunk may still fit */
    }
    struct chunk *chunk = allocate(chunk_bytes);
    if (chunk != NULL && size <= SMALL_MAX_BYTES)
        heap.binned_small[small_count_index(chunk_bytes)]++;
    return chunk == NULL ? NULL : payload_of(chunk);
    /* END SOLUTION */
}

void *hm_malloc(size_t size)
{
    /* BEGIN SOLUTION */
    size_t class_index = (size + ALIGNMENT_BYTES - 1) / ALIGNMENT_BYTES;
    if (size - 1 < SMALL_MAX_BYTES && heap.with_room[class_index] != 0)
        return take_block(heap.with_room[class_index] - 1, class_index); /* most calls end here */
    return malloc_otherwise(size);
    /* END SOLUTION */
}

void hm_free(void *ptr)
{
    /* BEGIN SOLUTION */
    size_t page_number = page_number_of(ptr);
    if (is_small_page(page_number))
        small_free(page_number, ptr); /* most calls end here */
    else if (ptr == NULL)
        return;
    else if (!in_heap(ptr))
        large_free((struct mapping *)((char *)ptr - MAPPING_HEADER_BYTES));
    else
        release(chunk_of(ptr));
    /* END SOLUTION */
}

/* realloc (rule 7): in place when the block's class, chunk or mapping holds the new size. A
 * small block shrunk to half its class or less moves to a smaller one. */
void *hm_realloc(void *ptr, size_t size)
{
    /* BEGIN SOLUTION */
    if (ptr == NULL)
        return hm_malloc(size);
    if (size == 0) {
        hm_free(ptr);
        return NULL;
    }
    if (size > (size_t)PTRDIFF_MAX / 2) {
        errno = ENOMEM;
        return NULL;
    }
    size_t room_bytes, page_number = page_number_of(ptr);
    if (!in_heap(ptr)) {
        struct mapping *mapping = (struct mapping *)((char *)ptr - MAPPING_HEADER_BYTES);
        room_bytes = (size_t)mapping->mapping_bytes - MAPPING_HEADER_BYTES;
        if (size <= room_bytes && size >= heap.large_min_bytes) {
            mapping->payload_bytes = size;
            return ptr;
        }
        room_bytes = min_bytes(room_bytes, (size_t)mapping->payload_bytes);
    } else if (is_small_page(page_number)) {
        room_bytes = class_bytes(heap.pages[page_number].class_index);
        if (size <= room_bytes && (size > room_bytes / 2 || room_bytes == ALIGNMENT_BYTES))
            return ptr;
    } else {
        if (resize_in_place(chunk_of(ptr), chunk_bytes_for(size)))
            return ptr;
        room_bytes = chunk_size(chunk_of(ptr)) - HEADER_BYTES;
    }
    /* A block that grows out of its class moves to the bins, where it can go on growing in place. */
    void *moved;
    if (size > room_bytes && size < heap.large_min_bytes && heap_set_up()) {
        struct chunk *chunk = allocate(chunk_bytes_for(size));
        moved = chunk != NULL ? payload_of(chunk) : NULL;
    } else {
        moved = hm_malloc(size);
    }
    if (moved == NULL)
        return NULL;
    memcpy(moved, ptr, min_bytes(room_bytes, size));
    hm_free(ptr);
    return moved;
    /* END SOLUTION */
}

/* calloc: a large block's fresh mapping reads as zero; every other block is cleared. */
void *hm_calloc(size_t nmemb, size_t size)
{
    /* BEGIN SOLUTION */
    if (nmemb != 0 && size > SIZE_MAX / nmemb) {
        errno = ENOMEM;
        return NULL;
    }
    size_t bytes = nmemb * size;
    void *block = hm_malloc(bytes);
    if (block != NULL && in_heap(block))
        memset(block, 0, bytes);
    return block;
    /* END SOLUTION */
}

/* ==== 3. The checker, and the walk ========================================================= */

__attribute__((format(printf, 1, 2)))
static int check_failed(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    fputs("hybrid: hm_check: ", stderr);
    vfprintf(stderr, format, arguments);
    fputc('\n', stderr);
    va_end(arguments);
    return 1;
}

static inline unsigned long long heap_offset(const void *address)
{
    return (unsigned long long)((uintptr_t)address - (uintptr_t)heap.start);
}

static inline uint64_t address_hash(const void *address)
{
    uint64_t x = (uint64_t)(uintptr_t)address;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

static inline bool is_chunk_address(const struct chunk *address)
{
    return address >= heap.first_chunk && address < epilogue() &&
           ((uintptr_t)address + HEADER_BYTES) % ALIGNMENT_BYTES == 0;
}

static inline bool chunk_size_is_sound(const struct chunk *chunk)
{
    size_t bytes = chunk_size(chunk);
    return bytes >= MIN_CHUNK_BYTES && bytes % ALIGNMENT_BYTES == 0 &&
           bytes <= (size_t)((char *)epilogue() - (char *)chunk);
}

/* The page number of a chunk that starts on the grid and is 4096 bytes long and allocated,
 * when its description marks it small; SIZE_MAX otherwise. */
static size_t page_number_of_chunk(const struct chunk *chunk)
{
    size_t offset = (size_t)((const char *)chunk - (const char *)heap.first_chunk);
    if (offset % SMALL_PAGE_BYTES != 0 || chunk_is_free(chunk) || chunk_size(chunk) != SMALL_PAGE_BYTES)
        return SIZE_MAX;
    size_t page_number = offset / SMALL_PAGE_BYTES;
    return page_number < heap.page_slots && heap.pages[page_number].class_index != 0 ? page_number : SIZE_MAX;
}

/* Invariant 4 for one small page. */
static int check_small_page(size_t page_number)
{
    const struct page *page = &heap.pages[page_number];
    size_t class_index = page->class_index;
    if (class_index == POOLED)
        return 0;
    if (class_index > CLASS_COUNT)
        return check_failed("page %zu has class %zu, not one of 1 .. %d", page_number, class_index, CLASS_COUNT);
    size_t bytes = class_bytes(class_index);
    if (page->capacity != BLOCK_AREA_BYTES / bytes || page->fresh > page->capacity || page->used > page->fresh ||
        page->used == 0)
        return check_failed("page %zu (class %zu, %zu bytes): used %u, fresh %u, capacity %u: expected 0 < used "
                            "<= fresh <= capacity = %zu", page_number, class_index, bytes, page->used, page->fresh,
                            page->capacity, BLOCK_AREA_BYTES / bytes);
    const char *blocks = page_blocks(page_number);
    size_t length = 0;
    for (const char *block = page->free; block != NULL; block = *(char *const *)block) {
        if (block < blocks || block >= blocks + page->fresh * bytes || (size_t)(block - blocks) % bytes != 0)
            return check_failed("page %zu (class %zu) lists a free block at heap+0x%llx, which is not one of its "
                                "%u handed-out blocks", page_number, class_index, heap_offset(block), page->fresh);
        if (++length > (size_t)(page->fresh - page->used))
            return check_failed("page %zu (class %zu) lists more than the %u free blocks that used %u and fresh %u "
                                "leave: a block freed twice, or a cycle", page_number, class_index,
                                page->fresh - page->used, page->used, page->fresh);
    }
    if (length != (size_t)(page->fresh - page->used))
        return check_failed("page %zu (class %zu) lists %zu free blocks, but used %u and fresh %u leave %u",
                            page_number, class_index, length, page->used, page->fresh, page->fresh - page->used);
    return 0;
}

/* Invariant 5 for one list: each page on it is of its kind, its links agree; returns how many
 * it holds in *count, or SIZE_MAX after printing what broke. */
static int check_page_list(uint32_t head, size_t class_index, size_t *count)
{
    uint32_t previous = 0;
    *count = 0;
    for (uint32_t link = head; link != 0; previous = link, link = heap.pages[link - 1].next) {
        if (link > heap.page_slots)
            return check_failed("the list of %s%zu links to page %u, past the table's %zu", class_index == POOLED ?
                                "the pool" : "class ", class_index == POOLED ? 0 : class_index, link - 1, heap.page_slots);
        const struct page *page = &heap.pages[link - 1];
        if (page->prev != previous)
            return check_failed("page %u links back to page %d, not to the page before it in its list (%d)", link - 1,
                                (int)page->prev - 1, (int)previous - 1);
        if (page->class_index != class_index || (class_index != POOLED && page->used >= page->capacity))
            return check_failed("the list of %s %zu holds page %u (class %u, used %u of %u), which belongs on no such "
                                "list", class_index == POOLED ? "pooled pages" : "pages with room of class",
                                class_index == POOLED ? 0 : class_index, link - 1, page->class_index, page->used,
                                page->capacity);
        if (++*count > heap.page_slots)
            return check_failed("a list of pages has a cycle");
    }
    return 0;
}

int hm_check(void)
{
    /* BEGIN SOLUTION */
    if (heap.start != NULL && (char *)hm_sbrk(0) != heap.end)
        return check_failed("the heap is said to end at heap+0x%llx, but the break is at heap+0x%llx",
                            heap_offset(heap.end), heap_offset(hm_sbrk(0)));

    /* Memory (invariants 1, 2, 3): the chunks in address order. */
    bool previous_free = false;
    size_t allocated = 0, binned_count = 0, listed_count = 0, small_chunks = 0;
    uint64_t binned_hash = 0, listed_hash = 0;
    for (struct chunk *chunk = heap.first_chunk; heap.start != NULL && chunk != epilogue();
         chunk = next_in_memory(chunk)) {
        if (!chunk_size_is_sound(chunk))
            return check_failed("the chunk at heap+0x%llx has a size of %zu bytes: not a multiple of 16 from 32 to "
                                "the %zu left", heap_offset(chunk), chunk_size(chunk),
                                (size_t)((char *)epilogue() - (char *)chunk));
        if (previous_is_free(chunk) != previous_free)
            return check_failed("the chunk at heap+0x%llx says the chunk before it is %s, but it is %s",
                                heap_offset(chunk), previous_free ? "in use" : "free", previous_free ? "free" : "in use");
        if (chunk_is_free(chunk)) {
            if (previous_free)
                return check_failed("the free chunk at heap+0x%llx follows a free chunk: they were not merged",
                                    heap_offset(chunk));
            if (*footer_of(chunk) != chunk->size_and_status)
                return check_failed("the free chunk at heap+0x%llx has a footer that does not match its header",
                                    heap_offset(chunk));
            if (belongs_in_a_bin(chunk)) {
                binned_count++;
                binned_hash += address_hash(chunk);
            }
        } else {
            allocated++;
            size_t page_number = page_number_of_chunk(chunk);
            if (page_number != SIZE_MAX) {
                small_chunks++;
                if (check_small_page(page_number) != 0)
                    return 1;
            }
        }
        previous_free = chunk_is_free(chunk);
    }
    if (heap.start != NULL && epilogue()->size_and_status != (previous_free ? PREVIOUS_FREE : 0))
        return check_failed("the epilogue at heap+0x%llx is not (0 bytes, in use%s)", heap_offset(epilogue()),
                            previous_free ? ", after a free chunk" : "");
    if (allocated != heap.allocated_chunks)
        return check_failed("memory holds %zu allocated chunks, but %zu were handed out: a size leads past a chunk",
                            allocated, heap.allocated_chunks);

    /* The bins and the bitmap (invariant 2). */
    for (size_t bin = 0; bin < BIN_COUNT; bin++) {
        bool bit = ((heap.nonempty[bin / 64] >> (bin % 64)) & 1) != 0;
        if (bit != (heap.bins[bin] != NULL))
            return check_failed("bin %zu is %s, but its bitmap bit is %d", bin, bit ? "empty" : "not empty", bit);
        const struct chunk *previous = NULL;
        for (struct chunk *chunk = heap.bins[bin]; chunk != NULL; previous = chunk, chunk = chunk->next_free) {
            if (!is_chunk_address(chunk))
                return check_failed("bin %zu links to %p, where no chunk can start", bin, (void *)chunk);
            if (chunk->prev_free != previous || !chunk_is_free(chunk) || !belongs_in_a_bin(chunk) ||
                bin_index_for(chunk_size(chunk)) != bin)
                return check_failed("bin %zu lists the chunk at heap+0x%llx, which is not a free chunk of its size "
                                    "that links back to the one before it", bin, heap_offset(chunk));
            if (++listed_count > binned_count)
                return check_failed("the bins list more chunks than the %zu free ones in need of a bin: a stale "
                                    "chunk, or a cycle", binned_count);
            listed_hash += address_hash(chunk);
        }
    }
    for (size_t word = 0; word < BITMAP_WORDS; word++)
        if (((heap.nonempty_words >> word) & 1) != (heap.nonempty[word] != 0))
            return check_failed("the summary bit of bitmap word %zu does not match the word", word);
    if (listed_count != binned_count || listed_hash != binned_hash)
        return check_failed("the heap has %zu free chunks in need of a bin, but the bins list %zu%s", binned_count,
                            listed_count, listed_count == binned_count ? ", not the same ones" : "");

    /* The table of pages (invariants 3, 5). */
    size_t marked = 0, pooled = 0, with_room = 0, listed = 0, count;
    for (size_t page_number = 0; page_number < heap.page_slots; page_number++) {
        const struct page *page = &heap.pages[page_number];
        marked += page->class_index != 0;
        pooled += page->class_index == POOLED;
        with_room += page->class_index != 0 && page->class_index != POOLED && page->used < page->capacity;
    }
    if (marked != small_chunks)
        return check_failed("the table marks %zu pages small, but %zu small pages start on the grid in memory",
                            marked, small_chunks);
    for (size_t class_index = 1; class_index <= CLASS_COUNT; class_index++) {
        if (check_page_list(heap.with_room[class_index], class_index, &count) != 0)
            return 1;
        listed += count;
    }
    if (listed != with_room)
        return check_failed("%zu small pages have room, but the classes' lists hold %zu", with_room, listed);
    if (check_page_list(heap.pool, POOLED, &count) != 0)
        return 1;
    if (count != pooled || pooled != heap.pooled_pages)
        return check_failed("%zu pages are marked pooled, the pool lists %zu, and %zu are counted", pooled, count,
                            heap.pooled_pages);

    /* The mappings (invariant 6). */
    size_t mappings = 0, mapped_bytes = 0;
    const struct mapping *previous = NULL;
    for (const struct mapping *mapping = heap.first_mapping; mapping != NULL; previous = mapping, mapping = mapping->next) {
        if (++mappings > heap.live_mappings)
            return check_failed("the list of mappings holds more than the %zu counted (a cycle?)", heap.live_mappings);
        if ((uintptr_t)mapping % hm_page_bytes() != 0 || in_heap(mapping))
            return check_failed("the list of mappings leads to %p, where no mapping can start", (const void *)mapping);
        if (mapping->prev != previous || mapping->mapping_bytes == 0 || mapping->mapping_bytes % hm_page_bytes() != 0 ||
            mapping_bytes_for(mapping->payload_bytes) > mapping->mapping_bytes)
            return check_failed("the mapping at %p: its prev link or its sizes (%llu payload bytes in %llu) are wrong",
                                (const void *)mapping, (unsigned long long)mapping->payload_bytes,
                                (unsigned long long)mapping->mapping_bytes);
        mapped_bytes += mapping->mapping_bytes;
    }
    if (mappings != heap.live_mappings || mapped_bytes != heap.mapped_bytes)
        return check_failed("the list holds %zu mappings of %zu bytes, but %zu of %zu are counted", mappings,
                            mapped_bytes, heap.live_mappings, heap.mapped_bytes);
    return 0;
    /* END SOLUTION */
}

/* The walk of a small page: its header, each block (a free one with its class's list and the
 * next free block), the blocks never handed out as one free run, what no block fills. */
static void walk_small_page(size_t page_number, hm_chunk_visitor *visit, void *context)
{
    const struct page *page = &heap.pages[page_number];
    char *blocks = page_blocks(page_number);
    visit(&(struct hm_chunk){ .start = blocks - HEADER_BYTES, .bytes = HEADER_BYTES, .state = HM_CHUNK_STAGE,
                              .list = -1 }, context);
    size_t bytes = page->class_index == POOLED ? BLOCK_AREA_BYTES : class_bytes(page->class_index);
    size_t fresh = page->class_index == POOLED ? 0 : min_bytes(page->fresh, BLOCK_AREA_BYTES / bytes);
    uint64_t is_free[(BLOCK_AREA_BYTES / ALIGNMENT_BYTES + 63) / 64] = { 0 };
    size_t steps = 0;
    for (char *block = page->free; block != NULL && steps++ < fresh; block = *(char **)block) {
        if (block < blocks || block >= blocks + fresh * bytes || (size_t)(block - blocks) % bytes != 0)
            break;
        size_t index = (size_t)(block - blocks) / bytes;
        is_free[index / 64] |= (uint64_t)1 << (index % 64);
    }
    for (size_t index = 0; index < fresh; index++) {
        char *block = blocks + index * bytes;
        bool free_block = ((is_free[index / 64] >> (index % 64)) & 1) != 0;
        visit(&(struct hm_chunk){ .start = block, .bytes = bytes, .state = free_block ? HM_CHUNK_FREE : HM_CHUNK_USED,
                                  .list = free_block ? (int)page->class_index : -1,
                                  .next = free_block ? *(char **)block : NULL }, context);
    }
    size_t fresh_bytes = page->class_index == POOLED ? BLOCK_AREA_BYTES : (BLOCK_AREA_BYTES / bytes - fresh) * bytes;
    if (fresh_bytes != 0)
        visit(&(struct hm_chunk){ .start = blocks + fresh * bytes, .bytes = fresh_bytes, .state = HM_CHUNK_FREE,
                                  .list = -1 }, context);
    size_t filled = fresh * bytes + fresh_bytes;
    visit(&(struct hm_chunk){ .start = blocks + filled, .bytes = SMALL_PAGE_BYTES - HEADER_BYTES - filled,
                              .state = HM_CHUNK_STAGE, .list = -1 }, context);
}

/* hm_walk: the pad, every chunk (a small page block by block), the epilogue; then the table
 * of pages and each large block's mapping. It stops at a size that is not sound. */
void hm_walk(hm_chunk_visitor *visit, void *context)
{
    /* BEGIN SOLUTION */
    if (heap.start != NULL) {
        if ((char *)heap.first_chunk != heap.start)
            visit(&(struct hm_chunk){ .start = heap.start, .bytes = (size_t)((char *)heap.first_chunk - heap.start),
                                      .state = HM_CHUNK_STAGE, .list = -1 }, context);
        struct chunk *chunk = heap.first_chunk;
        for (; chunk != epilogue() && chunk_size_is_sound(chunk); chunk = next_in_memory(chunk)) {
            size_t page_number = page_number_of_chunk(chunk);
            if (page_number != SIZE_MAX) {
                walk_small_page(page_number, visit, context);
                continue;
            }
            bool binned = chunk_is_free(chunk) && belongs_in_a_bin(chunk);
            visit(&(struct hm_chunk){ .start = chunk, .bytes = chunk_size(chunk),
                                      .state = chunk_is_free(chunk) ? HM_CHUNK_FREE : HM_CHUNK_USED,
                                      .list = binned ? (int)bin_index_for(chunk_size(chunk)) + CLASS_COUNT : -1,
                                      .next = binned ? chunk->next_free : NULL }, context);
        }
        if (chunk == epilogue())
            visit(&(struct hm_chunk){ .start = chunk, .bytes = HEADER_BYTES, .state = HM_CHUNK_STAGE, .list = -1 },
                  context);
    }
    if (heap.pages != NULL)
        visit(&(struct hm_chunk){ .start = heap.pages, .bytes = heap.table_bytes, .state = HM_CHUNK_STAGE, .list = -1 },
              context);
    const struct mapping *mapping = heap.first_mapping;
    for (size_t count = 0; mapping != NULL && count < heap.live_mappings; count++, mapping = mapping->next)
        visit(&(struct hm_chunk){ .start = mapping, .bytes = mapping->mapping_bytes, .state = HM_CHUNK_USED,
                                  .list = -1 }, context);
    /* END SOLUTION */
}
