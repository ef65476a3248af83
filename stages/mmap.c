/*
 * mmap.c: the stage "mmap", every block in pages of its own.
 *
 * Policy: each malloc maps fresh pages for one block with a header in front, and free
 * unmaps them, so every byte freed goes straight back to the system.
 *
 * No heap: the blocks are scattered over the mapping area, each alone in its mapping. A
 * list through the headers links the live mappings, so that hm_check can find them all:
 *
 *   maps.first
 *       |
 *       v
 *   +--------+---------+------+ next  +--------+--------------------+------+ next
 *   | header | payload | rest | ----> | header | payload            | rest | ----> ...
 *   +--------+---------+------+ <---- +--------+--------------------+------+
 *   one mapping: whole pages    prev  another, wherever hm_mmap put it
 *
 * One mapping; the pointer malloc returns is the payload's, 32 bytes past the page start:
 *
 *   mapping (page-aligned)                          payload (16-byte aligned)
 *   v                                               v
 *   +------+------+----------------+----------------+---------------------+-------------+
 *   | prev | next | payload_bytes  | mapping_bytes  | payload_bytes bytes,| rest of the |
 *   | (8)  | (8)  | (8 bytes)      | (8 bytes)      | the caller's        | last page   |
 *   +------+------+----------------+----------------+---------------------+-------------+
 *   |<------------- header: 32 bytes -------------->|
 *   |<------------ mapping_bytes: a multiple of the page (hm_page_bytes()) -------------->|
 *
 * The size sits just before the payload, as in the lecture (free steps back one word to find
 * what to unmap); the links sit first, where no write past the end of a block can reach them.
 *
 * Invariants (hm_check verifies every one):
 *   1. Every live block has its own mapping, and its header opens it: page-aligned.
 *   2. mapping_bytes is a non-zero multiple of the page and covers the header and the
 *      payload: mapping_bytes_for(payload_bytes) <= mapping_bytes.
 *   3. The list from maps.first holds every live mapping once: each next's prev points
 *      back, the first's prev is NULL, and the list's length and the sum of its
 *      mapping_bytes equal maps.live_mappings and maps.mapped_bytes.
 *
 * Cost:
 *   malloc  O(1) time and one mmap call.
 *   free    O(1) time and one munmap call.
 *   realloc in place when the new size fits the mapping's pages, O(1), with one munmap
 *           for the tail when it needs fewer pages; otherwise mmap, copy and munmap:
 *           two calls and O(old size) for the copy.
 *   calloc  a malloc: every new mapping reads as zero.
 *   space   a 32-byte header and the rest of the last page per block: a 1-byte request
 *           takes a 4096-byte page, and a 4065-byte one two pages. Nothing else: every
 *           byte freed is given back at once.
 *
 * The file: 1. the idea (the lecture's VM implementation, with a list for the checker);
 * 2. the C library's functions and their corner cases; 3. the checker, and the walk that draws
 * the mappings.
 */
#include "heapmgr.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ==== 1. The idea: a mapping per malloc, unmapped by free ================================ */

/* May be changed: nothing. The policy has no knob; its cost is the page. */

/* Do not change: the layout drawn above depends on it. */
enum {
    HEADER_BYTES = 32, /* sizeof (struct mapping_header), a multiple of HM_ALIGNMENT so
                          that the payload is aligned, since the mapping starts on a page */
};

/* At the start of every mapping, in front of its payload. */
struct mapping_header {
    struct mapping_header *prev; /* the list of live mappings, for hm_check: no other */
    struct mapping_header *next; /* record of them exists, and the stage may not allocate one */
    uint64_t payload_bytes;      /* what the caller last asked for; realloc copies this many */
    uint64_t mapping_bytes;      /* the whole mapping, header included: what munmap gives back */
};

_Static_assert(sizeof (struct mapping_header) == HEADER_BYTES, "the header must keep payloads aligned");

/* All the state. Zero at the start: no mapping yet (a stage has no init function). */
static struct {
    struct mapping_header *first; /* the most recently mapped live block; NULL when none */
    uint64_t live_mappings;       /* how many mappings the list holds */
    uint64_t mapped_bytes;        /* the sum of their mapping_bytes */
    const char *first_mapping;    /* the first mapping ever made: the mapping area starts there */
    const char *mapped_end;       /* the highest end of a mapping ever made */
} maps;

/* The page of hm_mmap: a mapping's length is rounded up to it, and a part of a mapping can be
 * unmapped only from a page boundary. A power of two, and a multiple of HM_ALIGNMENT. */
static inline size_t page_bytes(void)
{
    return hm_page_bytes();
}

static inline struct mapping_header *mapping_of(void *payload)
{
    return (struct mapping_header *)((char *)payload - HEADER_BYTES);
}

static inline void *payload_of(struct mapping_header *mapping)
{
    return (char *)mapping + HEADER_BYTES;
}

/* The bytes a payload may use: its caller's request plus the rest of the last page. */
static inline size_t payload_room(const struct mapping_header *mapping)
{
    return (size_t)mapping->mapping_bytes - HEADER_BYTES;
}

static inline size_t smaller(size_t a, size_t b)
{
    return a < b ? a : b;
}

/*
 * mapping_bytes_for: the length of the mapping that holds `payload_bytes`: the header plus
 * the payload, rounded up to whole pages.
 * Returns 0 when no memory could hold the request (more than half the address space);
 * checked first, so that the rounding cannot wrap a request near SIZE_MAX around to a page.
 */
static size_t mapping_bytes_for(size_t payload_bytes)
{
    /* BEGIN SOLUTION */
    if (payload_bytes > (size_t)PTRDIFF_MAX / 2)
        return 0;
    size_t page = page_bytes();
    return (HEADER_BYTES + payload_bytes + page - 1) & ~(page - 1);
    /* END SOLUTION */
}

/* list_push: put a new mapping at the front of the list of live mappings, and count it. */
static void list_push(struct mapping_header *mapping)
{
    /* BEGIN SOLUTION */
    mapping->prev = NULL;
    mapping->next = maps.first;
    if (maps.first != NULL)
        maps.first->prev = mapping;
    maps.first = mapping;
    maps.live_mappings++;
    maps.mapped_bytes += mapping->mapping_bytes;
    /* END SOLUTION */
}

/* list_remove: take a mapping out of the list of live mappings, and stop counting it. */
static void list_remove(struct mapping_header *mapping)
{
    /* BEGIN SOLUTION */
    if (mapping->prev != NULL)
        mapping->prev->next = mapping->next;
    else
        maps.first = mapping->next;
    if (mapping->next != NULL)
        mapping->next->prev = mapping->prev;
    maps.live_mappings--;
    maps.mapped_bytes -= mapping->mapping_bytes;
    /* END SOLUTION */
}

/*
 * allocate: a new mapping of `mapping_bytes` with one mmap call, its header written and
 * listed: the lecture's VM malloc.
 * @pre  mapping_bytes as mapping_bytes_for returns it (not 0).
 * @post NULL when mmap failed (errno = ENOMEM).
 */
static struct mapping_header *allocate(size_t mapping_bytes, size_t payload_bytes)
{
    /* BEGIN SOLUTION */
    struct mapping_header *mapping =
        hm_mmap(NULL, mapping_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED)
        return NULL;
    if (maps.first_mapping == NULL)
        maps.first_mapping = (const char *)mapping;
    if ((const char *)mapping + mapping_bytes > maps.mapped_end)
        maps.mapped_end = (const char *)mapping + mapping_bytes;
    mapping->mapping_bytes = mapping_bytes;
    mapping->payload_bytes = payload_bytes;
    list_push(mapping);
    return mapping;
    /* END SOLUTION */
}

/*
 * release: unmap a block's whole mapping with one munmap call, after taking it out of the
 * list (the header goes with the pages): the lecture's VM free.
 */
static void release(struct mapping_header *mapping)
{
    /* BEGIN SOLUTION */
    list_remove(mapping);
    /* munmap fails only for memory that was never mapped: a pointer that hm_malloc did not
     * return, which the contract rules out. Nothing is left to undo either way. */
    (void)hm_munmap(mapping, mapping->mapping_bytes);
    /* END SOLUTION */
}

/* ==== 2. The C library's functions: malloc(0), free(NULL), realloc's and calloc's cases ==== */

/*
 * hm_malloc: a new mapping. malloc(0) returns a unique pointer (to a page of its own); a
 * request no memory could hold returns NULL with errno = ENOMEM, as the C library does.
 */
void *hm_malloc(size_t size)
{
    /* BEGIN SOLUTION */
    size_t mapping_bytes = mapping_bytes_for(size);
    if (mapping_bytes == 0) {
        errno = ENOMEM;
        return NULL;
    }
    struct mapping_header *mapping = allocate(mapping_bytes, size);
    return mapping == NULL ? NULL : payload_of(mapping);
    /* END SOLUTION */
}

/* hm_free: unmap the block's mapping. free(NULL) does nothing. */
void hm_free(void *ptr)
{
    /* BEGIN SOLUTION */
    if (ptr == NULL)
        return;
    release(mapping_of(ptr));
    /* END SOLUTION */
}

/*
 * hm_realloc: in place when the new size fits the mapping's pages; when it needs fewer
 * pages, the tail pages are unmapped with one munmap call. Otherwise malloc, copy, free
 * (mmap, copy, munmap). Keeps the first min(old, new) bytes. realloc(NULL, n) is malloc(n);
 * realloc(p, 0) frees p and returns NULL; when the memory cannot be had, NULL (errno =
 * ENOMEM), and p is left as it was.
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
    struct mapping_header *mapping = mapping_of(ptr);
    size_t mapping_bytes = mapping_bytes_for(size);
    if (mapping_bytes == 0) {
        errno = ENOMEM;
        return NULL;
    }
    if (mapping_bytes <= mapping->mapping_bytes) {
        size_t tail_bytes = mapping->mapping_bytes - mapping_bytes;
        /* If the tail cannot be unmapped the block keeps it: still correct, only larger. */
        if (tail_bytes != 0 && hm_munmap((char *)mapping + mapping_bytes, tail_bytes) == 0) {
            maps.mapped_bytes -= tail_bytes;
            mapping->mapping_bytes = mapping_bytes;
        }
        mapping->payload_bytes = size;
        return ptr;
    }
    void *moved = hm_malloc(size);
    if (moved == NULL)
        return NULL;
    memcpy(moved, ptr, smaller(mapping->payload_bytes, size));
    hm_free(ptr);
    return moved;
    /* END SOLUTION */
}

/*
 * hm_calloc: malloc(nmemb * size); NULL with errno = ENOMEM when the product overflows size_t.
 * No memset: hm_malloc always returns a fresh mapping, and the system zeroes every new one.
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

/* ==== 3. The checker: hm_check walks the list of live mappings ============================ */

/* Print "mmap: hm_check: " and the message, one line on stderr. Returns 1: hm_check's verdict. */
__attribute__((format(printf, 1, 2)))
static int check_failed(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    fputs("mmap: hm_check: ", stderr);
    vfprintf(stderr, format, arguments);
    fputc('\n', stderr);
    va_end(arguments);
    return 1;
}

/*
 * A mapping's offset from the first mapping this stage made, printed as "mmap+0x2000": the
 * harness's mapping area opens with that first mapping and the others follow it, so the
 * offsets match the harness's messages.
 */
static inline unsigned long long mapping_offset(const void *mapping)
{
    return (unsigned long long)((uintptr_t)mapping - (uintptr_t)maps.first_mapping);
}

/* Could a live mapping start at `mapping`: on a page, inside the area where mappings have
 * been? Checked before a link is followed, by hm_check and hm_walk alike. */
static inline bool is_mapping_address(const struct mapping_header *mapping)
{
    return (uintptr_t)mapping % page_bytes() == 0 && (const char *)mapping >= maps.first_mapping &&
           (const char *)mapping < maps.mapped_end;
}

/*
 * hm_check: invariants 1 to 3, walking the list of live mappings. Returns 0 when all hold (and
 * before the first call: no mapping, nothing broken); otherwise prints the first broken one and
 * returns 1. A link is followed only when it is page-aligned and inside the area where mappings
 * have been, and the walk stops after maps.live_mappings steps, so a list that loops back
 * cannot hang it. (An address in that area may still be a mapping that is gone: nothing but the
 * list records which pages are mapped, and the stage may not allocate another record.)
 */
int hm_check(void)
{
    /* BEGIN SOLUTION */
    uint64_t count = 0;
    uint64_t total_bytes = 0;
    const struct mapping_header *prev = NULL;
    for (const struct mapping_header *mapping = maps.first; mapping != NULL; mapping = mapping->next) {
        unsigned long long where = mapping_offset(mapping);
        if (++count > maps.live_mappings)
            return check_failed("the list holds more than the %llu live mappings counted (a loop?); "
                                "the extra one is at mmap+0x%llx", (unsigned long long)maps.live_mappings, where);
        if (!is_mapping_address(mapping))
            return check_failed("the list leads to mmap+0x%llx, which is not a page where a mapping can start",
                                where);
        if (mapping->prev != prev)
            return check_failed("the mapping at mmap+0x%llx: its prev does not point to the mapping before it "
                                "in the list", where);
        if (mapping->mapping_bytes == 0 || mapping->mapping_bytes % page_bytes() != 0)
            return check_failed("the mapping at mmap+0x%llx has mapping_bytes %llu: not a non-zero multiple of "
                                "the page, %zu bytes", where, (unsigned long long)mapping->mapping_bytes,
                                page_bytes());
        size_t needed_bytes = mapping_bytes_for(mapping->payload_bytes);
        if (needed_bytes == 0 || needed_bytes > mapping->mapping_bytes)
            return check_failed("the mapping at mmap+0x%llx holds %llu payload bytes, but has room for %zu",
                                where, (unsigned long long)mapping->payload_bytes, payload_room(mapping));
        total_bytes += mapping->mapping_bytes;
        prev = mapping;
    }
    if (count != maps.live_mappings)
        return check_failed("the list holds %llu mappings, but %llu are counted live",
                            (unsigned long long)count, (unsigned long long)maps.live_mappings);
    if (total_bytes != maps.mapped_bytes)
        return check_failed("the mappings in the list add up to %llu bytes, but %llu are counted",
                            (unsigned long long)total_bytes, (unsigned long long)maps.mapped_bytes);
    return 0;
    /* END SOLUTION */
}

/* hm_walk: every live mapping, from the list, a chunk in use (the heap is empty: the stage
 * never moves the break). hm_check's walk, unchecked, and bounded as it is: it stops at a link
 * or a length that leads outside the area where mappings have been. */
void hm_walk(hm_chunk_visitor *visit, void *context)
{
    /* BEGIN SOLUTION */
    const struct mapping_header *mapping = maps.first;
    for (uint64_t count = 0; mapping != NULL && count < maps.live_mappings && is_mapping_address(mapping); count++) {
        size_t bytes = mapping->mapping_bytes;
        if (bytes == 0 || bytes % page_bytes() != 0 || bytes > (size_t)(maps.mapped_end - (const char *)mapping))
            return;
        visit(&(struct hm_chunk){ .start = mapping, .bytes = bytes, .state = HM_CHUNK_USED, .list = -1 }, context);
        mapping = mapping->next;
    }
    /* END SOLUTION */
}
