/*
 * aligned.c: aligned blocks of every power of two from 16 bytes to 1 MiB, from each aligned
 * function, mixed with plain ones, filled, resized, freed in another order. Prints a line per
 * function with what it found, the same on any correct malloc.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { KINDS = 5, MOST_SHIFT = 20, ROUNDS = 3 };
static const char *const NAMES[KINDS] = { "posix_memalign", "aligned_alloc", "memalign", "valloc", "pvalloc" };

static _Noreturn void out_of_memory(const char *name)
{
    printf("%s: out of memory\n", name);
    exit(1);
}

struct taken {
    unsigned char *block;
    size_t bytes;
};

static void *take(int kind, size_t alignment, size_t bytes)
{
    void *block = NULL;
    switch (kind) {
    case 0: return posix_memalign(&block, alignment, bytes) == 0 ? block : NULL;
    case 1: return aligned_alloc(alignment, bytes);
    case 2: return memalign(alignment, bytes);
    case 3: return valloc(bytes);
    default: return pvalloc(bytes);
    }
}

int main(void)
{
    size_t page_bytes = (size_t)sysconf(_SC_PAGESIZE);
    int failed = 0;
    for (int kind = 0; kind < KINDS; kind++) {
        struct taken taken[(MOST_SHIFT - 3) * ROUNDS * 2];
        int count = 0, misaligned = 0, damaged = 0, short_usable = 0;
        for (int round = 0; round < ROUNDS; round++) {
            for (int shift = 4; shift <= MOST_SHIFT; shift++) {
                size_t alignment = kind >= 3 ? page_bytes : (size_t)1 << shift;
                size_t bytes = ((size_t)1 << (shift % 13)) * (size_t)(round + 1) + (size_t)shift;
                unsigned char *block = take(kind, alignment, bytes);
                unsigned char *plain = malloc(bytes / 3 + 1); /* between the aligned ones */
                if (block == NULL || plain == NULL)
                    out_of_memory(NAMES[kind]);
                misaligned += (uintptr_t)block % alignment != 0;
                memset(block, shift + round, bytes);
                short_usable += malloc_usable_size(block) < bytes;
                taken[count++] = (struct taken){ block, bytes };
                memset(plain, 0x5a, bytes / 3 + 1);
                taken[count++] = (struct taken){ plain, bytes / 3 + 1 };
            }
        }
        /* Resize every third, free in another order, checking every byte first. */
        for (int i = 0; i < count; i += 3) {
            unsigned char first = taken[i].block[0];
            unsigned char *moved = realloc(taken[i].block, taken[i].bytes * 2);
            if (moved == NULL)
                out_of_memory(NAMES[kind]);
            for (size_t b = 0; b < taken[i].bytes; b++)
                damaged += moved[b] != first;
            memset(moved + taken[i].bytes, first, taken[i].bytes);
            taken[i] = (struct taken){ moved, taken[i].bytes * 2 };
        }
        for (int i = count - 1; i >= 0; i -= 2) {
            for (size_t b = 0; b < taken[i].bytes; b++)
                damaged += taken[i].block[b] != taken[i].block[0];
            free(taken[i].block);
        }
        for (int i = 0; i < count; i += 2) {
            for (size_t b = 0; b < taken[i].bytes; b++)
                damaged += taken[i].block[b] != taken[i].block[0];
            free(taken[i].block);
        }
        printf("%s: %d blocks, %d misaligned, %d damaged bytes, %d short malloc_usable_size\n", NAMES[kind], count,
               misaligned, damaged, short_usable);
        failed |= misaligned || damaged || short_usable;
    }
    return failed;
}
