/*
 * base.h: a small, correct allocator for the harness's own tests.
 *
 * Each test allocator in this folder is this allocator with exactly one rule broken, so that
 * the test can assert the message that rule gets. correct.c breaks nothing.
 *
 * Policy: size classes of powers of two, each a LIFO list of free chunks, no splitting or
 * coalescing; blocks of BASE_MAP_THRESHOLD bytes or more get a mapping of their own.
 *
 *   +----------------+---------------------------+
 *   | header: 16 B   | payload (class size - 16) |     heap chunk, 16-byte aligned
 *   | size | mapped  |                           |
 *   +----------------+---------------------------+
 *
 * Cost: malloc and free O(1); space: up to half of each chunk lost to rounding.
 */
#ifndef BASE_H
#define BASE_H

#include "heapmgr.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { BASE_HEADER_BYTES = 16, BASE_CLASSES = 48, BASE_MAP_THRESHOLD = 256 * 1024 };

struct base_header {
    uint64_t chunk_bytes; /* header included; a power of two for heap chunks */
    uint64_t mapped;      /* 1 when the chunk is a mapping of its own */
};

struct base_free_chunk {
    struct base_header header;
    struct base_free_chunk *next;
};

static struct base_free_chunk *base_free_lists[BASE_CLASSES];
static char *base_heap_start;

static inline struct base_header *base_header_of(void *payload)
{
    return (struct base_header *)((char *)payload - BASE_HEADER_BYTES);
}

static inline unsigned base_class_of(uint64_t chunk_bytes)
{
    unsigned class_index = 5; /* 32 bytes: the smallest chunk */
    while (((uint64_t)1 << class_index) < chunk_bytes)
        class_index++;
    return class_index;
}

static void *base_malloc(size_t size)
{
    if (base_heap_start == NULL)
        base_heap_start = hm_sbrk(0);
    if (size > ((uint64_t)1 << 40))
        return NULL; /* more than any limit */
    uint64_t needed = (uint64_t)size + BASE_HEADER_BYTES;
    if (needed >= BASE_MAP_THRESHOLD) {
        struct base_header *chunk = hm_mmap(NULL, needed, PROT_READ | PROT_WRITE,
                                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (chunk == MAP_FAILED)
            return NULL;
        *chunk = (struct base_header){ .chunk_bytes = needed, .mapped = 1 };
        return (char *)chunk + BASE_HEADER_BYTES;
    }
    unsigned class_index = base_class_of(needed);
    struct base_free_chunk *chunk = base_free_lists[class_index];
    if (chunk != NULL) {
        base_free_lists[class_index] = chunk->next;
    } else {
        chunk = hm_sbrk((intptr_t)((uint64_t)1 << class_index));
        if (chunk == (void *)-1)
            return NULL;
    }
    chunk->header = (struct base_header){ .chunk_bytes = (uint64_t)1 << class_index, .mapped = 0 };
    return (char *)chunk + BASE_HEADER_BYTES;
}

static void base_free(void *ptr)
{
    if (ptr == NULL)
        return;
    struct base_header *header = base_header_of(ptr);
    if (header->mapped) {
        hm_munmap(header, header->chunk_bytes);
        return;
    }
    struct base_free_chunk *chunk = (struct base_free_chunk *)header;
    unsigned class_index = base_class_of(header->chunk_bytes);
    chunk->next = base_free_lists[class_index];
    base_free_lists[class_index] = chunk;
}

static size_t base_usable_bytes(void *ptr)
{
    return base_header_of(ptr)->chunk_bytes - BASE_HEADER_BYTES;
}

static void *base_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return base_malloc(size);
    if (size == 0) {
        base_free(ptr);
        return NULL;
    }
    size_t usable = base_usable_bytes(ptr);
    if (size <= usable && !base_header_of(ptr)->mapped)
        return ptr;
    void *moved = base_malloc(size);
    if (moved == NULL)
        return NULL;
    memcpy(moved, ptr, usable < size ? usable : size);
    base_free(ptr);
    return moved;
}

static void *base_calloc(size_t nmemb, size_t size)
{
    if (nmemb != 0 && size > SIZE_MAX / nmemb)
        return NULL;
    void *block = base_malloc(nmemb * size);
    if (block != NULL)
        memset(block, 0, nmemb * size);
    return block;
}

/* Every heap chunk's size is a power of two from 32 bytes, and they tile the heap. */
static int base_check(void)
{
    if (base_heap_start == NULL)
        return 0;
    char *end = hm_sbrk(0);
    for (char *at = base_heap_start; at < end;) {
        uint64_t bytes = ((struct base_header *)at)->chunk_bytes;
        if (bytes < 32 || (bytes & (bytes - 1)) != 0 || bytes > (uint64_t)(end - at)) {
            fprintf(stderr, "base_check: chunk at heap+%#lx has size %llu\n",
                    (unsigned long)(at - base_heap_start), (unsigned long long)bytes);
            return 1;
        }
        at += bytes;
    }
    return 0;
}

/* Every free list's chunks lie in the heap, start where chunks may, hold the size of their list,
 * and end (no cycle): the lists alone, not the heap's tiling (the grader's checker tests grade
 * a checker that knows only these). Inline: most test allocators do not use it. */
static inline int base_check_free_lists(void)
{
    char *end = hm_sbrk(0);
    uint64_t chunks_at_most = base_heap_start == NULL ? 0 : (uint64_t)(end - base_heap_start) / 32;
    for (unsigned class_index = 0; class_index < BASE_CLASSES; class_index++) {
        uint64_t seen = 0;
        for (struct base_free_chunk *chunk = base_free_lists[class_index]; chunk != NULL; chunk = chunk->next) {
            char *at = (char *)chunk;
            if (at < base_heap_start || at >= end || (uintptr_t)(at - base_heap_start) % 32 != 0 ||
                chunk->header.chunk_bytes != ((uint64_t)1 << class_index) || ++seen > chunks_at_most) {
                fprintf(stderr, "base_check_free_lists: list %u: a bad chunk at %p\n", class_index, (void *)chunk);
                return 1;
            }
        }
    }
    return 0;
}

#endif /* BASE_H */
