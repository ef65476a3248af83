/*
 * list.c: the stage "list", an explicit free list in address order.
 *
 * Policy: every free chunk is on one singly linked list sorted by address; malloc takes the
 * first chunk that fits and hands out its tail end, and free puts a chunk back in its place
 * in the list, merging it with the free chunks just before and after it in memory.
 *
 * This is the allocator of K&R section 8.7, with sizes in bytes, 16-byte alignment, an
 * 8-byte header, and a status bit: malloc and free go by the list alone, but realloc asks
 * whether the next chunk in memory is free, and the heap checker compares bit and list.
 *
 * Chunk layout. A chunk starts 8 bytes past a multiple of 16, so its payload is aligned:
 *
 *       allocated chunk                         free chunk
 *
 *   chunk -> +------------------------+      chunk -> +------------------------+
 *            | size_and_status   8 B  |               | size_and_status   8 B  |  size: bytes of the
 *            +------------------------+               +------------------------+  whole chunk; bit 0:
 *   payload->| payload                |               | next_free         8 B  |--+  CHUNK_FREE
 *   (16-byte |   size - 8 bytes,      |               +------------------------+  |
 *   aligned) |   the caller's         |               | unused                 |  |
 *            +------------------------+               +------------------------+  |
 *                                                                                 v
 *                                               the next free chunk, at a higher address, or NULL
 *
 *   The heap, from the first sbrk(0) to the break:
 *
 *   heap.start  heap.first_chunk                                           heap.end = break
 *   | pad 8 B   | allocated | allocated | free    | allocated | free      | allocated |
 *                                       ^   |                 ^   |
 *   heap.free_list ---------------------+   +--- next_free ---+   +--- next_free ---> NULL
 *
 * Invariants (hm_check checks every one):
 *   1. The chunks tile the heap: from heap.first_chunk, each chunk's size leads to the next,
 *      and the last one ends exactly at the break.
 *   2. Every chunk's size is a multiple of 16 bytes and at least MIN_CHUNK_BYTES.
 *   3. A chunk is on the free list exactly when its CHUNK_FREE bit is set.
 *   4. The free list is in strictly increasing address order. free relies on it to find a
 *      chunk's free neighbours in memory; grow_heap relies on it to find the heap's last chunk.
 *   5. No two free chunks are neighbours in memory: every free coalesces.
 *   6. heap.allocated_chunks is the number of allocated chunks in memory. Nothing else relies
 *      on it: it lets hm_check see a size that leads over a whole chunk to the next one.
 *
 * Cost, with F free chunks:
 *   malloc  O(F): first fit walks the list; when nothing fits, one more walk finds its end.
 *   free    O(F): the walk to the chunk's place in address order.
 *   realloc O(F) in place (finding the free neighbour's link), else malloc + copy + free.
 *   Space: 8 bytes of header per allocated chunk, plus 0 to 15 bytes of rounding; the link
 *   lives in the payload of free chunks; 8 bytes of padding at the start of the heap.
 *
 * The file: 1. the idea (the lecture's list: first fit, split, coalesce); 2. the C library's
 * functions and their corner cases; 3. the checker, and the walk that draws the heap.
 */
#include "heapmgr.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ==== 1. The idea: one free list in address order ========================================== */

/* May be changed. */
enum {
    /* The heap grows by at least this many bytes: fewer sbrk calls, against a footprint
     * that may run up to this far ahead of what is live. */
    HEAP_GROWTH_MIN_BYTES = 4096,
    /* A chunk is split only when the part left over would be at least this many bytes; a
     * smaller leftover stays in the allocated chunk. At least MIN_CHUNK_BYTES. */
    SPLIT_MIN_REMAINDER_BYTES = 16,
};

/* Do not change: the layout drawn above depends on them. */
enum {
    ALIGNMENT_BYTES = HM_ALIGNMENT,
    HEADER_BYTES = 8,     /* size_and_status, before the payload */
    MIN_CHUNK_BYTES = 16, /* a header and a link: the smallest chunk that can be free */
    CHUNK_FREE = 1,       /* bit 0 of size_and_status; sizes are multiples of 16 */
};

/* (int): the two groups are different enum types. */
_Static_assert((int)SPLIT_MIN_REMAINDER_BYTES >= (int)MIN_CHUNK_BYTES, "a split must leave a whole chunk");
_Static_assert((int)HEAP_GROWTH_MIN_BYTES % (int)ALIGNMENT_BYTES == 0, "the heap grows by whole chunks");
_Static_assert((int)HEAP_GROWTH_MIN_BYTES >= (int)MIN_CHUNK_BYTES, "growth makes at least one chunk");

/* What hm_sbrk returns when it fails. */
static void *const SBRK_FAILED = (void *)-1;

/* ---- the chunk ------------------------------------------------------------------------ */

struct chunk {
    size_t size_and_status;  /* bytes of the whole chunk, header included | CHUNK_FREE */
    struct chunk *next_free; /* free chunks only: the next free chunk by address, or NULL.
                                In an allocated chunk these bytes are the payload's first. */
};

_Static_assert(offsetof(struct chunk, next_free) == HEADER_BYTES, "the payload follows the header");
_Static_assert(sizeof(struct chunk) == MIN_CHUNK_BYTES, "a free chunk holds its header and link");

/* All the stage's state. Zero (an empty heap) until the first call sets it up. */
static struct {
    char *start;               /* the first sbrk(0), for heap+0x... offsets in messages */
    struct chunk *first_chunk; /* where the first chunk is, or would be: start + padding */
    char *end;                 /* the break: the end of the last chunk */
    struct chunk *free_list;   /* the free chunk with the lowest address, or NULL */
    size_t allocated_chunks;   /* how many chunks are allocated: for hm_check alone, which
                                  counts them in memory too */
} heap;

static inline size_t chunk_size(const struct chunk *chunk)
{
    return chunk->size_and_status & ~(size_t)CHUNK_FREE;
}

static inline bool chunk_is_free(const struct chunk *chunk)
{
    return (chunk->size_and_status & CHUNK_FREE) != 0;
}

/* @pre chunk_bytes is a multiple of 16. */
static inline void set_chunk(struct chunk *chunk, size_t chunk_bytes, bool is_free)
{
    chunk->size_and_status = chunk_bytes | (is_free ? CHUNK_FREE : 0);
}

/* The chunk just after this one in memory; heap.end when this one is the last. */
static inline struct chunk *next_in_memory(const struct chunk *chunk)
{
    return (struct chunk *)((char *)chunk + chunk_size(chunk));
}

static inline bool is_last_in_heap(const struct chunk *chunk)
{
    return (char *)next_in_memory(chunk) == heap.end;
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

/* ---- sizes ---------------------------------------------------------------------------- */

/*
 * chunk_bytes_for: the size of the chunk that holds `payload_bytes`: the header added, rounded
 * up to a multiple of 16, at least MIN_CHUNK_BYTES.
 * Returns 0 when no heap could hold the request (more than half the address space). Every
 * size computed below stays under PTRDIFF_MAX, so none of them can wrap around.
 * Example: 100 -> 112, 1 -> 16, 0 -> 16, SIZE_MAX -> 0.
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

/* ---- the heap ------------------------------------------------------------------------- */

/*
 * heap_set_up: set the heap up on the first call: pad it so that chunks start 8 bytes past a
 * multiple of 16 (then every payload is 16-byte aligned). Later calls do nothing.
 * Returns false when sbrk failed; the next call tries again.
 */
static bool heap_set_up(void)
{
    if (heap.start != NULL)
        return true;
    char *start = hm_sbrk(0);
    size_t pad_bytes = (ALIGNMENT_BYTES + HEADER_BYTES - (uintptr_t)start % ALIGNMENT_BYTES) % ALIGNMENT_BYTES;
    if (pad_bytes != 0 && hm_sbrk((intptr_t)pad_bytes) == SBRK_FAILED)
        return false;
    heap.start = start;
    heap.first_chunk = (struct chunk *)(start + pad_bytes);
    heap.end = start + pad_bytes;
    heap.free_list = NULL;
    return true;
}

/*
 * grow_heap: make the heap's last chunk a free chunk of at least `chunk_bytes` by moving the
 * break up by the shortfall, or by HEAP_GROWTH_MIN_BYTES when that is more. The new memory
 * becomes a chunk at the end of the free list, or merges with the last chunk when that one
 * is free (invariant 5).
 * @pre  the heap is set up; chunk_bytes is a multiple of 16, at least MIN_CHUNK_BYTES, at
 *       most PTRDIFF_MAX / 2; no free chunk at the end of the heap holds chunk_bytes yet.
 * @post returns the link (heap.free_list or a next_free field) that points at that chunk;
 *       NULL when sbrk failed, with the heap as it was.
 */
static struct chunk **grow_heap(size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    /* In address order (invariant 4) the list's last chunk is the heap's last chunk if it
     * ends at the break. */
    struct chunk **link = &heap.free_list;
    while (*link != NULL && (*link)->next_free != NULL)
        link = &(*link)->next_free;
    struct chunk *last_free = *link;
    bool last_is_free = last_free != NULL && is_last_in_heap(last_free);

    size_t shortfall_bytes = chunk_bytes - (last_is_free ? chunk_size(last_free) : 0);
    size_t growth_bytes = max_bytes(shortfall_bytes, HEAP_GROWTH_MIN_BYTES);
    char *old_end = hm_sbrk((intptr_t)growth_bytes);
    if (old_end == SBRK_FAILED && growth_bytes > shortfall_bytes) {
        /* Near the memory limit: ask for only what this request needs. */
        growth_bytes = shortfall_bytes;
        old_end = hm_sbrk((intptr_t)growth_bytes);
    }
    if (old_end == SBRK_FAILED)
        return NULL;
    heap.end = old_end + growth_bytes;

    if (last_is_free) {
        set_chunk(last_free, chunk_size(last_free) + growth_bytes, true);
        return link;
    }
    struct chunk *fresh = (struct chunk *)old_end;
    set_chunk(fresh, growth_bytes, true);
    fresh->next_free = NULL;
    if (last_free != NULL)
        link = &last_free->next_free;
    *link = fresh;
    return link;
    /* END SOLUTION */
}

/* ---- the free list -------------------------------------------------------------------- */

/*
 * find_fit: first fit. Returns the link (heap.free_list or a next_free field) that points at
 * the lowest free chunk of at least `chunk_bytes`, or NULL when there is none. Returning the
 * link rather than the chunk lets the caller unlink it with no special case for the head.
 */
static struct chunk **find_fit(size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    for (struct chunk **link = &heap.free_list; *link != NULL; link = &(*link)->next_free)
        if (chunk_size(*link) >= chunk_bytes)
            return link;
    return NULL;
    /* END SOLUTION */
}

/*
 * link_to: the link that points at a free chunk: O(F), the price of a singly linked list.
 * @pre chunk is on the free list.
 */
static struct chunk **link_to(const struct chunk *chunk)
{
    /* BEGIN SOLUTION */
    struct chunk **link = &heap.free_list;
    while (*link != chunk)
        link = &(*link)->next_free;
    return link;
    /* END SOLUTION */
}

/*
 * place: allocate `chunk_bytes` from the free chunk that *link points at. When the chunk is
 * bigger by SPLIT_MIN_REMAINDER_BYTES or more it is split and its TAIL end handed out: the
 * free front keeps its place in the list and only its size changes. Otherwise the whole
 * chunk leaves the list.
 * @pre  *link is a free chunk of at least chunk_bytes; chunk_bytes a multiple of 16, at
 *       least MIN_CHUNK_BYTES.
 * @post returns the allocated chunk, marked allocated.
 */
static struct chunk *place(struct chunk **link, size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    struct chunk *chunk = *link;
    size_t spare_bytes = chunk_size(chunk) - chunk_bytes;
    if (spare_bytes >= SPLIT_MIN_REMAINDER_BYTES) {
        set_chunk(chunk, spare_bytes, true);
        struct chunk *tail = next_in_memory(chunk);
        set_chunk(tail, chunk_bytes, false);
        return tail;
    }
    *link = chunk->next_free;
    set_chunk(chunk, chunk_size(chunk), false);
    return chunk;
    /* END SOLUTION */
}

/*
 * free_list_insert: put a free chunk on the list at its place in address order.
 * @pre  chunk is marked free, tiles the heap with the others, and is not on the list.
 * @post the list is in address order (invariant 4); returns the free chunk just before it
 *       on the list (the nearest free chunk below it in memory), or NULL when it is first.
 */
static struct chunk *free_list_insert(struct chunk *chunk)
{
    /* BEGIN SOLUTION */
    struct chunk *before = NULL, *after = heap.free_list;
    while (after != NULL && after < chunk) {
        before = after;
        after = after->next_free;
    }
    chunk->next_free = after;
    if (before == NULL)
        heap.free_list = chunk;
    else
        before->next_free = chunk;
    return before;
    /* END SOLUTION */
}

/*
 * coalesce: merge a free chunk with the next free chunk on the list when that one is also
 * next in memory, then with the previous one likewise.
 * @pre  chunk was just inserted, and `before` is the free chunk just before it on the list
 *       (or NULL); apart from chunk, no two free chunks are neighbours in memory.
 * @post no two free chunks are neighbours in memory (invariant 5).
 */
static void coalesce(struct chunk *before, struct chunk *chunk)
{
    /* BEGIN SOLUTION */
    struct chunk *after = chunk->next_free;
    if (after != NULL && next_in_memory(chunk) == after) {
        set_chunk(chunk, chunk_size(chunk) + chunk_size(after), true);
        chunk->next_free = after->next_free;
    }
    if (before != NULL && next_in_memory(before) == chunk) {
        set_chunk(before, chunk_size(before) + chunk_size(chunk), true);
        before->next_free = chunk->next_free;
    }
    /* END SOLUTION */
}

/* ---- malloc, free, realloc in place ------------------------------------------------------ */

/*
 * allocate: the lecture's malloc: the first free chunk that fits, or a chunk at the end of a
 * grown heap; split when it is too big, its tail end handed out.
 * @pre  the heap is set up; chunk_bytes as chunk_bytes_for returns it (not 0).
 * @post the chunk, allocated; NULL when sbrk failed (errno = ENOMEM), the heap as it was.
 */
static struct chunk *allocate(size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    struct chunk **link = find_fit(chunk_bytes);
    if (link == NULL)
        link = grow_heap(chunk_bytes);
    if (link == NULL)
        return NULL;
    heap.allocated_chunks++;
    return place(link, chunk_bytes);
    /* END SOLUTION */
}

/*
 * release: the lecture's free: mark the chunk free, insert it in address order, coalesce.
 * @pre chunk is allocated and tiles the heap with the others.
 */
static void release(struct chunk *chunk)
{
    /* BEGIN SOLUTION */
    heap.allocated_chunks--;
    set_chunk(chunk, chunk_size(chunk), true);
    coalesce(free_list_insert(chunk), chunk);
    /* END SOLUTION */
}

/*
 * shrink: cut an allocated chunk down to `chunk_bytes`, freeing the tail when it is big
 * enough to be a chunk of its own; it may merge with a free chunk after it.
 * @pre chunk is allocated; chunk_bytes a multiple of 16, at least MIN_CHUNK_BYTES, at most
 *      its size.
 */
static void shrink(struct chunk *chunk, size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    size_t spare_bytes = chunk_size(chunk) - chunk_bytes;
    if (spare_bytes < SPLIT_MIN_REMAINDER_BYTES)
        return;
    set_chunk(chunk, chunk_bytes, false);
    struct chunk *tail = next_in_memory(chunk);
    set_chunk(tail, spare_bytes, true);
    coalesce(free_list_insert(tail), tail);
    /* END SOLUTION */
}

/*
 * resize_in_place: make an allocated chunk `chunk_bytes` big without moving it. A shrink
 * always works. A grow takes the front of the next chunk in memory when that one is free,
 * growing the heap first when there is not enough and the chunk (or that free neighbour)
 * ends at the break.
 * @pre  chunk is allocated; chunk_bytes as chunk_bytes_for returns it (not 0).
 * @post true when done (the payload untouched); false when the chunk must move, with the
 *       heap as it was.
 */
static bool resize_in_place(struct chunk *chunk, size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    size_t have_bytes = chunk_size(chunk);
    if (chunk_bytes <= have_bytes) {
        shrink(chunk, chunk_bytes);
        return true;
    }
    struct chunk *next = next_in_memory(chunk);
    bool next_is_free = (char *)next != heap.end && chunk_is_free(next);
    struct chunk **link;
    if (next_is_free && have_bytes + chunk_size(next) >= chunk_bytes) {
        link = link_to(next);
    } else if ((char *)next == heap.end || (next_is_free && is_last_in_heap(next))) {
        link = grow_heap(chunk_bytes - have_bytes); /* its chunk is next, grown or new */
        if (link == NULL)
            return false;
        next = *link;
    } else {
        return false;
    }

    /* Take what is missing from the front of next; the rest stays free in its place. */
    size_t taken_bytes = chunk_bytes - have_bytes, next_bytes = chunk_size(next);
    struct chunk *after = next->next_free;
    if (next_bytes - taken_bytes >= SPLIT_MIN_REMAINDER_BYTES) {
        struct chunk *rest = (struct chunk *)((char *)next + taken_bytes);
        set_chunk(rest, next_bytes - taken_bytes, true);
        rest->next_free = after;
        *link = rest;
        set_chunk(chunk, chunk_bytes, false);
    } else {
        *link = after;
        set_chunk(chunk, have_bytes + next_bytes, false);
    }
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
    struct chunk *chunk = allocate(chunk_bytes);
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
 * hm_calloc: malloc(nmemb * size), zeroed: a reused chunk holds old data. NULL with errno =
 * ENOMEM when the product overflows size_t (it would wrap around to a small block).
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

/* ==== 3. The checker: hm_check walks memory, then the free list beside memory ============== */

/* Print "list: hm_check: " and the message, one line on stderr. Returns 1: hm_check's verdict. */
__attribute__((format(printf, 1, 2)))
static int check_failed(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    fputs("list: hm_check: ", stderr);
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

/* Is the chunk's size one to step by: a multiple of 16, at least MIN_CHUNK_BYTES, ending at
 * the break or before? Checked before a size is stepped by, by hm_check and hm_walk alike. */
static inline bool chunk_size_is_sound(const struct chunk *chunk)
{
    size_t bytes = chunk_size(chunk);
    return bytes >= MIN_CHUNK_BYTES && bytes % ALIGNMENT_BYTES == 0 && bytes <= (size_t)(heap.end - (char *)chunk);
}

/*
 * hm_check: every invariant above, in two walks: memory from the first chunk to the break
 * (invariants 1, 2, 5, and the count of allocated chunks), then the free list beside a second
 * walk of memory (3, 4), each O(chunks). Returns 0 when all hold (and before the first call:
 * no heap, nothing broken); otherwise prints the first broken one and returns 1. Changes
 * nothing. A size is used to step only after it is checked to end inside the heap, and a link
 * is followed only after it is checked to be where a free chunk starts, so a corrupted heap
 * cannot make it read past the break or loop.
 */
int hm_check(void)
{
    /* BEGIN SOLUTION */
    if (heap.start == NULL)
        return heap.free_list == NULL ? 0 : check_failed("the free list is not empty before the heap is set up");
    if ((char *)hm_sbrk(0) != heap.end)
        return check_failed("the heap is said to end at heap+0x%llx, but the break is at heap+0x%llx",
                            heap_offset(heap.end), heap_offset(hm_sbrk(0)));

    /* Memory: sizes lead from chunk to chunk and end exactly at the break. */
    size_t chunks = 0, free_chunks = 0;
    const struct chunk *previous_chunk = NULL;
    for (struct chunk *chunk = heap.first_chunk; (char *)chunk != heap.end; chunk = next_in_memory(chunk)) {
        if (!chunk_size_is_sound(chunk))
            return check_failed("chunk %zu at heap+0x%llx has size %zu bytes: expected a multiple of %d, at "
                                "least %d, at most the %zu bytes left before the break", chunks,
                                heap_offset(chunk), chunk_size(chunk), ALIGNMENT_BYTES, MIN_CHUNK_BYTES,
                                (size_t)(heap.end - (char *)chunk));
        if (chunk_is_free(chunk) && previous_chunk != NULL && chunk_is_free(previous_chunk))
            return check_failed("free chunks at heap+0x%llx and heap+0x%llx are neighbours: they should have "
                                "coalesced", heap_offset(previous_chunk), heap_offset(chunk));
        free_chunks += chunk_is_free(chunk);
        chunks++;
        previous_chunk = chunk;
    }
    if (chunks - free_chunks != heap.allocated_chunks)
        return check_failed("memory holds %zu allocated chunks, but %zu were handed out and not given back: "
                            "a size leads past a chunk", chunks - free_chunks, heap.allocated_chunks);

    /* The list, beside memory: in address order, each node is where a free chunk starts.
     * Order makes a cycle impossible; the bound is there in case the order check is wrong. */
    size_t listed = 0;
    struct chunk *cursor = heap.first_chunk, *previous = NULL;
    for (struct chunk *node = heap.free_list; node != NULL; previous = node, node = node->next_free) {
        if (++listed > chunks)
            return check_failed("the free list has more nodes than the heap has chunks (%zu): it has a cycle",
                                chunks);
        if (node < heap.first_chunk || (char *)node >= heap.end)
            return check_failed("free list node %zu is at heap+0x%llx, outside the chunks (heap+0x%llx.."
                                "heap+0x%llx)", listed, heap_offset(node), heap_offset(heap.first_chunk),
                                heap_offset(heap.end));
        if (previous != NULL && node <= previous)
            return check_failed("the free list is out of address order: node %zu at heap+0x%llx follows "
                                "heap+0x%llx", listed, heap_offset(node), heap_offset(previous));
        while (next_in_memory(cursor) <= node)
            cursor = next_in_memory(cursor); /* now the chunk that holds node */
        if (cursor != node)
            return check_failed("free list node %zu at heap+0x%llx is not the start of a chunk: it is inside "
                                "the chunk at heap+0x%llx", listed, heap_offset(node), heap_offset(cursor));
        if (!chunk_is_free(node))
            return check_failed("the chunk at heap+0x%llx is on the free list but not marked free",
                                heap_offset(node));
    }
    if (listed != free_chunks)
        return check_failed("the free list holds %zu chunks, but %zu chunks in memory are marked free",
                            listed, free_chunks);
    return 0;
    /* END SOLUTION */
}

/* hm_walk: the padding, then every chunk (a free one on list 0, with its next_free). hm_check's
 * memory walk, unchecked: it stops at a size that is not sound, and changes nothing. */
void hm_walk(hm_chunk_visitor *visit, void *context)
{
    /* BEGIN SOLUTION */
    if (heap.start == NULL)
        return;
    if ((char *)heap.first_chunk != heap.start)
        visit(&(struct hm_chunk){ .start = heap.start, .bytes = (size_t)((char *)heap.first_chunk - heap.start),
                                  .state = HM_CHUNK_STAGE, .list = -1 }, context);
    for (struct chunk *chunk = heap.first_chunk; (char *)chunk != heap.end && chunk_size_is_sound(chunk);
         chunk = next_in_memory(chunk))
        visit(&(struct hm_chunk){ .start = chunk, .bytes = chunk_size(chunk),
                                  .state = chunk_is_free(chunk) ? HM_CHUNK_FREE : HM_CHUNK_USED,
                                  .list = chunk_is_free(chunk) ? 0 : -1,
                                  .next = chunk_is_free(chunk) ? chunk->next_free : NULL }, context);
    /* END SOLUTION */
}
