/*
 * heap_snapshot.c: taking the heap's picture in the replay child, and reading it back in the
 * runner (see heap_snapshot.h).
 *
 * The stage's hm_walk is optional: it is declared weak here, so a runner whose stage has none
 * (a test allocator, the fence's runner, whose stage lives in another program) links, and
 * draws. The walk runs guarded (isolate_guard): a crash or hm_todo in it ends the walk only,
 * and the snapshot says so. What the walk reports is checked before it is believed: every
 * chunk inside the heap or a mapping, heap chunks in address order and never overlapping;
 * bytes it leaves out are shown as the stage's, and named.
 */
#include "heap_snapshot.h"

#include "heapmgr.h"
#include "hostmem.h"
#include "isolate.h"
#include "simmem.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#pragma weak hm_walk

/* ---- in the replay child: the chunks, as the walk reports them or as drawn --------------- */

static struct {
    struct snapshot_chunk *chunks;
    size_t count, capacity; /* chunks */
    char problem[160];      /* the first thing wrong with what the walk reported: not believed */
    char left_out[160];     /* the first bytes the walk left out: shown as the stage's, and named */
} taken;

static int add_chunk(struct snapshot_chunk chunk)
{
    if (taken.count == taken.capacity) {
        size_t capacity = taken.capacity ? taken.capacity * 2 : 1024;
        if (capacity > SNAPSHOT_MOST_CHUNKS)
            return -1;
        void *grown = host_resize(taken.chunks, taken.capacity * sizeof *taken.chunks, capacity * sizeof *taken.chunks);
        if (grown == NULL)
            return -1;
        taken.chunks = grown;
        taken.capacity = capacity;
    }
    taken.chunks[taken.count++] = chunk;
    return 0;
}

__attribute__((format(printf, 1, 2)))
static void walk_wrong(const char *format, ...)
{
    if (taken.problem[0] != '\0')
        return;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(taken.problem, sizeof taken.problem, format, arguments);
    va_end(arguments);
}

static uint8_t area_of(uintptr_t address)
{
    return simmem_area_of(address) == AREA_MAPPING ? SNAPSHOT_MAPPED : SNAPSHOT_HEAP;
}

/* hm_walk's visitor: one chunk, checked to lie where chunks can. */
static void visit(const struct hm_chunk *chunk, void *context)
{
    (void)context;
    if (taken.problem[0] != '\0')
        return;
    uintptr_t start = (uintptr_t)chunk->start;
    char where[96];
    simmem_describe(start, where, sizeof where);
    if (chunk->bytes == 0 || (!simmem_range_in_heap(start, chunk->bytes) && !simmem_range_in_mapping(start, chunk->bytes))) {
        walk_wrong("hm_walk reported %zu bytes at %s, not inside the heap or a mapping", chunk->bytes, where);
        return;
    }
    if (chunk->state != HM_CHUNK_USED && chunk->state != HM_CHUNK_FREE && chunk->state != HM_CHUNK_STAGE) {
        walk_wrong("hm_walk reported a chunk at %s in state %d, which is none of HM_CHUNK_*", where, chunk->state);
        return;
    }
    uintptr_t next = (uintptr_t)chunk->next;
    struct snapshot_chunk c = {
        .offset = simmem_offset_of(start),
        .bytes = chunk->bytes,
        .next = chunk->state != HM_CHUNK_FREE || next == 0 ? -1
                : simmem_area_of(next) == AREA_HEAP || simmem_area_of(next) == AREA_MAPPING ? (int64_t)simmem_offset_of(next)
                : -2,
        .list = chunk->state == HM_CHUNK_FREE ? chunk->list : -1,
        .id = -1,
        .area = area_of(start),
        .state = (uint8_t)chunk->state,
    };
    if (c.area == SNAPSHOT_HEAP && taken.count > 0) {
        const struct snapshot_chunk *last = &taken.chunks[taken.count - 1];
        if (last->area == SNAPSHOT_MAPPED) {
            walk_wrong("hm_walk reported a heap chunk at %s after a mapped one: the heap's come first", where);
            return;
        }
        if (c.offset < last->offset + last->bytes) {
            walk_wrong("hm_walk reported a chunk at %s that starts inside or before the one before it "
                       "(heap+0x%llx, %llu bytes): chunks come in address order and never overlap",
                       where, (unsigned long long)last->offset, (unsigned long long)last->bytes);
            return;
        }
    }
    if (add_chunk(c) != 0)
        walk_wrong("hm_walk reported more than %d chunks", SNAPSHOT_MOST_CHUNKS);
}

/* The bytes between heap chunks that the walk left out, as the stage's (and named). */
static int fill_heap_gaps(uint64_t heap_bytes)
{
    size_t walked = taken.count;
    uint64_t at = 0;
    for (size_t i = 0; i <= walked; i++) {
        int at_end = i == walked || taken.chunks[i].area != SNAPSHOT_HEAP;
        uint64_t until = at_end ? heap_bytes : taken.chunks[i].offset;
        if (until > at) {
            if (taken.left_out[0] == '\0')
                snprintf(taken.left_out, sizeof taken.left_out, "hm_walk left heap+0x%llx to heap+0x%llx out "
                         "(shown as the stage's)", (unsigned long long)at, (unsigned long long)until);
            if (add_chunk((struct snapshot_chunk){ .offset = at, .bytes = until - at, .next = -1, .list = -1, .id = -1,
                                                   .area = SNAPSHOT_HEAP, .state = SNAPSHOT_STAGE }) != 0)
                return -1;
        }
        if (at_end)
            break;
        at = taken.chunks[i].offset + taken.chunks[i].bytes;
    }
    return 0;
}

static int compare_chunks(const void *a, const void *b)
{
    const struct snapshot_chunk *x = a, *y = b;
    if (x->area != y->area)
        return x->area < y->area ? -1 : 1;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Order: heap chunks by offset, then mapped ones by offset (the gaps were added at the end;
 * mapped chunks come in any order). */
static void sort_chunks(void)
{
    if (taken.count > 1) /* an empty heap has no table yet: qsort must not be given NULL */
        qsort(taken.chunks, taken.count, sizeof *taken.chunks, compare_chunks);
}

/* The map the harness can draw alone: each live payload a used chunk, the rest the stage's. */
static int draw_chunks(const struct snapshot_block *blocks, size_t block_count, uint64_t heap_bytes)
{
    taken.count = 0;
    uint64_t at = 0;
    for (size_t i = 0; i < block_count; i++) {
        const struct snapshot_block *b = &blocks[i];
        uint64_t bytes = b->bytes ? b->bytes : 1;
        if (b->area == SNAPSHOT_HEAP && b->offset > at &&
            add_chunk((struct snapshot_chunk){ .offset = at, .bytes = b->offset - at, .next = -1, .list = -1, .id = -1,
                                               .area = SNAPSHOT_HEAP, .state = SNAPSHOT_STAGE }) != 0)
            return -1;
        if (add_chunk((struct snapshot_chunk){ .offset = b->offset, .bytes = bytes, .next = -1, .list = -1,
                                               .id = (int32_t)b->id, .area = b->area, .state = SNAPSHOT_USED }) != 0)
            return -1;
        if (b->area == SNAPSHOT_HEAP)
            at = b->offset + bytes;
    }
    if (heap_bytes > at)
        return add_chunk((struct snapshot_chunk){ .offset = at, .bytes = heap_bytes - at, .next = -1, .list = -1,
                                                  .id = -1, .area = SNAPSHOT_HEAP, .state = SNAPSHOT_STAGE });
    return 0;
}

/* Each used chunk's id: the live block whose payload starts inside it (both in order). */
static void label_chunks(const struct snapshot_block *blocks, size_t block_count)
{
    size_t b = 0;
    for (size_t i = 0; i < taken.count; i++) {
        struct snapshot_chunk *c = &taken.chunks[i];
        while (b < block_count && (blocks[b].area < c->area || (blocks[b].area == c->area && blocks[b].offset < c->offset)))
            b++;
        if (c->state == SNAPSHOT_USED && b < block_count && blocks[b].area == c->area &&
            blocks[b].offset < c->offset + c->bytes)
            c->id = (int32_t)blocks[b].id;
    }
}

/* Ask the stage's walk, guarded. Returns the snapshot's source. */
static int walk_guarded(struct snapshot_header *header)
{
    static sigjmp_buf landing;
    static volatile int source;
    taken.count = 0;
    taken.problem[0] = taken.left_out[0] = '\0';
    source = SNAPSHOT_WALKED;
    int landed = sigsetjmp(landing, 1);
    if (landed == 0) {
        isolate_guard(&landing);
        hm_walk(visit, NULL);
        isolate_guard(NULL);
    } else if (landed == ISOLATE_GUARD_TODO) {
        struct child_report *report = isolate_report();
        snprintf(header->walk_problem, sizeof header->walk_problem, "hm_walk is not written yet (hm_todo(\"%.100s\"))",
                 report->todo_what);
        report->todo_what[0] = '\0';
        source = SNAPSHOT_WALK_TODO;
    } else {
        header->walk_signal = landed;
        snprintf(header->walk_problem, sizeof header->walk_problem, "hm_walk crashed with %s",
                 landed == SIGSEGV ? "SIGSEGV" : landed == SIGBUS ? "SIGBUS" : landed == SIGABRT ? "SIGABRT" : "a signal");
        source = SNAPSHOT_WALK_CRASHED;
    }
    return source;
}

/* A replay child may write ISOLATE_OUTPUT_LIMIT_BYTES to a file (what bounds a stage's
 * stderr); a replay that takes snapshots writes more, and the stage's own output goes nowhere
 * then (pictures.c), so the child lifts its soft limit to its hard one, once. */
static void lift_output_limit(void)
{
    static int lifted;
    struct rlimit output;
    if (!lifted && getrlimit(RLIMIT_FSIZE, &output) == 0) {
        output.rlim_cur = output.rlim_max;
        setrlimit(RLIMIT_FSIZE, &output);
    }
    lifted = 1;
}

static int write_all(int fd, const void *data, size_t bytes)
{
    lift_output_limit();
    const char *at = data;
    while (bytes > 0) {
        ssize_t written = write(fd, at, bytes);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return -1;
        at += written;
        bytes -= (size_t)written;
    }
    return 0;
}

int snapshot_take(int fd, uint32_t op_index, const struct snapshot_live *live, size_t live_count,
                  const struct snapshot_figures *figures, int use_walk)
{
    struct simmem_usage usage = simmem_usage();
    struct snapshot_header header = {
        .magic = SNAPSHOT_MAGIC, .op_index = op_index,
        .heap_bytes = usage.heap_bytes, .mapped_bytes = usage.mapped_bytes,
        .payload_bytes = figures->payload_bytes, .footprint_bytes = figures->footprint_bytes,
        .peak_payload_bytes = figures->peak_payload_bytes, .peak_footprint_bytes = figures->peak_footprint_bytes,
        .source = SNAPSHOT_DRAWN,
    };
    size_t block_bytes = (live_count ? live_count : 1) * sizeof(struct snapshot_block);
    struct snapshot_block *blocks = host_alloc(block_bytes);
    if (blocks == NULL)
        return -1;
    for (size_t i = 0; i < live_count; i++)
        blocks[i] = (struct snapshot_block){ .offset = simmem_offset_of(live[i].payload), .bytes = live[i].bytes,
                                             .id = live[i].id, .line = live[i].line, .area = area_of(live[i].payload) };

    if (use_walk && hm_walk != NULL) {
        header.source = walk_guarded(&header);
        if (header.source == SNAPSHOT_WALKED) {
            if (taken.problem[0] == '\0' && fill_heap_gaps(usage.heap_bytes) != 0)
                walk_wrong("hm_walk reported more than %d chunks", SNAPSHOT_MOST_CHUNKS);
            /* Bytes left out are shown and named; anything else wrong: the walk is not believed. */
            if (taken.problem[0] != '\0')
                header.source = SNAPSHOT_WALK_WRONG;
            snprintf(header.walk_problem, sizeof header.walk_problem, "%s",
                     taken.problem[0] != '\0' ? taken.problem : taken.left_out);
        }
    }
    int result = 0;
    if (header.source != SNAPSHOT_WALKED)
        result = draw_chunks(blocks, live_count, usage.heap_bytes);
    sort_chunks();
    label_chunks(blocks, live_count);
    header.chunk_count = (uint32_t)taken.count;
    header.block_count = (uint32_t)live_count;
    if (result == 0)
        result = write_all(fd, &header, sizeof header) | write_all(fd, taken.chunks, taken.count * sizeof *taken.chunks) |
                 write_all(fd, blocks, live_count * sizeof *blocks);
    host_free(blocks, block_bytes);
    return result;
}

int snapshot_point(int fd, uint32_t op_index, uint64_t footprint_bytes, uint64_t payload_bytes)
{
    struct snapshot_point point = { SNAPSHOT_POINT_MAGIC, op_index, footprint_bytes, payload_bytes };
    return write_all(fd, &point, sizeof point);
}

/* ---- in the runner: reading the records back ----------------------------------------------- */

/* A reader over the whole file, read into memory once. */
struct cursor {
    const char *at, *end;
};

static int take(struct cursor *cursor, void *out, size_t bytes)
{
    if ((size_t)(cursor->end - cursor->at) < bytes)
        return -1;
    memcpy(out, cursor->at, bytes);
    cursor->at += bytes;
    return 0;
}

static void *take_array(struct cursor *cursor, size_t count, size_t size)
{
    if (count > SNAPSHOT_MOST_CHUNKS || (size_t)(cursor->end - cursor->at) < count * size)
        return NULL;
    void *array = host_alloc(count ? count * size : 1);
    if (array != NULL)
        take(cursor, array, count * size);
    return array;
}

static int grow(void **array, size_t *capacity, size_t count, size_t size)
{
    if (count < *capacity)
        return 0;
    size_t more = *capacity ? *capacity * 2 : 64;
    void *grown = host_resize(*array, *capacity * size, more * size);
    if (grown == NULL)
        return -1;
    *array = grown;
    *capacity = more;
    return 0;
}

int snapshot_file_read(int fd, struct snapshot_file *file, char *error, size_t error_size)
{
    memset(file, 0, sizeof *file);
    off_t end = lseek(fd, 0, SEEK_END);
    if (end < 0) {
        snprintf(error, error_size, "cannot read the replay's snapshots: %s", strerror(errno));
        return -1;
    }
    size_t bytes = (size_t)end;
    char *text = host_alloc(bytes ? bytes : 1);
    if (text == NULL || pread(fd, text, bytes, 0) != (ssize_t)bytes) {
        snprintf(error, error_size, "cannot read the replay's snapshots (%zu bytes)", bytes);
        host_free(text, bytes ? bytes : 1);
        return -1;
    }
    struct cursor cursor = { text, text + bytes };
    int result = 0;
    for (;;) {
        uint32_t magic;
        if (take(&cursor, &magic, sizeof magic) != 0)
            break;
        cursor.at -= sizeof magic;
        if (magic == SNAPSHOT_POINT_MAGIC) {
            struct snapshot_point point;
            if (take(&cursor, &point, sizeof point) != 0)
                break;
            if (grow((void **)&file->points, &file->point_capacity, file->point_count, sizeof point) != 0) {
                result = -1;
                break;
            }
            file->points[file->point_count++] = point;
            continue;
        }
        struct snapshot snapshot = { 0 };
        if (magic != SNAPSHOT_MAGIC || take(&cursor, &snapshot.header, sizeof snapshot.header) != 0)
            break; /* cut short where the child ended */
        snapshot.chunks = take_array(&cursor, snapshot.header.chunk_count, sizeof *snapshot.chunks);
        snapshot.blocks = take_array(&cursor, snapshot.header.block_count, sizeof *snapshot.blocks);
        if (snapshot.chunks == NULL || snapshot.blocks == NULL ||
            grow((void **)&file->snapshots, &file->snapshot_capacity, file->snapshot_count, sizeof snapshot) != 0) {
            host_free(snapshot.chunks, (snapshot.header.chunk_count ? snapshot.header.chunk_count : 1) * sizeof *snapshot.chunks);
            host_free(snapshot.blocks, (snapshot.header.block_count ? snapshot.header.block_count : 1) * sizeof *snapshot.blocks);
            break; /* cut short, or no memory: keep what was read */
        }
        snapshot.header.walk_problem[sizeof snapshot.header.walk_problem - 1] = '\0';
        file->snapshots[file->snapshot_count++] = snapshot;
    }
    host_free(text, bytes ? bytes : 1);
    if (result != 0) {
        snprintf(error, error_size, "no memory left to read the replay's snapshots");
        snapshot_file_release(file);
    }
    return result;
}

void snapshot_file_release(struct snapshot_file *file)
{
    for (size_t i = 0; i < file->snapshot_count; i++) {
        const struct snapshot_header *h = &file->snapshots[i].header;
        host_free(file->snapshots[i].chunks, (h->chunk_count ? h->chunk_count : 1) * sizeof(struct snapshot_chunk));
        host_free(file->snapshots[i].blocks, (h->block_count ? h->block_count : 1) * sizeof(struct snapshot_block));
    }
    host_free(file->snapshots, file->snapshot_capacity * sizeof *file->snapshots);
    host_free(file->points, file->point_capacity * sizeof *file->points);
    memset(file, 0, sizeof *file);
}

const struct snapshot_chunk *snapshot_chunk_at(const struct snapshot *snapshot, uint8_t area, uint64_t offset)
{
    size_t low = 0, high = snapshot->header.chunk_count;
    while (low < high) { /* the first chunk not wholly before (area, offset) */
        size_t middle = low + (high - low) / 2;
        const struct snapshot_chunk *c = &snapshot->chunks[middle];
        if (c->area < area || (c->area == area && c->offset + c->bytes <= offset))
            low = middle + 1;
        else
            high = middle;
    }
    if (low == snapshot->header.chunk_count)
        return NULL;
    const struct snapshot_chunk *c = &snapshot->chunks[low];
    return c->area == area && c->offset <= offset ? c : NULL;
}
