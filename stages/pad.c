/*
 * pad.c: the stage "pad", minimal with fewer system calls.
 *
 * Policy: chunks are cut one after another from a pad of memory kept between the last
 * chunk and the break; when a request does not fit in the pad, the break moves up by at
 * least MIN_ALLOC_BYTES; free does nothing.
 *
 * The heap runs from its start (the first break) to the break:
 *
 *   heap.start                                         heap.pad                  heap.brk
 *   v                                                  v                                v
 *   +--------+--------------+--------+-----------------+--------------------------------+
 *   | header | payload      | header | payload         | the pad: above the last chunk, |
 *   +--------+--------------+--------+-----------------+ below the break, not yet used  |
 *   chunk 1 (maybe freed)    chunk 2, the last          +--------------------------------+
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
 *   1. heap.start <= heap.pad <= heap.brk, all three 16-byte aligned, and heap.brk is the
 *      real break (sbrk(0)).
 *   2. The chunks tile [heap.start, heap.pad): from heap.start, each chunk_bytes leads to the
 *      next header, and the last chunk ends exactly at heap.pad. The pad, [heap.pad,
 *      heap.brk), belongs to no chunk.
 *   3. Each chunk_bytes is a multiple of 16, at least HEADER_BYTES + MIN_PAYLOAD_BYTES, so
 *      every payload starts 16-byte aligned; payload_bytes <= chunk_bytes - HEADER_BYTES.
 *
 * Cost:
 *   malloc  O(1) time; a system call only when the pad runs out, which is once per
 *           MIN_ALLOC_BYTES of small requests (8 KiB: about once per 80 requests of 100
 *           bytes) and once for every request larger than that.
 *   free    O(1), nothing at all.
 *   realloc the last chunk grows into the pad or shrinks back into it where it is, O(1).
 *           Any other chunk shrinks where it is, O(1), and grows by malloc, copy and
 *           free: O(old size) for the copy.
 *   space   a 16-byte header and 0..15 bytes of rounding per block (a 0..16-byte request
 *           takes 32 bytes), up to MIN_ALLOC_BYTES of unused pad, and no freed byte is
 *           reused: the heap ends as large as the sum of every request ever made.
 */
#include "heapmgr.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- constants ------------------------------------------------------------------------ */

/* May be changed. */
enum {
    MIN_ALLOC_BYTES = 8192, /* the least the break moves by: larger means fewer system calls
                               and a larger pad left unused at the end; a multiple of
                               HM_ALIGNMENT */
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
_Static_assert(MIN_ALLOC_BYTES % HM_ALIGNMENT == 0, "the break must stay aligned");

/* ---- all the state ---------------------------------------------------------------------- */

/* Zero until the first call sets it up (a stage has no init function). */
static struct {
    char *start; /* the first chunk's header: the first break, rounded up to HM_ALIGNMENT */
    char *pad;   /* where the pad starts: the end of the last chunk, where the next one goes */
    char *brk;   /* the break as this stage last set it; the pad ends here */
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

static inline size_t pad_bytes(void)
{
    return (size_t)(heap.brk - heap.pad);
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
 * one starts on a page). The pad starts empty. Returns 0, or -1 when the break cannot
 * reach that boundary.
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
    heap.start = heap.pad = heap.brk = aligned;
    return 0;
    /* END SOLUTION */
}

/*
 * move_break_up: move the break up by `increment_bytes` (a multiple of HM_ALIGNMENT) with
 * one sbrk call; the pad grows by as much. Returns 0, or -1 (nothing changed) when the
 * system refuses (ENOMEM) or the increment does not fit sbrk's argument.
 */
static int move_break_up(size_t increment_bytes)
{
    /* BEGIN SOLUTION */
    if (increment_bytes > (size_t)INTPTR_MAX)
        return -1;
    if (hm_sbrk((intptr_t)increment_bytes) == (void *)-1)
        return -1;
    heap.brk += increment_bytes;
    return 0;
    /* END SOLUTION */
}

/*
 * grow_pad: make the pad at least `needed_bytes` long (the caller found it shorter). The
 * break moves by the shortfall, but at least MIN_ALLOC_BYTES, so that the next small
 * requests need no system call; the old pad is not lost, since the new memory continues it.
 * Returns 0, or -1 (nothing changed) when the memory cannot be had.
 */
static int grow_pad(size_t needed_bytes)
{
    /* BEGIN SOLUTION */
    size_t shortfall_bytes = needed_bytes - pad_bytes();
    if (shortfall_bytes >= MIN_ALLOC_BYTES)
        return move_break_up(shortfall_bytes);
    if (move_break_up(MIN_ALLOC_BYTES) == 0)
        return 0;
    /* Near the memory limit the shortfall alone may still fit: NULL only when nothing does. */
    return move_break_up(shortfall_bytes);
    /* END SOLUTION */
}

/* ---- the five functions of heapmgr.h ------------------------------------------------- */

/*
 * hm_malloc: a new chunk cut from the start of the pad, the pad grown first when it is too
 * short. Returns NULL only when the break cannot move or the request cannot be addressed;
 * malloc(0) returns a unique pointer (to MIN_PAYLOAD_BYTES of its own).
 */
void *hm_malloc(size_t size)
{
    /* BEGIN SOLUTION */
    size_t chunk_bytes = chunk_bytes_for(size);
    if (chunk_bytes == 0 || heap_set_up() != 0)
        return NULL;
    if (pad_bytes() < chunk_bytes && grow_pad(chunk_bytes) != 0)
        return NULL;
    struct chunk_header *chunk = (struct chunk_header *)heap.pad;
    heap.pad += chunk_bytes;
    chunk->chunk_bytes = chunk_bytes;
    chunk->payload_bytes = size;
    return payload_of(chunk);
    /* END SOLUTION */
}

/*
 * hm_free: nothing. The chunk stays where it is, header intact, so the chunks still tile
 * the heap up to the pad; no later malloc looks for it. free(NULL) does nothing too.
 */
void hm_free(void *ptr)
{
    /* BEGIN SOLUTION */
    (void)ptr;
    /* END SOLUTION */
}

/*
 * hm_realloc: the last chunk (the one that ends at the pad) grows into the pad, growing the
 * pad first when it is too short, or shrinks and leaves its tail to the pad; any other chunk
 * shrinks where it is (its tail stays unused: nothing would reuse it), and grows by malloc,
 * copy, free. Keeps the first min(old, new) bytes. realloc(NULL, n) is malloc(n);
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

    if (chunk_end(chunk) == heap.pad) {
        /* Nothing lies between the last chunk and the pad: its end can move either way. */
        if (chunk_bytes > chunk->chunk_bytes) {
            size_t growth_bytes = chunk_bytes - chunk->chunk_bytes;
            if (pad_bytes() < growth_bytes && grow_pad(growth_bytes) != 0)
                return NULL;
        }
        chunk->chunk_bytes = chunk_bytes;
        chunk->payload_bytes = size;
        heap.pad = chunk_end(chunk);
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
 * The bytes are cleared even though they come from the pad: a chunk that realloc shrank
 * left its old bytes there.
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

/* Print "pad: hm_check: " and the message to stderr; returns 1, hm_check's verdict. */
__attribute__((format(printf, 1, 2)))
static int check_failed(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    fputs("pad: hm_check: ", stderr);
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
 * hm_check: invariants 1 to 3, walking every chunk from the heap start to the pad.
 * Returns 0 when all hold; otherwise prints the first broken one and returns 1.
 * Reads the heap only, and never past the pad, however broken the headers are.
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
    if (heap.pad < heap.start || heap.pad > heap.brk)
        return check_failed("the pad starts at heap+0x%llx, outside the heap [heap+0, heap+0x%llx]",
                            heap_offset(heap.pad), heap_offset(heap.brk));
    if ((uintptr_t)heap.pad % HM_ALIGNMENT != 0 || (uintptr_t)heap.brk % HM_ALIGNMENT != 0)
        return check_failed("the pad [heap+0x%llx, heap+0x%llx) is not %d-byte aligned at both ends",
                            heap_offset(heap.pad), heap_offset(heap.brk), HM_ALIGNMENT);

    for (char *at = heap.start; at < heap.pad;) {
        const struct chunk_header *chunk = (const struct chunk_header *)at;
        size_t bytes_to_pad = (size_t)(heap.pad - at);
        if (bytes_to_pad < HEADER_BYTES)
            return check_failed("the chunks do not end at the pad: a header at heap+0x%llx would "
                                "cross the pad at heap+0x%llx", heap_offset(at), heap_offset(heap.pad));
        if (chunk->chunk_bytes % HM_ALIGNMENT != 0 || chunk->chunk_bytes < HEADER_BYTES + MIN_PAYLOAD_BYTES)
            return check_failed("the chunk at heap+0x%llx has chunk_bytes %llu: not a multiple of %d of "
                                "at least %d", heap_offset(at), (unsigned long long)chunk->chunk_bytes,
                                HM_ALIGNMENT, HEADER_BYTES + MIN_PAYLOAD_BYTES);
        if (chunk->chunk_bytes > bytes_to_pad)
            return check_failed("the chunk at heap+0x%llx (%llu bytes) runs past the pad at heap+0x%llx",
                                heap_offset(at), (unsigned long long)chunk->chunk_bytes,
                                heap_offset(heap.pad));
        if (chunk->payload_bytes > payload_room(chunk))
            return check_failed("the chunk at heap+0x%llx holds %llu payload bytes, but has room for %llu",
                                heap_offset(at), (unsigned long long)chunk->payload_bytes,
                                (unsigned long long)payload_room(chunk));
        at += chunk->chunk_bytes;
    }
    return 0;
    /* END SOLUTION */
}
