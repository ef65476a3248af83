/*
 * pad.c: the stage "pad", minimal with fewer system calls.
 *
 * Policy: chunks are cut one after another from a pad of memory kept between the last chunk
 * and the break; when a request does not fit in the pad, the break moves up by at least
 * MIN_ALLOC_BYTES; free does nothing.
 *
 * The heap runs from its start (the first break) to the break:
 *
 *   heap.start                                         heap.pad                  heap.brk
 *   v                                                  v                                v
 *   +--------+--------------+--------+-----------------+--------------------------------+
 *   | header | payload      | header | payload         | the pad: above the last chunk, |
 *   +--------+--------------+--------+-----------------+ below the break, never written |
 *   chunk 1 (maybe freed)    chunk 2, the last          +--------------------------------+
 *
 * One chunk is minimal's: a 16-byte header, the size twice (once for realloc and the walk,
 * once so that hm_check sees a header overwritten), then the payload, rounded up to 16:
 *
 *   chunk                         payload (16-byte aligned)
 *   v                             v
 *   +--------------+--------------+---------------------------+--------------+
 *   | size_copy    | chunk_bytes  | the caller's bytes        | rounding to  |
 *   | (8 bytes)    | (8 bytes)    |                           | 16: 0..15 B  |
 *   +--------------+--------------+---------------------------+--------------+
 *   |<--- header: 16 bytes ------>|
 *   |<---------------------------- chunk_bytes ----------------------------->|
 *
 * Invariants (hm_check verifies every one):
 *   1. heap.start <= heap.pad <= heap.brk, all three 16-byte aligned, and heap.brk is the
 *      real break (sbrk(0)).
 *   2. The chunks tile [heap.start, heap.pad): from heap.start, each chunk_bytes leads to the
 *      next header, and the last chunk ends exactly at heap.pad.
 *   3. Each chunk_bytes is a multiple of 16 and at least MIN_CHUNK_BYTES, so every payload
 *      starts 16-byte aligned; its size_copy equals it.
 *   4. The pad, [heap.pad, heap.brk), has never been written: every byte of it reads zero, as
 *      the break uncovered it. calloc relies on it.
 *
 * Cost:
 *   malloc  O(1) time; a system call only when the pad runs out, which is once per
 *           MIN_ALLOC_BYTES of small requests (8 KiB: about once per 70 requests of 100
 *           bytes) and once for every request larger than that.
 *   free    O(1), nothing at all.
 *   realloc malloc, copy, free: O(old size) for the copy.
 *   calloc  a malloc: every chunk is cut from the pad, which reads as zero.
 *   space   a 16-byte header and 0..15 bytes of rounding per block (a 0..16-byte request
 *           takes 32 bytes), up to MIN_ALLOC_BYTES of unused pad, and no freed byte is
 *           reused: the heap ends as large as the sum of every request ever made.
 *
 * The file: 1. the idea (the lecture's pad); 2. the C library's functions and their corner
 * cases; 3. the checker, and the walk that draws the heap.
 */
#include "heapmgr.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ==== 1. The idea: cut each chunk from a pad below the break, grown 8 KiB at a time ======= */

/* May be changed. */
enum {
    MIN_ALLOC_BYTES = 8192, /* the least the break moves by: larger means fewer system calls
                               and a larger pad left unused at the end; a multiple of
                               HM_ALIGNMENT */
    MIN_PAYLOAD_BYTES = 16, /* the least payload a chunk holds; a multiple of HM_ALIGNMENT, and
                               not 0, so that malloc(0) gets memory of its own */
};

/* Do not change: the layout drawn above depends on them. */
enum {
    HEADER_BYTES = 16, /* sizeof (struct chunk_header): a multiple of HM_ALIGNMENT, so that a
                          payload is aligned whenever its chunk is */
    MIN_CHUNK_BYTES = HEADER_BYTES + (int)MIN_PAYLOAD_BYTES,
};

/* In front of every payload. Sizes are uint64_t so the header is 16 bytes on every machine. */
struct chunk_header {
    uint64_t size_copy;   /* chunk_bytes again, for hm_check alone */
    uint64_t chunk_bytes; /* header, payload and rounding: the distance to the next header */
};

_Static_assert(sizeof (struct chunk_header) == HEADER_BYTES, "the header must keep payloads aligned");
_Static_assert(MIN_ALLOC_BYTES % HM_ALIGNMENT == 0, "the break must stay aligned");

/* All the state. Zero until the first call sets it up (a stage has no init function). */
static struct {
    char *first_break; /* the first sbrk(0), where the heap starts: hm_walk reports from there */
    char *start;       /* the first chunk's header: the first break, rounded up to HM_ALIGNMENT */
    char *pad;         /* where the pad starts: the end of the last chunk, where the next one goes */
    char *brk;         /* the break as this stage last set it; the pad ends here */
} heap;

static inline struct chunk_header *chunk_of(void *payload)
{
    return (struct chunk_header *)((char *)payload - HEADER_BYTES);
}

static inline void *payload_of(struct chunk_header *chunk)
{
    return (char *)chunk + HEADER_BYTES;
}

/* The bytes a chunk's payload may use: the caller's request and the rounding after it. */
static inline size_t payload_room(const struct chunk_header *chunk)
{
    return (size_t)chunk->chunk_bytes - HEADER_BYTES;
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
 * Returns 0 when no heap could hold the request (more than half the address space); checked
 * first, so that the rounding cannot wrap a request near SIZE_MAX around to a small chunk.
 * Example: 100 -> 128, 0 -> 32, SIZE_MAX -> 0.
 */
static size_t chunk_bytes_for(size_t payload_bytes)
{
    /* BEGIN SOLUTION */
    if (payload_bytes > (size_t)PTRDIFF_MAX / 2)
        return 0;
    if (payload_bytes < MIN_PAYLOAD_BYTES)
        payload_bytes = MIN_PAYLOAD_BYTES;
    return HEADER_BYTES + ((payload_bytes + HM_ALIGNMENT - 1) & ~(size_t)(HM_ALIGNMENT - 1));
    /* END SOLUTION */
}

/*
 * heap_set_up: on the first call, find where the heap starts: the first break, rounded up to
 * HM_ALIGNMENT (a real break may be anywhere; the simulated one starts on a page). The pad
 * starts empty. Later calls do nothing. Returns false when the break cannot reach that boundary.
 */
static bool heap_set_up(void)
{
    /* BEGIN SOLUTION */
    if (heap.start != NULL)
        return true;
    char *first_break = hm_sbrk(0);
    size_t misalignment = (uintptr_t)first_break % HM_ALIGNMENT;
    char *aligned = misalignment == 0 ? first_break : first_break + (HM_ALIGNMENT - misalignment);
    if (aligned != first_break && hm_brk(aligned) != 0)
        return false;
    heap.first_break = first_break;
    heap.start = heap.pad = heap.brk = aligned;
    return true;
    /* END SOLUTION */
}

/* move_break_up: one sbrk call; the pad grows by `increment_bytes`. False (nothing changed,
 * errno = ENOMEM) when the system refuses. */
static bool move_break_up(size_t increment_bytes)
{
    /* BEGIN SOLUTION */
    if (hm_sbrk((intptr_t)increment_bytes) == (void *)-1)
        return false;
    heap.brk += increment_bytes;
    return true;
    /* END SOLUTION */
}

/*
 * grow_pad: make the pad at least `needed_bytes` long (the caller found it shorter). The old
 * pad is not lost, since the new memory continues it: the break moves up by the shortfall, but
 * by at least MIN_ALLOC_BYTES, so that the next small requests need no system call.
 * Returns false (nothing changed, errno = ENOMEM) when the memory cannot be had.
 */
static bool grow_pad(size_t needed_bytes)
{
    /* BEGIN SOLUTION */
    size_t shortfall_bytes = needed_bytes - pad_bytes();
    if (shortfall_bytes < MIN_ALLOC_BYTES && move_break_up(MIN_ALLOC_BYTES))
        return true;
    /* A larger request moves the break by just what it needs; so does a small one near the
     * memory limit, where MIN_ALLOC_BYTES may not fit but the shortfall may: NULL only when
     * nothing does. */
    return move_break_up(shortfall_bytes);
    /* END SOLUTION */
}

/*
 * allocate: a chunk of `chunk_bytes` cut from the start of the pad, the pad grown first when
 * it is too short: the lecture's pad malloc.
 * @pre  the heap is set up; chunk_bytes as chunk_bytes_for returns it (not 0).
 * @post the chunk, its header written; NULL when the pad cannot grow (errno = ENOMEM).
 */
static struct chunk_header *allocate(size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    if (pad_bytes() < chunk_bytes && !grow_pad(chunk_bytes))
        return NULL;
    struct chunk_header *chunk = (struct chunk_header *)heap.pad;
    heap.pad += chunk_bytes;
    chunk->chunk_bytes = chunk_bytes;
    chunk->size_copy = chunk_bytes;
    return chunk;
    /* END SOLUTION */
}

/* ==== 2. The C library's functions: malloc(0), free(NULL), realloc's and calloc's cases ==== */

/*
 * hm_malloc: a new chunk from the pad. malloc(0) returns a unique pointer (to
 * MIN_PAYLOAD_BYTES of its own); a request no heap could hold returns NULL with errno = ENOMEM,
 * as the C library does.
 */
void *hm_malloc(size_t size)
{
    /* BEGIN SOLUTION */
    size_t chunk_bytes = chunk_bytes_for(size);
    if (chunk_bytes == 0) {
        errno = ENOMEM;
        return NULL;
    }
    if (!heap_set_up())
        return NULL;
    struct chunk_header *chunk = allocate(chunk_bytes);
    return chunk == NULL ? NULL : payload_of(chunk);
    /* END SOLUTION */
}

/*
 * hm_free: nothing, for NULL as for any block: the chunk stays where it is, header intact, so
 * the chunks still tile the heap up to the pad, and no later malloc looks for it.
 */
void hm_free(void *ptr)
{
    /* BEGIN SOLUTION */
    (void)ptr;
    /* END SOLUTION */
}

/*
 * hm_realloc: malloc, copy, free (the old chunk's room holds at least the caller's old bytes,
 * so copying min(room, size) keeps the first min(old, new)). realloc(NULL, n) is malloc(n);
 * realloc(p, 0) frees p and returns NULL; when malloc fails, NULL, and p is left as it was.
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
    void *moved = hm_malloc(size);
    if (moved == NULL)
        return NULL;
    memcpy(moved, ptr, smaller(payload_room(chunk_of(ptr)), size));
    hm_free(ptr);
    return moved;
    /* END SOLUTION */
}

/*
 * hm_calloc: malloc(nmemb * size); NULL with errno = ENOMEM when the product overflows size_t.
 * No memset: every chunk is cut from the pad, which has never been written (invariant 4).
 */
void *hm_calloc(size_t nmemb, size_t size)
{
    /* BEGIN SOLUTION */
    if (nmemb != 0 && size > SIZE_MAX / nmemb) {
        errno = ENOMEM;
        return NULL;
    }
    return hm_malloc(nmemb * size);
    /* END SOLUTION */
}

/* ==== 3. The checker: hm_check walks the chunks up to the pad, then reads the pad ========= */

/* Print "pad: hm_check: " and the message, one line on stderr. Returns 1: hm_check's verdict. */
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
static inline unsigned long long heap_offset(const void *address)
{
    return (unsigned long long)((uintptr_t)address - (uintptr_t)heap.start);
}

/* Is the chunk at `at` one to step over: its header before the pad, its chunk_bytes a multiple
 * of 16 from MIN_CHUNK_BYTES to the pad? Checked before a size is stepped by, by hm_check and
 * hm_walk alike. */
static inline bool chunk_size_is_sound(const char *at)
{
    size_t left_bytes = (size_t)(heap.pad - at);
    if (left_bytes < HEADER_BYTES)
        return false;
    uint64_t bytes = ((const struct chunk_header *)at)->chunk_bytes;
    return bytes % HM_ALIGNMENT == 0 && bytes >= MIN_CHUNK_BYTES && bytes <= left_bytes;
}

/*
 * hm_check: invariants 1 to 4. Returns 0 when all hold (and before the first call: no heap,
 * nothing broken); otherwise prints the first broken one and returns 1. Reads only below the
 * break, and steps to a header only after checking that its size leads no further than the pad.
 */
int hm_check(void)
{
    /* BEGIN SOLUTION */
    if (heap.start == NULL)
        return 0;
    char *real_break = hm_sbrk(0);
    if ((uintptr_t)heap.start % HM_ALIGNMENT != 0)
        return check_failed("the heap start %p is not %d-byte aligned", (void *)heap.start, HM_ALIGNMENT);
    if (real_break != heap.brk)
        return check_failed("the break is at heap+0x%llx, but the stage believes it is at heap+0x%llx",
                            heap_offset(real_break), heap_offset(heap.brk));
    if (heap.pad < heap.start || heap.pad > heap.brk)
        return check_failed("the pad starts at heap+0x%llx, outside the heap [heap+0x0, heap+0x%llx]",
                            heap_offset(heap.pad), heap_offset(heap.brk));
    if ((uintptr_t)heap.pad % HM_ALIGNMENT != 0 || (uintptr_t)heap.brk % HM_ALIGNMENT != 0)
        return check_failed("the pad [heap+0x%llx, heap+0x%llx) is not %d-byte aligned at both ends",
                            heap_offset(heap.pad), heap_offset(heap.brk), HM_ALIGNMENT);

    for (char *at = heap.start; at != heap.pad;) {
        size_t left_bytes = (size_t)(heap.pad - at);
        if (left_bytes < HEADER_BYTES)
            return check_failed("the chunks do not end at the pad: a header at heap+0x%llx would cross "
                                "the pad at heap+0x%llx", heap_offset(at), heap_offset(heap.pad));
        const struct chunk_header *chunk = (const struct chunk_header *)at;
        if (chunk->chunk_bytes != chunk->size_copy)
            return check_failed("the chunk at heap+0x%llx has chunk_bytes %llu but size_copy %llu: its header "
                                "was overwritten", heap_offset(at), (unsigned long long)chunk->chunk_bytes,
                                (unsigned long long)chunk->size_copy);
        if (!chunk_size_is_sound(at))
            return check_failed("the chunk at heap+0x%llx has chunk_bytes %llu: not a multiple of %d from %d "
                                "to the %zu bytes left before the pad", heap_offset(at),
                                (unsigned long long)chunk->chunk_bytes, HM_ALIGNMENT, MIN_CHUNK_BYTES, left_bytes);
        at += chunk->chunk_bytes;
    }

    for (const uint64_t *word = (const uint64_t *)heap.pad; word != (const uint64_t *)heap.brk; word++)
        if (*word != 0)
            return check_failed("the pad holds 0x%llx at heap+0x%llx, but no byte of it may be written before "
                                "a chunk is cut from it: calloc hands it out uncleared",
                                (unsigned long long)*word, heap_offset(word));
    return 0;
    /* END SOLUTION */
}

/* hm_walk: the alignment padding, every chunk (in use: free forgets nothing, so a freed chunk
 * cannot be told from a live one), the pad. hm_check's walk, unchecked: it stops at a size
 * that is not sound. */
void hm_walk(hm_chunk_visitor *visit, void *context)
{
    /* BEGIN SOLUTION */
    if (heap.start == NULL)
        return;
    if (heap.start != heap.first_break)
        visit(&(struct hm_chunk){ .start = heap.first_break, .bytes = (size_t)(heap.start - heap.first_break),
                                  .state = HM_CHUNK_STAGE, .list = -1 }, context);
    const char *at = heap.start;
    while (at != heap.pad && chunk_size_is_sound(at)) {
        size_t bytes = ((const struct chunk_header *)at)->chunk_bytes;
        visit(&(struct hm_chunk){ .start = at, .bytes = bytes, .state = HM_CHUNK_USED, .list = -1 }, context);
        at += bytes;
    }
    if (at == heap.pad && heap.pad != heap.brk)
        visit(&(struct hm_chunk){ .start = heap.pad, .bytes = pad_bytes(), .state = HM_CHUNK_STAGE, .list = -1 },
              context);
    /* END SOLUTION */
}
