/*
 * threads.c: several threads allocate, fill, check, resize and free at once, each its own
 * blocks, and hand some to another thread to free (so a block is freed by a thread that did not
 * allocate it). Prints what each thread found, the same on any correct malloc.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { THREADS = 4, ROUNDS = 20000, KEPT = 64, HANDED = 256 };

struct worker {
    unsigned id;
    unsigned long damaged; /* blocks that did not hold their bytes */
    unsigned long misaligned;
    unsigned char *handed[HANDED]; /* blocks left for the next worker to free */
    size_t handed_bytes[HANDED];
};

static struct worker workers[THREADS];

static unsigned char pattern(unsigned id, size_t i)
{
    return (unsigned char)(id * 97 + i * 13);
}

static void fill(unsigned char *block, size_t bytes, unsigned id)
{
    for (size_t i = 0; i < bytes; i++)
        block[i] = pattern(id, i);
}

static int holds(const unsigned char *block, size_t bytes, unsigned id)
{
    for (size_t i = 0; i < bytes; i++)
        if (block[i] != pattern(id, i))
            return 0;
    return 1;
}

/* A block that must be there: the program stops when it is not. */
static void *must(void *block)
{
    if (block == NULL) {
        printf("out of memory\n");
        exit(1);
    }
    return block;
}

static void *work(void *argument)
{
    struct worker *w = argument;
    unsigned char *kept[KEPT] = { 0 };
    size_t kept_bytes[KEPT] = { 0 };
    unsigned seed = w->id + 1;
    for (unsigned round = 0; round < ROUNDS; round++) {
        seed = seed * 1103515245 + 12345;
        unsigned slot = (seed >> 8) % KEPT;
        size_t bytes = (seed >> 16) % 2000;
        if (kept[slot] != NULL) {
            w->damaged += !holds(kept[slot], kept_bytes[slot], w->id);
            if (round % 3 == 0) {
                unsigned char *moved = must(realloc(kept[slot], bytes + 1));
                w->damaged += !holds(moved, kept_bytes[slot] < bytes + 1 ? kept_bytes[slot] : bytes + 1, w->id);
                kept[slot] = moved;
                kept_bytes[slot] = bytes + 1;
                fill(moved, bytes + 1, w->id);
                continue;
            }
            free(kept[slot]);
        }
        kept[slot] = must(round % 5 == 0 ? calloc(1, bytes + 1) : malloc(bytes + 1));
        w->misaligned += (uintptr_t)kept[slot] % 16 != 0;
        kept_bytes[slot] = bytes;
        fill(kept[slot], bytes, w->id);
    }
    for (unsigned slot = 0; slot < KEPT; slot++) {
        if (kept[slot] != NULL)
            w->damaged += !holds(kept[slot], kept_bytes[slot], w->id);
        free(kept[slot]);
    }
    for (unsigned i = 0; i < HANDED; i++) {
        w->handed_bytes[i] = 100 + i;
        w->handed[i] = must(malloc(w->handed_bytes[i]));
        fill(w->handed[i], w->handed_bytes[i], w->id + 100);
    }
    return NULL;
}

/* Free the blocks another worker left, checking them first. */
static void *free_handed(void *argument)
{
    struct worker *w = argument;
    for (unsigned i = 0; i < HANDED; i++) {
        w->damaged += !holds(w->handed[i], w->handed_bytes[i], w->id + 100);
        free(w->handed[i]);
    }
    return NULL;
}

int main(void)
{
    pthread_t threads[THREADS];
    for (unsigned t = 0; t < THREADS; t++) {
        workers[t].id = t;
        pthread_create(&threads[t], NULL, work, &workers[t]);
    }
    for (unsigned t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);
    for (unsigned t = 0; t < THREADS; t++)
        pthread_create(&threads[t], NULL, free_handed, &workers[(t + 1) % THREADS]);
    int failed = 0;
    for (unsigned t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);
    for (unsigned t = 0; t < THREADS; t++) {
        printf("thread %u: %d rounds, %lu damaged blocks, %lu misaligned\n", t, ROUNDS, workers[t].damaged,
               workers[t].misaligned);
        failed |= workers[t].damaged != 0 || workers[t].misaligned != 0;
    }
    return failed;
}
