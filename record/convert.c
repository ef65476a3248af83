/* convert.c: a call log into a trace's operations (see convert.h for the rules). */
#include "convert.h"

#include "log.h"
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { NO_SLOT = -1, FIRST_SLOTS = 1024, FIRST_IDS = 1024 };

/* ---- rule 1: the live blocks, by program image and address ------------------------------- */

struct slot {
    uint64_t address; /* 0: an empty slot (a NULL result is never recorded) */
    uint32_t image;
    uint32_t id;
};

/* Open addressing with linear probing, at most half full; deletion shifts the run back, so
 * there are no tombstones and a lookup stops at the first empty slot. */
struct block_table {
    struct slot *slots;
    size_t capacity; /* slots, a power of two */
    size_t count;    /* slots in use */
};

static size_t slot_of(const struct block_table *table, uint32_t image, uint64_t address)
{
    uint64_t key = (address >> 4) ^ ((uint64_t)image << 48); /* blocks are 16-byte aligned, mostly */
    return (size_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 17) & (table->capacity - 1);
}

static long find_block(const struct block_table *table, uint32_t image, uint64_t address)
{
    for (size_t at = slot_of(table, image, address);; at = (at + 1) & (table->capacity - 1)) {
        const struct slot *slot = &table->slots[at];
        if (slot->address == 0)
            return NO_SLOT;
        if (slot->address == address && slot->image == image)
            return (long)at;
    }
}

static void place(struct block_table *table, struct slot slot)
{
    size_t at = slot_of(table, slot.image, slot.address);
    while (table->slots[at].address != 0)
        at = (at + 1) & (table->capacity - 1);
    table->slots[at] = slot;
    table->count++;
}

static int grow_table(struct block_table *table)
{
    struct block_table bigger = { .capacity = table->capacity ? table->capacity * 2 : FIRST_SLOTS };
    bigger.slots = calloc(bigger.capacity, sizeof *bigger.slots);
    if (bigger.slots == NULL)
        return -1;
    for (size_t i = 0; i < table->capacity; i++)
        if (table->slots[i].address != 0)
            place(&bigger, table->slots[i]);
    free(table->slots);
    *table = bigger;
    return 0;
}

static int add_block(struct block_table *table, uint32_t image, uint64_t address, uint32_t id)
{
    if ((table->count + 1) * 2 > table->capacity && grow_table(table) != 0)
        return -1;
    place(table, (struct slot){ address, image, id });
    return 0;
}

/* Empty slot `at`, then move back each later slot of the run that may now sit nearer its home. */
static void remove_slot(struct block_table *table, size_t at)
{
    size_t mask = table->capacity - 1, hole = at;
    table->slots[hole].address = 0;
    table->count--;
    for (size_t next = (hole + 1) & mask; table->slots[next].address != 0; next = (next + 1) & mask) {
        size_t home = slot_of(table, table->slots[next].image, table->slots[next].address);
        /* It may fill the hole when its home is not in (hole, next], cyclically. */
        bool home_after_hole = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
        if (!home_after_hole) {
            table->slots[hole] = table->slots[next];
            table->slots[next].address = 0;
            hole = next;
        }
    }
}

/* ---- rule 1: ids ------------------------------------------------------------------------ */

struct ids {
    uint32_t *free_heap;  /* freed ids, a min-heap */
    uint32_t free_count;
    uint32_t next;        /* ids never used are next, next + 1, ... */
    uint64_t *live_bytes; /* payload each id holds, for the peak */
    uint32_t capacity;    /* entries of free_heap and live_bytes */
};

static int grow_ids(struct ids *ids)
{
    uint64_t wanted = ids->capacity ? (uint64_t)ids->capacity * 2 : FIRST_IDS;
    if (wanted > TRACE_MAX_IDS)
        wanted = TRACE_MAX_IDS;
    uint32_t *heap = realloc(ids->free_heap, (size_t)wanted * sizeof *heap);
    if (heap == NULL)
        return -1;
    ids->free_heap = heap;
    uint64_t *bytes = realloc(ids->live_bytes, (size_t)wanted * sizeof *bytes);
    if (bytes == NULL)
        return -1;
    ids->live_bytes = bytes;
    ids->capacity = (uint32_t)wanted;
    return 0;
}

static uint32_t take_smallest(struct ids *ids)
{
    uint32_t *heap = ids->free_heap, smallest = heap[0], last = heap[--ids->free_count];
    uint32_t at = 0;
    for (;;) {
        uint32_t child = 2 * at + 1;
        if (child >= ids->free_count)
            break;
        if (child + 1 < ids->free_count && heap[child + 1] < heap[child])
            child++;
        if (heap[child] >= last)
            break;
        heap[at] = heap[child];
        at = child;
    }
    heap[at] = last;
    return smallest;
}

static void give_back(struct ids *ids, uint32_t id)
{
    uint32_t *heap = ids->free_heap, at = ids->free_count++;
    while (at > 0 && heap[(at - 1) / 2] > id) {
        heap[at] = heap[(at - 1) / 2];
        at = (at - 1) / 2;
    }
    heap[at] = id;
}

/* ---- the conversion --------------------------------------------------------------------- */

enum { OUT_BUFFER_BYTES = 1 << 20, LINE_ROOM = TRACE_OP_LINE_BYTES };

struct converter {
    const char *log_path;
    FILE *ops;
    char *error;
    size_t error_size;
    struct conversion *result;
    struct block_table blocks;
    struct ids ids;
    uint64_t live_bytes; /* payload live now */
    char *out;           /* operations not yet written */
    size_t out_used;
};

__attribute__((format(printf, 2, 3))) static int fail(struct converter *c, const char *format, ...)
{
    int prefix = snprintf(c->error, c->error_size, "%s: ", c->log_path);
    if (prefix >= 0 && (size_t)prefix < c->error_size) {
        va_list arguments;
        va_start(arguments, format);
        vsnprintf(c->error + prefix, c->error_size - (size_t)prefix, format, arguments);
        va_end(arguments);
    }
    return -1;
}

static int flush(struct converter *c)
{
    if (c->out_used != 0 && fwrite(c->out, 1, c->out_used, c->ops) != c->out_used)
        return fail(c, "cannot write the operations: %s", strerror(errno));
    c->out_used = 0;
    return 0;
}

/* One operation line: "K ID", then the numbers asked for (`count` of them, 0 to 2). */
static int put_operation(struct converter *c, char kind, uint32_t id, int count, uint64_t first, uint64_t second)
{
    if (c->out_used + LINE_ROOM > OUT_BUFFER_BYTES && flush(c) != 0)
        return -1;
    /* The numbers in the line's order: a and r's size; c's nmemb and size; A's alignment and size. */
    struct trace_op op = { .id = id, .kind = (uint8_t)kind, .size = count == 1 ? first : second };
    if (count == 2)
        op.nmemb = first;
    char *at = trace_put_op(c->out + c->out_used, &op);
    c->out_used = (size_t)(at - c->out);
    c->result->op_count++;
    return 0;
}

/* Rule 5: whether one more operation fits the trace. */
static bool trace_has_room(struct converter *c)
{
    if (c->result->op_count < TRACE_MAX_OPS)
        return true;
    c->result->trace_full = true;
    return false;
}

static void set_live_bytes(struct converter *c, uint32_t id, uint64_t bytes)
{
    c->live_bytes = c->live_bytes - c->ids.live_bytes[id] + bytes;
    c->ids.live_bytes[id] = bytes;
    if (c->live_bytes > c->result->peak_payload_bytes)
        c->result->peak_payload_bytes = c->live_bytes;
}

/* A new id for a new block; 1 when the trace has no id left (rule 5), -1 with no memory. */
static int new_id(struct converter *c, uint32_t *id)
{
    struct ids *ids = &c->ids;
    if (ids->free_count > 0) {
        *id = take_smallest(ids);
        return 0;
    }
    if (ids->next == TRACE_MAX_IDS) {
        c->result->trace_full = true;
        return 1;
    }
    if (ids->next == ids->capacity && grow_ids(ids) != 0)
        return fail(c, "out of memory for %" PRIu32 " ids", ids->next + 1);
    ids->live_bytes[ids->next] = 0;
    *id = ids->next++;
    return 0;
}

/* An address returned while its block is still live: that block's free was not recorded; it
 * stays live under its id (rule 3). */
static void forget_if_live(struct converter *c, uint32_t image, uint64_t address)
{
    long at = find_block(&c->blocks, image, address);
    if (at != NO_SLOT) {
        c->result->reused_live++;
        remove_slot(&c->blocks, (size_t)at);
    }
}

/* A new block: its id, its line ("a ID BYTES", or with `count` numbers), its payload. Returns
 * 1 when the trace is full. */
static int allocate(struct converter *c, uint32_t image, uint64_t address, char kind, int count, uint64_t first,
                    uint64_t second, uint64_t payload_bytes)
{
    if (!trace_has_room(c))
        return 1;
    forget_if_live(c, image, address);
    uint32_t id = 0;
    int status = new_id(c, &id);
    if (status != 0)
        return status;
    if (add_block(&c->blocks, image, address, id) != 0)
        return fail(c, "out of memory for a table of %zu live blocks", c->blocks.count + 1);
    set_live_bytes(c, id, payload_bytes);
    return put_operation(c, kind, id, count, first, second);
}

static int release(struct converter *c, size_t at, char kind, int count)
{
    uint32_t id = c->blocks.slots[at].id;
    remove_slot(&c->blocks, at);
    set_live_bytes(c, id, 0);
    give_back(&c->ids, id);
    return put_operation(c, kind, id, count, 0, 0);
}

static int convert_free(struct converter *c, const struct log_record *r)
{
    long at = find_block(&c->blocks, r->image, r->block);
    if (at == NO_SLOT) {
        c->result->unknown_blocks++;
        return 0;
    }
    return trace_has_room(c) ? release(c, (size_t)at, 'f', 0) : 1;
}

static int convert_realloc(struct converter *c, const struct log_record *r)
{
    if (r->argument == 0) /* realloc(NULL, n) */
        return r->block != 0 ? allocate(c, r->image, r->block, 'a', 1, r->bytes, 0, r->bytes) : 0;
    long at = find_block(&c->blocks, r->image, r->argument);
    if (at == NO_SLOT) {
        c->result->unknown_blocks++;
        return r->block != 0 ? allocate(c, r->image, r->block, 'a', 1, r->bytes, 0, r->bytes) : 0;
    }
    if (!trace_has_room(c))
        return 1;
    if (r->bytes == 0 && r->block == 0)
        return release(c, (size_t)at, 'r', 1); /* "r ID 0": put_operation's first number is 0 */
    if (r->bytes == 0) {
        int status = release(c, (size_t)at, 'f', 0);
        return status != 0 ? status : allocate(c, r->image, r->block, 'a', 1, 0, 0, 0);
    }
    uint32_t id = c->blocks.slots[at].id;
    remove_slot(&c->blocks, (size_t)at);
    forget_if_live(c, r->image, r->block);
    if (add_block(&c->blocks, r->image, r->block, id) != 0)
        return fail(c, "out of memory for a table of %zu live blocks", c->blocks.count + 1);
    set_live_bytes(c, id, r->bytes);
    return put_operation(c, 'r', id, 1, r->bytes, 0);
}

/* One record; 1 when the trace is full, -1 on an error. */
static int convert_record(struct converter *c, const struct log_record *r)
{
    c->result->records++;
    switch (r->kind) {
    case LOG_MALLOC:
        return allocate(c, r->image, r->block, 'a', 1, r->bytes, 0, r->bytes);
    case LOG_CALLOC: /* it succeeded, so the product fits */
        return allocate(c, r->image, r->block, 'c', 2, r->argument, r->bytes, r->argument * r->bytes);
    case LOG_ALIGNED:
        return allocate(c, r->image, r->block, 'A', 2, r->argument, r->bytes, r->bytes);
    case LOG_FREE:
        return convert_free(c, r);
    case LOG_REALLOC:
        return convert_realloc(c, r);
    default:
        c->result->records--;
        c->result->bad_records++;
        return 0;
    }
}

static int read_header(struct converter *c, int fd, struct log_header *header, uint64_t *chunks)
{
    ssize_t got = pread(fd, header, sizeof *header, 0);
    if (got != (ssize_t)sizeof *header)
        return fail(c, "cannot read the log's header: %s", got < 0 ? strerror(errno) : "the file is too short");
    if (header->magic != LOG_MAGIC || header->version != LOG_VERSION || header->chunk_bytes != LOG_CHUNK_BYTES)
        return fail(c, "not a call log of this version of the recorder");
    struct stat status;
    if (fstat(fd, &status) != 0)
        return fail(c, "cannot read: %s", strerror(errno));
    uint64_t handed_out = atomic_load(&header->next_chunk);
    uint64_t in_file = status.st_size > LOG_HEADER_BYTES
                           ? ((uint64_t)status.st_size - LOG_HEADER_BYTES) / LOG_CHUNK_BYTES : 0;
    *chunks = handed_out < header->chunk_capacity ? handed_out : header->chunk_capacity;
    if (*chunks > in_file)
        *chunks = in_file;
    c->result->images = atomic_load(&header->images);
    c->result->failed_calls = atomic_load(&header->failed_calls);
    c->result->log_full = atomic_load(&header->full) != 0;
    return 0;
}

static int convert_chunks(struct converter *c, int fd, uint64_t chunks, struct log_record *chunk)
{
    for (uint64_t k = 0; k < chunks; k++) {
        off_t offset = (off_t)(LOG_HEADER_BYTES + k * LOG_CHUNK_BYTES);
        ssize_t got = pread(fd, chunk, LOG_CHUNK_BYTES, offset);
        if (got != LOG_CHUNK_BYTES)
            return fail(c, "cannot read chunk %" PRIu64 ": %s", k, got < 0 ? strerror(errno) : "cut short");
        for (size_t i = 0; i < LOG_CHUNK_RECORDS; i++) {
            if (chunk[i].kind == LOG_NONE)
                continue; /* a chunk's unused rest, or a record cut short by a kill */
            int status = convert_record(c, &chunk[i]);
            if (status != 0)
                return status < 0 ? -1 : 0; /* the trace is full: what it holds is the result */
        }
    }
    return 0;
}

int convert_log(const char *log_path, FILE *ops, struct conversion *result, char *error, size_t error_size)
{
    memset(result, 0, sizeof *result);
    struct converter c = { .log_path = log_path, .ops = ops, .error = error, .error_size = error_size,
                           .result = result };
    int fd = open(log_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(&c, "cannot read: %s", strerror(errno));
    struct log_header header;
    uint64_t chunks = 0;
    struct log_record *chunk = malloc(LOG_CHUNK_BYTES);
    c.out = malloc(OUT_BUFFER_BYTES);
    int status = chunk == NULL || c.out == NULL ? fail(&c, "out of memory") : read_header(&c, fd, &header, &chunks);
    if (status == 0 && grow_table(&c.blocks) != 0)
        status = fail(&c, "out of memory");
    if (status == 0)
        status = convert_chunks(&c, fd, chunks, chunk);
    if (status == 0)
        status = flush(&c);
    result->id_count = c.ids.next;
    close(fd);
    free(chunk);
    free(c.out);
    free(c.blocks.slots);
    free(c.ids.free_heap);
    free(c.ids.live_bytes);
    return status;
}
