/*
 * trace.c: read a .rep trace and prove it well formed before anything replays it.
 *
 * Policy: one pass over the text, line by line; the first problem found rejects the trace
 * whole, with "FILE:LINE: message" naming what was expected and what was seen.
 *
 * The rules, in the order they are checked:
 *   1. Every line: no control byte but tab and CR (else "binary data"), at most
 *      TRACE_MAX_LINE characters before its line end ("\n" or "\r\n").
 *   2. Lines that hold nothing but spaces, tabs and CRs are blank; a line whose first
 *      non-blank character is '#' is a comment. Both are skipped everywhere.
 *   3. The first four other lines are the header: exactly one non-negative decimal number
 *      each, below 2^64. Line 2 (ids) is at most TRACE_MAX_IDS, line 3 (operations) at
 *      most TRACE_MAX_OPS.
 *   4. Every other line is one operation: a letter from "afrcA" and exactly the fields that
 *      letter takes, each a non-negative decimal number below 2^64 (ids below 2^32 and
 *      below the declared id count; A's ALIGNMENT a power of two).
 *   5. Ids follow the life of a block: a, c and A need an id that is not live; f and r need one
 *      that is. "r ID 0" is realloc to zero bytes, which frees the block, so the id is not
 *      live after it. A request that may return NULL still counts as live: the replay
 *      decides what NULL means, the reader only checks the text.
 *   6. There are exactly as many operations as line 3 declares.
 *
 * Cost: time linear in the file's bytes: memchr finds each line end, a loop with no early exit
 * looks for control bytes, and one more pass splits the line into fields. Memory, all from host_alloc: the file's bytes while reading;
 * 24 + 4 bytes per operation kept (the op and its line number), grown by doubling as
 * operations are read, never beyond the declared count; and, while reading only, 8 bytes per
 * id up to the largest id seen. A short file that declares a huge count costs nothing.
 */
#include "trace.h"

#include "hostmem.h"
#include "text.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the pieces of text the reader works with ---------------------------------------- */

/* One line, without its line end. */
struct line {
    const char *text;
    size_t length; /* characters, the "\n" and a final "\r" excluded */
};

/* One field of a line: a run of characters between blanks. */
struct field {
    const char *text;
    size_t length; /* characters */
};

enum {
    MAX_FIELDS = 4,     /* the longest lines are "c ID NMEMB BYTES" and "A ID ALIGNMENT BYTES" */
    QUOTE_MAX = 40,     /* characters of a field shown in a message before "..." */
    FIRST_OPS = 4096,   /* operations room when the first one is read */
    FIRST_IDS = 1024,   /* ids room when the first one is seen */
    READ_CHUNK = 65536, /* bytes of room when the file's size is unknown (a pipe) */
};

/* A line split into fields. Only the first MAX_FIELDS are kept; all are counted, so a
 * message can say how many there were. */
struct fields {
    struct field field[MAX_FIELDS];
    size_t count;
};

/* What the reader knows about one id while reading. Line numbers start at 1, so 0 says
 * "never". */
struct id_life {
    uint32_t allocated_at; /* line of the a or c that made it live; 0 while it is not live */
    uint32_t freed_at;     /* line of the f (or r to 0 bytes) that last freed it */
};

/* Everything one reading needs, so that each step is a small function of it. */
struct reader {
    const char *path;
    const char *text;
    size_t length;        /* bytes of text */
    size_t position;      /* offset of the first byte not yet read */
    uint32_t line_number; /* the line read last, from 1 over all lines, comments and blanks
                             included; 0 before the first */
    char *error;
    size_t error_size;
    struct trace *trace;
    uint32_t ops_read;
    uint32_t ops_capacity;      /* room in trace->ops, in operations */
    uint32_t op_lines_capacity; /* room in trace->op_lines, in line numbers */
    struct id_life *ids;        /* liveness of ids 0 .. ids_capacity - 1 */
    uint32_t ids_capacity;
};

/* ---- messages ----------------------------------------------------------------------- */

/* Write "PATH:LINE: message" for the line read last. Always returns -1, so that a check
 * reads "return fail(...)". */
__attribute__((format(printf, 2, 3))) static int fail(struct reader *r, const char *format, ...)
{
    if (r->error == NULL || r->error_size == 0)
        return -1;
    int prefix = snprintf(r->error, r->error_size, "%s:%" PRIu32 ": ", r->path, r->line_number);
    if (prefix >= 0 && (size_t)prefix < r->error_size) {
        va_list arguments;
        va_start(arguments, format);
        vsnprintf(r->error + prefix, r->error_size - (size_t)prefix, format, arguments);
        va_end(arguments);
    }
    return -1;
}

/* Write "PATH: message" for problems that belong to no line, such as a missing file. */
__attribute__((format(printf, 4, 5))) static int fail_file(const char *path, char *error,
                                                           size_t error_size, const char *format, ...)
{
    if (error == NULL || error_size == 0)
        return -1;
    int prefix = snprintf(error, error_size, "%s: ", path);
    if (prefix >= 0 && (size_t)prefix < error_size) {
        va_list arguments;
        va_start(arguments, format);
        vsnprintf(error + prefix, error_size - (size_t)prefix, format, arguments);
        va_end(arguments);
    }
    return -1;
}

/* How much of a field a message shows: at most QUOTE_MAX characters, then "...". A hostile
 * 1000-digit field must not push the useful part of the message out of the buffer. */
static int quote_length(struct field f)
{
    return f.length > QUOTE_MAX ? QUOTE_MAX : (int)f.length;
}

static const char *quote_ellipsis(struct field f)
{
    return f.length > QUOTE_MAX ? "..." : "";
}

/* ---- numbers -------------------------------------------------------------------------- */

enum number_status {
    NUMBER_OK,
    NUMBER_NOT_DECIMAL, /* anything but digits, including "+5", "0x10", "5k" */
    NUMBER_NEGATIVE,    /* '-' followed by digits */
    NUMBER_TOO_BIG,     /* digits whose value is 2^64 or more */
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool all_digits(const char *text, size_t length)
{
    if (length == 0)
        return false;
    for (size_t i = 0; i < length; i++)
        if (!is_digit(text[i]))
            return false;
    return true;
}

/* Read a field as a non-negative decimal number, by hand: sscanf and strtoull would accept
 * signs, leading blanks and hex, and cost a locale lookup per call. One pass: a value that
 * passes 2^64 is noted, not returned at once, so that "99999999999999999999x" is reported
 * as not a number rather than as too big. */
static enum number_status parse_decimal(struct field f, uint64_t *value)
{
    if (f.length > 1 && f.text[0] == '-' && all_digits(f.text + 1, f.length - 1))
        return NUMBER_NEGATIVE;
    if (f.length == 0)
        return NUMBER_NOT_DECIMAL;
    uint64_t sum = 0;
    bool too_big = false;
    for (size_t i = 0; i < f.length; i++) {
        if (!is_digit(f.text[i]))
            return NUMBER_NOT_DECIMAL;
        uint64_t digit = (uint64_t)(f.text[i] - '0');
        if (sum > UINT64_MAX / 10 || (sum == UINT64_MAX / 10 && digit > UINT64_MAX % 10))
            too_big = true;
        sum = sum * 10 + digit; /* wraps once too_big is set; the value is not used then */
    }
    if (too_big)
        return NUMBER_TOO_BIG;
    *value = sum;
    return NUMBER_OK;
}

/* The end of a message about a field that is not a good number. */
static const char *number_problem(enum number_status status)
{
    switch (status) {
    case NUMBER_NOT_DECIMAL:
        return "is not a number";
    case NUMBER_NEGATIVE:
        return "is negative";
    case NUMBER_TOO_BIG:
        return "does not fit in 64 bits";
    case NUMBER_OK:
        break;
    }
    return "is fine";
}

/* a + b, or UINT64_MAX when the sum does not fit. */
/* a * b, or UINT64_MAX when the product does not fit. */
static uint64_t multiply_saturating(uint64_t a, uint64_t b)
{
    return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

/* ---- lines and fields ---------------------------------------------------------------- */

/* A byte that has no place in a line of a text trace: tab and CR are blanks, and lines hold
 * no LF. Bytes from 0x80 up are let through, so that comments may be UTF-8. */
static bool is_control(unsigned char byte)
{
    return (byte < 0x20 && byte != '\t' && byte != '\r') || byte == 0x7f;
}

/* Blanks separate fields. CR counts as one so that "\r\n" files read like "\n" files. */
static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

enum line_status { LINE_READ, LINE_END, LINE_BAD };

/* Whether the text holds a control byte. No early exit, so that the compiler may test many
 * bytes at a time: this runs over every byte of the file. */
static bool has_control_byte(const char *text, size_t length)
{
    bool found = false;
    for (size_t i = 0; i < length; i++)
        found |= is_control((unsigned char)text[i]);
    return found;
}

/* The message for the first control byte of a line that has one. */
static int fail_binary(struct reader *r, const char *text, size_t length)
{
    size_t column = 0;
    while (column < length && !is_control((unsigned char)text[column]))
        column++;
    assert(column < length && "has_control_byte found one");
    return fail(r, "binary data (byte 0x%02x at column %zu): not a trace file",
                (unsigned char)text[column], column + 1);
}

/*
 * Take the next line. Rule 1 is checked here, so that nothing after this sees a control
 * byte or a line longer than TRACE_MAX_LINE. At the end of the text, line_number stays at
 * the last line, which is where "the file ends" messages point.
 */
static enum line_status next_line(struct reader *r, struct line *line)
{
    if (r->position >= r->length)
        return LINE_END;
    if (r->line_number == UINT32_MAX) {
        fail(r, "more than %" PRIu32 " lines", UINT32_MAX);
        return LINE_BAD;
    }
    r->line_number++;

    const char *start = r->text + r->position;
    size_t available = r->length - r->position;
    const char *newline = memchr(start, '\n', available);
    size_t length = newline != NULL ? (size_t)(newline - start) : available;
    r->position += newline != NULL ? length + 1 : length;

    /* Binary data first: a binary file's "lines" are often long too, and this says more. */
    if (has_control_byte(start, length)) {
        fail_binary(r, start, length);
        return LINE_BAD;
    }
    if (length > 0 && start[length - 1] == '\r')
        length--; /* the CR of a "\r\n" line end is not a character of the line */
    if (length > TRACE_MAX_LINE) {
        fail(r, "line is longer than %d characters", TRACE_MAX_LINE);
        return LINE_BAD;
    }
    line->text = start;
    line->length = length;
    return LINE_READ;
}

/* Split a line at blanks. Counts every field, keeps the first MAX_FIELDS. */
static struct fields split_fields(struct line line)
{
    struct fields fields = { .count = 0 };
    size_t i = 0;
    while (i < line.length) {
        while (i < line.length && is_blank(line.text[i]))
            i++;
        if (i == line.length)
            break;
        size_t start = i;
        while (i < line.length && !is_blank(line.text[i]))
            i++;
        if (fields.count < MAX_FIELDS)
            fields.field[fields.count] = (struct field){ line.text + start, i - start };
        fields.count++;
    }
    return fields;
}

/* Rule 2: blank lines and comments carry nothing for the reader. */
static bool is_blank_or_comment(const struct fields *fields)
{
    return fields->count == 0 || fields->field[0].text[0] == '#';
}

/* "# mark: NAME": a comment that names a segment for the timed replay. */
static bool is_mark(const struct fields *fields)
{
    return fields->count >= 2 && fields->field[0].length == 1 && fields->field[0].text[0] == '#' &&
           fields->field[1].length == 5 && memcmp(fields->field[1].text, "mark:", 5) == 0;
}

static int keep_mark(struct reader *r, const struct fields *fields)
{
    struct trace *trace = r->trace;
    if (fields->count != 3)
        return fail(r, "a mark is '# mark: NAME', one word; found %zu words after '# mark:'",
                    fields->count - 2);
    if (trace->mark_count == TRACE_MAX_MARKS)
        return fail(r, "more than %d '# mark:' lines", TRACE_MAX_MARKS);
    struct trace_mark *mark = &trace->marks[trace->mark_count++];
    mark->op_index = r->ops_read;
    struct field name = fields->field[2];
    for (size_t i = 0; i < name.length; i++)
        if (!is_digit(name.text[i]) && !(name.text[i] >= 'a' && name.text[i] <= 'z') &&
            !(name.text[i] >= 'A' && name.text[i] <= 'Z') && name.text[i] != '-' && name.text[i] != '_')
            return fail(r, "a mark's name is letters, digits, '-' and '_': '%.*s'", quote_length(name),
                        name.text);
    size_t length = name.length < TRACE_MARK_NAME - 1 ? name.length : TRACE_MARK_NAME - 1;
    memcpy(mark->name, name.text, length);
    mark->name[length] = '\0';
    return 0;
}

/* The next line that is neither blank nor a comment, split into fields; marks are kept. */
static enum line_status next_content_line(struct reader *r, struct fields *fields)
{
    for (;;) {
        struct line line;
        enum line_status status = next_line(r, &line);
        if (status != LINE_READ)
            return status;
        *fields = split_fields(line);
        if (is_mark(fields) && keep_mark(r, fields) != 0)
            return LINE_BAD;
        if (!is_blank_or_comment(fields))
            return LINE_READ;
    }
}

/* ---- the header --------------------------------------------------------------------- */

/* What each header line means, in both variants (see ../shared/cmu-traces/README.md). */
static const char *const header_meaning[4] = {
    "heap size or weight",
    "number of ids",
    "number of operations",
    "weight or peak payload",
};

/* Rule 3 for the header line at `index` (0 to 3), whose number is `value`. */
static int check_header_limit(struct reader *r, int index, uint64_t value)
{
    if (index == 1 && value > TRACE_MAX_IDS)
        return fail(r, "header line 2 (number of ids) declares %" PRIu64
                       " ids, more than the limit of %d", value, TRACE_MAX_IDS);
    if (index == 2 && value > TRACE_MAX_OPS)
        return fail(r, "header line 3 (number of operations) declares %" PRIu64
                       " operations, more than the limit of %d", value, TRACE_MAX_OPS);
    return 0;
}

/* Rule 3: four lines of one number each. */
static int read_header(struct reader *r)
{
    struct trace *trace = r->trace;
    for (int index = 0; index < 4; index++) {
        struct fields fields;
        enum line_status status = next_content_line(r, &fields);
        if (status == LINE_END)
            return fail(r, "the file ends after %d of the 4 header lines", index);
        if (status != LINE_READ)
            return -1; /* next_line has written the message */
        if (fields.count != 1)
            return fail(r, "header line %d (%s) must hold one number, found %zu fields", index + 1,
                        header_meaning[index], fields.count);
        struct field f = fields.field[0];
        uint64_t value = 0;
        enum number_status number = parse_decimal(f, &value);
        if (number != NUMBER_OK)
            return fail(r, "header line %d (%s): '%.*s%s' %s", index + 1, header_meaning[index],
                        quote_length(f), f.text, quote_ellipsis(f), number_problem(number));
        if (check_header_limit(r, index, value) != 0)
            return -1;
        trace->header[index] = value;
    }
    /* The limits above make both fit in 32 bits. */
    trace->id_count = (uint32_t)trace->header[1];
    trace->op_count = (uint32_t)trace->header[2];
    return 0;
}

/* ---- one operation ------------------------------------------------------------------ */

/* The fields each operation takes, for parsing and for messages. */
struct op_shape {
    char letter;
    size_t field_count;            /* after the letter */
    const char *field_names[3];
    const char *usage;             /* the field names as a message shows them */
};

static const struct op_shape op_shapes[] = {
    { 'a', 2, { "ID", "BYTES", NULL }, "ID BYTES" },
    { 'f', 1, { "ID", NULL, NULL }, "ID" },
    { 'r', 2, { "ID", "BYTES", NULL }, "ID BYTES" },
    { 'c', 3, { "ID", "NMEMB", "BYTES" }, "ID NMEMB BYTES" },
    { 'A', 3, { "ID", "ALIGNMENT", "BYTES" }, "ID ALIGNMENT BYTES" },
};

/* The shape for an operation field, or NULL when it names no operation. */
static const struct op_shape *find_shape(struct field f)
{
    if (f.length != 1)
        return NULL;
    for (size_t i = 0; i < sizeof op_shapes / sizeof op_shapes[0]; i++)
        if (op_shapes[i].letter == f.text[0])
            return &op_shapes[i];
    return NULL;
}

/* Rule 4, the ID field: a number below 2^32 and below the declared count. */
static int check_id(struct reader *r, const struct op_shape *shape, struct field f, uint64_t id)
{
    if (id > UINT32_MAX)
        return fail(r, "'%c' ID: '%.*s%s' does not fit in 32 bits", shape->letter, quote_length(f),
                    f.text, quote_ellipsis(f));
    if (id >= r->trace->id_count)
        return fail(r, "id %" PRIu64 " is beyond the declared %" PRIu32 " ids (header line 2)", id,
                    r->trace->id_count);
    return 0;
}

/* Rule 4: fill the zeroed *op from the fields of an operation line. */
static int parse_operation(struct reader *r, const struct fields *fields, struct trace_op *op)
{
    const struct op_shape *shape = find_shape(fields->field[0]);
    if (shape == NULL) {
        struct field f = fields->field[0];
        return fail(r, "unknown operation '%.*s%s' (expected a, f, r, c or A)", quote_length(f), f.text,
                    quote_ellipsis(f));
    }
    size_t found = fields->count - 1;
    if (found != shape->field_count)
        return fail(r, "'%c' needs %zu field%s (%s), found %zu", shape->letter, shape->field_count,
                    shape->field_count == 1 ? "" : "s", shape->usage, found);

    uint64_t value[3] = { 0, 0, 0 };
    for (size_t i = 0; i < shape->field_count; i++) {
        struct field f = fields->field[i + 1];
        enum number_status number = parse_decimal(f, &value[i]);
        if (number != NUMBER_OK)
            return fail(r, "'%c' %s: '%.*s%s' %s", shape->letter, shape->field_names[i],
                        quote_length(f), f.text, quote_ellipsis(f), number_problem(number));
    }
    if (check_id(r, shape, fields->field[1], value[0]) != 0)
        return -1;

    /* An alignment is what a program can ask for: a power of two (the recorder writes the one
     * the C library applied, which rounds others up). */
    if (shape->letter == OP_ALIGNED && (value[1] == 0 || (value[1] & (value[1] - 1)) != 0))
        return fail(r, "'A' ALIGNMENT: %" PRIu64 " is not a power of two (1, 2, 4, 8, ... bytes)", value[1]);

    op->kind = (uint8_t)shape->letter;
    op->id = (uint32_t)value[0];
    if (shape->letter == OP_CALLOC || shape->letter == OP_ALIGNED) {
        op->nmemb = value[1]; /* the alignment, for A: the same field */
        op->size = value[2];
    } else if (shape->letter != OP_FREE) {
        op->size = value[1];
    }
    return 0;
}

/* ---- the life of ids ---------------------------------------------------------------- */

/* Make room in the id table for `id`. The table grows by doubling with the largest id seen,
 * so its size follows the ids the file uses, not the count it declares. */
static int make_room_for_id(struct reader *r, uint32_t id)
{
    if (id < r->ids_capacity)
        return 0;
    uint64_t wanted = (uint64_t)r->ids_capacity * 2;
    if (wanted < FIRST_IDS)
        wanted = FIRST_IDS;
    if (wanted < (uint64_t)id + 1)
        wanted = (uint64_t)id + 1;
    if (wanted > r->trace->id_count)
        wanted = r->trace->id_count; /* check_id made sure that id < id_count */
    struct id_life *grown = host_resize(r->ids, r->ids_capacity * sizeof *grown,
                                        (size_t)wanted * sizeof *grown);
    if (grown == NULL)
        return fail(r, "out of memory for a table of %" PRIu64 " ids", wanted);
    r->ids = grown; /* host_resize zeroes the new room: those ids were never allocated */
    r->ids_capacity = (uint32_t)wanted;
    return 0;
}

/* A message for f or r on an id that is not live, saying where it was freed if it was. */
static int fail_not_live(struct reader *r, const char *verb, uint32_t id, const struct id_life *life)
{
    if (life->freed_at != 0)
        return fail(r, "%s of id %" PRIu32 ", which is not allocated (freed at line %" PRIu32 ")",
                    verb, id, life->freed_at);
    return fail(r, "%s of id %" PRIu32 ", which is not allocated", verb, id);
}

/* Rule 5: the operation fits the life of its id; then record what it does to that life. */
static int follow_id_life(struct reader *r, const struct trace_op *op)
{
    if (make_room_for_id(r, op->id) != 0)
        return -1;
    struct id_life *life = &r->ids[op->id];
    bool live = life->allocated_at != 0;
    switch (op->kind) {
    case OP_MALLOC:
    case OP_CALLOC:
    case OP_ALIGNED:
        if (live)
            return fail(r, "id %" PRIu32 " is already allocated (at line %" PRIu32 ")", op->id,
                        life->allocated_at);
        life->allocated_at = r->line_number;
        return 0;
    case OP_FREE:
        if (!live)
            return fail_not_live(r, "free", op->id, life);
        life->allocated_at = 0;
        life->freed_at = r->line_number;
        return 0;
    case OP_REALLOC:
        if (!live)
            return fail_not_live(r, "realloc", op->id, life);
        if (op->size == 0) { /* realloc to zero bytes frees the block */
            life->allocated_at = 0;
            life->freed_at = r->line_number;
        }
        return 0;
    default:
        assert(!"parse_operation lets only a, f, r, c and A through");
        return -1;
    }
}

/* ---- keeping operations ------------------------------------------------------------- */

/* Grow one of the two per-operation arrays to hold `wanted` elements of `element_size`. */
static int grow_array(struct reader *r, void **array, uint32_t *capacity, size_t element_size,
                      uint32_t wanted)
{
    void *grown = host_resize(*array, (size_t)*capacity * element_size, (size_t)wanted * element_size);
    if (grown == NULL)
        return fail(r, "out of memory for %" PRIu32 " operations", wanted);
    *array = grown;
    *capacity = wanted;
    return 0;
}

/* Keep one checked operation. The arrays double as operations arrive but never pass the
 * declared count; since the count of operations read must end equal to it, they end full. */
static int keep_operation(struct reader *r, const struct trace_op *op)
{
    struct trace *trace = r->trace;
    if (r->ops_read == r->ops_capacity) {
        uint64_t wanted = (uint64_t)r->ops_capacity * 2;
        if (wanted < FIRST_OPS)
            wanted = FIRST_OPS;
        if (wanted > trace->op_count)
            wanted = trace->op_count;
        void *ops = trace->ops;
        void *lines = trace->op_lines;
        int grown = grow_array(r, &ops, &r->ops_capacity, sizeof *trace->ops, (uint32_t)wanted);
        trace->ops = ops;
        if (grown != 0)
            return -1;
        grown = grow_array(r, &lines, &r->op_lines_capacity, sizeof *trace->op_lines, (uint32_t)wanted);
        trace->op_lines = lines;
        if (grown != 0)
            return -1;
    }
    trace->ops[r->ops_read] = *op;
    trace->op_lines[r->ops_read] = r->line_number;
    r->ops_read++;

    uint64_t bytes = op->kind == OP_CALLOC ? multiply_saturating(op->nmemb, op->size) : op->size;
    trace->payload_bytes_total = add_saturating(trace->payload_bytes_total, bytes);
    return 0;
}

/* Rules 4 to 6 for every line after the header. */
static int read_operations(struct reader *r)
{
    const struct trace *trace = r->trace;
    for (;;) {
        struct fields fields;
        enum line_status status = next_content_line(r, &fields);
        if (status == LINE_END)
            break;
        if (status != LINE_READ)
            return -1; /* next_line has written the message */
        if (r->ops_read == trace->op_count)
            return fail(r, "more operations than the %" PRIu32 " declared by header line 3",
                        trace->op_count);
        struct trace_op op;
        memset(&op, 0, sizeof op); /* padding too, so that no byte of the ops array is undefined */
        if (parse_operation(r, &fields, &op) != 0 || follow_id_life(r, &op) != 0
            || keep_operation(r, &op) != 0)
            return -1;
    }
    if (r->ops_read != trace->op_count)
        return fail(r, "the header declares %" PRIu32 " operations but the file ends after %" PRIu32,
                    trace->op_count, r->ops_read);
    return 0;
}

/* ---- names -------------------------------------------------------------------------- */

/* Copy `text` into `out`, cut to fit. */
static void copy_text(char *out, size_t out_size, const char *text, size_t length)
{
    if (length >= out_size)
        length = out_size - 1;
    memcpy(out, text, length);
    out[length] = '\0';
}

/* trace->name: the file name without its folders and without a final ".rep". */
static void set_path_and_name(struct trace *trace, const char *path)
{
    copy_text(trace->path, sizeof trace->path, path, strlen(path));
    const char *slash = strrchr(path, '/');
    const char *base = slash != NULL ? slash + 1 : path;
    size_t length = strlen(base);
    if (length > 4 && strcmp(base + length - 4, ".rep") == 0)
        length -= 4;
    copy_text(trace->name, sizeof trace->name, base, length);
}

/* ---- the interface ------------------------------------------------------------------ */

/* Give back the arrays of a reading that failed: their sizes are the capacities, not the
 * declared count, which is why trace_release cannot do it. */
static void discard_reading(struct reader *r)
{
    struct trace *trace = r->trace;
    host_free(trace->ops, (size_t)r->ops_capacity * sizeof *trace->ops);
    host_free(trace->op_lines, (size_t)r->op_lines_capacity * sizeof *trace->op_lines);
    memset(trace, 0, sizeof *trace);
}

int trace_parse(const char *path, const char *text, size_t length, struct trace *trace, char *error,
                size_t error_size)
{
    assert(path != NULL && trace != NULL && (text != NULL || length == 0));
    memset(trace, 0, sizeof *trace);
    set_path_and_name(trace, path);
    if (error != NULL && error_size > 0)
        error[0] = '\0';

    struct reader r = {
        .path = path,
        .text = text,
        .length = length,
        .error = error,
        .error_size = error_size,
        .trace = trace,
    };
    int result;
    if (length == 0) {
        r.line_number = 1;
        result = fail(&r, "empty file: expected the four header lines");
    } else {
        result = read_header(&r) == 0 && read_operations(&r) == 0 ? 0 : -1;
    }
    host_free(r.ids, (size_t)r.ids_capacity * sizeof *r.ids);
    if (result != 0) {
        discard_reading(&r);
        return -1;
    }
    /* keep_operation never grows past the declared count, and exactly that many were read. */
    assert(r.ops_capacity == trace->op_count && r.op_lines_capacity == trace->op_count);
    return 0;
}

/* Read the whole file at `path` into host memory: one read for a regular file, whose size is
 * known; a pipe is read in rounds into a doubling buffer. */
static int read_file(const char *path, char **text, size_t *length, size_t *capacity, char *error,
                     size_t error_size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail_file(path, error, error_size, "cannot read: %s", strerror(errno));
    struct stat status;
    if (fstat(fd, &status) != 0) {
        int saved = errno;
        close(fd);
        return fail_file(path, error, error_size, "cannot read: %s", strerror(saved));
    }
    if (S_ISDIR(status.st_mode)) {
        close(fd);
        return fail_file(path, error, error_size, "is a directory, not a trace file");
    }
    /* One byte more than the size, so that the read which finds the end needs no growth. */
    size_t room = READ_CHUNK;
    if (S_ISREG(status.st_mode) && status.st_size > 0 && (uintmax_t)status.st_size < SIZE_MAX)
        room = (size_t)status.st_size + 1;

    char *buffer = host_alloc(room);
    size_t used = 0;
    int problem = buffer == NULL ? ENOMEM : 0;
    while (problem == 0) {
        if (used == room) {
            char *grown = room <= SIZE_MAX / 2 ? host_resize(buffer, room, room * 2) : NULL;
            if (grown == NULL) {
                problem = ENOMEM;
                break;
            }
            buffer = grown;
            room *= 2;
        }
        ssize_t got = read(fd, buffer + used, room - used);
        if (got == 0)
            break;
        if (got < 0 && errno != EINTR)
            problem = errno;
        if (got > 0)
            used += (size_t)got;
    }
    close(fd);
    if (problem != 0) {
        host_free(buffer, room);
        return fail_file(path, error, error_size, "cannot read: %s", strerror(problem));
    }
    *text = buffer;
    *length = used;
    *capacity = room;
    return 0;
}

int trace_load(const char *path, struct trace *trace, char *error, size_t error_size)
{
    assert(path != NULL && trace != NULL);
    char *text = NULL;
    size_t length = 0;
    size_t capacity = 0;
    if (read_file(path, &text, &length, &capacity, error, error_size) != 0) {
        memset(trace, 0, sizeof *trace);
        return -1;
    }
    int result = trace_parse(path, text, length, trace, error, error_size);
    host_free(text, capacity);
    return result;
}

void trace_release(struct trace *trace)
{
    if (trace == NULL)
        return;
    host_free(trace->ops, (size_t)trace->op_count * sizeof *trace->ops);
    host_free(trace->op_lines, (size_t)trace->op_count * sizeof *trace->op_lines);
    memset(trace, 0, sizeof *trace);
}

void trace_format_op(const struct trace_op *op, char *out, size_t out_size)
{
    if (out == NULL || out_size == 0)
        return;
    switch (op->kind) {
    case OP_MALLOC:
    case OP_REALLOC:
        snprintf(out, out_size, "%c %" PRIu32 " %" PRIu64, op->kind, op->id, op->size);
        break;
    case OP_FREE:
        snprintf(out, out_size, "f %" PRIu32, op->id);
        break;
    case OP_CALLOC:
        snprintf(out, out_size, "c %" PRIu32 " %" PRIu64 " %" PRIu64, op->id, op->nmemb, op->size);
        break;
    case OP_ALIGNED:
        snprintf(out, out_size, "A %" PRIu32 " %" PRIu64 " %" PRIu64, op->id, op->alignment, op->size);
        break;
    default:
        snprintf(out, out_size, "? %" PRIu32 " (kind %d)", op->id, op->kind);
        break;
    }
}

void trace_describe_op(const struct trace_op *op, char *out, size_t out_size)
{
    unsigned long long size = op->size, nmemb = op->nmemb;
    switch (op->kind) {
    case OP_MALLOC: snprintf(out, out_size, "malloc(%llu) for id %u", size, op->id); return;
    case OP_FREE: snprintf(out, out_size, "free of id %u's block", op->id); return;
    case OP_REALLOC: snprintf(out, out_size, "realloc of id %u's block to %llu bytes", op->id, size); return;
    case OP_CALLOC: snprintf(out, out_size, "calloc(%llu, %llu) for id %u", nmemb, size, op->id); return;
    case OP_ALIGNED:
        snprintf(out, out_size, "%llu bytes aligned to %llu for id %u, replayed as malloc(%llu)", size, nmemb, op->id,
                 (unsigned long long)trace_aligned_request_bytes(op));
        return;
    default: snprintf(out, out_size, "operation '%c'", op->kind); return;
    }
}

uint64_t trace_peak_live_bytes(const struct trace *trace)
{
    uint64_t *live = host_alloc((size_t)(trace->id_count ? trace->id_count : 1) * sizeof *live);
    if (live == NULL)
        return UINT64_MAX;
    uint64_t now = 0, peak = 0;
    for (uint32_t i = 0; i < trace->op_count; i++) {
        const struct trace_op *op = &trace->ops[i];
        uint64_t bytes = op->size;
        if (op->kind == OP_CALLOC)
            bytes = op->nmemb != 0 && op->size > UINT64_MAX / op->nmemb ? 0 : op->nmemb * op->size;
        now -= live[op->id];
        live[op->id] = op->kind == OP_FREE ? 0 : bytes;
        now += live[op->id];
        if (now > peak)
            peak = now;
    }
    host_free(live, (size_t)(trace->id_count ? trace->id_count : 1) * sizeof *live);
    return peak;
}
