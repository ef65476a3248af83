/*
 * heap_page.c: build/replay --html FILE: one self-contained page that steps through a replay.
 *
 * The page is the template harness/page/heap_page.html, which the build turns into C strings
 * (heap_page_template, one per line: harness/page/embed.awk), with the replay's data written in
 * place of its one @HEAP_PAGE_DATA@: a JSON object in a <script type="application/json">. The
 * template's script draws it; this file only writes the data. Every string in it is escaped so
 * that no '<', '>' or '&' is left: no trace text can close the script element.
 *
 *   {"format": "heapkit heap page 1", "stage": "dlist",
 *    "trace": {"path": "traces/x.rep", "name": "x", "ops": 13},
 *    "window": {"first": 0, "last": 12, "note": "..."},    the operations the page steps through
 *    "notes": ["..."],                                      what the page itself left out
 *    "failure": null | {"op": 5, "line": 14, "message": "...", "after": true},
 *                            after: there is a snapshot after it (the check failed once the stage
 *                            returned); false: the replay ended inside it (the stage crashed)
 *    "opened": 5,                                           the operation shown first
 *    "ops": {"first": 0, "list": [[LINE, "a 0 24", "malloc(24) for id 0"], ...]},
 *                            the window's operations and a few on either side
 *    "source": null | {"first": LINE, "lines": ["# a comment", "a 0 24", ...]},
 *                            the trace's own text around them (comments too), when it could be read
 *    "snapshots": [{"op": 0, "source": 0, "problem": "", "heap": BYTES, "mapped": BYTES,
 *                   "payload": BYTES, "footprint": BYTES, "peakPayload": BYTES,
 *                   "peakFootprint": BYTES, "chunkCount": N, "blockCount": N,
 *                   "chunks": {"key": [...]} | {"delta": [...]}, "blocks": the same}, ...],
 *    "chart": {"ops": N, "step": S, "footprint": [[MOST, LEAST], ...], "payload": [...]}}
 *
 * A chunk is 7 numbers, [area, offset, bytes, state, list, next, id], a block 5, [area, offset,
 * bytes, id, line] (heap_snapshot.h's fields); a snapshot's list is flat. "key" is the whole
 * list; "delta" the edits that turn the previous snapshot's list into this one's, each
 * [at, removed, added, the added rows...], `at` counting the previous list's rows. The first
 * snapshot and every KEYFRAME_EVERY-th is a key, and so is any whose delta would be longer.
 * The chart has a column of S operations for every S operations of the whole replay (at most
 * CHART_MOST_COLUMNS), each the most and the least of its points ([-1, -1]: none).
 *
 * The page stays under PAGE_MOST_BYTES whatever the replay: the page is first written only to
 * be counted; when it is too big, the window's first snapshots are left out (the last, where
 * a failure is, are kept), and when one snapshot alone is too big, each shows its first rows
 * only. The notes say so.
 */
#include "heap_page.h"
#include "hostmem.h"

#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

/* The template, a string per line, NULL after the last (generated from heap_page.html). */
extern const char *const heap_page_template[];

static const char DATA_MARK[] = "@HEAP_PAGE_DATA@";

enum {
    PAGE_MOST_BYTES = 4800 * 1000,      /* under 5 MB, with room to spare */
    CHART_MOST_COLUMNS = 2000,
    KEYFRAME_EVERY = 64,                /* snapshots */
    CONTEXT_OPS = 3,                    /* operations shown before and after the window */
    CONTEXT_LINES = 3,                  /* lines of the trace before and after an operation */
    SOURCE_MOST_BYTES = 256 * 1024,     /* the trace's text kept for the page */
    SOURCE_FILE_MOST_BYTES = 64 << 20,  /* a bigger trace file is not read again */
    CHUNK_FIELDS = 7,
    BLOCK_FIELDS = 5,
    MOST_FIELDS = 7,
};

/* The largest integer a page's script reads exactly (2^53). */
static const uint64_t SCRIPT_MOST_EXACT = UINT64_C(1) << 53;

/* ---- writing, or only counting ----------------------------------------------------------- */

struct page_out {
    FILE *file;     /* NULL: count only */
    uint64_t bytes; /* written, or counted, so far */
};

static void put(struct page_out *out, const char *text, size_t length)
{
    out->bytes += length;
    if (out->file != NULL)
        fwrite(text, 1, length, out->file);
}

static void put_text(struct page_out *out, const char *text)
{
    put(out, text, strlen(text));
}

static void put_int(struct page_out *out, int64_t value)
{
    char digits[24], *end = digits + sizeof digits, *first = end;
    uint64_t magnitude = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
    do {
        *--first = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    if (value < 0)
        *--first = '-';
    put(out, first, (size_t)(end - first));
}

/* A size or offset as the page's script can read it: bigger than 2^53 (only a lying walk's or a
 * giant request's), it is written as 2^53. */
static int64_t script_number(uint64_t value)
{
    return value > SCRIPT_MOST_EXACT ? (int64_t)SCRIPT_MOST_EXACT : (int64_t)value;
}

/* A JSON string of `length` bytes, quoted and escaped: no control character, and no '<', '>'
 * or '&', so that nothing in it reads as HTML ("</script>" becomes "\u003c/script\u003e"). */
static void put_string_n(struct page_out *out, const char *text, size_t length)
{
    put(out, "\"", 1);
    size_t plain = 0; /* bytes of text[plain_from..] not yet written */
    const char *plain_from = text;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        char escaped[8];
        if (c == '"' || c == '\\')
            snprintf(escaped, sizeof escaped, "\\%c", c);
        else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f)
            snprintf(escaped, sizeof escaped, "\\u%04x", c);
        else {
            plain++;
            continue;
        }
        put(out, plain_from, plain);
        put_text(out, escaped);
        plain = 0;
        plain_from = text + i + 1;
    }
    put(out, plain_from, plain);
    put(out, "\"", 1);
}

static void put_string(struct page_out *out, const char *text)
{
    put_string_n(out, text != NULL ? text : "", text != NULL ? strlen(text) : 0);
}

/* ,"name": */
static void put_key(struct page_out *out, const char *name)
{
    put_text(out, ",\"");
    put_text(out, name);
    put_text(out, "\":");
}

/* ---- a snapshot's chunks and blocks as rows of numbers ----------------------------------- */

enum row_kind { CHUNK_ROWS, BLOCK_ROWS };

static size_t row_width(enum row_kind kind)
{
    return kind == CHUNK_ROWS ? CHUNK_FIELDS : BLOCK_FIELDS;
}

static size_t row_count(const struct snapshot *s, enum row_kind kind, size_t cap)
{
    size_t count = kind == CHUNK_ROWS ? s->header.chunk_count : s->header.block_count;
    return count < cap ? count : cap;
}

/* Row `index`: both kinds begin with their address, [area, offset, ...]. */
static void row(const struct snapshot *s, enum row_kind kind, size_t index, int64_t out[MOST_FIELDS])
{
    if (kind == CHUNK_ROWS) {
        const struct snapshot_chunk *c = &s->chunks[index];
        int64_t values[CHUNK_FIELDS] = { c->area, script_number(c->offset), script_number(c->bytes), c->state, c->list,
                                         c->next, c->id };
        memcpy(out, values, sizeof values);
    } else {
        const struct snapshot_block *b = &s->blocks[index];
        int64_t values[BLOCK_FIELDS] = { b->area, script_number(b->offset), script_number(b->bytes), b->id, b->line };
        memcpy(out, values, sizeof values);
    }
}

static int address_before_or_at(const int64_t *a, const int64_t *b)
{
    return a[0] < b[0] || (a[0] == b[0] && a[1] <= b[1]);
}

static void put_rows(struct page_out *out, const struct snapshot *s, enum row_kind kind, size_t from, size_t to,
                     int *first)
{
    int64_t values[MOST_FIELDS];
    for (size_t i = from; i < to; i++) {
        row(s, kind, i, values);
        for (size_t f = 0; f < row_width(kind); f++) {
            if (!*first)
                put(out, ",", 1);
            *first = 0;
            put_int(out, values[f]);
        }
    }
}

/* One snapshot's rows of one kind, the first `count` of them. */
struct rows {
    const struct snapshot *snapshot;
    enum row_kind kind;
    size_t count;
};

/* Row i of a and row j of b into ra and rb, when both exist: 1 when they are the same. */
static int same_row(const struct rows *a, size_t i, const struct rows *b, size_t j, int64_t *ra, int64_t *rb)
{
    if (i >= a->count || j >= b->count)
        return 0;
    row(a->snapshot, a->kind, i, ra);
    row(b->snapshot, b->kind, j, rb);
    return memcmp(ra, rb, row_width(a->kind) * sizeof ra[0]) == 0;
}

/* The delta from prev's rows to cur's (the file's comment): written when out is not NULL.
 * Returns how many numbers it is. Rows equal in both are kept; where they differ, the walk
 * goes by address, so that a change in one place of the heap is one edit. */
static uint64_t put_delta(struct page_out *out, const struct snapshot *prev, const struct snapshot *cur,
                          enum row_kind kind, size_t cap)
{
    struct rows old_rows = { prev, kind, row_count(prev, kind, cap) }, new_rows = { cur, kind, row_count(cur, kind, cap) };
    size_t i = 0, j = 0;
    uint64_t numbers = 0;
    int first = 1;
    int64_t p[MOST_FIELDS], c[MOST_FIELDS];
    while (i < old_rows.count || j < new_rows.count) {
        if (same_row(&old_rows, i, &new_rows, j, p, c)) {
            i++, j++;
            continue;
        }
        size_t at = i, added_from = j;
        while ((i < old_rows.count || j < new_rows.count) && !same_row(&old_rows, i, &new_rows, j, p, c)) {
            if (j == new_rows.count) {
                i++;
            } else if (i == old_rows.count || !address_before_or_at(p, c)) {
                j++;
            } else { /* the old row goes; at the same address, the new one replaces it */
                if (p[0] == c[0] && p[1] == c[1])
                    j++;
                i++;
            }
        }
        numbers += 3 + (uint64_t)(j - added_from) * row_width(kind);
        if (out != NULL) {
            int64_t edit[3] = { (int64_t)at, (int64_t)(i - at), (int64_t)(j - added_from) };
            for (int f = 0; f < 3; f++) {
                if (!first)
                    put(out, ",", 1);
                first = 0;
                put_int(out, edit[f]);
            }
            put_rows(out, cur, kind, added_from, j, &first);
        }
    }
    return numbers;
}

/* ---- what the page shows besides the snapshots --------------------------------------------- */

/* The footprint chart: 4 numbers per column (footprint most, least; payload most, least). */
struct chart {
    uint32_t ops, step, columns;
    uint64_t *values; /* UINT64_MAX: no point in the column */
    size_t values_bytes;
};

static int chart_make(struct chart *chart, const struct heap_page_input *input)
{
    const struct snapshot_file *file = input->file;
    uint64_t ops = input->trace->op_count;
    for (size_t i = 0; i < file->point_count; i++)
        if (file->points[i].op_index >= ops)
            ops = (uint64_t)file->points[i].op_index + 1;
    chart->ops = (uint32_t)ops;
    chart->step = (uint32_t)((ops + CHART_MOST_COLUMNS - 1) / CHART_MOST_COLUMNS);
    chart->step = chart->step ? chart->step : 1;
    chart->columns = (uint32_t)((ops + chart->step - 1) / chart->step);
    chart->values_bytes = (size_t)(chart->columns ? chart->columns : 1) * 4 * sizeof(uint64_t);
    chart->values = host_alloc(chart->values_bytes);
    if (chart->values == NULL)
        return -1;
    for (size_t i = 0; i < (size_t)chart->columns * 4; i++)
        chart->values[i] = i % 2 == 0 ? 0 : UINT64_MAX;
    for (size_t i = 0; i < file->point_count; i++) {
        const struct snapshot_point *point = &file->points[i];
        uint64_t *column = &chart->values[point->op_index / chart->step * 4];
        uint64_t bytes[2] = { point->footprint_bytes, point->payload_bytes };
        for (int k = 0; k < 2; k++) {
            if (bytes[k] > column[2 * k])
                column[2 * k] = bytes[k];
            if (bytes[k] < column[2 * k + 1])
                column[2 * k + 1] = bytes[k];
        }
    }
    return 0;
}

/* The trace's own lines first..first+count-1, each ending in '\0' in text. */
struct source {
    uint32_t first, count;
    char *text; /* SOURCE_MOST_BYTES from host_alloc, or NULL */
};

/* Read lines from..to of the trace file again, for its comments; nothing when the file is
 * gone or too big to be read quickly (the page then shows the operations as parsed). */
static void source_read(struct source *source, const char *path, uint32_t from, uint32_t to)
{
    struct stat status;
    FILE *file = fopen(path, "r");
    if (file == NULL)
        return;
    if (fstat(fileno(file), &status) != 0 || status.st_size > SOURCE_FILE_MOST_BYTES ||
        (source->text = host_alloc(SOURCE_MOST_BYTES)) == NULL) {
        fclose(file);
        return;
    }
    source->first = from;
    char line[TRACE_MAX_LINE + 3];
    uint32_t number = 1;
    size_t used = 0;
    int whole = 1; /* the last piece fgets gave ended its line */
    while (number <= to && fgets(line, sizeof line, file) != NULL) {
        size_t length = strlen(line);
        int ends = length > 0 && line[length - 1] == '\n';
        if (whole && number >= from) { /* a line's first piece: the reader refuses longer lines */
            while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r'))
                length--;
            if (used + length + 1 > SOURCE_MOST_BYTES)
                break;
            memcpy(source->text + used, line, length);
            source->text[used + length] = '\0';
            used += length + 1;
            source->count++;
        }
        whole = ends;
        number += ends;
    }
    fclose(file);
}

/* ---- the page ------------------------------------------------------------------------------- */

struct page_plan {
    const struct heap_page_input *input;
    const struct chart *chart;
    const struct source *source;
    size_t first_snapshot; /* those before it are left out, to stay under PAGE_MOST_BYTES */
    size_t row_cap;        /* chunks and blocks shown of each snapshot, at most */
    uint32_t first, last;  /* the operations the page steps through */
    uint32_t window_last;  /* the window's last operation, which the snapshots may not reach */
};

static uint32_t op_line(const struct trace *trace, uint32_t op)
{
    return op < trace->op_count ? trace->op_lines[op] : 0;
}

/* The operations the page steps through: from the first snapshot written to the window's
 * end, or to the failed operation when the replay ended there; no further than the last
 * snapshot (or the operation after it, when the replay ended inside that one). */
static void plan_steps(struct page_plan *plan)
{
    const struct heap_page_input *in = plan->input;
    const struct snapshot_file *file = in->file;
    uint32_t first = in->first_op, last = in->last_op;
    if (plan->first_snapshot < file->snapshot_count)
        first = file->snapshots[plan->first_snapshot].header.op_index;
    if (in->failed && in->failed_op < last)
        last = in->failed_op;
    if (in->trace->op_count > 0 && last >= in->trace->op_count)
        last = in->trace->op_count - 1;
    plan->window_last = last;
    if (file->snapshot_count > 0) {
        uint32_t seen = file->snapshots[file->snapshot_count - 1].header.op_index;
        uint32_t reach = in->failed && in->failed_op == seen + 1 ? seen + 1 : seen;
        last = last < reach ? last : reach;
    }
    plan->first = first;
    plan->last = last > first ? last : first;
}

static void put_snapshot(struct page_out *out, const struct page_plan *plan, size_t index)
{
    const struct snapshot *s = &plan->input->file->snapshots[index];
    const struct snapshot *prev = index > plan->first_snapshot ? s - 1 : NULL;
    const struct snapshot_header *h = &s->header;
    put_text(out, "{\"op\":");
    put_int(out, h->op_index);
    put_key(out, "source");
    put_int(out, h->source);
    put_key(out, "problem");
    put_string_n(out, h->walk_problem, strnlen(h->walk_problem, sizeof h->walk_problem));
    const char *names[] = { "heap", "mapped", "payload", "footprint", "peakPayload", "peakFootprint",
                            "chunkCount", "blockCount" };
    uint64_t values[] = { h->heap_bytes, h->mapped_bytes, h->payload_bytes, h->footprint_bytes,
                          h->peak_payload_bytes, h->peak_footprint_bytes, h->chunk_count, h->block_count };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        put_key(out, names[i]);
        put_int(out, script_number(values[i]));
    }
    for (enum row_kind kind = CHUNK_ROWS; kind <= BLOCK_ROWS; kind++) {
        put_key(out, kind == CHUNK_ROWS ? "chunks" : "blocks");
        uint64_t whole = (uint64_t)row_count(s, kind, plan->row_cap) * row_width(kind);
        int key = prev == NULL || (index - plan->first_snapshot) % KEYFRAME_EVERY == 0 ||
                  put_delta(NULL, prev, s, kind, plan->row_cap) >= whole;
        put_text(out, key ? "{\"key\":[" : "{\"delta\":[");
        if (key) {
            int first = 1;
            put_rows(out, s, kind, 0, row_count(s, kind, plan->row_cap), &first);
        } else {
            put_delta(out, prev, s, kind, plan->row_cap);
        }
        put_text(out, "]}");
    }
    put_text(out, "}");
}

static void put_ops(struct page_out *out, const struct page_plan *plan)
{
    const struct trace *trace = plan->input->trace;
    uint32_t from = plan->first > CONTEXT_OPS ? plan->first - CONTEXT_OPS : 0;
    uint64_t to = (uint64_t)plan->last + CONTEXT_OPS;
    put_text(out, "{\"first\":");
    put_int(out, from);
    put_text(out, ",\"list\":[");
    for (uint64_t op = from; op <= to && op < trace->op_count; op++) {
        char text[96], words[160];
        trace_format_op(&trace->ops[op], text, sizeof text);
        trace_describe_op(&trace->ops[op], words, sizeof words);
        put_text(out, op > from ? ",[" : "[");
        put_int(out, trace->op_lines[op]);
        put(out, ",", 1);
        put_string(out, text);
        put(out, ",", 1);
        put_string(out, words);
        put(out, "]", 1);
    }
    put_text(out, "]}");
}

static void put_source(struct page_out *out, const struct source *source)
{
    if (source->count == 0) {
        put_text(out, "null");
        return;
    }
    put_text(out, "{\"first\":");
    put_int(out, source->first);
    put_text(out, ",\"lines\":[");
    const char *line = source->text;
    for (uint32_t i = 0; i < source->count; i++) {
        if (i > 0)
            put(out, ",", 1);
        put_string(out, line);
        line += strlen(line) + 1;
    }
    put_text(out, "]}");
}

static void put_chart(struct page_out *out, const struct chart *chart)
{
    put_text(out, "{\"ops\":");
    put_int(out, chart->ops);
    put_key(out, "step");
    put_int(out, chart->step);
    for (int k = 0; k < 2; k++) {
        put_key(out, k == 0 ? "footprint" : "payload");
        put(out, "[", 1);
        for (uint32_t c = 0; c < chart->columns; c++) {
            const uint64_t *column = &chart->values[(size_t)c * 4 + 2 * (size_t)k];
            int none = column[1] == UINT64_MAX;
            put_text(out, c > 0 ? ",[" : "[");
            put_int(out, none ? -1 : script_number(column[0]));
            put(out, ",", 1);
            put_int(out, none ? -1 : script_number(column[1]));
            put(out, "]", 1);
        }
        put(out, "]", 1);
    }
    put(out, "}", 1);
}

static void put_notes(struct page_out *out, const struct page_plan *plan)
{
    char note[256];
    int notes = 0;
    put(out, "[", 1);
    if (plan->last < plan->window_last) {
        snprintf(note, sizeof note, /* operations counted from 1, as the page shows them */
                 "the snapshots end at operation %" PRIu32 " (line %" PRIu32 "), before the window's end at operation %"
                 PRIu32 ": the replay that took them stopped there", plan->last + 1,
                 op_line(plan->input->trace, plan->last), plan->window_last + 1);
        put_string(out, note);
        notes++;
    }
    if (plan->first_snapshot > 0) {
        snprintf(note, sizeof note,
                 "the window's first %zu snapshots are left out, to keep this page under 5 MB: "
                 "it starts at operation %" PRIu32 " (line %" PRIu32 ")",
                 plan->first_snapshot, plan->first + 1, op_line(plan->input->trace, plan->first));
        put_text(out, notes++ > 0 ? "," : "");
        put_string(out, note);
    }
    if (plan->row_cap != SIZE_MAX) {
        snprintf(note, sizeof note,
                 "each snapshot shows only its first %zu chunks and %zu live blocks, to keep this page under 5 MB",
                 plan->row_cap, plan->row_cap);
        put_text(out, notes++ > 0 ? "," : "");
        put_string(out, note);
    }
    put(out, "]", 1);
}

static void put_data(struct page_out *out, const struct page_plan *plan)
{
    const struct heap_page_input *in = plan->input;
    const struct snapshot_file *file = in->file;
    put_text(out, "{\"format\":\"heapkit heap page 1\"");
    put_key(out, "stage");
    put_string(out, in->stage);
    put_key(out, "trace");
    put_text(out, "{\"path\":");
    put_string(out, in->trace->path);
    put_key(out, "name");
    put_string(out, in->trace->name);
    put_key(out, "ops");
    put_int(out, in->trace->op_count);
    put_text(out, "}");
    put_key(out, "window");
    put_text(out, "{\"first\":");
    put_int(out, plan->first);
    put_key(out, "last");
    put_int(out, plan->last);
    put_key(out, "note");
    put_string(out, in->window_note);
    put_text(out, "}");
    put_key(out, "notes");
    put_notes(out, plan);
    put_key(out, "failure");
    if (in->failed) {
        int after = 0;
        for (size_t i = 0; i < file->snapshot_count; i++)
            after |= file->snapshots[i].header.op_index == in->failed_op;
        put_text(out, "{\"op\":");
        put_int(out, in->failed_op);
        put_key(out, "line");
        put_int(out, op_line(in->trace, in->failed_op));
        put_key(out, "message");
        put_string(out, in->failure);
        put_key(out, "after");
        put_text(out, after ? "true}" : "false}");
    } else {
        put_text(out, "null");
    }
    put_key(out, "opened");
    uint32_t opened = in->open_at_given ? in->open_op : in->failed ? in->failed_op : plan->first;
    put_int(out, opened < plan->first ? plan->first : opened > plan->last ? plan->last : opened);
    put_key(out, "ops");
    put_ops(out, plan);
    put_key(out, "source");
    put_source(out, plan->source);
    put_key(out, "snapshots");
    put(out, "[", 1);
    for (size_t i = plan->first_snapshot; i < file->snapshot_count; i++) {
        if (i > plan->first_snapshot)
            put(out, ",", 1);
        put_snapshot(out, plan, i);
    }
    put(out, "]", 1);
    put_key(out, "chart");
    put_chart(out, plan->chart);
    put(out, "}", 1);
}

/* The template with the data in place of its mark. */
static void put_page(struct page_out *out, const struct page_plan *plan)
{
    for (const char *const *line = heap_page_template; *line != NULL; line++) {
        const char *mark = strstr(*line, DATA_MARK);
        if (mark == NULL) {
            put_text(out, *line);
            continue;
        }
        put(out, *line, (size_t)(mark - *line));
        put_data(out, plan);
        put_text(out, mark + strlen(DATA_MARK));
    }
}

static uint64_t page_bytes(struct page_plan *plan)
{
    struct page_out counter = { NULL, 0 };
    plan_steps(plan);
    put_page(&counter, plan);
    return counter.bytes;
}

/* Leave out the window's first snapshots, and if one alone is too much cut every snapshot's
 * rows, until the page fits. */
static void plan_fit(struct page_plan *plan)
{
    size_t count = plan->input->file->snapshot_count;
    if (page_bytes(plan) <= PAGE_MOST_BYTES || count == 0)
        return;
    const struct snapshot *last = &plan->input->file->snapshots[count - 1];
    size_t rows = last->header.chunk_count > last->header.block_count ? last->header.chunk_count
                                                                        : last->header.block_count;
    plan->first_snapshot = count - 1;
    while (page_bytes(plan) > PAGE_MOST_BYTES && plan->row_cap > 16)
        plan->row_cap = (plan->row_cap < rows ? plan->row_cap : rows) / 2;
    size_t lo = 0; /* the fewest snapshots left out is in lo..first_snapshot */
    while (lo < plan->first_snapshot) {
        size_t fits = plan->first_snapshot, middle = lo + (fits - lo) / 2;
        plan->first_snapshot = middle;
        if (page_bytes(plan) > PAGE_MOST_BYTES) {
            lo = middle + 1;
            plan->first_snapshot = fits;
        }
    }
    plan_steps(plan);
}

int heap_page_write(FILE *out, const struct heap_page_input *input, char *error, size_t error_size)
{
    if (input == NULL || input->trace == NULL || input->file == NULL) {
        snprintf(error, error_size, "heap page: no replay to show");
        return -1;
    }
    struct chart chart = { 0 };
    struct source source = { 0 };
    if (chart_make(&chart, input) != 0) {
        snprintf(error, error_size, "heap page: out of memory for the chart");
        return -1;
    }
    struct page_plan plan = { .input = input, .chart = &chart, .source = &source, .row_cap = SIZE_MAX };
    plan_steps(&plan);
    const struct trace *trace = input->trace;
    if (trace->op_count > 0) {
        uint32_t from = plan.first > CONTEXT_OPS ? plan.first - CONTEXT_OPS : 0;
        uint32_t to = plan.last + CONTEXT_OPS < trace->op_count ? plan.last + CONTEXT_OPS : trace->op_count - 1;
        uint32_t from_line = op_line(trace, from), to_line = op_line(trace, to) + CONTEXT_LINES;
        source_read(&source, trace->path, from_line > CONTEXT_LINES ? from_line - CONTEXT_LINES : 1, to_line);
    }
    plan_fit(&plan);
    struct page_out page = { out, 0 };
    put_page(&page, &plan);
    host_free(chart.values, chart.values_bytes);
    host_free(source.text, source.text ? SOURCE_MOST_BYTES : 0);
    if (fflush(out) != 0 || ferror(out)) {
        snprintf(error, error_size, "heap page: the page could not be written");
        return -1;
    }
    return 0;
}
