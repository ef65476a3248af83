/*
 * shrink.c: shrink a failing trace by delta debugging, every candidate well formed.
 *
 * Policy: first the shortest failing prefix, then Zeller's ddmin over the parts of a trace that
 * can go without leaving it malformed (whole lives, then single reallocs and frees), then the
 * sizes; every candidate is written as text and read back by trace_parse, whose rules define a
 * well-formed trace, and replaces the best so far only when test() says it still fails.
 *
 * The rules:
 *   1. A life is one allocation (a, c or A) of an id, the reallocs of that block, and the free
 *      (f, or r ID 0) that ends it, if any. Every operation of a well-formed trace belongs to
 *      exactly one life, and lives do not depend on one another.
 *   2. Ids are given anew in every candidate, life by life: each allocation takes the smallest
 *      id not live at that moment (a min-heap of free ids). So the ids are 0 .. k-1, k the most
 *      blocks live at once, and any set of lives, with any of their reallocs and frees dropped,
 *      is well formed: a block whose free is dropped stays live to the end under its new id,
 *      and the next life of its old id takes another. An allocation is never dropped alone (its
 *      life would have no start).
 *   3. Phase "prefix", once: a binary search for the shortest prefix that still fails (any
 *      prefix of a well-formed trace is well formed, and a checked replay stops at its first
 *      failure, so what follows it is dead weight): about log2(operations) tests.
 *      Phase "lives": ddmin over the lives, in the order they start. Phase "ops": ddmin over
 *      the reallocs and frees (a realloc to 0 bytes is a free). The two repeat while either
 *      drops something.
 *   4. Phase "sizes", one operation at a time, in trace order: a size tries 1 first, then a
 *      binary search between 1 (passes) and the size (fails) for the smallest that still fails
 *      (a calloc's nmemb first, then its size; an A's BYTES, never its alignment, which must stay a
 *      power of two). A size never becomes 0: malloc(0) and realloc to
 *      0 mean something else; a realloc to 0 keeps its 0. When a size changed, phases "lives"
 *      and "ops" run again.
 *   5. ddmin here tests complements only (with two chunks they are the subsets as well), from
 *      the first chunk to the last (after phase "prefix", the last one holds the failing
 *      operation); after dropping chunk i it goes on from the new chunk i with one chunk fewer,
 *      and when no chunk can go it doubles the chunks, up to one unit a chunk. Lives start at
 *      two chunks (dropping them all leaves nothing to fail); reallocs and frees at one: all of
 *      them may go at once, and the last one alone.
 *   6. The clock is read before each test; once seconds_limit has passed, no test starts and
 *      the best so far is the result. The best is the last candidate that failed, unchanged;
 *      when none did, the whole trace renumbered if one more test says it fails, else the
 *      failing trace as it was (shrink.h).
 *
 * Cost: a candidate costs time linear in the trace it is cut from, to write and to read, beside
 * the test. When the units left are at most half of those the phase started with, the phase
 * goes on from the best trace so far (the units map one to one, in order), so a big trace's
 * early cuts do not make every later candidate pay for the whole trace.
 * Memory, all from host_alloc, linear: per operation of the failing trace 9 bytes (a unit, a
 * list entry, a keep flag); 20 bytes per id or per operation, whichever count is larger (the
 * largest id it uses plus one; a cut can keep one block a life live at once); the text of one
 * candidate (at most 64 bytes an operation); and three traces at most (the one being cut, the
 * best so far and the candidate), 28 bytes an operation each. Host memory rather than malloc,
 * as for every table of the harness: the shrinker's memory stays out of the C library's arena,
 * which a replay of the libc stage forked from this process measures (hostmem.h).
 */
#include "shrink.h"

#include "hostmem.h"
#include "trace.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* "Not a unit: always kept", "no id", "no operation": values no index reaches. */
static const uint32_t NONE = UINT32_MAX;

/* The "# source:" of every candidate. */
static const char CANDIDATE_SOURCE[] = "a candidate of the shrinker";

enum {
    LINE_ROOM = TRACE_OP_LINE_BYTES, /* bytes of one operation's line at most */
    HEAD_ROOM = 4096,      /* bytes kept before the operations for the comments and the header:
                              two comment lines of at most TRACE_MAX_LINE + 1 bytes, four numbers */
    FIRST_TEXT = 65536,    /* bytes of text room at first */
    COMMENT_MAX = 1000,    /* characters of a name or source line's text (TRACE_MAX_LINE less
                              "# source: ") */
    NAME_ROOM = 512,       /* bytes of a candidate's path */
};

/* ---- messages ----------------------------------------------------------------------- */

/* Write a message into error[error_size]. Always returns -1, so a check reads
 * "return fail(...)". */
__attribute__((format(printf, 3, 4))) static int fail(char *error, size_t error_size,
                                                      const char *format, ...)
{
    if (error == NULL || error_size == 0)
        return -1;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(error, error_size, format, arguments);
    va_end(arguments);
    return -1;
}

/* ---- text: a candidate written out ---------------------------------------------------- */

/* A growing buffer: HEAD_ROOM bytes for the comments and header, then the operations, which
 * are written first because the header counts them. */
struct text {
    char *bytes;
    size_t used;     /* bytes of bytes[] in use, HEAD_ROOM included */
    size_t capacity; /* bytes of room */
    size_t start;    /* where the text begins, once the head is written */
};

/* Room for `more` bytes after the used ones. */
static int text_reserve(struct text *text, size_t more)
{
    if (text->capacity - text->used >= more)
        return 0;
    size_t wanted = text->capacity * 2;
    if (wanted < FIRST_TEXT)
        wanted = FIRST_TEXT;
    if (wanted < text->used + more)
        wanted = text->used + more;
    char *grown = host_resize(text->bytes, text->capacity, wanted);
    if (grown == NULL)
        return -1;
    text->bytes = grown;
    text->capacity = wanted;
    return 0;
}

/* Append one operation's line, under the id given. The caller reserved LINE_ROOM. */
static void put_operation(struct text *text, const struct trace_op *op, uint32_t id)
{
    struct trace_op renamed = *op;
    renamed.id = id;
    char *at = trace_put_op(text->bytes + text->used, &renamed);
    text->used = (size_t)(at - text->bytes);
}

/* Copy a comment's text into out[out_size], each control byte as '?', so that it stays one
 * line whatever a file name holds. */
static void copy_one_line(char *out, size_t out_size, const char *text)
{
    size_t length = 0;
    for (; text[length] != '\0' && length + 1 < out_size; length++) {
        unsigned char byte = (unsigned char)text[length];
        out[length] = byte < 0x20 || byte == 0x7f ? '?' : (char)byte;
    }
    out[length] = '\0';
}

/* Write the comments and the header into the head room, just before the operations. */
static void put_head(struct text *text, const char *name, const char *source, const uint64_t header[4])
{
    char head[HEAD_ROOM];
    char *at = head;
    at += snprintf(at, (size_t)(head + sizeof head - at), "# name: %.*s\n# source: %.*s\n",
                   (int)COMMENT_MAX, name, (int)COMMENT_MAX, source);
    for (int i = 0; i < 4; i++) {
        at = trace_put_number(at, header[i]);
        *at++ = '\n';
    }
    size_t length = (size_t)(at - head);
    assert(length <= HEAD_ROOM && "two comment lines of COMMENT_MAX and four numbers fit");
    text->start = HEAD_ROOM - length;
    memcpy(text->bytes + text->start, head, length);
}

/* ---- renumbering: each allocation takes the smallest id not live (rule 2) ----------------- */

struct renumbering {
    uint32_t *new_id;     /* per old id: its new id while live, else NONE */
    uint32_t *life_of_id; /* per old id: its life while live (for finding lives), else NONE */
    uint64_t *live_bytes; /* per new id: the payload of its block while live, else 0 */
    uint32_t *free_ids;   /* a min-heap of the new ids given back */
    uint32_t free_count;
    uint32_t next_id;     /* the ids given so far are 0 .. next_id - 1 */
    uint32_t old_ids;     /* the old ids of the trace being cut: 0 .. old_ids - 1 */
    uint32_t room;        /* entries of each array: ids 0 .. room - 1 */
};

static void heap_push(struct renumbering *ids, uint32_t id)
{
    uint32_t at = ids->free_count++;
    while (at > 0 && ids->free_ids[(at - 1) / 2] > id) {
        ids->free_ids[at] = ids->free_ids[(at - 1) / 2];
        at = (at - 1) / 2;
    }
    ids->free_ids[at] = id;
}

static uint32_t heap_pop(struct renumbering *ids)
{
    assert(ids->free_count > 0);
    uint32_t smallest = ids->free_ids[0];
    uint32_t last = ids->free_ids[--ids->free_count];
    uint32_t at = 0;
    for (;;) {
        uint32_t child = 2 * at + 1;
        if (child >= ids->free_count)
            break;
        if (child + 1 < ids->free_count && ids->free_ids[child + 1] < ids->free_ids[child])
            child++;
        if (ids->free_ids[child] >= last)
            break;
        ids->free_ids[at] = ids->free_ids[child];
        at = child;
    }
    if (ids->free_count > 0)
        ids->free_ids[at] = last;
    return smallest;
}

/* The smallest new id not live. Never more ids than old ones are live at once, so never more
 * than room. */
static uint32_t take_id(struct renumbering *ids)
{
    if (ids->free_count > 0)
        return heap_pop(ids);
    assert(ids->next_id < ids->room);
    return ids->next_id++;
}

/* Forget the ids of `from`, as before a candidate cut from it: its old ids (below its id count)
 * and the new ids it can need (one a life at most, so fewer than its operations). O(those), not
 * O(room): once base is small, so is this. Sets `old_ids`, the old ids that are valid. */
static void renumbering_reset(struct renumbering *ids, const struct trace *from)
{
    uint32_t old_ids = from->id_count < ids->room ? from->id_count : ids->room;
    uint32_t new_ids = from->op_count < ids->room ? from->op_count : ids->room;
    memset(ids->new_id, 0xff, (size_t)old_ids * sizeof *ids->new_id);
    memset(ids->life_of_id, 0xff, (size_t)old_ids * sizeof *ids->life_of_id);
    memset(ids->live_bytes, 0, (size_t)new_ids * sizeof *ids->live_bytes);
    ids->old_ids = old_ids;
    ids->free_count = 0;
    ids->next_id = 0;
}

/* The payload a live block holds after `op`, as trace_peak_live_bytes counts it. */
static uint64_t payload_after(const struct trace_op *op)
{
    switch (op->kind) {
    case OP_FREE:
        return 0;
    case OP_CALLOC:
        return op->nmemb != 0 && op->size > UINT64_MAX / op->nmemb ? 0 : op->nmemb * op->size;
    default:
        return op->size;
    }
}

/* ---- the shrinker's state --------------------------------------------------------------- */

enum phase { PHASE_LIVES, PHASE_OPS };

struct shrinker {
    const struct trace *failing;
    shrink_test *test;
    void *context;
    double deadline;          /* seconds on the monotonic clock */
    struct shrink_outcome *outcome;
    bool out_of_memory;
    bool rejected;            /* trace_parse refused a candidate: a bug, reported */
    char *error;
    size_t error_size;

    struct trace base;        /* the trace the current phase cuts its candidates from */
    struct trace best;        /* the last candidate that failed, while it is not yet base */
    bool have_best;
    bool found_any;           /* some candidate failed: base is no longer untested */

    uint32_t *unit_of_op;     /* per operation of base: its unit, or NONE (always kept) */
    uint32_t *units;          /* the units still in: ddmin's list */
    uint8_t *keep_unit;       /* per unit: 1 to keep in the candidate being written */
    uint32_t unit_count;      /* units of base in the current phase */
    uint32_t op_room;         /* entries of unit_of_op, units and keep_unit */

    struct renumbering ids;
    struct text text;
    char path[NAME_ROOM];     /* every candidate's path, "NAME-shrunk.rep" */
    char name[NAME_ROOM];     /* its "# name:" */
};

/* What one candidate keeps of base: the operations whose unit is kept, with at most one
 * operation's sizes replaced. */
struct selection {
    uint32_t prefix;          /* keep only the first `prefix` operations; 0: no such limit */
    bool every_op;            /* keep them all (unit_of_op and keep_unit unused) */
    uint32_t changed_op;      /* the operation whose sizes change, or NONE */
    uint64_t size, nmemb;     /* its new sizes */
};

static double now_seconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* Rule 6: may another test start? Once the answer is no, it stays no. */
static bool time_left(struct shrinker *s)
{
    if (s->outcome->stopped_by_time)
        return false;
    if (now_seconds() < s->deadline)
        return true;
    s->outcome->stopped_by_time = 1;
    return false;
}

/* Whether shrinking may go on: time left, and nothing has gone wrong. */
static bool going_on(struct shrinker *s)
{
    return !s->out_of_memory && !s->rejected && time_left(s);
}

/* ---- writing a candidate ------------------------------------------------------------------ */

enum written { WRITTEN, NO_MEMORY, MALFORMED };

/* How a candidate's ids are written. */
enum id_mode {
    IDS_AS_THEY_ARE,   /* ids and header as in the trace written (shrink_write) */
    IDS_CHECKED,       /* renumbered, every operation following its id's life (the failing trace,
                          whole: this proves it well formed) */
    IDS_RENUMBERED,    /* renumbered, of a cut of a well-formed trace (rule 2) */
};

/*
 * Write what `selection` keeps of `from` into s->text, ids as `mode` says. In a cut, an
 * allocation may find its old id still live: the free that ended that id's previous life was
 * dropped, so that block stays live to the end under its own new id, and the allocation starts
 * a new life under another. MALFORMED: an operation that does not fit its id's life, by index
 * in *where (IDS_CHECKED finds any; in a cut of a well-formed trace, none can be).
 */
static enum written write_candidate(struct shrinker *s, const struct trace *from,
                                    const struct selection *selection, enum id_mode mode,
                                    const char *name, const char *source, uint32_t *where)
{
    struct renumbering *ids = &s->ids;
    struct text *text = &s->text;
    if (mode != IDS_AS_THEY_ARE)
        renumbering_reset(ids, from);
    text->used = 0;
    if (text_reserve(text, HEAD_ROOM) != 0)
        return NO_MEMORY;
    text->used = HEAD_ROOM;

    uint32_t kept = 0;
    uint64_t live_now = 0, peak = 0;
    uint32_t end = selection->prefix != 0 && selection->prefix < from->op_count ? selection->prefix
                                                                                : from->op_count;
    for (uint32_t i = 0; i < end; i++) {
        if (!selection->every_op && s->unit_of_op[i] != NONE && !s->keep_unit[s->unit_of_op[i]])
            continue;
        struct trace_op op = from->ops[i];
        if (i == selection->changed_op) {
            op.size = selection->size;
            op.nmemb = selection->nmemb;
        }
        *where = i;
        uint32_t id = op.id;
        if (mode != IDS_AS_THEY_ARE) {
            if (op.id >= ids->old_ids)
                return MALFORMED;
            bool live = ids->new_id[op.id] != NONE;
            bool allocates = op.kind == OP_MALLOC || op.kind == OP_CALLOC || op.kind == OP_ALIGNED;
            bool known = allocates || op.kind == OP_FREE || op.kind == OP_REALLOC;
            if (!known || (!allocates && !live) || (allocates && live && mode == IDS_CHECKED))
                return MALFORMED;
            if (allocates)
                ids->new_id[op.id] = take_id(ids);
            id = ids->new_id[op.id];
            live_now -= ids->live_bytes[id];
            ids->live_bytes[id] = payload_after(&op);
            live_now += ids->live_bytes[id];
            if (live_now > peak)
                peak = live_now;
            if (op.kind == OP_FREE || (op.kind == OP_REALLOC && op.size == 0)) {
                ids->new_id[op.id] = NONE;
                heap_push(ids, id);
            }
        }
        if (text_reserve(text, LINE_ROOM) != 0)
            return NO_MEMORY;
        put_operation(text, &op, id);
        kept++;
    }
    uint64_t header[4] = { 1, ids->next_id, kept, peak };
    if (mode == IDS_AS_THEY_ARE) {
        header[0] = from->header[0];
        header[1] = from->id_count;
        header[3] = from->header[3];
    }
    put_head(text, name, source, header);
    return WRITTEN;
}

/* Read the text just written into *trace. A refusal is the shrinker's bug (rule 2 makes every
 * candidate well formed) or memory running out: either way it stops, saying which. */
static int read_candidate(struct shrinker *s, struct trace *trace)
{
    char message[1024];
    if (trace_parse(s->path, s->text.bytes + s->text.start, s->text.used - s->text.start, trace,
                    message, sizeof message) == 0)
        return 0;
    s->rejected = true;
    fail(s->error, s->error_size, "shrink: the reader refused a candidate: %s", message);
    return -1;
}

/* Write and read a candidate. 0, or -1 with the shrinker stopped. */
static int make_candidate(struct shrinker *s, const struct selection *selection, struct trace *trace)
{
    uint32_t where = 0;
    switch (write_candidate(s, &s->base, selection, IDS_RENUMBERED, s->name, CANDIDATE_SOURCE, &where)) {
    case WRITTEN:
        return read_candidate(s, trace);
    case NO_MEMORY:
        s->out_of_memory = true;
        return fail(s->error, s->error_size, "shrink: out of memory for a candidate of %" PRIu32
                    " operations", s->base.op_count);
    case MALFORMED:
        break;
    }
    s->rejected = true; /* base was read by trace_parse: this is the shrinker's bug */
    return fail(s->error, s->error_size, "shrink: operation %" PRIu32 " of a candidate does not fit "
                "the life of its id", where);
}

/* Make the candidate and test it: 1 when it still fails, and it is then the best so far. */
static int try_candidate(struct shrinker *s, const struct selection *selection)
{
    if (!going_on(s))
        return 0;
    struct trace candidate;
    if (make_candidate(s, selection, &candidate) != 0)
        return 0;
    s->outcome->tests_run++;
    if (s->test(&candidate, s->context) != 1) {
        trace_release(&candidate);
        return 0;
    }
    if (s->have_best)
        trace_release(&s->best);
    s->best = candidate;
    s->have_best = true;
    s->found_any = true;
    return 1;
}

/* The best so far becomes the base that candidates are cut from. */
static void take_best_as_base(struct shrinker *s)
{
    if (!s->have_best)
        return;
    trace_release(&s->base);
    s->base = s->best;
    memset(&s->best, 0, sizeof s->best);
    s->have_best = false;
}

/* ---- units: what a phase may drop ---------------------------------------------------------- */

/* Give every operation of base its unit for `phase` (rule 3): its life, or for "ops" its index
 * among the reallocs and frees (allocations are always kept). Sets unit_count. */
static void assign_units(struct shrinker *s, enum phase phase)
{
    struct renumbering *ids = &s->ids;
    renumbering_reset(ids, &s->base);
    uint32_t count = 0;
    for (uint32_t i = 0; i < s->base.op_count; i++) {
        const struct trace_op *op = &s->base.ops[i];
        bool allocates = op->kind == OP_MALLOC || op->kind == OP_CALLOC || op->kind == OP_ALIGNED;
        bool frees = op->kind == OP_FREE || (op->kind == OP_REALLOC && op->size == 0);
        assert(op->id < ids->old_ids && "trace_parse read base: its ids are below its id count");
        if (phase == PHASE_LIVES) {
            if (allocates)
                ids->life_of_id[op->id] = count++;
            s->unit_of_op[i] = ids->life_of_id[op->id];
            if (frees)
                ids->life_of_id[op->id] = NONE;
        } else {
            s->unit_of_op[i] = allocates ? NONE : count++;
        }
    }
    s->unit_count = count;
}

/* Keep exactly the listed units, but for the chunk [skip_begin, skip_end) of the list. */
static void keep_listed(struct shrinker *s, uint32_t count, uint32_t skip_begin, uint32_t skip_end)
{
    memset(s->keep_unit, 0, s->unit_count);
    for (uint32_t i = 0; i < count; i++)
        if (i < skip_begin || i >= skip_end)
            s->keep_unit[s->units[i]] = 1;
}

/* Cut base down to the best so far, when the units left are at most half of base's: the best
 * is base with the listed units only, and its units are those, in the same order. */
static void rebase_if_worth_it(struct shrinker *s, enum phase phase, uint32_t count)
{
    if (!s->have_best || count > s->unit_count / 2)
        return;
    take_best_as_base(s);
    assign_units(s, phase);
    assert(s->unit_count == count && "the best keeps exactly the listed units");
    for (uint32_t i = 0; i < count; i++)
        s->units[i] = i;
}

/* Rules 3 and 5: ddmin over the units of `phase`. Returns whether it dropped any. */
static bool ddmin(struct shrinker *s, enum phase phase)
{
    assign_units(s, phase);
    uint32_t count = s->unit_count;
    for (uint32_t i = 0; i < count; i++)
        s->units[i] = i;
    struct selection selection = { .every_op = false, .changed_op = NONE };

    bool dropped = false;
    /* Reallocs and frees may all go at once; lives may not (an empty trace fails nothing). */
    uint32_t chunks = phase == PHASE_OPS ? 1 : 2;
    uint32_t least = chunks; /* units that ddmin goes on with */
    uint32_t next = 0; /* the chunk to try first (rule 5) */
    while (count >= least && going_on(s)) {
        if (chunks > count)
            chunks = count;
        if (next >= chunks)
            next = 0;
        bool reduced = false;
        for (uint32_t tried = 0; tried < chunks && !reduced && going_on(s); tried++) {
            uint32_t chunk = (next + tried) % chunks;
            uint32_t begin = (uint32_t)((uint64_t)count * chunk / chunks);
            uint32_t end = (uint32_t)((uint64_t)count * (chunk + 1) / chunks);
            keep_listed(s, count, begin, end);
            if (try_candidate(s, &selection) != 1)
                continue;
            memmove(s->units + begin, s->units + end, (size_t)(count - end) * sizeof *s->units);
            count -= end - begin;
            chunks = chunks > 2 ? chunks - 1 : 2;
            next = chunk; /* the chunk after the one dropped is now chunk i */
            reduced = dropped = true;
            rebase_if_worth_it(s, phase, count);
        }
        if (!reduced) {
            if (chunks >= count)
                break;
            chunks = chunks > count / 2 ? count : chunks * 2;
            next = 0;
        }
    }
    take_best_as_base(s);
    return dropped;
}

/* ---- sizes (rule 4) ------------------------------------------------------------------------ */

/* Try operation i of base with the given sizes; when it still fails, it is the new base (the
 * operations stay where they were, so i still names the same one). */
static bool try_sizes(struct shrinker *s, uint32_t i, uint64_t size, uint64_t nmemb)
{
    struct selection selection = { .every_op = true, .changed_op = i, .size = size, .nmemb = nmemb };
    if (try_candidate(s, &selection) != 1)
        return false;
    take_best_as_base(s);
    return true;
}

/* The smallest value of one size field of operation i, from 1 up to its value, that still
 * fails: 1 first, then a binary search between a value that passes and one that fails. */
static bool shrink_one_size(struct shrinker *s, uint32_t i, bool nmemb_field)
{
    const struct trace_op *op = &s->base.ops[i];
    uint64_t failing_value = nmemb_field ? op->nmemb : op->size;
    if (failing_value <= 1)
        return false;
    uint64_t other = nmemb_field ? op->size : op->nmemb;
    if (nmemb_field ? try_sizes(s, i, other, 1) : try_sizes(s, i, 1, other))
        return true;
    uint64_t passing_value = 1;
    bool changed = false;
    while (failing_value - passing_value > 1 && going_on(s)) {
        uint64_t middle = passing_value + (failing_value - passing_value) / 2;
        if (nmemb_field ? try_sizes(s, i, other, middle) : try_sizes(s, i, middle, other)) {
            failing_value = middle;
            changed = true;
        } else {
            passing_value = middle;
        }
    }
    return changed;
}

/* Every size of base, in trace order. Returns whether any changed. */
static bool shrink_sizes(struct shrinker *s)
{
    bool changed = false;
    for (uint32_t i = 0; i < s->base.op_count && going_on(s); i++) {
        uint8_t kind = s->base.ops[i].kind;
        if (kind == OP_CALLOC)
            changed |= shrink_one_size(s, i, true);
        if (kind == OP_MALLOC || kind == OP_CALLOC || kind == OP_ALIGNED
            || (kind == OP_REALLOC && s->base.ops[i].size > 0))
            changed |= shrink_one_size(s, i, false);
    }
    return changed;
}

/* Phase "prefix" (rule 3): the shortest prefix of base that still fails, by binary search
 * between 0 operations (taken to pass) and all of them (taken to fail). Returns whether it cut
 * anything. */
static bool shortest_prefix(struct shrinker *s)
{
    uint32_t passing = 0, failing = s->base.op_count;
    bool cut = false;
    while (failing - passing > 1 && going_on(s)) {
        uint32_t middle = passing + (failing - passing) / 2;
        struct selection selection = { .prefix = middle, .every_op = true, .changed_op = NONE };
        if (try_candidate(s, &selection) == 1) {
            failing = middle;
            cut = true;
        } else {
            passing = middle;
        }
    }
    take_best_as_base(s);
    return cut;
}

/* Phases "lives" and "ops" until neither drops anything. */
static bool drop_what_can_go(struct shrinker *s)
{
    bool dropped_any = false;
    for (bool dropped = true; dropped && going_on(s);) {
        dropped = ddmin(s, PHASE_LIVES);
        dropped |= ddmin(s, PHASE_OPS);
        dropped_any |= dropped;
    }
    return dropped_any;
}

/* ---- the interface ------------------------------------------------------------------------- */

/* The largest id `trace` uses, plus one (at least 1). */
static uint32_t id_room(const struct trace *trace)
{
    uint32_t room = 1;
    for (uint32_t i = 0; i < trace->op_count; i++)
        if (trace->ops[i].id >= room)
            room = trace->ops[i].id + 1;
    return room;
}

static int take_tables(struct shrinker *s)
{
    struct renumbering *ids = &s->ids;
    /* New ids: at most one a life, so at most one an operation (a cut may keep more blocks
     * live at once than the failing trace has ids, when it drops frees). */
    ids->room = id_room(s->failing);
    if (ids->room < s->failing->op_count)
        ids->room = s->failing->op_count;
    s->op_room = s->failing->op_count > 0 ? s->failing->op_count : 1;
    ids->new_id = host_alloc((size_t)ids->room * sizeof *ids->new_id);
    ids->life_of_id = host_alloc((size_t)ids->room * sizeof *ids->life_of_id);
    ids->live_bytes = host_alloc((size_t)ids->room * sizeof *ids->live_bytes);
    ids->free_ids = host_alloc((size_t)ids->room * sizeof *ids->free_ids);
    s->unit_of_op = host_alloc((size_t)s->op_room * sizeof *s->unit_of_op);
    s->units = host_alloc((size_t)s->op_room * sizeof *s->units);
    s->keep_unit = host_alloc(s->op_room);
    bool taken = ids->new_id != NULL && ids->life_of_id != NULL && ids->live_bytes != NULL
                 && ids->free_ids != NULL && s->unit_of_op != NULL && s->units != NULL
                 && s->keep_unit != NULL;
    if (!taken)
        s->out_of_memory = true;
    return taken ? 0 : fail(s->error, s->error_size, "shrink: out of memory for the tables of %" PRIu32
                            " operations and %" PRIu32 " ids", s->failing->op_count, ids->room);
}

static void give_back(struct shrinker *s)
{
    struct renumbering *ids = &s->ids;
    host_free(ids->new_id, (size_t)ids->room * sizeof *ids->new_id);
    host_free(ids->life_of_id, (size_t)ids->room * sizeof *ids->life_of_id);
    host_free(ids->live_bytes, (size_t)ids->room * sizeof *ids->live_bytes);
    host_free(ids->free_ids, (size_t)ids->room * sizeof *ids->free_ids);
    host_free(s->unit_of_op, (size_t)s->op_room * sizeof *s->unit_of_op);
    host_free(s->units, (size_t)s->op_room * sizeof *s->units);
    host_free(s->keep_unit, s->op_room);
    host_free(s->text.bytes, s->text.capacity);
    if (s->have_best)
        trace_release(&s->best);
    trace_release(&s->base);
}

/* The first base: every operation of the failing trace, ids renumbered, marks gone. Untested. */
static int first_base(struct shrinker *s)
{
    struct selection every = { .every_op = true, .changed_op = NONE };
    uint32_t where = 0;
    switch (write_candidate(s, s->failing, &every, IDS_CHECKED, s->name, CANDIDATE_SOURCE, &where)) {
    case WRITTEN:
        return read_candidate(s, &s->base);
    case NO_MEMORY:
        s->out_of_memory = true;
        return fail(s->error, s->error_size, "shrink: out of memory for the text of %" PRIu32
                    " operations", s->failing->op_count);
    case MALFORMED:
        break;
    }
    char op_text[128];
    trace_format_op(&s->failing->ops[where], op_text, sizeof op_text);
    return fail(s->error, s->error_size, "%s:%" PRIu32 ": not a well-formed trace: '%s' does not fit "
                "the life of its id", s->failing->path,
                s->failing->op_lines != NULL ? s->failing->op_lines[where] : where + 1, op_text);
}

/* When no candidate failed: the first base if it fails; else the failing trace as it was,
 * marks aside (rule 6: the result has failed, or is the failing trace). */
static int settle_untested(struct shrinker *s)
{
    struct selection every = { .every_op = true, .changed_op = NONE };
    if (time_left(s) && try_candidate(s, &every) == 1) {
        take_best_as_base(s);
        return 0;
    }
    if (s->out_of_memory || s->rejected)
        return -1;
    uint32_t where = 0;
    if (write_candidate(s, s->failing, &every, IDS_AS_THEY_ARE, s->name, CANDIDATE_SOURCE, &where)
        != WRITTEN) {
        s->out_of_memory = true;
        return fail(s->error, s->error_size, "shrink: out of memory for the text of %" PRIu32
                    " operations", s->failing->op_count);
    }
    struct trace as_it_was;
    if (read_candidate(s, &as_it_was) != 0)
        return -1;
    trace_release(&s->base);
    s->base = as_it_was;
    return 0;
}

int shrink_trace(const struct trace *failing, shrink_test *test, void *context, double seconds_limit,
                 struct trace *smallest, struct shrink_outcome *outcome, char *error, size_t error_size)
{
    assert(failing != NULL && test != NULL && smallest != NULL);
    struct shrink_outcome ignored;
    if (outcome == NULL)
        outcome = &ignored;
    memset(outcome, 0, sizeof *outcome);
    memset(smallest, 0, sizeof *smallest);
    if (error != NULL && error_size > 0)
        error[0] = '\0';

    struct shrinker s = {
        .failing = failing,
        .test = test,
        .context = context,
        .deadline = now_seconds() + seconds_limit,
        .outcome = outcome,
        .error = error,
        .error_size = error_size,
    };
    char one_line[NAME_ROOM / 2];
    copy_one_line(one_line, sizeof one_line, failing->name);
    snprintf(s.path, sizeof s.path, "%s-shrunk.rep", failing->name);
    snprintf(s.name, sizeof s.name, "%s-shrunk", one_line);

    int result = take_tables(&s) == 0 && first_base(&s) == 0 ? 0 : -1;
    if (result == 0) {
        shortest_prefix(&s);
        drop_what_can_go(&s);
        if (shrink_sizes(&s))
            drop_what_can_go(&s);
        if (!s.found_any)
            result = settle_untested(&s);
    }
    if (s.out_of_memory || s.rejected)
        result = -1;
    if (result == 0) {
        *smallest = s.base;
        memset(&s.base, 0, sizeof s.base);
        if (error != NULL && error_size > 0)
            error[0] = '\0';
    }
    give_back(&s);
    if (result != 0)
        memset(smallest, 0, sizeof *smallest);
    return result;
}

/* A name or source fit for a comment line: no control byte, at most COMMENT_MAX characters. */
static bool one_line_of_text(const char *text)
{
    size_t length = 0;
    for (; text[length] != '\0'; length++) {
        unsigned char byte = (unsigned char)text[length];
        if (byte < 0x20 || byte == 0x7f || length == COMMENT_MAX)
            return false;
    }
    return true;
}

/* Write `length` bytes to a new file at `path`. 0, or -1 with "NAMED: message". */
static int write_file(const char *path, const char *named, const char *bytes, size_t length,
                      char *error, size_t error_size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return fail(error, error_size, "%s: cannot write: %s", named, strerror(errno));
    int problem = 0;
    while (length > 0 && problem == 0) {
        ssize_t written = write(fd, bytes, length);
        if (written < 0 && errno != EINTR)
            problem = errno;
        if (written > 0) {
            bytes += written;
            length -= (size_t)written;
        }
    }
    if (close(fd) != 0 && problem == 0)
        problem = errno;
    if (problem != 0) {
        unlink(path);
        return fail(error, error_size, "%s: cannot write: %s", named, strerror(problem));
    }
    return 0;
}

int shrink_write(const struct trace *trace, const char *path, const char *name, const char *source,
                 char *error, size_t error_size)
{
    assert(trace != NULL && path != NULL && name != NULL && source != NULL);
    if (error != NULL && error_size > 0)
        error[0] = '\0';
    if (!one_line_of_text(name) || !one_line_of_text(source))
        return fail(error, error_size, "%s: the name and the source must be one line of at most %d "
                    "characters each, with no control character", path, (int)COMMENT_MAX);
    char temporary[4096 + 8];
    if (snprintf(temporary, sizeof temporary, "%s.tmp", path) >= (int)sizeof temporary)
        return fail(error, error_size, "%s: path too long", path);

    struct shrinker s = { .error = error, .error_size = error_size };
    struct selection every = { .every_op = true, .changed_op = NONE };
    uint32_t where = 0;
    int result = 0;
    if (write_candidate(&s, trace, &every, IDS_AS_THEY_ARE, name, source, &where) != WRITTEN)
        result = fail(error, error_size, "%s: out of memory for the text of %" PRIu32 " operations",
                      path, trace->op_count);
    if (result == 0)
        result = write_file(temporary, path, s.text.bytes + s.text.start, s.text.used - s.text.start, error,
                            error_size);
    if (result == 0 && rename(temporary, path) != 0) {
        result = fail(error, error_size, "%s: cannot write: %s", path, strerror(errno));
        unlink(temporary);
    }
    host_free(s.text.bytes, s.text.capacity);
    return result;
}
