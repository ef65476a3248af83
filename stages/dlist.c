/*
 * dlist.c: the stage "dlist", boundary tags and an unordered doubly linked free list.
 *
 * Policy: every chunk carries its size at both ends, so free finds both neighbours in
 * memory and merges with them in O(1), then pushes the result on the front of a doubly
 * linked free list; malloc takes the first chunk on that list that fits and hands out its
 * front end.
 *
 * This is Knuth's boundary-tag method (TAOCP 2.5) with the free list of the CS:APP explicit
 * list allocator: sizes in bytes, 16-byte alignment, 8-byte tags.
 *
 * Chunk layout. A chunk starts 8 bytes past a multiple of 16, so its payload is aligned.
 * The header and the footer hold the same word: the chunk's size and its status bit.
 *
 *       allocated chunk                         free chunk
 *
 *   chunk -> +------------------------+      chunk -> +------------------------+
 *            | size_and_status   8 B  |  header       | size_and_status   8 B  |  bit 0: CHUNK_FREE
 *   payload->+------------------------+               +------------------------+
 *   (16-byte | payload                |               | next_free         8 B  |--> another free chunk
 *   aligned) |   size - 16 bytes,     |               +------------------------+    (any address) or NULL
 *            |   the caller's         |               | unused                 |
 *            |                        |               +------------------------+
 *            |                        |               | prev_free         8 B  |--> another free chunk
 *            +------------------------+               +------------------------+    (any address) or NULL
 *            | size_and_status   8 B  |  footer       | size_and_status   8 B  |
 *            +------------------------+               +------------------------+
 *
 *   The heap, from the first sbrk(0) to the break. Two sentinels that read as allocated
 *   remove the edge cases: the chunk before the first and the chunk after the last both
 *   exist, and neither is ever free.
 *
 *   heap.start                                                               heap.end = break
 *   | prologue | chunk | free  | chunk | free   | chunk |  epilogue |
 *     8 B: a footer               ^  ^             ^  ^     8 B: a header, size 0,
 *     saying "allocated"          |  +--next_free--+  |     saying "allocated"
 *                                 +----prev_free------+
 *   heap.free_list --> the free chunk freed (or split off) last; the list's order is
 *                      the order of the frees, not of addresses.
 *
 * Invariants (hm_check checks every one):
 *   1. The chunks tile the heap: from the first chunk, each chunk's size leads to the next,
 *      and the last one ends at the epilogue; the prologue and epilogue read as allocated.
 *   2. Every chunk's size is a multiple of 16 bytes and at least MIN_CHUNK_BYTES.
 *   3. Every chunk's footer equals its header. free relies on it to find the chunk before.
 *   4. A chunk is on the free list exactly when its CHUNK_FREE bit is set, and only once.
 *   5. The list is doubly linked: the head's prev_free is NULL, and for every free chunk c,
 *      c->next_free's prev_free is c.
 *   6. No two free chunks are neighbours in memory: every free coalesces. split relies on
 *      it: the part it cuts off cannot have a free neighbour after it.
 *
 * Cost, with F free chunks:
 *   malloc  O(F): first fit walks the list; growing the heap is O(1) after that.
 *   free    O(1): both neighbours from the tags, both unlinks and the push in constant time.
 *   realloc O(1) in place, else malloc + copy + free.
 *   Space: 16 bytes of tags per allocated chunk (header and footer), plus 0 to 15 bytes of
 *   rounding; the links live in the payload of free chunks; 16 bytes of sentinels per heap.
 *
 * The file: 1. the idea (the lecture's doubly linked list: boundary tags, O(1) free);
 * 2. the C library's functions and their corner cases; 3. the checker, and the walk that draws
 * the heap.
 */
#include "heapmgr.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ==== 1. The idea: boundary tags and an unordered doubly linked free list ================== */

/* May be changed. */
enum {
    /* The heap grows by at least this many bytes: fewer sbrk calls, against a footprint
     * that may run up to this far ahead of what is live. */
    HEAP_GROWTH_MIN_BYTES = 4096,
    /* A chunk is split only when the part left over would be at least this many bytes; a
     * smaller leftover stays in the allocated chunk. At least MIN_CHUNK_BYTES. */
    SPLIT_MIN_REMAINDER_BYTES = 32,
};

/* Do not change: the layout drawn above depends on them. */
enum {
    ALIGNMENT_BYTES = HM_ALIGNMENT,
    TAG_BYTES = 8,                   /* one size_and_status word: a header, or a footer */
    TAGS_BYTES = 2 * TAG_BYTES,      /* header and footer: what an allocated chunk spends on itself */
    SENTINELS_BYTES = 2 * TAG_BYTES, /* the prologue and the epilogue, one tag each */
    MIN_CHUNK_BYTES = 32,            /* header, next_free, prev_free, footer: the smallest free chunk */
    CHUNK_FREE = 1,                  /* bit 0 of size_and_status; sizes are multiples of 16 */
};

/* (int): the two groups are different enum types. */
_Static_assert((int)SPLIT_MIN_REMAINDER_BYTES >= (int)MIN_CHUNK_BYTES, "a split must leave a whole chunk");
_Static_assert((int)HEAP_GROWTH_MIN_BYTES % (int)ALIGNMENT_BYTES == 0, "the heap grows by whole chunks");
_Static_assert((int)HEAP_GROWTH_MIN_BYTES >= (int)MIN_CHUNK_BYTES, "growth makes at least one chunk");

/* What hm_sbrk returns when it fails. */
static void *const SBRK_FAILED = (void *)-1;

/* ---- the chunk ------------------------------------------------------------------------ */

/* The first 16 bytes of a chunk. */
struct chunk {
    size_t size_and_status;  /* header: bytes of the whole chunk, tags included | CHUNK_FREE */
    struct chunk *next_free; /* free chunks only: the next chunk on the free list, or NULL.
                                In an allocated chunk these bytes are the payload's first. */
};

/* The last 16 bytes of a chunk. */
struct footer {
    struct chunk *prev_free; /* free chunks only: the previous chunk on the free list, or NULL.
                                In an allocated chunk these bytes are the payload's last. */
    size_t size_and_status;  /* every chunk: a copy of the header */
};

_Static_assert(offsetof(struct chunk, next_free) == TAG_BYTES, "the payload follows the header");
_Static_assert(sizeof(struct chunk) + sizeof(struct footer) == MIN_CHUNK_BYTES, "a free chunk holds both links");

/* All the stage's state. Zero (an empty heap) until the first call sets it up. */
static struct {
    char *start;               /* the first sbrk(0), for heap+0x... offsets in messages */
    struct chunk *first_chunk; /* just after the prologue; the epilogue while the heap is empty */
    char *end;                 /* the break, just after the epilogue */
    struct chunk *free_list;   /* the free chunk pushed last, or NULL */
} heap;

static inline size_t chunk_size(const struct chunk *chunk)
{
    return chunk->size_and_status & ~(size_t)CHUNK_FREE;
}

static inline bool chunk_is_free(const struct chunk *chunk)
{
    return (chunk->size_and_status & CHUNK_FREE) != 0;
}

/* @pre the chunk's header holds its size. */
static inline struct footer *footer_of(struct chunk *chunk)
{
    return (struct footer *)((char *)chunk + chunk_size(chunk) - sizeof(struct footer));
}

/* Write both tags: the header, and the footer where the new size puts it.
 * @pre chunk_bytes is a multiple of 16, at least MIN_CHUNK_BYTES. */
static inline void set_tags(struct chunk *chunk, size_t chunk_bytes, bool is_free)
{
    chunk->size_and_status = chunk_bytes | (is_free ? CHUNK_FREE : 0);
    footer_of(chunk)->size_and_status = chunk->size_and_status;
}

/* The chunk just after this one in memory; the epilogue after the last chunk. */
static inline struct chunk *next_in_memory(const struct chunk *chunk)
{
    return (struct chunk *)((char *)chunk + chunk_size(chunk));
}

/* The word just before a chunk: the footer of the chunk before it, or the prologue. */
static inline size_t tag_before(const struct chunk *chunk)
{
    return ((const size_t *)chunk)[-1];
}

static inline bool previous_is_free(const struct chunk *chunk)
{
    return (tag_before(chunk) & CHUNK_FREE) != 0;
}

/* @pre previous_is_free(chunk): only a free chunk's footer is followed backwards. */
static inline struct chunk *previous_in_memory(const struct chunk *chunk)
{
    return (struct chunk *)((char *)chunk - (tag_before(chunk) & ~(size_t)CHUNK_FREE));
}

static inline struct chunk *epilogue(void)
{
    return (struct chunk *)(heap.end - TAG_BYTES);
}

static inline void *payload_of(struct chunk *chunk)
{
    return (char *)chunk + TAG_BYTES;
}

static inline struct chunk *chunk_of(void *payload)
{
    return (struct chunk *)((char *)payload - TAG_BYTES);
}

/* The bytes a chunk's payload may use: the caller's request and the rounding after it. */
static inline size_t payload_room(const struct chunk *chunk)
{
    return chunk_size(chunk) - TAGS_BYTES;
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
 * chunk_bytes_for: the size of the chunk that holds `payload_bytes`: both tags added, rounded
 * up to a multiple of 16, at least MIN_CHUNK_BYTES.
 * Returns 0 when no heap could hold the request (more than half the address space). Every
 * size computed below stays under PTRDIFF_MAX, so none of them can wrap around.
 * Example: 100 -> 128, 1 -> 32, 0 -> 32, SIZE_MAX -> 0.
 */
static size_t chunk_bytes_for(size_t payload_bytes)
{
    /* BEGIN SOLUTION */
    if (payload_bytes > (size_t)PTRDIFF_MAX / 2)
        return 0;
    size_t bytes = (payload_bytes + TAGS_BYTES + ALIGNMENT_BYTES - 1) & ~(size_t)(ALIGNMENT_BYTES - 1);
    return bytes < MIN_CHUNK_BYTES ? MIN_CHUNK_BYTES : bytes;
    /* END SOLUTION */
}

/* ---- the free list -------------------------------------------------------------------- */

/*
 * free_list_push: put a free chunk at the front of the list.
 * @pre chunk is marked free, its tags hold its final size, and it is not on the list.
 */
static void free_list_push(struct chunk *chunk)
{
    /* BEGIN SOLUTION */
    chunk->next_free = heap.free_list;
    footer_of(chunk)->prev_free = NULL;
    if (heap.free_list != NULL)
        footer_of(heap.free_list)->prev_free = chunk;
    heap.free_list = chunk;
    /* END SOLUTION */
}

/*
 * free_list_remove: take a chunk off the list, wherever it is: O(1), the point of the
 * second link.
 * @pre chunk is on the list and its tags still hold the size it had when it was pushed
 *      (its prev_free is found through its size: resize a chunk only after removing it).
 */
static void free_list_remove(struct chunk *chunk)
{
    /* BEGIN SOLUTION */
    struct chunk *before = footer_of(chunk)->prev_free, *after = chunk->next_free;
    if (before == NULL)
        heap.free_list = after;
    else
        before->next_free = after;
    if (after != NULL)
        footer_of(after)->prev_free = before;
    /* END SOLUTION */
}

/*
 * coalesce: merge a free chunk with its neighbours in memory that are free. They leave the
 * list; the merged chunk is not put on it.
 * @pre  chunk is marked free and not on the list; apart from chunk, no two free chunks are
 *       neighbours in memory.
 * @post returns the merged chunk (chunk itself, or the free chunk before it), marked free,
 *       not on the list; it has no free neighbour (invariant 6).
 */
static struct chunk *coalesce(struct chunk *chunk)
{
    /* BEGIN SOLUTION */
    /* The epilogue and the prologue read as allocated, so both neighbours always exist. */
    struct chunk *after = next_in_memory(chunk);
    if (chunk_is_free(after)) {
        free_list_remove(after);
        set_tags(chunk, chunk_size(chunk) + chunk_size(after), true);
    }
    if (previous_is_free(chunk)) {
        struct chunk *before = previous_in_memory(chunk);
        free_list_remove(before);
        set_tags(before, chunk_size(before) + chunk_size(chunk), true);
        chunk = before;
    }
    return chunk;
    /* END SOLUTION */
}

/*
 * find_fit: first fit: the first chunk on the list of at least `chunk_bytes`, or NULL.
 */
static struct chunk *find_fit(size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    for (struct chunk *chunk = heap.free_list; chunk != NULL; chunk = chunk->next_free)
        if (chunk_size(chunk) >= chunk_bytes)
            return chunk;
    return NULL;
    /* END SOLUTION */
}

/*
 * split: cut a chunk to `chunk_bytes` when the part after that would be at least
 * SPLIT_MIN_REMAINDER_BYTES; that part becomes a free chunk at the front of the list.
 * @pre  chunk is not on the list (allocated, or just removed); chunk_bytes a multiple of
 *       16, at least MIN_CHUNK_BYTES, at most its size. The chunk after it is not free
 *       (invariant 6), so the part cut off needs no coalescing.
 * @post chunk keeps its status; its size is chunk_bytes or, when the leftover was too
 *       small to split off, what it was.
 */
static void split(struct chunk *chunk, size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    size_t spare_bytes = chunk_size(chunk) - chunk_bytes;
    if (spare_bytes < SPLIT_MIN_REMAINDER_BYTES)
        return;
    set_tags(chunk, chunk_bytes, chunk_is_free(chunk));
    struct chunk *rest = next_in_memory(chunk);
    set_tags(rest, spare_bytes, true);
    free_list_push(rest);
    /* END SOLUTION */
}

/* ---- the heap ------------------------------------------------------------------------- */

/*
 * heap_set_up: set the heap up on the first call: a prologue and an epilogue, placed so
 * that chunks start 8 bytes past a multiple of 16 (then every payload is 16-byte aligned).
 * Later calls do nothing. Returns false when sbrk failed; the next call tries again.
 */
static bool heap_set_up(void)
{
    if (heap.start != NULL)
        return true;
    char *start = hm_sbrk(0);
    size_t pad_bytes = (ALIGNMENT_BYTES - (uintptr_t)start % ALIGNMENT_BYTES) % ALIGNMENT_BYTES;
    if (hm_sbrk((intptr_t)(pad_bytes + SENTINELS_BYTES)) == SBRK_FAILED)
        return false;
    size_t *prologue = (size_t *)(start + pad_bytes);
    *prologue = 0; /* size 0, allocated: never followed, since it is not free */
    heap.start = start;
    heap.first_chunk = (struct chunk *)(prologue + 1);
    heap.end = (char *)heap.first_chunk + TAG_BYTES;
    epilogue()->size_and_status = 0; /* size 0, allocated: the walk over chunks ends here */
    heap.free_list = NULL;
    return true;
}

/*
 * grow_heap: make the heap's last chunk a free chunk of at least `chunk_bytes` by moving the
 * break up by the shortfall (but at least MIN_CHUNK_BYTES, so that new memory makes a whole
 * chunk), or by HEAP_GROWTH_MIN_BYTES when that is more. The old epilogue becomes the new
 * chunk's header and a new epilogue goes at the break; the new chunk merges with the last
 * chunk when that one is free.
 * @pre  the heap is set up; chunk_bytes a multiple of 16, at most PTRDIFF_MAX / 2 (it may be
 *       less than MIN_CHUNK_BYTES: realloc asks for what its chunk misses); no free chunk at
 *       the end of the heap holds chunk_bytes yet.
 * @post returns that chunk, free and at the front of the list; NULL when sbrk failed
 *       (errno = ENOMEM), with the heap as it was.
 */
static struct chunk *grow_heap(size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    struct chunk *old_epilogue = epilogue();
    size_t last_free_bytes = previous_is_free(old_epilogue) ? chunk_size(previous_in_memory(old_epilogue)) : 0;
    size_t shortfall_bytes = chunk_bytes - last_free_bytes;
    size_t needed_bytes = max_bytes(shortfall_bytes, MIN_CHUNK_BYTES); /* a new chunk must be whole */
    size_t growth_bytes = max_bytes(needed_bytes, HEAP_GROWTH_MIN_BYTES);
    char *old_end = hm_sbrk((intptr_t)growth_bytes);
    if (old_end == SBRK_FAILED && growth_bytes > needed_bytes) {
        /* Near the memory limit: ask for only what this request needs. */
        growth_bytes = needed_bytes;
        old_end = hm_sbrk((intptr_t)growth_bytes);
    }
    if (old_end == SBRK_FAILED)
        return NULL;
    heap.end = old_end + growth_bytes;
    epilogue()->size_and_status = 0;
    struct chunk *fresh = old_epilogue;
    set_tags(fresh, growth_bytes, true);
    fresh = coalesce(fresh);
    free_list_push(fresh);
    return fresh;
    /* END SOLUTION */
}

/* ---- malloc, free, realloc in place ------------------------------------------------------ */

/*
 * allocate: the lecture's malloc: the first chunk on the list that fits, or a chunk at the
 * end of a grown heap; taken off the list, marked allocated, split when it is too big, its
 * front handed out and the rest pushed back on the list.
 * @pre  the heap is set up; chunk_bytes as chunk_bytes_for returns it (not 0).
 * @post the chunk, allocated; NULL when sbrk failed (errno = ENOMEM), the heap as it was.
 */
static struct chunk *allocate(size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    struct chunk *chunk = find_fit(chunk_bytes);
    if (chunk == NULL)
        chunk = grow_heap(chunk_bytes);
    if (chunk == NULL)
        return NULL;
    free_list_remove(chunk);
    set_tags(chunk, chunk_size(chunk), false);
    split(chunk, chunk_bytes);
    return chunk;
    /* END SOLUTION */
}

/*
 * release: the lecture's free: mark the chunk free, merge it with its free neighbours, push
 * the result on the front of the list. O(1).
 * @pre chunk is allocated.
 */
static void release(struct chunk *chunk)
{
    /* BEGIN SOLUTION */
    set_tags(chunk, chunk_size(chunk), true);
    free_list_push(coalesce(chunk));
    /* END SOLUTION */
}

/*
 * resize_in_place: make an allocated chunk `chunk_bytes` big without moving it. A shrink
 * always works: the tail is split off and freed. A grow takes the chunk after it when that
 * one is free and big enough, growing the heap first when there is not enough and the
 * chunk (or that free neighbour) is the last one; what is left over is split off.
 * @pre  chunk is allocated; chunk_bytes as chunk_bytes_for returns it (not 0).
 * @post true when done (the payload untouched); false when the chunk must move, with the
 *       heap as it was.
 */
static bool resize_in_place(struct chunk *chunk, size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    size_t have_bytes = chunk_size(chunk);
    if (chunk_bytes <= have_bytes) {
        if (have_bytes - chunk_bytes < SPLIT_MIN_REMAINDER_BYTES)
            return true;
        set_tags(chunk, chunk_bytes, false);
        struct chunk *tail = next_in_memory(chunk);
        set_tags(tail, have_bytes - chunk_bytes, true);
        free_list_push(coalesce(tail)); /* the chunk after the tail may be free */
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
    free_list_remove(after);
    set_tags(chunk, have_bytes + chunk_size(after), false);
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

/* ==== 3. The checker: hm_check walks memory, then the free list ============================= */

/* Print "dlist: hm_check: " and the message, one line on stderr. Returns 1: hm_check's verdict. */
__attribute__((format(printf, 1, 2)))
static int check_failed(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    fputs("dlist: hm_check: ", stderr);
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

/* "heap+0x40", or "NULL": a link for hm_check's messages, written into text. */
static const char *describe_link(const struct chunk *link, char *text, size_t text_bytes)
{
    if (link == NULL)
        return "NULL";
    snprintf(text, text_bytes, "heap+0x%llx", heap_offset(link));
    return text;
}

/* Could `address` be where a chunk starts: between the prologue and the epilogue, 8 bytes past
 * a multiple of 16? Checked before a link is followed. */
static inline bool is_chunk_address(const struct chunk *address)
{
    return address >= heap.first_chunk && address < epilogue() &&
           ((uintptr_t)address + TAG_BYTES) % ALIGNMENT_BYTES == 0;
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
 * check_linked: is a free chunk found in memory linked from the list? It must be the head
 * with prev_free NULL, or be named by the next_free of the chunk its prev_free names.
 * Returns 0 when it is; otherwise prints what is wrong and returns 1.
 * @pre chunk is a free chunk whose tags hold its size.
 */
static int check_linked(struct chunk *chunk)
{
    /* BEGIN SOLUTION */
    struct chunk *before = footer_of(chunk)->prev_free;
    if (before == NULL) {
        if (heap.free_list == chunk)
            return 0;
        char head[32];
        return check_failed("the free chunk at heap+0x%llx has prev_free NULL, so it should be the list head, "
                            "but the head is %s", heap_offset(chunk),
                            describe_link(heap.free_list, head, sizeof head));
    }
    if (!is_chunk_address(before))
        return check_failed("the free chunk at heap+0x%llx has prev_free heap+0x%llx: not a chunk address",
                            heap_offset(chunk), heap_offset(before));
    if (before->next_free != chunk) {
        char forward[32];
        return check_failed("the free chunk at heap+0x%llx has prev_free heap+0x%llx, but that chunk's "
                            "next_free is %s: the list does not lead to it", heap_offset(chunk),
                            heap_offset(before), describe_link(before->next_free, forward, sizeof forward));
    }
    return 0;
    /* END SOLUTION */
}

/*
 * hm_check: every invariant above, in two walks of O(chunks) each: memory from the prologue
 * to the epilogue (1, 2, 3, 6, and each free chunk's links), then the free list, its length
 * bounded by the number of chunks (4, 5). Returns 0 when all hold (and before the first call:
 * no heap, nothing broken); otherwise prints the first broken one and returns 1. Changes
 * nothing. A size is used to step only after it is checked to end before the epilogue, and a
 * link is followed only after it is checked to be a chunk address, so a corrupted heap cannot
 * make it read outside the heap or loop.
 *
 * A list node is checked to look like a free chunk (aligned, inside the heap, marked free,
 * tags equal) and a free chunk in memory to be linked from its neighbours on the list; with
 * the counts equal, only forged tags could hide a chunk missing from the list or a node
 * that is no chunk. Proving that every node is a chunk start would cost O(chunks) per node.
 */
int hm_check(void)
{
    /* BEGIN SOLUTION */
    if (heap.start == NULL)
        return heap.free_list == NULL ? 0 : check_failed("the free list is not empty before the heap is set up");
    if ((char *)hm_sbrk(0) != heap.end)
        return check_failed("the heap is said to end at heap+0x%llx, but the break is at heap+0x%llx",
                            heap_offset(heap.end), heap_offset(hm_sbrk(0)));
    if (tag_before(heap.first_chunk) & CHUNK_FREE)
        return check_failed("the prologue at heap+0x%llx reads as free",
                            heap_offset((char *)heap.first_chunk - TAG_BYTES));
    if (epilogue()->size_and_status != 0)
        return check_failed("the epilogue at heap+0x%llx holds %#zx: expected 0 (size 0, allocated)",
                            heap_offset(epilogue()), epilogue()->size_and_status);

    /* Memory: sizes lead from chunk to chunk and end exactly at the epilogue. */
    size_t chunks = 0, free_chunks = 0;
    const struct chunk *previous_chunk = NULL;
    for (struct chunk *chunk = heap.first_chunk; chunk != epilogue(); chunk = next_in_memory(chunk)) {
        if (!chunk_size_is_sound(chunk))
            return check_failed("chunk %zu at heap+0x%llx has size %zu bytes: expected a multiple of %d, at "
                                "least %d, at most the %zu bytes left before the epilogue", chunks,
                                heap_offset(chunk), chunk_size(chunk), ALIGNMENT_BYTES, MIN_CHUNK_BYTES,
                                (size_t)((char *)epilogue() - (char *)chunk));
        if (footer_of(chunk)->size_and_status != chunk->size_and_status)
            return check_failed("chunk %zu at heap+0x%llx: its header holds %#zx but its footer (at "
                                "heap+0x%llx) holds %#zx", chunks, heap_offset(chunk), chunk->size_and_status,
                                heap_offset(&footer_of(chunk)->size_and_status),
                                footer_of(chunk)->size_and_status);
        chunks++;
        const struct chunk *before = previous_chunk;
        previous_chunk = chunk;
        if (!chunk_is_free(chunk))
            continue;
        free_chunks++;
        if (before != NULL && chunk_is_free(before))
            return check_failed("free chunks at heap+0x%llx and heap+0x%llx are neighbours: they should have "
                                "coalesced", heap_offset(before), heap_offset(chunk));
        if (check_linked(chunk) != 0)
            return 1;
    }

    /* The list: each node looks like a free chunk, its prev_free names the node before it. */
    size_t listed = 0;
    struct chunk *previous = NULL;
    for (struct chunk *node = heap.free_list; node != NULL; previous = node, node = node->next_free) {
        if (++listed > chunks)
            return check_failed("the free list has more nodes than the heap has chunks (%zu): it has a cycle",
                                chunks);
        if (!is_chunk_address(node))
            return check_failed("free list node %zu is at heap+0x%llx: not a chunk address between the "
                                "prologue and the epilogue", listed, heap_offset(node));
        if (!chunk_is_free(node))
            return check_failed("the chunk at heap+0x%llx is on the free list but not marked free",
                                heap_offset(node));
        if (!chunk_size_is_sound(node) || footer_of(node)->size_and_status != node->size_and_status)
            return check_failed("free list node %zu at heap+0x%llx is not a chunk: its header and footer "
                                "disagree", listed, heap_offset(node));
        if (footer_of(node)->prev_free != previous) {
            char seen[32], expected[32];
            return check_failed("free list node %zu at heap+0x%llx: its prev_free is %s, but the node before "
                                "it is %s", listed, heap_offset(node),
                                describe_link(footer_of(node)->prev_free, seen, sizeof seen),
                                describe_link(previous, expected, sizeof expected));
        }
    }
    if (listed != free_chunks)
        return check_failed("the free list holds %zu chunks, but %zu chunks in memory are marked free",
                            listed, free_chunks);
    return 0;
    /* END SOLUTION */
}

/* hm_walk: the padding and prologue, every chunk (a free one on list 0, with its next_free),
 * the epilogue. hm_check's memory walk, unchecked: it stops at a size that is not sound. */
void hm_walk(hm_chunk_visitor *visit, void *context)
{
    /* BEGIN SOLUTION */
    if (heap.start == NULL)
        return;
    visit(&(struct hm_chunk){ .start = heap.start, .bytes = (size_t)((char *)heap.first_chunk - heap.start),
                              .state = HM_CHUNK_STAGE, .list = -1 }, context);
    struct chunk *chunk = heap.first_chunk;
    for (; chunk != epilogue() && chunk_size_is_sound(chunk); chunk = next_in_memory(chunk))
        visit(&(struct hm_chunk){ .start = chunk, .bytes = chunk_size(chunk),
                                  .state = chunk_is_free(chunk) ? HM_CHUNK_FREE : HM_CHUNK_USED,
                                  .list = chunk_is_free(chunk) ? 0 : -1,
                                  .next = chunk_is_free(chunk) ? chunk->next_free : NULL }, context);
    if (chunk == epilogue())
        visit(&(struct hm_chunk){ .start = chunk, .bytes = TAG_BYTES, .state = HM_CHUNK_STAGE, .list = -1 },
              context);
    /* END SOLUTION */
}
