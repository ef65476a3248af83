/*
 * trace.h: reading allocation traces (.rep files).
 *
 * The format is the classic malloc lab's, read unchanged, with three extensions:
 *
 *     20000          line 1: suggested heap size (classic) or weight (newer): kept, unused
 *     6              line 2: number of block ids; every id is below it
 *     12             line 3: number of operations that follow
 *     1              line 4: weight (classic) or peak live payload (newer): kept, unused
 *     a 0 2040       malloc(2040) for id 0
 *     r 0 4096       realloc id 0 to 4096 bytes (the id keeps its name)
 *     c 1 10 24      calloc(10, 24) for id 1          (extension)
 *     A 2 64 1000    1000 bytes aligned to 64 for id 2 (extension: posix_memalign, aligned_alloc,
 *                    memalign; valloc is A ID PAGE BYTES, pvalloc the same with BYTES rounded up
 *                    to a page); ALIGNMENT is a power of two
 *     f 0            free id 0
 *     # text         a comment, anywhere, also before the header (extension)
 *
 *     # mark: probes  a comment that names the operations after it, for timing (extension)
 *
 * Blank lines are ignored. An id may be allocated again after it is freed. Marks cut a trace
 * into segments that the timed replay clocks one by one: the segment before the first mark
 * is named "start".
 * The reader proves the file well formed before anything replays it: every problem is
 * reported as "FILE:LINE: message" and the trace is rejected whole.
 *
 * Replaying A: a stage has no aligned allocation function, so the replay serves A as a
 * program's allocator would over a plain malloc (trace_aligned_request_bytes): ALIGNMENT <= 16,
 * malloc(BYTES), which is 16-byte aligned already; otherwise malloc(BYTES + ALIGNMENT - 16), a
 * block in which an aligned BYTES-byte payload always fits. The checker checks and fills the
 * whole block, as a malloc of that size (a realloc keeps its first min(old, new) bytes of it);
 * the payload counted for utilization is BYTES. The C library's row replays A the same way.
 */
#ifndef TRACE_H
#define TRACE_H

#include <stddef.h>
#include <stdint.h>

enum trace_op_kind {
    OP_MALLOC = 'a',
    OP_FREE = 'f',
    OP_REALLOC = 'r',
    OP_CALLOC = 'c',
    OP_ALIGNED = 'A',
};

/* One operation. 24 bytes, so that the timed loop walks a dense array. */
struct trace_op {
    uint32_t id;   /* block id, below trace.id_count */
    uint8_t kind;  /* enum trace_op_kind */
    uint64_t size; /* bytes for a, r and A; bytes per element for c; 0 for f */
    union {
        uint64_t nmemb;     /* elements for c */
        uint64_t alignment; /* bytes for A, a power of two */
    };                      /* 0 for a, f and r */
};
_Static_assert(sizeof(struct trace_op) == 24, "the timed loop walks a dense array of operations");

/* The bytes the replay asks a stage's malloc for, for A (the rule above): BYTES when the
 * alignment is at most 16, else BYTES + ALIGNMENT - 16, or UINT64_MAX when that does not fit
 * (a request no memory limit lets through). */
static inline uint64_t trace_aligned_request_bytes(const struct trace_op *op)
{
    enum { ALIGNED_BY_MALLOC = 16 }; /* heapmgr.h's HM_ALIGNMENT: every malloc block is */
    if (op->alignment <= ALIGNED_BY_MALLOC)
        return op->size;
    uint64_t padding = op->alignment - ALIGNED_BY_MALLOC;
    return op->size > UINT64_MAX - padding ? UINT64_MAX : op->size + padding;
}

/* Write `op` as its trace line, "c 4 10 24\n", at `at` (room for TRACE_OP_LINE_BYTES), with no
 * stdio: the writers of many lines (shrink.c, record/convert.c) call it. Returns the byte after. */
enum { TRACE_OP_LINE_BYTES = 64 }; /* "c ", three numbers of at most 20 digits, spaces, "\n" */
static inline char *trace_put_number(char *at, uint64_t value)
{
    char digits[20];
    int count = 0;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    while (count > 0)
        *at++ = digits[--count];
    return at;
}
static inline char *trace_put_op(char *at, const struct trace_op *op)
{
    *at++ = (char)op->kind;
    *at++ = ' ';
    at = trace_put_number(at, op->id);
    if (op->kind == OP_CALLOC || op->kind == OP_ALIGNED) {
        *at++ = ' ';
        at = trace_put_number(at, op->nmemb); /* an A's alignment: the same field */
    }
    if (op->kind != OP_FREE) {
        *at++ = ' ';
        at = trace_put_number(at, op->size);
    }
    *at++ = '\n';
    return at;
}

/* Limits that keep a hostile file from costing unbounded memory or time. */
enum {
    TRACE_MAX_LINE = 1024,            /* characters in one line, its "\n" or "\r\n" excluded */
    TRACE_MAX_IDS = 100 * 1000 * 1000, /* declared block ids */
    TRACE_MAX_OPS = 200 * 1000 * 1000, /* declared operations */
    TRACE_MAX_MARKS = 8,               /* "# mark:" lines */
    TRACE_MARK_NAME = 32,              /* characters of a mark's name, with its NUL */
};

/* "# mark: NAME" before operation op_index (op_count when it stands after the last). */
struct trace_mark {
    uint32_t op_index;
    char name[TRACE_MARK_NAME];
};

struct trace {
    char path[4096];       /* as given to trace_load */
    char name[256];        /* file name without directory and ".rep" */
    uint64_t header[4];    /* the four header numbers as written */
    uint32_t id_count;     /* header line 2 */
    uint32_t op_count;     /* header line 3, equal to the operations read */
    struct trace_op *ops;  /* op_count operations, from host_alloc */
    uint32_t *op_lines;    /* the line number (from 1) of each operation, for messages */
    uint64_t payload_bytes_total; /* sum of the sizes requested by a, r and c (no overflow: saturates) */
    uint32_t mark_count;
    struct trace_mark marks[TRACE_MAX_MARKS];
};

/*
 * trace_load: read and validate the trace at `path`.
 * Returns 0 and fills *trace (error becomes ""), or -1 and writes one line
 * "FILE:LINE: message" (or "FILE: message" when no line applies, such as a missing file) into
 * error[error_size], leaving *trace all zero. Never reads out of bounds, whatever the file holds.
 * ops and op_lines hold exactly op_count entries.
 */
int trace_load(const char *path, struct trace *trace, char *error, size_t error_size);

/* trace_parse: the same, from `length` bytes of text in memory (no NUL needed at the end);
 * `path` names it in messages. */
int trace_parse(const char *path, const char *text, size_t length, struct trace *trace,
                char *error, size_t error_size);

/* The most payload live at once, in bytes, replaying the trace (what a perfect allocator needs;
 * a calloc whose size overflows counts nothing, its right answer being NULL; A counts BYTES). */
uint64_t trace_peak_live_bytes(const struct trace *trace);

/* trace_release: give back what trace_load took; the trace is empty afterwards. */
void trace_release(struct trace *trace);

/* trace_format_op: the operation as it is written in a trace, such as "a 17 48". */
void trace_format_op(const struct trace_op *op, char *out, size_t out_size);

/* trace_describe_op: the call it makes, in words, such as "malloc(48) for id 17". */
void trace_describe_op(const struct trace_op *op, char *out, size_t out_size);

#endif /* TRACE_H */
