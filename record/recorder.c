/*
 * recorder.c: the recorder library. build/record preloads it into a program (LD_PRELOAD); every
 * allocation call the program makes still goes to the C library's allocator, and is written to
 * the call log (log.h) as it returns.
 *
 * The rules:
 *   1. Each function forwards to the C library's, found with dlsym(RTLD_NEXT) on the first call.
 *      dlsym may allocate: a call made before the C library's functions are known is served
 *      from a small static buffer, never recorded and never given to the C library (free
 *      ignores such blocks; realloc moves them to a real block).
 *   2. A call is recorded under one lock per process, held across the real call and its record,
 *      so that the log has the calls in the order they took effect: a block one thread frees
 *      and another thread gets back from malloc is freed first in the log.
 *   3. A call made while its thread is already inside the recorder (the recorder's own set-up
 *      allocating, a signal handler that allocates during a call) goes to the C library
 *      unrecorded: the lock is never taken twice.
 *   4. Only calls that change the heap are recorded: a call that fails (NULL, or an error
 *      number) is counted in the log's header and leaves nothing else, free(NULL) is nothing.
 *   5. A forked child records nothing (pthread_atfork): its heap is a copy of its parent's,
 *      which a trace of one heap cannot hold beside the parent's.
 *   6. Without --follow the library takes itself out of LD_PRELOAD and blanks the log's name in
 *      the environment as it starts, so that no program started from this one is recorded. With
 *      --follow it leaves both: every program started below this one (exec'd by it, or by a
 *      forked child) loads the library, takes an image number of its own, and records into the
 *      same log.
 *
 * Cost of a recorded call, beside the C library's: a lock and an unlock (uncontended: an atomic
 * instruction each) and a 32-byte store into a shared mapping of the log; every 2048 calls, a
 * new chunk (open, fallocate, mmap, close, munmap). No allocation, no stdio.
 *
 * Built without the sanitizers whatever the rest is built with: a sanitizer's run-time must
 * come first in a process and replaces malloc itself.
 */
#include "log.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The library is built with -fvisibility=hidden: only the functions it replaces are exported. */
#define EXPORTED __attribute__((visibility("default")))

/* ---- the C library's functions (rule 1) ------------------------------------------------- */

static struct {
    void *(*malloc)(size_t bytes);
    void *(*calloc)(size_t count, size_t bytes);
    void *(*realloc)(void *block, size_t bytes);
    void (*free)(void *block);
    int (*posix_memalign)(void **block, size_t alignment, size_t bytes);
    void *(*aligned_alloc)(size_t alignment, size_t bytes);
    void *(*memalign)(size_t alignment, size_t bytes);
    void *(*valloc)(size_t bytes);
    void *(*pvalloc)(size_t bytes);
    size_t (*malloc_usable_size)(void *block);
} real;

enum { UNRESOLVED, RESOLVING, READY };
static atomic_int state = UNRESOLVED;
static size_t page_bytes;

/* ---- the recording (rules 2 to 6) ------------------------------------------------------- */

static struct {
    pthread_mutex_t lock;       /* rule 2: held across each recorded call */
    atomic_bool on;             /* this process records: a log is open, not a forked child */
    struct log_header *header;  /* the log's first page, shared */
    struct log_record *chunk;   /* the chunk being filled, NULL before the first */
    uint32_t used;              /* records of chunk used */
    uint32_t image;             /* this program image's number */
    char path[4096];            /* the log's path, to map each new chunk */
} recorder = { .lock = PTHREAD_MUTEX_INITIALIZER, .used = LOG_CHUNK_RECORDS };

/* Rule 3: this thread is inside the recorder. Initial-exec: a thread's first access must not
 * call the loader, which may allocate. */
static _Thread_local bool busy __attribute__((tls_model("initial-exec")));

/* A message on stderr without stdio, which allocates. */
static void say(const char *first, const char *second, const char *third)
{
    const char *parts[] = { "heapkit recorder: ", first, second, third, "\n" };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (parts[i] != NULL && write(STDERR_FILENO, parts[i], strlen(parts[i])) < 0)
            return;
}

/* Map chunk `index` of the log, with room on the disk for it first: a full disk then stops the
 * recording here, where a page written into a mapping with no room behind it would kill the
 * program (SIGBUS). A file system without fallocate gets its room as pages are written. The
 * pages are mapped at once (MAP_POPULATE): one page fault for each would cost the program
 * more than the records themselves. */
static struct log_record *map_chunk(uint64_t index)
{
    off_t offset = (off_t)(LOG_HEADER_BYTES + index * LOG_CHUNK_BYTES);
    int fd = open(recorder.path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    void *chunk = MAP_FAILED;
    struct stat status; /* a page past the file's end would kill the program (SIGBUS) too */
    bool inside = fstat(fd, &status) == 0 && status.st_size >= offset + LOG_CHUNK_BYTES;
    if (inside && (fallocate(fd, FALLOC_FL_KEEP_SIZE, offset, LOG_CHUNK_BYTES) == 0 || errno == EOPNOTSUPP))
        chunk = mmap(NULL, LOG_CHUNK_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, offset);
    close(fd); /* the mapping keeps the file; no descriptor is left for the program to trip on */
    return chunk == MAP_FAILED ? NULL : chunk;
}

/* The next chunk for this process. When there is none, this process stops recording. */
static bool take_chunk(void)
{
    struct log_header *header = recorder.header;
    uint64_t index = atomic_fetch_add(&header->next_chunk, 1);
    struct log_record *chunk = index < header->chunk_capacity ? map_chunk(index) : NULL;
    if (chunk == NULL) {
        atomic_store(&header->full, 1);
        atomic_store(&recorder.on, false);
        say("the log is full (or its disk is): the calls from here on are not recorded", NULL, NULL);
        return false;
    }
    if (recorder.chunk != NULL)
        munmap(recorder.chunk, LOG_CHUNK_BYTES);
    recorder.chunk = chunk;
    recorder.used = 0;
    return true;
}

/* Append one record; the caller holds the lock. The kind goes last (log.h). */
static void record(enum log_kind kind, const void *block, uint64_t argument, uint64_t bytes)
{
    if (recorder.used == LOG_CHUNK_RECORDS && !take_chunk())
        return;
    struct log_record *r = &recorder.chunk[recorder.used++];
    r->image = recorder.image;
    r->block = (uintptr_t)block;
    r->argument = argument;
    r->bytes = bytes;
    __atomic_store_n(&r->kind, (uint8_t)kind, __ATOMIC_RELEASE);
}

/* Rule 4: a failed call leaves a count. */
static void count_failure(void)
{
    atomic_fetch_add(&recorder.header->failed_calls, 1);
}

/* Whether this call is recorded; if so, the lock is held until finish(). */
static bool begin(void)
{
    if (busy || !atomic_load_explicit(&recorder.on, memory_order_relaxed))
        return false;
    busy = true;
    pthread_mutex_lock(&recorder.lock);
    return true;
}

static void finish(void)
{
    pthread_mutex_unlock(&recorder.lock);
    busy = false;
}

/* Rule 5. */
static void stop_in_child(void)
{
    atomic_store(&recorder.on, false);
}

/* Open the log named in the environment; without one, the program runs unrecorded. */
static void open_log(void)
{
    const char *path = getenv(LOG_PATH_VARIABLE);
    if (path == NULL || path[0] == '\0')
        return;
    size_t length = strlen(path);
    if (length >= sizeof recorder.path) {
        say("the log's path is too long: ", LOG_PATH_VARIABLE, "; not recording");
        return;
    }
    memcpy(recorder.path, path, length + 1);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        say("cannot open the log ", path, ": not recording");
        return;
    }
    struct stat status;
    void *page = MAP_FAILED;
    if (fstat(fd, &status) == 0 && status.st_size >= LOG_HEADER_BYTES) /* else reading it is SIGBUS */
        page = mmap(NULL, LOG_HEADER_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (page == MAP_FAILED) {
        say("cannot map the log ", path, ": not recording");
        return;
    }
    struct log_header *header = page;
    if (header->magic != LOG_MAGIC || header->version != LOG_VERSION || header->chunk_bytes != LOG_CHUNK_BYTES) {
        munmap(page, LOG_HEADER_BYTES);
        say(path, " is not a log of this recorder (another version?): not recording", NULL);
        return;
    }
    recorder.header = header;
    recorder.image = atomic_fetch_add(&header->images, 1);
    atomic_store(&recorder.on, true);
}

/* Find one of the C library's functions; the pointer is copied, as POSIX says to for dlsym. */
static void find(const char *name, void *function_pointer)
{
    void *symbol = dlsym(RTLD_NEXT, name);
    memcpy(function_pointer, &symbol, sizeof symbol);
}

/* Rule 1: the first call resolves the C library's functions, opens the log and registers the
 * fork handler; calls made meanwhile (dlsym's own, another thread's) are served early. Returns
 * whether the real functions may be called. */
static __attribute__((noinline)) bool start(void)
{
    int expected = UNRESOLVED;
    if (!atomic_compare_exchange_strong(&state, &expected, RESOLVING))
        return expected == READY;
    find("malloc", &real.malloc);
    find("calloc", &real.calloc);
    find("realloc", &real.realloc);
    find("free", &real.free);
    find("posix_memalign", &real.posix_memalign);
    find("aligned_alloc", &real.aligned_alloc);
    find("memalign", &real.memalign);
    find("valloc", &real.valloc);
    find("pvalloc", &real.pvalloc);
    find("malloc_usable_size", &real.malloc_usable_size);
    if (real.malloc == NULL || real.calloc == NULL || real.realloc == NULL || real.free == NULL) {
        say("the C library's malloc, calloc, realloc or free cannot be found", NULL, NULL);
        abort();
    }
    page_bytes = (size_t)getpagesize();
    bool was_busy = busy;
    busy = true; /* rule 3: what pthread_atfork allocates is its own, not the program's */
    atomic_store_explicit(&state, READY, memory_order_release);
    open_log();
    pthread_atfork(NULL, NULL, stop_in_child);
    busy = was_busy;
    return true;
}

static inline bool ready(void)
{
    return atomic_load_explicit(&state, memory_order_acquire) == READY || start();
}

/* ---- the early buffer (rule 1) ---------------------------------------------------------- */

enum { EARLY_BYTES = 64 * 1024, EARLY_HEADER_BYTES = 16, EARLY_ALIGNMENT = 16 };
static _Alignas(EARLY_ALIGNMENT) unsigned char early_buffer[EARLY_BYTES];
static atomic_size_t early_used; /* bytes of early_buffer handed out */

static bool is_early(const void *block)
{
    uintptr_t address = (uintptr_t)block;
    return address >= (uintptr_t)early_buffer && address < (uintptr_t)early_buffer + EARLY_BYTES;
}

/* The smallest power of two that is at least `alignment` (1 for 0); 2^63 when none fits. */
static uint64_t power_of_two_at_least(uint64_t alignment)
{
    uint64_t power = 1;
    while (power < alignment && power < (UINT64_C(1) << 63))
        power <<= 1;
    return power;
}

/* `bytes` at `alignment` from the early buffer, its size in the 16 bytes before it; zeroed (the
 * buffer is never reused). NULL (ENOMEM) when it does not fit. */
static void *early_alloc(size_t bytes, size_t alignment)
{
    alignment = power_of_two_at_least(alignment < EARLY_ALIGNMENT ? EARLY_ALIGNMENT : alignment);
    uintptr_t base = (uintptr_t)early_buffer;
    size_t used = atomic_load(&early_used);
    for (;;) {
        uintptr_t payload = (base + used + EARLY_HEADER_BYTES + alignment - 1) & ~(uintptr_t)(alignment - 1);
        size_t end = payload - base;
        if (end > EARLY_BYTES || bytes > EARLY_BYTES - end) {
            errno = ENOMEM;
            return NULL;
        }
        if (atomic_compare_exchange_weak(&early_used, &used, end + bytes)) {
            memcpy((void *)(payload - EARLY_HEADER_BYTES), &bytes, sizeof bytes);
            return (void *)payload;
        }
    }
}

static size_t early_bytes(const void *block)
{
    size_t bytes;
    memcpy(&bytes, (const unsigned char *)block - EARLY_HEADER_BYTES, sizeof bytes);
    return bytes;
}

/* ---- the functions a program calls ------------------------------------------------------ */

/* The end of a recorded call that returns a block: recorded, or counted when it failed. */
static void finish_allocation(enum log_kind kind, const void *block, uint64_t argument, uint64_t bytes)
{
    if (block != NULL)
        record(kind, block, argument, bytes);
    else
        count_failure();
    finish();
}

EXPORTED void *malloc(size_t bytes)
{
    if (!ready())
        return early_alloc(bytes, EARLY_ALIGNMENT);
    if (!begin())
        return real.malloc(bytes);
    void *block = real.malloc(bytes);
    finish_allocation(LOG_MALLOC, block, 0, bytes);
    return block;
}

EXPORTED void *calloc(size_t count, size_t bytes)
{
    if (!ready()) {
        if (bytes != 0 && count > SIZE_MAX / bytes) {
            errno = ENOMEM;
            return NULL;
        }
        return early_alloc(count * bytes, EARLY_ALIGNMENT);
    }
    if (!begin())
        return real.calloc(count, bytes);
    void *block = real.calloc(count, bytes);
    finish_allocation(LOG_CALLOC, block, count, bytes);
    return block;
}

EXPORTED void free(void *block)
{
    if (block == NULL || is_early(block) || !ready())
        return; /* free(NULL) is nothing; an early block is never the C library's */
    if (!begin()) {
        real.free(block);
        return;
    }
    real.free(block);
    record(LOG_FREE, block, 0, 0);
    finish();
}

/* realloc of a recorded or an unrecorded call alike. glibc's realloc(p, 0) frees p and returns
 * NULL: recorded as it happened (log.h). */
static void *reallocate(void *old, size_t bytes)
{
    if (!begin())
        return real.realloc(old, bytes);
    void *block = real.realloc(old, bytes);
    if (block != NULL || (old != NULL && bytes == 0))
        record(LOG_REALLOC, block, (uintptr_t)old, bytes);
    else
        count_failure();
    finish();
    return block;
}

/* An early block moves to a block of the C library's, as a malloc; the early one stays. */
static void *reallocate_early(void *old, size_t bytes)
{
    void *block = malloc(bytes);
    size_t old_bytes = early_bytes(old);
    if (block != NULL)
        memcpy(block, old, old_bytes < bytes ? old_bytes : bytes);
    return block;
}

EXPORTED void *realloc(void *old, size_t bytes)
{
    if (is_early(old))
        return reallocate_early(old, bytes);
    if (!ready())
        return early_alloc(bytes, EARLY_ALIGNMENT); /* old is NULL: nothing else exists yet */
    return reallocate(old, bytes);
}

/* glibc's reallocarray is its own realloc after the same check, which a program's realloc would
 * not see: the check here, the realloc above. */
EXPORTED void *reallocarray(void *old, size_t count, size_t bytes)
{
    if (bytes != 0 && count > SIZE_MAX / bytes) {
        if (ready() && atomic_load(&recorder.on))
            count_failure();
        errno = ENOMEM;
        return NULL;
    }
    return realloc(old, count * bytes); // NOLINT(clang-analyzer-optin.portability.UnixAPI): 0 bytes frees, as glibc's does
}

/* A function the C library lacks (a C library other than glibc): it fails as out of memory. */
static void *missing(void)
{
    errno = ENOMEM;
    return NULL;
}

/* The aligned functions share this end. `alignment` is what the C library applied: a power
 * of two (memalign and glibc's aligned_alloc round others up). */
static void *finish_aligned(void *block, size_t alignment, size_t bytes)
{
    finish_allocation(LOG_ALIGNED, block, power_of_two_at_least(alignment), bytes);
    return block;
}

EXPORTED int posix_memalign(void **block, size_t alignment, size_t bytes)
{
    if (!ready()) {
        if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment % sizeof(void *) != 0)
            return EINVAL;
        *block = early_alloc(bytes, alignment);
        return *block != NULL ? 0 : ENOMEM;
    }
    if (real.posix_memalign == NULL)
        return ENOMEM;
    if (!begin())
        return real.posix_memalign(block, alignment, bytes);
    int error = real.posix_memalign(block, alignment, bytes);
    if (error == 0)
        record(LOG_ALIGNED, *block, alignment, bytes);
    else
        count_failure();
    finish();
    return error;
}

EXPORTED void *aligned_alloc(size_t alignment, size_t bytes)
{
    if (!ready())
        return early_alloc(bytes, alignment);
    if (real.aligned_alloc == NULL)
        return missing();
    if (!begin())
        return real.aligned_alloc(alignment, bytes);
    return finish_aligned(real.aligned_alloc(alignment, bytes), alignment, bytes);
}

EXPORTED void *memalign(size_t alignment, size_t bytes)
{
    if (!ready())
        return early_alloc(bytes, alignment);
    if (real.memalign == NULL)
        return missing();
    if (!begin())
        return real.memalign(alignment, bytes);
    return finish_aligned(real.memalign(alignment, bytes), alignment, bytes);
}

EXPORTED void *valloc(size_t bytes)
{
    if (!ready())
        return early_alloc(bytes, (size_t)getpagesize());
    if (real.valloc == NULL)
        return missing();
    if (!begin())
        return real.valloc(bytes);
    return finish_aligned(real.valloc(bytes), page_bytes, bytes);
}

/* pvalloc's request is a whole number of pages, as its contract says. */
EXPORTED void *pvalloc(size_t bytes)
{
    if (!ready())
        return early_alloc(bytes, (size_t)getpagesize());
    if (real.pvalloc == NULL)
        return missing();
    if (!begin())
        return real.pvalloc(bytes);
    size_t pages_bytes = bytes > SIZE_MAX - (page_bytes - 1) ? bytes : (bytes + page_bytes - 1) & ~(page_bytes - 1);
    return finish_aligned(real.pvalloc(bytes), page_bytes, pages_bytes);
}

/* Not an allocation: here only because the C library cannot measure an early block. */
EXPORTED size_t malloc_usable_size(void *block)
{
    if (block == NULL)
        return 0;
    if (is_early(block))
        return early_bytes(block);
    return ready() && real.malloc_usable_size != NULL ? real.malloc_usable_size(block) : 0;
}

/* ---- the environment (rule 6) ----------------------------------------------------------- */

/* Take the entry `name` out of the LD_PRELOAD list `list` (entries separated by ':' or ' '),
 * in place: the environment's strings are the process's own, and changing them in place
 * allocates nothing. */
static void remove_entry(char *list, const char *name)
{
    size_t name_length = strlen(name);
    for (char *at = list; (at = strstr(at, name)) != NULL; at++) {
        bool starts = at == list || at[-1] == ':' || at[-1] == ' ';
        char after = at[name_length];
        if (!starts || (after != '\0' && after != ':' && after != ' '))
            continue;
        size_t cut = name_length + (after != '\0'); /* the entry and its separator */
        memmove(at, at + cut, strlen(at + cut) + 1);
        return;
    }
}

static void keep_children_unrecorded(void)
{
    Dl_info self;
    char *preload = getenv("LD_PRELOAD");
    if (preload != NULL && dladdr(&recorder, &self) != 0 && self.dli_fname != NULL)
        remove_entry(preload, self.dli_fname);
    char *log = getenv(LOG_PATH_VARIABLE);
    if (log != NULL)
        log[0] = '\0'; /* should a program put the library back, it records nothing */
}

/* Before the program's main, before it can start another program. */
__attribute__((constructor)) static void at_load(void)
{
    ready();
    const char *follow = getenv(LOG_FOLLOW_VARIABLE);
    if (follow == NULL || strcmp(follow, "1") != 0)
        keep_children_unrecorded();
}
