/*
 * entry.c: the C library's allocation functions, served by a heapkit stage (see shim.h).
 *
 * Rules:
 *   1. One lock around every call: a stage is single-threaded.
 *   2. The stage never runs inside itself. A call made while this thread is already inside one
 *      (a stage's fprintf, a signal handler) is served from a small arena of its own (fallback),
 *      whose blocks are never given back; free and realloc know them by their address.
 *   3. Set up on the first call, not in a constructor: the dynamic loader and the C library
 *      allocate before any constructor runs.
 *   4. Every block the program holds is in the table (blocks.h), found from the program's
 *      pointer, with the size it asked for; the table is updated before the stage frees, so a
 *      stage that gives memory back is checked against the blocks still live.
 *   5. Aligned blocks (alignment over 16) are asked of the stage with alignment - 16 bytes more,
 *      and the aligned pointer inside is given; the table knows the stage's pointer to free.
 *   6. fork: the lock is taken before and released in both processes, so the child gets a
 *      heap no call was changing; the child counts its calls from zero.
 */
#include "shim.h"

#include "blocks.h"
#include "heapmgr.h"
#include "sysmem.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The C library's names, given to the program (everything else in the library is hidden). */
#define EXPORTED __attribute__((visibility("default")))

/* Where a process may run on the stage with no limit given: the replay's default. */
static const uint64_t DEFAULT_LIMIT_BYTES = (uint64_t)4 << 30;

struct shim_settings shim_settings;
struct shim_call shim_call;
uint64_t shim_calls[RUN_CALL_KINDS];
uint64_t shim_unknown_frees;
bool shim_forked;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool ready;           /* set up: the heap reserved, the table made */
static bool settings_read;
static uint64_t call_number; /* the calls so far in this process */

/* Is this thread inside a call? initial-exec: reading it must not call anything (the general
 * model may call __tls_get_addr, which may allocate). */
static _Thread_local bool inside __attribute__((tls_model("initial-exec")));

bool shim_inside_call(void)
{
    return inside;
}

/* ---- rule 2: the fallback arena ------------------------------------------------------------ */

enum { FALLBACK_BYTES = 256 << 10, FALLBACK_HEADER_BYTES = 16 };
static _Alignas(HM_ALIGNMENT) unsigned char fallback[FALLBACK_BYTES];
static size_t fallback_used_bytes;

static bool in_fallback(const void *pointer)
{
    return (uintptr_t)pointer - (uintptr_t)fallback < FALLBACK_BYTES;
}

/* A block of `size` bytes aligned to `alignment` (a power of two), its size in the 8 bytes
 * before it; NULL (ENOMEM) when the arena is spent. */
static void *fallback_allocate(size_t size, size_t alignment)
{
    if (alignment < HM_ALIGNMENT)
        alignment = HM_ALIGNMENT;
    size_t cursor = __atomic_load_n(&fallback_used_bytes, __ATOMIC_RELAXED);
    for (;;) {
        uintptr_t start = (uintptr_t)fallback + cursor + FALLBACK_HEADER_BYTES;
        start = (start + alignment - 1) & ~(uintptr_t)(alignment - 1);
        size_t offset = start - (uintptr_t)fallback;
        if (offset > FALLBACK_BYTES || size > FALLBACK_BYTES - offset) {
            errno = ENOMEM;
            return NULL;
        }
        size_t end = (offset + size + HM_ALIGNMENT - 1) & ~(size_t)(HM_ALIGNMENT - 1);
        if (__atomic_compare_exchange_n(&fallback_used_bytes, &cursor, end, false, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED)) {
            memcpy((void *)(start - sizeof(size_t)), &size, sizeof size);
            return (void *)start;
        }
    }
}

static size_t fallback_size(const void *block)
{
    size_t size;
    memcpy(&size, (const char *)block - sizeof size, sizeof size);
    return size;
}

/* ---- rules 1 and 3: the lock and the first call ----------------------------------------- */

/* Read once the environment is there (a call before the C library set it up reads nothing). */
static void read_settings(void)
{
    if (settings_read)
        return;
    extern char **environ;
    settings_read = environ != NULL;
    const char *stage = getenv(RUN_ENV_STAGE);
    const char *check = getenv(RUN_ENV_CHECK);
    const char *limit = getenv(RUN_ENV_LIMIT);
    shim_settings.stage = stage != NULL && *stage != '\0' ? stage : "the stage";
    shim_settings.check = check != NULL && strcmp(check, "1") == 0;
    shim_settings.limit_bytes = limit != NULL ? strtoull(limit, NULL, 10) : 0;
    if (shim_settings.limit_bytes == 0)
        shim_settings.limit_bytes = DEFAULT_LIMIT_BYTES;
    shim_settings.stats_path = getenv(RUN_ENV_STATS);
}

static void set_up(void)
{
    read_settings();
    if (sysmem_init(shim_settings.limit_bytes) != 0 || blocks_init() != 0) {
        char message[256];
        snprintf(message, sizeof message, "heapkit run: %s: cannot reserve %llu bytes of address space for "
                 "the heap (build/run --limit SIZE asks for less)\n", shim_settings.stage,
                 (unsigned long long)shim_settings.limit_bytes);
        ending_stop(ENDED_SETUP_FAILED, "the heap's address space could not be reserved", message);
    }
    if (shim_settings.check)
        check_init();
    ready = true;
}

/* Enter a call: false when this thread is inside one already (rule 2). */
static bool enter(void)
{
    if (inside)
        return false;
    inside = true;
    pthread_mutex_lock(&lock);
    if (!ready)
        set_up();
    return true;
}

static void leave(void)
{
    pthread_mutex_unlock(&lock);
    inside = false;
}

static void begin_call(enum run_call kind, const char *name, const void *pointer, uint64_t size)
{
    shim_calls[kind]++;
    shim_call = (struct shim_call){ .name = name, .pointer = (uintptr_t)pointer, .size = size,
                                    .number = ++call_number };
}

void shim_describe_call(char *out, size_t out_size)
{
    const struct shim_call *c = &shim_call;
    char pointer[96];
    sysmem_describe(c->pointer, pointer, sizeof pointer);
    if (c->name == NULL)
        snprintf(out, out_size, "no call yet");
    else if (strcmp(c->name, "free") == 0)
        snprintf(out, out_size, "free(%s)", pointer);
    else if (strcmp(c->name, "realloc") == 0 || strcmp(c->name, "reallocarray") == 0)
        snprintf(out, out_size, "%s(%s, %llu bytes)", c->name, pointer, (unsigned long long)c->size);
    else if (strcmp(c->name, "calloc") == 0)
        snprintf(out, out_size, "calloc(%llu, %llu)", (unsigned long long)c->nmemb, (unsigned long long)c->size);
    else if (c->alignment != 0)
        snprintf(out, out_size, "%s(alignment %llu, %llu bytes)", c->name, (unsigned long long)c->alignment,
                 (unsigned long long)c->size);
    else
        snprintf(out, out_size, "%s(%llu)", c->name, (unsigned long long)c->size);
}

/* ---- rules 4 and 5: blocks from the stage --------------------------------------------------- */

/* hm_malloc, with malloc(0) asked again as malloc(1) when the stage answers it with NULL (which
 * heapmgr.h allows): many programs take NULL for "out of memory" whatever they asked. */
static void *stage_malloc(size_t *stage_bytes)
{
    void *block = hm_malloc(*stage_bytes);
    if (block == NULL && *stage_bytes == 0) {
        *stage_bytes = 1;
        block = hm_malloc(1);
    }
    return block;
}

/* Give the program the stage's block (checked with --check, entered in the table): the pointer
 * aligned to `alignment` inside it, for `requested` bytes. A NULL block is passed on with
 * errno = ENOMEM (checked: was the memory really not there?). */
static void *adopt(void *stage_block, uint64_t stage_bytes, uint64_t requested, size_t alignment,
                   uint64_t enomem_before)
{
    if (stage_block == NULL) {
        if (shim_settings.check)
            check_null(stage_bytes, enomem_before);
        errno = ENOMEM;
        return NULL;
    }
    uintptr_t stage_pointer = (uintptr_t)stage_block, pointer = stage_pointer;
    if (alignment > HM_ALIGNMENT)
        pointer = (stage_pointer + alignment - 1) & ~(uintptr_t)(alignment - 1);
    if (shim_settings.check)
        check_block(stage_pointer, stage_bytes, pointer, requested);
    struct block block = { .stage_pointer = stage_pointer, .pointer = pointer, .requested_bytes = requested };
    if (blocks_add(&block) != 0) {
        hm_free(stage_block);
        errno = ENOMEM;
        return NULL;
    }
    return (void *)pointer;
}

static void *allocate(size_t size)
{
    size_t stage_bytes = size;
    uint64_t enomem_before = sysmem_enomem();
    void *stage_block = stage_malloc(&stage_bytes);
    return adopt(stage_block, stage_bytes, size, HM_ALIGNMENT, enomem_before);
}

/* Rule 5. alignment: a power of two. */
static void *allocate_aligned(size_t alignment, size_t size)
{
    if (alignment <= HM_ALIGNMENT)
        return allocate(size);
    size_t extra = alignment - HM_ALIGNMENT;
    if (alignment > BLOCKS_MOST_ALIGNMENT_OFFSET || size > SIZE_MAX - extra) {
        errno = ENOMEM;
        return NULL;
    }
    size_t stage_bytes = size + extra;
    uint64_t enomem_before = sysmem_enomem();
    void *stage_block = stage_malloc(&stage_bytes);
    return adopt(stage_block, stage_bytes, size, alignment, enomem_before);
}

/* Rule 4: out of the table first, then to the stage. */
static void release(const struct block *block)
{
    blocks_remove(block);
    hm_free((void *)block->stage_pointer);
}

static void *resize(void *pointer, size_t size)
{
    if (pointer == NULL)
        return allocate(size);
    if (in_fallback(pointer)) { /* from a call inside a call: moved onto the stage */
        void *moved = allocate(size);
        if (moved != NULL)
            memcpy(moved, pointer, size < fallback_size(pointer) ? size : fallback_size(pointer));
        return moved;
    }
    struct block old;
    if (!blocks_find((uintptr_t)pointer, &old))
        ending_unknown_pointer(); /* how many bytes to keep is not known: nothing safe to do */
    if (old.pointer != old.stage_pointer) { /* aligned: the stage knows another pointer */
        if (size == 0) {
            release(&old);
            return NULL;
        }
        void *moved = allocate(size);
        if (moved != NULL) {
            memcpy(moved, pointer, size < old.requested_bytes ? size : old.requested_bytes);
            release(&old);
        }
        return moved;
    }
    struct check_kept kept;
    if (shim_settings.check)
        check_keep(&kept, pointer, size < old.requested_bytes ? size : old.requested_bytes);
    blocks_remove(&old);
    uint64_t enomem_before = sysmem_enomem();
    void *moved = hm_realloc(pointer, size);
    if (moved == NULL && size == 0)
        return NULL; /* realloc(p, 0) freed p */
    if (moved == NULL) {
        blocks_add(&old); /* still live: its node was just given back, so there is room */
        if (shim_settings.check)
            check_null(size, enomem_before);
        errno = ENOMEM;
        return NULL;
    }
    if (shim_settings.check)
        check_kept(&kept, moved);
    return adopt(moved, size, size, HM_ALIGNMENT, enomem_before);
}

/* ---- the C library's functions ----------------------------------------------------------- */

EXPORTED void *malloc(size_t size)
{
    if (!enter())
        return fallback_allocate(size, HM_ALIGNMENT);
    begin_call(CALL_MALLOC, "malloc", NULL, size);
    void *block = allocate(size);
    leave();
    return block;
}

EXPORTED void free(void *pointer)
{
    if (in_fallback(pointer) || !enter())
        return; /* rule 2: a fallback block, or a free inside a call, is left where it is */
    begin_call(CALL_FREE, "free", pointer, 0);
    struct block block;
    if (pointer == NULL)
        hm_free(NULL); /* free(NULL) does nothing: the stage is asked, as heapmgr.h says it may be */
    else if (blocks_find((uintptr_t)pointer, &block))
        release(&block);
    else if (shim_settings.check)
        ending_unknown_pointer();
    else
        shim_unknown_frees++; /* a double free or a wild pointer: kept from the stage */
    leave();
}

EXPORTED void *calloc(size_t nmemb, size_t size)
{
    bool overflows = nmemb != 0 && size > SIZE_MAX / nmemb;
    if (!enter()) {
        if (overflows) {
            errno = ENOMEM;
            return NULL;
        }
        void *block = fallback_allocate(nmemb * size, HM_ALIGNMENT);
        if (block != NULL)
            memset(block, 0, nmemb * size);
        return block;
    }
    begin_call(CALL_CALLOC, "calloc", NULL, size);
    shim_call.nmemb = nmemb;
    void *block;
    if (overflows) {
        block = NULL; /* heapmgr.h's hm_calloc returns NULL too: not asked, so never misread */
        errno = ENOMEM;
    } else {
        uint64_t enomem_before = sysmem_enomem();
        size_t bytes = nmemb * size, stage_bytes = bytes;
        void *stage_block = hm_calloc(nmemb, size);
        if (stage_block == NULL && bytes == 0) {
            stage_bytes = 1;
            stage_block = hm_calloc(1, 1);
        }
        block = adopt(stage_block, stage_bytes, bytes, HM_ALIGNMENT, enomem_before);
        if (block != NULL && shim_settings.check)
            check_zeroed(block, bytes);
    }
    leave();
    return block;
}

/* realloc and reallocarray, as `name`. */
static void *reallocate(const char *name, void *pointer, size_t size)
{
    if (!enter()) {
        void *moved = fallback_allocate(size, HM_ALIGNMENT);
        if (moved != NULL && pointer != NULL) {
            struct block old = { .requested_bytes = in_fallback(pointer) ? fallback_size(pointer) : 0 };
            if (!in_fallback(pointer))
                blocks_find((uintptr_t)pointer, &old); /* read only: the table is the lock holder's */
            memcpy(moved, pointer, size < old.requested_bytes ? size : old.requested_bytes);
        }
        return moved;
    }
    begin_call(CALL_REALLOC, name, pointer, size);
    void *moved = resize(pointer, size);
    leave();
    return moved;
}

EXPORTED void *realloc(void *pointer, size_t size)
{
    return reallocate("realloc", pointer, size);
}

EXPORTED void *reallocarray(void *pointer, size_t nmemb, size_t size)
{
    if (nmemb != 0 && size > SIZE_MAX / nmemb) {
        errno = ENOMEM;
        return NULL;
    }
    return reallocate("reallocarray", pointer, nmemb * size);
}

/* The aligned functions, once their alignment is known to be a power of two. */
static void *aligned(const char *name, size_t alignment, size_t size)
{
    if (!enter())
        return fallback_allocate(size, alignment);
    begin_call(CALL_ALIGNED, name, NULL, size);
    shim_call.alignment = alignment;
    void *block = allocate_aligned(alignment, size);
    leave();
    return block;
}

static bool is_power_of_two(size_t n)
{
    return n != 0 && (n & (n - 1)) == 0;
}

EXPORTED int posix_memalign(void **out, size_t alignment, size_t size)
{
    if (!is_power_of_two(alignment) || alignment % sizeof(void *) != 0)
        return EINVAL;
    int saved_errno = errno; /* posix_memalign reports through its result, errno untouched */
    void *block = aligned("posix_memalign", alignment, size);
    errno = saved_errno;
    if (block == NULL)
        return ENOMEM;
    *out = block;
    return 0;
}

EXPORTED void *aligned_alloc(size_t alignment, size_t size)
{
    if (!is_power_of_two(alignment)) {
        errno = EINVAL;
        return NULL;
    }
    return aligned("aligned_alloc", alignment, size);
}

/* memalign rounds an alignment that is no power of two up to one, as the C library does. */
EXPORTED void *memalign(size_t alignment, size_t size)
{
    if (alignment > SIZE_MAX / 2 + 1) {
        errno = EINVAL;
        return NULL;
    }
    size_t power = 1;
    while (power < alignment)
        power <<= 1;
    return aligned("memalign", power, size);
}

EXPORTED void *valloc(size_t size)
{
    return aligned("valloc", hm_page_bytes(), size);
}

EXPORTED void *pvalloc(size_t size)
{
    size_t page_bytes = hm_page_bytes();
    if (size > SIZE_MAX - page_bytes) {
        errno = ENOMEM;
        return NULL;
    }
    return aligned("pvalloc", page_bytes, (size + page_bytes - 1) & ~(page_bytes - 1));
}

/* The bytes the program asked for: all it may count on. (The stage's chunk may hold more, but a
 * stage's header cannot be read from outside it; fewer is what malloc_usable_size may say.) */
EXPORTED size_t malloc_usable_size(void *pointer)
{
    if (pointer == NULL)
        return 0;
    if (in_fallback(pointer))
        return fallback_size(pointer);
    if (!enter())
        return 0;
    shim_calls[CALL_USABLE_SIZE]++;
    struct block block;
    size_t bytes = blocks_find((uintptr_t)pointer, &block) ? block.requested_bytes : 0;
    leave();
    return bytes;
}

/* ---- rule 6: fork, and the process's end ------------------------------------------------- */

static void before_fork(void)
{
    pthread_mutex_lock(&lock);
}

static void after_fork_in_parent(void)
{
    pthread_mutex_unlock(&lock);
}

static void after_fork_in_child(void)
{
    pthread_mutex_init(&lock, NULL); /* held by the parent's thread, which the child has not */
    shim_forked = true;
    memset(shim_calls, 0, sizeof shim_calls);
    shim_unknown_frees = 0;
    call_number = 0;
    if (ready) {
        sysmem_restart_counts();
        blocks_restart_peak();
    }
}

__attribute__((constructor)) static void at_load(void)
{
    pthread_atfork(before_fork, after_fork_in_parent, after_fork_in_child);
}

/* The record for build/run: the last thing this library does (a preloaded library's destructor
 * runs after those of the program and of the libraries loaded after it). */
__attribute__((destructor)) static void write_record_at_exit(void)
{
    bool locked = !inside;
    if (locked)
        pthread_mutex_lock(&lock);
    read_settings();
    ending_write_record(ENDED_EXIT, "");
    if (locked)
        pthread_mutex_unlock(&lock);
}
