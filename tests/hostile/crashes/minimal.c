/*
 * minimal.c: the stage "minimal", the smallest heap manager that is correct.
 *
 * Policy: every malloc moves the break past one new chunk with one brk call, and free does
 * nothing, so no byte is ever used twice.
 *
 * The heap runs from its start (the first break) to the break. Chunks lie end to end:
 *
 *   heap.start                                                               heap.brk
 *   v                                                                               v
 *   +--------+------------------+--------+-------------+--------+------------------+
 *   | header | payload          | header | payload     | header | payload          |  past the
 *   +--------+------------------+--------+-------------+--------+------------------+  break: no
 *   chunk 1 (maybe freed)        chunk 2                chunk 3, the last             access
 *
 * One chunk; the pointer malloc returns is the payload's, 16 bytes past the chunk's start:
 *
 *   chunk                     payload (16-byte aligned)
 *   v                         v
 *   +-------------+-----------+---------------------------+--------------+
 *   | chunk_bytes | payload_  | payload_bytes bytes, the  | rounding to  |
 *   | (8 bytes)   | bytes (8) | caller's                  | 16: 0..15 B  |
 *   +-------------+-----------+---------------------------+--------------+
 *   |<-- header: 16 bytes --->|
 *   |<---------------------------- chunk_bytes -------------------------->|
 *
 * Invariants (hm_check verifies every one):
 *   1. heap.start is 16-byte aligned and heap.brk is the real break (sbrk(0)).
 *   2. The chunks tile the heap: from heap.start, each chunk_bytes leads to the next header,
 *      and the last chunk ends exactly at the break.
 *   3. Each chunk_bytes is a multiple of 16, at least HEADER_BYTES + MIN_PAYLOAD_BYTES, so
 *      every payload starts 16-byte aligned; payload_bytes <= chunk_bytes - HEADER_BYTES.
 *
 * Cost:
 *   malloc  O(1) time and one brk call: the price of a kernel entry on every request.
 *   free    O(1), nothing at all.
 *   realloc the last chunk grows or shrinks where it is: O(1) and one brk call. Any other
 *           chunk shrinks where it is, O(1), and grows by malloc, copy and free: one brk
 *           call and O(old size) for the copy.
 *   space   a 16-byte header and 0..15 bytes of rounding per block (a 0..16-byte request
 *           takes 32 bytes), and no freed byte is reused: the heap ends as large as the sum
 *           of every request the program ever made.
 */
#include "heapmgr.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- constants ------------------------------------------------------------------------ */

/* May be changed. */
enum {
    MIN_PAYLOAD_BYTES = 16, /* the least payload a chunk holds; a multiple of HM_ALIGNMENT.
                               Non-zero so that malloc(0) gets memory of its own. */
};

/* Do not change. */
enum {
    HEADER_BYTES = 16, /* sizeof (struct chunk_header), a multiple of HM_ALIGNMENT so that a
                          payload is aligned whenever its chunk is */
};

/* ---- the chunk header ------------------------------------------------------------------ */

/* In front of every payload. Sizes are uint64_t so the header is 16 bytes on every machine. */
struct chunk_header {
    uint64_t chunk_bytes;   /* header, payload and rounding: the distance to the next header */
    uint64_t payload_bytes; /* what the caller last asked for; realloc copies this many */
};

_Static_assert(sizeof (struct chunk_header) == HEADER_BYTES, "the header must keep payloads aligned");

/* ---- all the state ---------------------------------------------------------------------- */

/* Zero until the first call sets it up (a stage has no init function). */
static struct {
    char *start; /* the first chunk's header: the first break, rounded up to HM_ALIGNMENT */
    char *brk;   /* the break as this stage last set it; the last chunk ends here */
} heap;

/* ---- small helpers ---------------------------------------------------------------------- */

static inline struct chunk_header *chunk_of(void *payload)
{
    return (struct chunk_header *)((char *)payload - HEADER_BYTES);
}

static inline void *payload_of(struct chunk_header *chunk)
{
    return (char *)chunk + HEADER_BYTES;
}

static inline char *chunk_end(struct chunk_header *chunk)
{
    return (char *)chunk + chunk->chunk_bytes;
}

/* The bytes a chunk's payload may use: its caller's request plus the rounding after it. */
static inline uint64_t payload_room(const struct chunk_header *chunk)
{
    return chunk->chunk_bytes - HEADER_BYTES;
}

static inline size_t smaller(size_t a, size_t b)
{
    return a < b ? a : b;
}

/*
 * chunk_bytes_for: the size of the chunk that holds `payload_bytes`: the header plus the
 * payload, at least MIN_PAYLOAD_BYTES, rounded up to HM_ALIGNMENT.
 * Returns 0 when that exceeds PTRDIFF_MAX: no heap could hold it, and checking first keeps
 * the rounding from wrapping a request near SIZE_MAX around to a small chunk.
 */
static size_t chunk_bytes_for(size_t payload_bytes)
{
    /* BEGIN SOLUTION */
    if (payload_bytes > (size_t)PTRDIFF_MAX - HEADER_BYTES - HM_ALIGNMENT)
        return 0;
    if (payload_bytes < MIN_PAYLOAD_BYTES)
        payload_bytes = MIN_PAYLOAD_BYTES;
    size_t rounded_bytes = (payload_bytes + HM_ALIGNMENT - 1) & ~(size_t)(HM_ALIGNMENT - 1);
    return HEADER_BYTES + rounded_bytes;
    /* END SOLUTION */
}

/*
 * heap_set_up: on the first call, find where the heap starts. The first header goes at
 * the first break rounded up to HM_ALIGNMENT (a real break may be anywhere; the simulated
 * one starts on a page). Returns 0, or -1 when the break cannot reach that boundary.
 */
static int heap_set_up(void)
{
    /* BEGIN SOLUTION */
    if (heap.start != NULL)
        return 0;
    char *first_break = hm_sbrk(0);
    uintptr_t misalignment = (uintptr_t)first_break % HM_ALIGNMENT;
    char *aligned = misalignment == 0 ? first_break : first_break + (HM_ALIGNMENT - misalignment);
    if (aligned != first_break && hm_brk(aligned) != 0)
        return -1;
    heap.start = heap.brk = aligned;
    return 0;
    /* END SOLUTION */
}

/*
 * end_heap_at: move the break to `chunk + chunk_bytes`, up or down, with one brk call.
 * The caller guarantees that no live block lies past that address.
 * Returns 0, or -1 (break unchanged) when the system refuses (ENOMEM) or the address space
 * ends before that address.
 */
static int end_heap_at(char *chunk, size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    if (chunk_bytes > UINTPTR_MAX - (uintptr_t)chunk)
        return -1;
    char *new_break = chunk + chunk_bytes;
    if (hm_brk(new_break) != 0)
        return -1;
    heap.brk = new_break;
    return 0;
    /* END SOLUTION */
}

/* ---- the five functions of heapmgr.h ------------------------------------------------- */

/*
 * hm_malloc: a new chunk at the break, the break moved past it with one brk call.
 * Returns NULL only when brk fails or the request cannot be addressed; malloc(0) returns
 * a unique pointer (to MIN_PAYLOAD_BYTES of its own).
 */
void *hm_malloc(size_t size)
{
    /* BEGIN SOLUTION */
    size_t chunk_bytes = chunk_bytes_for(size);
    if (chunk_bytes == 0 || heap_set_up() != 0)
        return NULL;
    struct chunk_header *chunk = (struct chunk_header *)heap.brk;
    if (end_heap_at(heap.brk, chunk_bytes) != 0)
        return NULL;
    /* Written only now: before the brk call these bytes lay past the break. */
    chunk->chunk_bytes = chunk_bytes;
    chunk->payload_bytes = size;
    return payload_of(chunk);
    /* END SOLUTION */
}

/*
 * hm_free: nothing. The chunk stays where it is, header intact, so the chunks still tile
 * the heap; no later malloc looks for it. free(NULL) does nothing too.
 */
void hm_free(void *ptr)
{
    /* BEGIN SOLUTION */
    (void)ptr;
    /* END SOLUTION */
}

/*
 * hm_realloc: the last chunk grows or shrinks where it is, by moving the break; any other
 * chunk shrinks where it is (its tail stays unused: nothing would reuse it), and grows by
 * malloc, copy, free. Keeps the first min(old, new) bytes. realloc(NULL, n) is malloc(n);
 * realloc(p, 0) frees p and returns NULL. On failure returns NULL with p untouched.
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
    struct chunk_header *chunk = chunk_of(ptr);
    size_t chunk_bytes = chunk_bytes_for(size);
    if (chunk_bytes == 0)
        return NULL;

    if (chunk_end(chunk) == heap.brk) {
        /* Nothing lies past the last chunk: the break can follow its new end. */
        if (chunk_bytes != chunk->chunk_bytes && end_heap_at((char *)chunk, chunk_bytes) != 0)
            return NULL;
        chunk->chunk_bytes = chunk_bytes;
        chunk->payload_bytes = size;
        return ptr;
    }
    if (size <= payload_room(chunk)) {
        chunk->payload_bytes = size;
        return ptr;
    }
    void *moved = hm_malloc(size);
    if (moved == NULL)
        return NULL;
    memcpy(moved, ptr, smaller(chunk->payload_bytes, size));
    hm_free(ptr);
    return moved;
    /* END SOLUTION */
}

/*
 * hm_calloc: malloc(nmemb * size), zeroed. NULL when the product overflows size_t.
 * The bytes are cleared even though they come from the break: after realloc shrank the
 * last chunk, the break's page still holds its old bytes (the kernel zeroes whole new
 * pages only).
 */
void *hm_calloc(size_t nmemb, size_t size)
{
    /* BEGIN SOLUTION */
    if (nmemb != 0 && size > SIZE_MAX / nmemb)
        return NULL;
    size_t bytes = nmemb * size;
    void *block = hm_malloc(bytes);
    if (block != NULL)
        memset(block, 0, bytes);
    return block;
    /* END SOLUTION */
}

/* ---- the heap checker ------------------------------------------------------------------- */

/* Print "minimal: hm_check: " and the message to stderr; returns 1, hm_check's verdict. */
__attribute__((format(printf, 1, 2)))
static int check_failed(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    fputs("minimal: hm_check: ", stderr);
    vfprintf(stderr, format, arguments);
    fputc('\n', stderr);
    va_end(arguments);
    return 1;
}

/* An address as an offset from the heap start, "heap+0x40", as the harness prints them. */
static inline unsigned long long heap_offset(const char *address)
{
    return (unsigned long long)(address - heap.start);
}

/*
 * hm_check: invariants 1 to 3, walking every chunk from the heap start to the break.
 * Returns 0 when all hold; otherwise prints the first broken one and returns 1.
 * Reads the heap only, and never past the break, however broken the headers are.
 */
int hm_check(void)
{
    /* BEGIN SOLUTION */
    if (heap.start == NULL)
        return 0; /* not set up yet: no heap, nothing to break */
    char *real_break = hm_sbrk(0);
    if ((uintptr_t)heap.start % HM_ALIGNMENT != 0)
        return check_failed("the heap start %p is not %d-byte aligned", (void *)heap.start, HM_ALIGNMENT);
    if (real_break != heap.brk)
        return check_failed("the break is at heap+0x%llx, but the stage believes it is at heap+0x%llx",
                            heap_offset(real_break), heap_offset(heap.brk));

    for (char *at = heap.start; at < heap.brk;) {
        const struct chunk_header *chunk = (const struct chunk_header *)at;
        size_t bytes_to_break = (size_t)(heap.brk - at);
        if (bytes_to_break < HEADER_BYTES)
            return check_failed("the chunks do not end at the break: a header at heap+0x%llx would "
                                "cross the break at heap+0x%llx", heap_offset(at), heap_offset(heap.brk));
        if (chunk->chunk_bytes % HM_ALIGNMENT != 0 || chunk->chunk_bytes < HEADER_BYTES + MIN_PAYLOAD_BYTES)
            return check_failed("the chunk at heap+0x%llx has chunk_bytes %llu: not a multiple of %d of "
                                "at least %d", heap_offset(at), (unsigned long long)chunk->chunk_bytes,
                                HM_ALIGNMENT, HEADER_BYTES + MIN_PAYLOAD_BYTES);
        if (chunk->chunk_bytes > bytes_to_break)
            return check_failed("the chunk at heap+0x%llx (%llu bytes) runs past the break at heap+0x%llx",
                                heap_offset(at), (unsigned long long)chunk->chunk_bytes,
                                heap_offset(heap.brk));
        if (chunk->payload_bytes > payload_room(chunk))
            return check_failed("the chunk at heap+0x%llx holds %llu payload bytes, but has room for %llu",
                                heap_offset(at), (unsigned long long)chunk->payload_bytes,
                                (unsigned long long)payload_room(chunk));
        at += chunk->chunk_bytes;
    }
    return 0;
    /* END SOLUTION */
}
