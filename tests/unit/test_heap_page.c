/*
 * test_heap_page.c: the page of build/replay --html, as a specification (heap_page.c).
 *
 * 1. The page is self-contained: nothing in it names another file or the network.
 * 2. Its data is one JSON object that parses, in which no trace text can close the script
 *    element: a trace path of "</script>" stays inside it.
 * 3. It stays under 5 MB: a 1000-operation window of 2000 chunks a snapshot keeps every
 *    snapshot; a window whose every chunk changes at every operation keeps its last
 *    snapshots (the failure among them) and says so; one snapshot too big for the page alone
 *    shows its first chunks and says so.
 * 4. A replay whose snapshots end before the window does is stepped through as far as they go.
 *
 * With --write-page sliding|crowded|moving|empty FILE OP..., it writes the 1000-operation page,
 * one of 20,000 small chunks, the one of moving chunks or that of a trace with no operation to
 * FILE for the browser test (tests/jobs/pages.sh), and prints what the page must draw at each
 * OP, as tests/pages/step_page.sh reports it.
 */
#include "heap_page.h"
#include "unit.h"

#include <inttypes.h>
#include <stdlib.h>

enum { PAGE_MOST_BYTES = 5 * 1000 * 1000, BIG_OPS = 1000, BIG_CHUNKS = 2000, CHUNK_BYTES = 48 };

static const char HOSTILE_PATH[] = "traces/</script><script>alert(1)</script><!--.rep";

/* ---- a replay made up in memory ----------------------------------------------------------- */

/* A trace of `ops` mallocs, "a I 16" for id I, the operations from line 5. */
static struct trace make_trace(const char *path, uint32_t ops)
{
    size_t room = 64 + (size_t)ops * 24;
    char *text = malloc(room);
    size_t length = (size_t)snprintf(text, room, "1\n%" PRIu32 "\n%" PRIu32 "\n1\n", ops ? ops : 1, ops);
    for (uint32_t i = 0; i < ops; i++)
        length += (size_t)snprintf(text + length, room - length, "a %" PRIu32 " 16\n", i);
    struct trace trace;
    char error[512];
    if (trace_parse(path, text, length, &trace, error, sizeof error) != 0)
        unit_diagnostic("trace_parse: ", error);
    free(text);
    return trace;
}

/*
 * A heap that slides: the chunks are `pool[i..i + count)` after operation i, so that each
 * operation drops the first chunk and adds one at the end (two edits for the page). Chunk k is
 * chunk_bytes at heap+k*chunk_bytes: every third the stage's, every third free (linked to the
 * next free one, on list k % 4), the rest used by id k with a block of half its size in it.
 */
struct pool {
    struct snapshot_chunk *chunks;
    struct snapshot_block *blocks; /* blocks[k]: chunk k's, when it is used */
    size_t count;
};

static struct pool make_pool(size_t count, uint64_t chunk_bytes, uint64_t shift)
{
    struct pool pool = { calloc(count, sizeof(struct snapshot_chunk)), calloc(count, sizeof(struct snapshot_block)), count };
    for (size_t k = 0; k < count; k++) {
        struct snapshot_chunk *c = &pool.chunks[k];
        c->offset = k * chunk_bytes + shift;
        c->bytes = chunk_bytes;
        c->state = k % 3 == 0 ? SNAPSHOT_STAGE : k % 3 == 1 ? SNAPSHOT_FREE : SNAPSHOT_USED;
        c->list = c->state == SNAPSHOT_FREE ? (int32_t)(k % 4) : -1;
        c->next = c->state == SNAPSHOT_FREE ? (int64_t)(c->offset + 3 * chunk_bytes) : -1;
        c->id = c->state == SNAPSHOT_USED ? (int32_t)k : -1;
        pool.blocks[k] = (struct snapshot_block){ .offset = c->offset + chunk_bytes / 2, .bytes = chunk_bytes / 2, .id = (uint32_t)k,
                                                  .line = (uint32_t)k + 5 };
    }
    return pool;
}

static void free_pool(struct pool *pool)
{
    free(pool->chunks);
    free(pool->blocks);
}

/* The used chunks' blocks of pool[from..from + count), gathered (they must be in address order). */
static struct snapshot_block *gather_blocks(const struct pool *pool, size_t from, size_t count, uint32_t *block_count)
{
    struct snapshot_block *blocks = calloc(count ? count : 1, sizeof *blocks);
    *block_count = 0;
    for (size_t k = from; k < from + count; k++)
        if (pool->chunks[k].state == SNAPSHOT_USED)
            blocks[(*block_count)++] = pool->blocks[k];
    return blocks;
}

static void set_snapshot(struct snapshot *s, uint32_t op, struct snapshot_chunk *chunks, size_t chunk_count,
                         struct snapshot_block *blocks, uint32_t block_count)
{
    memset(s, 0, sizeof *s);
    s->header.magic = SNAPSHOT_MAGIC;
    s->header.op_index = op;
    s->header.chunk_count = (uint32_t)chunk_count;
    s->header.block_count = block_count;
    s->header.heap_bytes = chunk_count ? chunks[chunk_count - 1].offset + chunks[chunk_count - 1].bytes : 0;
    s->header.footprint_bytes = s->header.heap_bytes;
    s->header.payload_bytes = (uint64_t)block_count * 16;
    s->header.peak_footprint_bytes = s->header.footprint_bytes;
    s->header.peak_payload_bytes = s->header.payload_bytes;
    s->chunks = chunks;
    s->blocks = blocks;
}

/* A footprint point after every operation. */
static struct snapshot_point *make_points(uint32_t ops)
{
    struct snapshot_point *points = calloc(ops ? ops : 1, sizeof *points);
    for (uint32_t i = 0; i < ops; i++)
        points[i] = (struct snapshot_point){ SNAPSHOT_POINT_MAGIC, i, 4096 + (uint64_t)i * 64, (uint64_t)i * 16 };
    return points;
}

/* The sliding heap's window: snapshots after operations 0..ops-1, `chunks` chunks each. */
struct window {
    struct trace trace;
    struct pool pool;
    struct snapshot_file file;
};

static struct window make_sliding(const char *path, uint32_t ops, size_t chunks, uint64_t chunk_bytes)
{
    struct window w = { make_trace(path, ops), make_pool(ops + chunks, chunk_bytes, 0), { 0 } };
    w.file.snapshots = calloc(ops, sizeof *w.file.snapshots);
    w.file.snapshot_count = ops;
    for (uint32_t i = 0; i < ops; i++) {
        uint32_t block_count;
        struct snapshot_block *blocks = gather_blocks(&w.pool, i, chunks, &block_count);
        set_snapshot(&w.file.snapshots[i], i, &w.pool.chunks[i], chunks, blocks, block_count);
    }
    w.file.points = make_points(ops);
    w.file.point_count = ops;
    return w;
}

static void free_window(struct window *w)
{
    for (size_t i = 0; i < w->file.snapshot_count; i++)
        if (w->file.snapshots[i].blocks != w->pool.blocks)
            free(w->file.snapshots[i].blocks);
    free(w->file.snapshots);
    free(w->file.points);
    free_pool(&w->pool);
    trace_release(&w->trace);
}

static struct heap_page_input input_of(const struct window *w, const char *note)
{
    uint32_t last = w->trace.op_count ? w->trace.op_count - 1 : 0;
    return (struct heap_page_input){ .stage = "synthetic", .trace = &w->trace, .file = &w->file, .first_op = 0,
                                     .last_op = last, .window_note = note };
}

/* ---- the page, written and read back ------------------------------------------------------ */

struct page {
    char *text;
    size_t bytes;
    int status;
    char error[256];
};

static struct page write_page(const struct heap_page_input *input)
{
    struct page page = { 0 };
    FILE *file = tmpfile();
    if (file == NULL) {
        page.status = -2;
        return page;
    }
    page.status = heap_page_write(file, input, page.error, sizeof page.error);
    long end = ftell(file);
    page.bytes = end > 0 ? (size_t)end : 0;
    page.text = calloc(page.bytes + 1, 1);
    rewind(file);
    if (fread(page.text, 1, page.bytes, file) != page.bytes)
        page.status = -3;
    fclose(file);
    return page;
}

static size_t occurrences(const char *text, const char *needle)
{
    size_t count = 0;
    for (const char *at = strstr(text, needle); at != NULL; at = strstr(at + 1, needle))
        count++;
    return count;
}

static const char DATA_OPENING[] = "<script type=\"application/json\" id=\"heap-page-data\">";

/* The data: from the data element's opening tag to the next "</script", NUL-ended in place. */
static char *data_of(struct page *page)
{
    char *start = strstr(page->text, DATA_OPENING);
    if (start == NULL)
        return NULL;
    start += strlen(DATA_OPENING);
    char *end = strstr(start, "</script");
    if (end == NULL)
        return NULL;
    *end = '\0';
    return start;
}

/* ---- JSON, checked by a small recursive reader -------------------------------------------- */

static const char *json_value(const char *p, int depth);

static const char *json_space(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
        p++;
    return p;
}

static const char *json_string(const char *p)
{
    if (*p++ != '"')
        return NULL;
    while (*p != '"') {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20)
            return NULL; /* a raw control character */
        if (c == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", p[i]) || p[i] == '\0')
                        return NULL;
                p += 4;
            } else if (!strchr("\"\\/bfnrt", *p) || *p == '\0') {
                return NULL;
            }
        }
        p++;
    }
    return p + 1;
}

static const char *json_number(const char *p)
{
    const char *start = p;
    if (*p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return NULL;
    while ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' || *p == '+' || *p == '-')
        p++;
    return p > start ? p : NULL;
}

/* The items of an object (with keys) or an array, up to `close`. */
static const char *json_items(const char *p, char close, int keys, int depth)
{
    p = json_space(p + 1);
    if (*p == close)
        return p + 1;
    for (;;) {
        if (keys) {
            p = json_string(json_space(p));
            if (p == NULL || *(p = json_space(p)) != ':')
                return NULL;
            p++;
        }
        p = json_value(p, depth + 1);
        if (p == NULL)
            return NULL;
        p = json_space(p);
        if (*p == close)
            return p + 1;
        if (*p++ != ',')
            return NULL;
    }
}

static const char *json_value(const char *p, int depth)
{
    if (depth > 64)
        return NULL;
    p = json_space(p);
    switch (*p) {
    case '{': return json_items(p, '}', 1, depth);
    case '[': return json_items(p, ']', 0, depth);
    case '"': return json_string(p);
    case 't': return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
    case 'f': return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
    case 'n': return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
    default: return json_number(p);
    }
}

static int json_whole(const char *text)
{
    const char *end = json_value(text, 0);
    return end != NULL && *json_space(end) == '\0';
}

/* ---- the tests ------------------------------------------------------------------------------ */

static void self_contained(void)
{
    struct window w = make_sliding("traces/small.rep", 12, 10, CHUNK_BYTES);
    struct heap_page_input input = input_of(&w, "");
    struct page page = write_page(&input);
    expect(page.status == 0);
    if (page.text != NULL) {
        expect_text(page.text, "<!DOCTYPE html>");
        expect(strstr(page.text, "http://") == NULL);
        expect(strstr(page.text, "https://") == NULL);
        expect(strstr(page.text, "src=") == NULL);
        expect(strstr(page.text, "@import") == NULL);
        expect(strstr(page.text, "<link") == NULL);
        expect(strstr(page.text, "fetch(") == NULL);
        expect(strstr(page.text, "XMLHttpRequest") == NULL);
        /* url( only for the page's own elements: url(#arrow-0) */
        for (const char *at = strstr(page.text, "url("); at != NULL; at = strstr(at + 1, "url("))
            expect(strncmp(at, "url(#", 5) == 0);
        expect(occurrences(page.text, "<script") == 3); /* the error catcher, the data, the drawing */
        expect(occurrences(page.text, "</script>") == 3);
    }
    free(page.text);
    free_window(&w);
}

static void data_escaped(void)
{
    struct window w = make_sliding(HOSTILE_PATH, 12, 10, CHUNK_BYTES);
    struct heap_page_input input = input_of(&w, "a note with </SCRIPT> and <!-- in it & \"quotes\"\n");
    input.failed = 1;
    input.failed_op = 11;
    input.failure = "traces/x.rep:16: a 11 16: the block overlaps </script><b>live</b>\n    expected: \\ and \t";
    snprintf(w.file.snapshots[3].header.walk_problem, sizeof w.file.snapshots[3].header.walk_problem,
             "hm_walk said </script>");
    w.file.snapshots[3].header.source = SNAPSHOT_WALK_WRONG;
    struct page page = write_page(&input);
    expect(page.status == 0);
    char *data = page.text != NULL ? data_of(&page) : NULL;
    expect(data != NULL);
    if (data != NULL) {
        expect(strchr(data, '<') == NULL);  /* nothing in the data can open or close a tag */
        expect(strchr(data, '>') == NULL);
        expect(json_whole(data));
        expect_text(data, "traces/\\u003c/script\\u003e\\u003cscript\\u003ealert(1)");
        expect_text(data, "\\u003c/SCRIPT\\u003e and \\u003c!-- in it \\u0026 \\\"quotes\\\"\\u000a");
        expect_text(data, "\"failure\":{\"op\":11,\"line\":16,");
        expect_text(data, "\"opened\":11");
        expect_text(data, "hm_walk said \\u003c/script\\u003e");
    }
    free(page.text);
    free_window(&w);
}

/* One snapshot's chunks as the page must draw them: "chunks: N (U used, F free, S the
 * stage's); ids: ..." (tests/pages/step_page.sh's words). */
static void describe_frame(const struct snapshot *s, uint32_t op, uint32_t line, FILE *out)
{
    size_t counts[3] = { 0 };
    for (size_t k = 0; k < s->header.chunk_count; k++)
        counts[s->chunks[k].state]++;
    fprintf(out, "op %" PRIu32 ", line %" PRIu32 ": chunks: %" PRIu32 " (%zu used, %zu free, %zu the stage's); ids:", op,
            line, s->header.chunk_count, counts[SNAPSHOT_USED], counts[SNAPSHOT_FREE], counts[SNAPSHOT_STAGE]);
    for (size_t k = 0; k < s->header.chunk_count; k++)
        if (s->chunks[k].state == SNAPSHOT_USED && s->chunks[k].id >= 0)
            fprintf(out, " %" PRId32, s->chunks[k].id);
    fputc('\n', out);
}

static void big_window_whole(void)
{
    struct window w = make_sliding("traces/big.rep", BIG_OPS, BIG_CHUNKS, CHUNK_BYTES);
    struct heap_page_input input = input_of(&w, "operations 1 to 1000 of the trace");
    struct page page = write_page(&input);
    expect(page.status == 0);
    expect(page.bytes < PAGE_MOST_BYTES);
    char note[128];
    snprintf(note, sizeof note, "a %d-operation window, %d chunks a snapshot: %zu bytes", BIG_OPS, BIG_CHUNKS, page.bytes);
    unit_diagnostic("", note);
    char *data = page.text != NULL ? data_of(&page) : NULL;
    expect(data != NULL && json_whole(data));
    if (data != NULL) {
        expect(strstr(data, "left out") == NULL);
        expect(occurrences(data, "\"chunkCount\":") == BIG_OPS);
        expect(occurrences(data, "\"chunks\":{\"key\":") == (BIG_OPS + 63) / 64); /* a key every 64 */
        expect_text(data, "\"window\":{\"first\":0,\"last\":999,");
    }
    free(page.text);
    free_window(&w);
}

/* Every chunk moves at every operation (the heap alternates between two pools 16 bytes apart):
 * the page cannot hold all 300 snapshots, whole at every one. */
enum { MOVING_OPS = 300 };

struct moving {
    struct trace trace;
    struct pool even, odd;
    struct snapshot_file file;
};

static struct moving make_moving(void)
{
    struct moving m = { make_trace("traces/moving.rep", MOVING_OPS), make_pool(BIG_CHUNKS, CHUNK_BYTES, 0), make_pool(BIG_CHUNKS, CHUNK_BYTES, 16),
                        { calloc(MOVING_OPS, sizeof(struct snapshot)), MOVING_OPS, make_points(MOVING_OPS), MOVING_OPS, 0, 0 } };
    for (uint32_t i = 0; i < MOVING_OPS; i++) {
        struct pool *p = i % 2 ? &m.odd : &m.even;
        set_snapshot(&m.file.snapshots[i], i, p->chunks, BIG_CHUNKS, p->blocks, BIG_CHUNKS);
    }
    return m;
}

static struct heap_page_input moving_input(const struct moving *m)
{
    return (struct heap_page_input){ .stage = "moving", .trace = &m->trace, .file = &m->file, .first_op = 0,
                                     .last_op = MOVING_OPS - 1, .failed = 1, .failed_op = MOVING_OPS - 1,
                                     .failure = "it failed", .window_note = "" };
}

static void free_moving(struct moving *m)
{
    free(m->file.snapshots);
    free(m->file.points);
    free_pool(&m->even);
    free_pool(&m->odd);
    trace_release(&m->trace);
}

static void every_chunk_changing(void)
{
    struct moving m = make_moving();
    struct heap_page_input input = moving_input(&m);
    struct page page = write_page(&input);
    expect(page.status == 0);
    expect(page.bytes < PAGE_MOST_BYTES);
    char note[128];
    snprintf(note, sizeof note, "%d operations of %d chunks, each moved: %zu bytes", MOVING_OPS, BIG_CHUNKS, page.bytes);
    unit_diagnostic("", note);
    char *data = page.text != NULL ? data_of(&page) : NULL;
    expect(data != NULL && json_whole(data));
    if (data != NULL) {
        expect_text(data, "snapshots are left out, to keep this page under 5 MB");
        size_t kept = occurrences(data, "\"chunkCount\":");
        expect(kept > 10 && kept < MOVING_OPS);
        expect_text(data, "\"opened\":299");
        char last[64];
        snprintf(last, sizeof last, "{\"op\":%d,", MOVING_OPS - 1); /* the failure's snapshot is kept */
        expect(strstr(data, last) != NULL);
        char window[64];
        snprintf(window, sizeof window, "\"window\":{\"first\":%zu,\"last\":%d,", MOVING_OPS - kept, MOVING_OPS - 1);
        expect(strstr(data, window) != NULL);
    }
    free(page.text);
    free_moving(&m);
}

/* One snapshot of 400,000 chunks: more than 5 MB alone. */
static void one_snapshot_too_big(void)
{
    enum { CHUNKS = 400 * 1000 };
    struct trace trace = make_trace("traces/huge.rep", 1);
    struct pool pool = make_pool(CHUNKS, CHUNK_BYTES, 0);
    struct snapshot snapshot;
    set_snapshot(&snapshot, 0, pool.chunks, CHUNKS, pool.blocks, CHUNKS);
    struct snapshot_file file = { &snapshot, 1, make_points(1), 1, 0, 0 };
    struct heap_page_input input = { .stage = "huge", .trace = &trace, .file = &file, .window_note = "" };
    struct page page = write_page(&input);
    expect(page.status == 0);
    expect(page.bytes < PAGE_MOST_BYTES);
    char *data = page.text != NULL ? data_of(&page) : NULL;
    expect(data != NULL && json_whole(data));
    if (data != NULL) {
        expect_text(data, "each snapshot shows only its first ");
        expect_text(data, "\"chunkCount\":400000,");
    }
    free(page.text);
    free(file.points);
    free_pool(&pool);
    trace_release(&trace);
}

/* The replay that took the snapshots stopped early (killed, out of room): the page steps as far
 * as they go, and says so. */
static void snapshots_end_early(void)
{
    struct window w = make_sliding("traces/short.rep", 12, 10, CHUNK_BYTES);
    w.file.snapshot_count = 8;
    struct heap_page_input input = input_of(&w, "");
    struct page page = write_page(&input);
    char *data = page.text != NULL ? data_of(&page) : NULL;
    expect(page.status == 0 && data != NULL && json_whole(data));
    if (data != NULL) {
        expect_text(data, "\"window\":{\"first\":0,\"last\":7,");
        expect_text(data, "the snapshots end at operation 8 (line 12), before the window's end at operation 12");
    }
    free(page.text);
    w.file.snapshot_count = 12;
    free_window(&w);
}

/* No operation, no snapshot: still a page. */
static const struct snapshot_file no_snapshots = { 0 };

static struct heap_page_input empty_input(const struct trace *trace)
{
    return (struct heap_page_input){ .stage = "minimal", .trace = trace, .file = &no_snapshots, .window_note = "" };
}

static void empty_replay(void)
{
    struct trace trace = make_trace("traces/empty.rep", 0);
    struct heap_page_input input = empty_input(&trace);
    struct page page = write_page(&input);
    expect(page.status == 0);
    char *data = page.text != NULL ? data_of(&page) : NULL;
    expect(data != NULL && json_whole(data));
    free(page.text);
    trace_release(&trace);
}

/* --write-page sliding|crowded|moving|empty FILE OP...: a page, and what it must draw at each OP.
 * crowded: 20,000 chunks of 16 bytes a snapshot, most too narrow to draw apart. */
static int write_for_browser(const char *kind, const char *path, char **ops, int op_count)
{
    int crowded = strcmp(kind, "crowded") == 0, sliding = crowded || strcmp(kind, "sliding") == 0;
    int moving = strcmp(kind, "moving") == 0;
    struct window w = { 0 };
    struct moving m = { 0 };
    struct trace empty = { 0 };
    struct heap_page_input input;
    if (sliding) {
        w = crowded ? make_sliding("traces/crowded.rep", 50, 20 * 1000, 16)
                    : make_sliding("traces/synthetic.rep", BIG_OPS, BIG_CHUNKS, CHUNK_BYTES);
        input = input_of(&w, "a synthetic heap that slides: each operation drops a chunk and adds one");
    } else if (moving) {
        m = make_moving();
        input = moving_input(&m);
    } else {
        empty = make_trace("traces/empty.rep", 0);
        input = empty_input(&empty);
    }
    FILE *file = fopen(path, "w");
    char error[256] = "";
    int status = file != NULL ? heap_page_write(file, &input, error, sizeof error) : -1;
    if (file == NULL || fclose(file) != 0 || status != 0)
        fprintf(stderr, "test_heap_page: %s: %s\n", path, error[0] ? error : "cannot write it");
    for (int i = 0; i < op_count && status == 0; i++) {
        uint32_t op = (uint32_t)strtoul(ops[i], NULL, 10);
        if (op < input.file->snapshot_count)
            describe_frame(&input.file->snapshots[op], op, input.trace->op_lines[op], stdout);
    }
    if (sliding)
        free_window(&w);
    else if (moving)
        free_moving(&m);
    else
        trace_release(&empty);
    return status == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "--write-page") == 0)
        return write_for_browser(argv[2], argv[3], argv + 4, argc - 4);
    RUN(self_contained);
    RUN(data_escaped);
    RUN(big_window_whole);
    RUN(every_chunk_changing);
    RUN(one_snapshot_too_big);
    RUN(snapshots_end_early);
    RUN(empty_replay);
    return unit_exit_status();
}
