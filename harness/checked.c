/*
 * checked.c: the checked replay (see checked.h for the list of checks).
 *
 * The replay stops at the first failed check: after one wrong answer the stage's heap is
 * suspect, and the first message is the one worth reading. A message reads
 *
 *     traces/x.rep:123: a 17 48 (malloc(48) for id 17): the block overlaps a live block
 *         expected: 48 bytes that overlap no live block
 *         seen:     heap+0x1040..heap+0x1070, overlapping id 9 (heap+0x1000..heap+0x1050, from line 88)
 *
 * and the runner adds the command that reproduces it. Addresses are offsets from the heap
 * start (or from the mapping area's start), so they read the same on every run.
 */
#include "checked.h"

#include "addrmap.h"
#include "checker_probe.h"
#include "heap_snapshot.h"
#include "heapmgr.h"
#include "hostmem.h"
#include "isolate.h"
#include "memory_model.h"
#include "payload.h"
#include "simmem.h"
#include "stage_calls.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* What the checker knows of one id. */
struct block {
    uintptr_t address; /* 0 when the id holds no memory (not live, or a NULL result) */
    uint64_t bytes;    /* as requested of the stage: the whole block, checked and filled */
    uint64_t payload_bytes; /* as the trace counts it: bytes, but BYTES of an A (trace.h) */
    uint64_t seed;     /* of its payload pattern; kept by realloc */
    uint32_t line;     /* the line whose call returned this address */
    uint8_t live;      /* the trace considers the id allocated */
};

static struct {
    const struct checked_setup *setup;
    const struct stage_calls *stage;     /* how the stage is reached */
    const struct memory_model *memory;   /* what it stands on */
    const struct trace *trace;
    struct child_report *report;
    struct block *blocks; /* by id */
    size_t block_table_bytes;
    struct addrmap live;  /* every live block that has memory, by address; value: its id */
    uint64_t live_payload_bytes, peak_payload_bytes;
    uint64_t refusals_before; /* calls refused memory before this operation */
    const struct trace_op *op; /* the operation being checked; NULL during a probe */
    const char *probe;         /* the probe being checked, such as "free(NULL)" */
} replay;

/* ---- messages ------------------------------------------------------------------------ */

static void where_failed(char *out, size_t out_size)
{
    const struct trace *trace = replay.trace;
    if (replay.op == NULL) {
        snprintf(out, out_size, "%s: %s", trace->path, replay.probe);
        return;
    }
    char text[96], call[160];
    trace_format_op(replay.op, text, sizeof text);
    trace_describe_op(replay.op, call, sizeof call);
    snprintf(out, out_size, "%s:%u: %s (%s)", trace->path,
             trace->op_lines[replay.op - trace->ops], text, call);
}

/* Record the failure, in the three-line form above; the first one wins. Returns -1. */
__attribute__((format(printf, 3, 4)))
static int fail(const char *summary, const char *expected, const char *seen_format, ...)
{
    struct child_report *report = replay.report;
    if (report->failed)
        return -1;
    char where[sizeof replay.trace->path + 700], seen[1024];
    where_failed(where, sizeof where);
    va_list arguments;
    va_start(arguments, seen_format);
    vsnprintf(seen, sizeof seen, seen_format, arguments);
    va_end(arguments);
    snprintf(report->error, sizeof report->error, "%s: %s\n    expected: %s\n    seen:     %s", where,
             summary, expected, seen);
    report->failed = 1;
    return -1;
}

static void describe_address(uintptr_t address, char *out, size_t out_size)
{
    replay.memory->describe(address, out, out_size);
}

/* "id 9 (heap+0x1000..heap+0x1050, 80 bytes, from line 88)" */
static void describe_block(uint32_t id, char *out, size_t out_size)
{
    const struct block *b = &replay.blocks[id];
    char start[80], end[80];
    describe_address(b->address, start, sizeof start);
    describe_address(b->address + b->bytes, end, sizeof end);
    snprintf(out, out_size, "id %u (%s..%s, %llu bytes, from line %u)", id, start, end,
             (unsigned long long)b->bytes, b->line);
}

/* Is id's payload as written? `when` says what was about to happen, for the message. */
static int check_payload(uint32_t id, const char *when)
{
    const struct block *b = &replay.blocks[id];
    uint64_t bad = payload_first_mismatch(b->address, b->seed, b->bytes, b->bytes);
    if (bad == UINT64_MAX)
        return 0;
    char block[256], at[80];
    describe_block(id, block, sizeof block);
    describe_address(b->address + bad, at, sizeof at);
    return fail("a live block's payload was changed",
                "a live block's bytes stay as the program wrote them (keep metadata outside payloads)",
                "%s: byte %llu (at %s) is 0x%02x, was written as 0x%02x; found %s",
                block, (unsigned long long)bad, at, ((const unsigned char *)b->address)[bad],
                payload_byte(b->seed, bad), when);
}

/* ---- the checks every returned block passes ------------------------------------------- */

static int null_is_allowed(uint64_t request_bytes)
{
    uint64_t limit = replay.setup->limit_bytes;
    if (replay.memory->refusals() > replay.refusals_before)
        return 1; /* a system call was refused memory during this call */
    uint64_t footprint = replay.memory->footprint_bytes();
    return request_bytes > (footprint < limit ? limit - footprint : 0);
}

static int check_null_allowed(uint64_t request_bytes)
{
    if (null_is_allowed(request_bytes)) {
        replay.report->null_results++; /* right, and counted: the grader's reuse limit (rubric.ini) */
        return 0;
    }
    return fail("returned NULL though the memory was there",
                "a block: NULL is right only when the memory cannot be had",
                "NULL, but no system call failed during the call and %llu bytes fit under the "
                "memory limit of %llu bytes", (unsigned long long)request_bytes,
                (unsigned long long)replay.setup->limit_bytes);
}

/* The alignment a block of `bytes` is owed. A stage owes 16 bytes to every block, as the
 * kit's interface says (heapmgr.h). An allocator measured against the stages (real memory: a
 * production one) owes what C17 asks of malloc: the alignment of any object that fits, so a
 * block of 8 bytes or fewer may be 8-byte aligned, as jemalloc, mimalloc and tcmalloc do. */
static uint64_t alignment_owed(uint64_t bytes)
{
    if (replay.stage->real_memory == NULL || bytes >= HM_ALIGNMENT)
        return HM_ALIGNMENT;
    uint64_t alignment = 1;
    while (alignment * 2 <= bytes)
        alignment *= 2;
    return alignment;
}

static int check_alignment(uintptr_t address, uint64_t bytes)
{
    uint64_t alignment = alignment_owed(bytes);
    if (address % alignment == 0)
        return 0;
    char at[80] = "", summary[64], expected[64];
    describe_address(address, at, sizeof at);
    snprintf(summary, sizeof summary, "the block is not %llu-byte aligned", (unsigned long long)alignment);
    snprintf(expected, sizeof expected, "an address that is a multiple of %llu", (unsigned long long)alignment);
    return fail(summary, expected, "%s, which is %llu bytes past a multiple of %llu", at,
                (unsigned long long)(address % alignment), (unsigned long long)alignment);
}

/* Alignment, inside the heap or a live mapping, no overlap; then the block is live. */
static int admit_block(uint32_t id, uintptr_t address, uint64_t bytes)
{
    char at[80] = "";
    if (check_alignment(address, bytes) != 0)
        return -1;
    const char *summary, *expected;
    char seen[256];
    if (replay.memory->admits(address, bytes, &summary, &expected, seen, sizeof seen) != 0)
        return fail(summary, expected, "%s", seen);
    uint64_t span = bytes != 0 ? bytes : 1; /* malloc(0)'s pointer must be unique too */
    addrmap_ref other = addrmap_last_below(&replay.live, address + span);
    if (other != 0 && addrmap_node(&replay.live, other)->end > address) {
        char end[80], block[256];
        describe_address(address, at, sizeof at);
        describe_address(address + span, end, sizeof end);
        describe_block((uint32_t)addrmap_node(&replay.live, other)->value, block, sizeof block);
        return fail(bytes != 0 ? "the block overlaps a live block" : "malloc(0)'s pointer is not unique",
                    "memory that overlaps no live block", "%s..%s, overlapping %s", at, end, block);
    }
    if (addrmap_insert(&replay.live, address, address + span, id) == 0)
        return fail("the checker ran out of memory", "room for the checker's table", "none left");
    struct block *b = &replay.blocks[id];
    b->address = address;
    b->bytes = bytes;
    b->line = replay.trace->op_lines[replay.op - replay.trace->ops];
    return 0;
}

/* The block leaves the checker's view before the stage sees it go, so that the stage may
 * reuse or unmap its memory at once. */
static void retire_block(struct block *b)
{
    if (b->address != 0)
        addrmap_remove(&replay.live, b->address);
    replay.live_payload_bytes -= b->payload_bytes;
    *b = (struct block){ 0 };
}

/* Misuse found inside a system call, and writes past the break. */
static int check_system_use(void)
{
    char violation[1024];
    switch (replay.memory->take_violation(violation, sizeof violation)) {
    case 0: return 0;
    case VIOLATION_MEMORY_NEVER_GIVEN:
        return fail("the stage used memory it was never given",
                    "memory from hm_sbrk, hm_brk and hm_mmap only", "%s", violation);
    case VIOLATION_PAST_BREAK:
        return fail("wrote past the break", "no write at or past the break", "%s", violation);
    default:
        return fail("a simulated system call was misused", "calls as heapmgr.h describes them", "%s",
                    violation);
    }
}

/* A live block under memory that the stage gives back: a violation, found as it happens. */
static void on_release(uintptr_t start, uintptr_t end, const char *how)
{
    addrmap_ref victim = addrmap_first_overlap(&replay.live, start, end);
    if (victim == 0)
        return;
    char block[256];
    describe_block((uint32_t)addrmap_node(&replay.live, victim)->value, block, sizeof block);
    simmem_violation("the stage %s, but %s is live and lies there", how, block);
}

/* ---- the operations ------------------------------------------------------------------- */

static void note_new_payload(uint64_t bytes)
{
    replay.live_payload_bytes += bytes;
    if (replay.live_payload_bytes > replay.peak_payload_bytes)
        replay.peak_payload_bytes = replay.live_payload_bytes;
}

/* The operation's result, for the timed replays to repeat (see checked.h). */
static void note_result(const void *result)
{
    if (replay.setup->fingerprints != NULL && replay.op != NULL)
        replay.setup->fingerprints[replay.op - replay.trace->ops] =
            fingerprint_of(result, replay.memory->origin());
}

/* payload_bytes: what the trace counts of the block, request_bytes or less (an A's BYTES). */
static int take_block(uint32_t id, void *result, uint64_t request_bytes, uint64_t payload_bytes, int must_be_zero)
{
    struct block *b = &replay.blocks[id];
    b->live = 1;
    if (result == NULL)
        return request_bytes == 0 ? 0 : check_null_allowed(request_bytes);
    if (admit_block(id, (uintptr_t)result, request_bytes) != 0)
        return -1;
    if (must_be_zero) {
        uint64_t dirty = payload_first_nonzero(b->address, request_bytes);
        if (dirty != UINT64_MAX)
            return fail("calloc's memory is not zero", "every byte zero",
                        "byte %llu of %llu is 0x%02x", (unsigned long long)dirty,
                        (unsigned long long)request_bytes, ((unsigned char *)result)[dirty]);
    }
    b->seed = payload_seed(id, b->line);
    payload_fill(b->address, b->seed, request_bytes, 0);
    b->payload_bytes = payload_bytes;
    note_new_payload(payload_bytes);
    return 0;
}

static int replay_malloc(const struct trace_op *op)
{
    void *result = replay.stage->malloc(op->size);
    note_result(result);
    if (check_system_use() != 0)
        return -1;
    return take_block(op->id, result, op->size, op->size, 0);
}

/* A: as a program's allocator serves it over malloc (trace.h): the whole block is checked. */
static int replay_aligned(const struct trace_op *op)
{
    uint64_t request_bytes = trace_aligned_request_bytes(op);
    void *result = replay.stage->malloc(request_bytes);
    note_result(result);
    if (check_system_use() != 0)
        return -1;
    return take_block(op->id, result, request_bytes, op->size, 0);
}

static int replay_calloc(const struct trace_op *op)
{
    void *result = replay.stage->calloc(op->nmemb, op->size);
    note_result(result);
    if (check_system_use() != 0)
        return -1;
    if (op->nmemb != 0 && op->size > SIZE_MAX / op->nmemb) {
        replay.blocks[op->id].live = 1;
        if (result == NULL)
            return 0;
        char at[80];
        describe_address((uintptr_t)result, at, sizeof at);
        return fail("calloc's size overflows, yet it returned a block",
                    "NULL: nmemb * size overflows size_t", "%s", at);
    }
    return take_block(op->id, result, op->nmemb * op->size, op->nmemb * op->size, 1);
}

static int replay_free(const struct trace_op *op)
{
    struct block *b = &replay.blocks[op->id];
    void *address = (void *)b->address;
    if (address != NULL && check_payload(op->id, "before it was freed") != 0)
        return -1;
    retire_block(b);
    replay.stage->free(address); /* NULL when the block was a NULL result: free(NULL) */
    return check_system_use();
}

/* realloc's result when it returns a block: checked, the kept bytes verified, the rest filled. */
static int take_reallocated(uint32_t id, const struct block *old, uintptr_t result, uint64_t bytes)
{
    if (admit_block(id, result, bytes) != 0)
        return -1;
    struct block *b = &replay.blocks[id];
    b->live = 1;
    b->seed = old->address != 0 ? old->seed : payload_seed(id, b->line);
    uint64_t kept = old->address == 0 ? 0 : old->bytes < bytes ? old->bytes : bytes;
    uint64_t bad = payload_first_mismatch(result, b->seed, old->bytes, kept);
    if (bad != UINT64_MAX) {
        char from[80], to[80];
        describe_address(old->address, from, sizeof from);
        describe_address(result, to, sizeof to);
        return fail("realloc did not keep the block's contents",
                    "the first min(old, new) bytes unchanged",
                    "%llu bytes moved from %s to %s; byte %llu is 0x%02x, was 0x%02x",
                    (unsigned long long)kept, from, to, (unsigned long long)bad,
                    ((unsigned char *)result)[bad], payload_byte(b->seed, bad));
    }
    /* What was checked of the old block holds the pattern; the rest of the kept bytes, when it
     * was checked at places only, gets it now (a program may write its own block). */
    payload_fill(result, b->seed, bytes, payload_is_whole(old->bytes) ? kept : 0);
    b->payload_bytes = bytes;
    note_new_payload(bytes);
    return 0;
}

static int replay_realloc(const struct trace_op *op)
{
    struct block *b = &replay.blocks[op->id];
    const struct block old = *b;
    if (old.address != 0 && check_payload(op->id, "before realloc") != 0)
        return -1;
    retire_block(b);
    void *result = replay.stage->realloc((void *)old.address, op->size);
    note_result(result);
    if (check_system_use() != 0)
        return -1;

    if (op->size == 0) { /* realloc(p, 0) frees p; realloc(NULL, 0) is malloc(0) */
        if (result == NULL || old.address == 0)
            return 0;
        char at[80];
        describe_address((uintptr_t)result, at, sizeof at);
        return fail("realloc(p, 0) did not return NULL", "NULL, with p freed", "%s", at);
    }
    if (result != NULL)
        return take_reallocated(op->id, &old, (uintptr_t)result, op->size);
    if (check_null_allowed(op->size) != 0)
        return -1;
    /* A failed realloc leaves the old block live and untouched. */
    *b = old;
    if (old.address != 0) {
        addrmap_insert(&replay.live, old.address, old.address + (old.bytes ? old.bytes : 1), op->id);
        note_new_payload(old.payload_bytes);
        return check_payload(op->id, "after realloc returned NULL, which must leave it untouched");
    }
    return 0;
}

static int replay_one(const struct trace_op *op)
{
    replay.op = op;
    replay.refusals_before = replay.memory->refusals();
    int result;
    switch (op->kind) {
    case OP_MALLOC: result = replay_malloc(op); break;
    case OP_FREE: result = replay_free(op); break;
    case OP_REALLOC: result = replay_realloc(op); break;
    case OP_ALIGNED: result = replay_aligned(op); break;
    default: result = replay_calloc(op); break;
    }
    if (result != 0)
        return -1;
    replay.memory->after_operation(op->kind == OP_CALLOC   ? op->nmemb * op->size
                                   : op->kind == OP_ALIGNED ? trace_aligned_request_bytes(op)
                                                            : op->size);
    if (replay.setup->run_heap_checker) {
        int verdict = replay.stage->check();
        if (verdict != 0)
            return fail("hm_check() found a broken invariant", "hm_check() returns 0",
                        "%d (what hm_check printed, below, says which invariant)", verdict);
    }
    return 0;
}

/* ---- probes of the contract that traces cannot express -------------------------------- */

static int probe_result_is_block(void *result, uint64_t bytes)
{
    if (result == NULL)
        return fail("returned NULL", "a block", "NULL");
    if (check_alignment((uintptr_t)result, bytes) != 0)
        return -1;
    char at[80];
    describe_address((uintptr_t)result, at, sizeof at);
    uint64_t span = bytes ? bytes : 1;
    addrmap_ref other = addrmap_first_overlap(&replay.live, (uintptr_t)result, (uintptr_t)result + span);
    if (other != 0) {
        char block[256];
        describe_block((uint32_t)addrmap_node(&replay.live, other)->value, block, sizeof block);
        return fail("the block overlaps a live block", "memory that overlaps no live block",
                    "%s, overlapping %s", at, block);
    }
    return 0;
}

static int run_end_probes(void)
{
    replay.op = NULL;
    replay.probe = "after the last operation, probe realloc(NULL, 24), which must act as malloc(24)";
    replay.refusals_before = replay.memory->refusals();
    void *block = replay.stage->realloc(NULL, 24);
    if (check_system_use() != 0)
        return -1;
    if (block == NULL && null_is_allowed(24))
        return 0; /* the heap is full: NULL is the right answer */
    if (probe_result_is_block(block, 24) != 0)
        return -1;
    memset(block, 0x5a, 24);
    replay.probe = "after the last operation, probe realloc(p, 0) on the block of realloc(NULL, 24), "
                   "which must free it and return NULL";
    void *gone = replay.stage->realloc(block, 0);
    if (check_system_use() != 0)
        return -1;
    if (gone != NULL)
        return fail("realloc(p, 0) did not return NULL", "NULL, with p freed", "a pointer");
    return 0;
}

/* ---- the replay ----------------------------------------------------------------------- */

static uint32_t ids_used(const struct trace *trace)
{
    uint32_t highest = 0;
    for (uint32_t i = 0; i < trace->op_count; i++)
        if (trace->ops[i].id > highest)
            highest = trace->ops[i].id;
    return trace->op_count == 0 ? 0 : highest + 1;
}

static int prepare(const struct checked_setup *setup)
{
    replay.setup = setup;
    replay.stage = setup->calls;
    replay.memory = &MEMORY_SIMULATED;
    if (setup->calls->real_memory != NULL) {
        memory_real_allocator(setup->calls->real_memory);
        replay.memory = &MEMORY_REAL;
    }
    replay.trace = setup->trace;
    replay.report = isolate_report();
    replay.block_table_bytes = (size_t)ids_used(setup->trace) * sizeof *replay.blocks;
    replay.blocks = host_alloc(replay.block_table_bytes);
    /* A node for every id at once, the most that can be live: the table never grows during
     * the replay, so the replay asks the kernel for no memory once the stage runs. */
    if (replay.blocks == NULL ||
        addrmap_init_capacity(&replay.live, ids_used(setup->trace)) != 0)
        return fail("the checker ran out of memory", "room for the checker's tables", "none left");
    char error[256];
    if (replay.memory->prepare(setup->limit_bytes, replay.stage->apart, error, sizeof error) != 0)
        return fail("simulated memory could not be set up", "room for it", "%s", error);
    simmem_on_release(on_release);
    if (replay.stage->apart && replay.stage->start(error, sizeof error) != 0)
        return fail("the stage's program could not be started", "a program for the stage", "%s", error);
    return 0;
}

static void write_results(uint64_t ops_done)
{
    struct child_report *report = replay.report;
    report->ops_done = ops_done;
    report->peak_payload_bytes = replay.peak_payload_bytes;
    report->peak_footprint_bytes = replay.memory->peak_footprint_bytes();
    report->counts = replay.memory->counts();
}

/* The replay's end, reached or not: the stage's process goes first, so that it has left
 * (with its coverage counters written, in a coverage build) before the parent reads on. */
static void finish(void)
{
    if (replay.stage->apart)
        replay.stage->stop();
    replay.report->finished = 1;
}

/* At the end: every live block's payload intact; no memory used that was never given. */
static int check_end_state(void)
{
    replay.op = NULL;
    replay.probe = "after the last operation, checking every live block's payload";
    for (uint32_t id = 0; id < replay.block_table_bytes / sizeof *replay.blocks; id++)
        if (replay.blocks[id].address != 0 && check_payload(id, "at the end of the trace") != 0)
            return -1;
    replay.probe = "after the last operation, checking the memory outside the heap and mappings";
    replay.memory->check_outside();
    return check_system_use();
}

/* ---- pictures of the heap (heap_snapshot.h) ---------------------------------------------- */

/* After operation `done` (from 0): what the setup's snapshot request asks of it. Returns 1
 * when the replay may stop here: the request needs nothing further. */
static int record_pictures(uint32_t done)
{
    const struct snapshot_request *request = &replay.setup->snapshots;
    if (request->fd <= 0)
        return 0;
    uint64_t footprint = replay.memory->footprint_bytes();
    if (request->points)
        snapshot_point(request->fd, done, footprint, replay.live_payload_bytes);
    if (done >= request->first_op && done <= request->last_op) {
        static struct snapshot_live *live;
        static size_t live_capacity;
        if (live == NULL) {
            live_capacity = replay.live.count + replay.block_table_bytes / sizeof *replay.blocks + 1;
            live = host_alloc(live_capacity * sizeof *live);
        }
        /* In the snapshot's order: the heap's blocks, then the mappings', each by address. */
        size_t count = 0;
        for (int mapped = 0; mapped <= 1; mapped++) {
            for (addrmap_ref at = addrmap_first_from(&replay.live, 0); at != 0 && live != NULL && count < live_capacity;) {
                const struct addrmap_node *node = addrmap_node(&replay.live, at);
                const struct block *b = &replay.blocks[node->value];
                if ((simmem_area_of(node->start) == AREA_MAPPING) == mapped)
                    live[count++] = (struct snapshot_live){ node->start, b->bytes, node->value, b->line };
                at = addrmap_first_from(&replay.live, node->end);
            }
        }
        struct snapshot_figures figures = { replay.live_payload_bytes, replay.peak_payload_bytes, footprint,
                                            replay.memory->peak_footprint_bytes() };
        snapshot_take(request->fd, done, live, count, &figures, 1);
    }
    return done >= request->last_op && !request->points;
}

/* ---- the checker probe (checker_probe.h) ------------------------------------------------ */

static void probe_checker(void)
{
    const struct checked_setup *setup = replay.setup;
    struct child_report *report = replay.report;
    replay.op = NULL;
    replay.probe = "the checker probe";
    /* The live blocks that hold memory, in order of their ids. */
    size_t ids = replay.block_table_bytes / sizeof *replay.blocks, count = 0;
    struct probe_block *blocks = host_alloc((ids ? ids : 1) * sizeof *blocks);
    if (blocks == NULL) {
        fail("the checker ran out of memory", "room for the probe's table", "none left");
        return;
    }
    for (size_t id = 0; id < ids; id++)
        if (replay.blocks[id].address != 0)
            blocks[count++] = (struct probe_block){ (uint32_t)id, replay.blocks[id].address, replay.blocks[id].bytes };
    char what[sizeof report->probe_text - 64];
    int struck = checker_probe_strike((enum probe_kind)setup->probe_kind, blocks, count, setup->probe_seed, what,
                                      sizeof what);
    host_free(blocks, (ids ? ids : 1) * sizeof *blocks);
    if (struck != 0) {
        report->probe_verdict = PROBE_NO_TARGET;
        snprintf(report->probe_text, sizeof report->probe_text, "%s", what);
        return;
    }
    report->probe_struck = 1;
    snprintf(report->probe_text, sizeof report->probe_text, "%s", what);
    int verdict = replay.stage->check();
    if (setup->probe_kind == PROBE_CONTROL)
        report->probe_verdict = verdict != 0 ? PROBE_COMPLAINED : PROBE_CLEAN;
    else
        report->probe_verdict = verdict != 0 ? PROBE_DETECTED : PROBE_MISSED;
    size_t used = strlen(report->probe_text);
    snprintf(report->probe_text + used, sizeof report->probe_text - used, ": hm_check returned %d", verdict);
}

void checked_replay(void *argument)
{
    const struct checked_setup *setup = argument;
    const struct trace *trace = setup->trace;
    if (prepare(setup) != 0) {
        finish();
        return;
    }
    replay.probe = "before the first operation, probe free(NULL), which must do nothing";
    replay.stage->free(NULL);
    if (check_system_use() != 0) {
        finish();
        return;
    }

    uint32_t done = 0, end = setup->probing && setup->probe_op < trace->op_count ? setup->probe_op : trace->op_count;
    for (; done < end; done++) {
        replay.report->op_position = done + 1;
        int failed = replay_one(&trace->ops[done]) != 0;
        if (record_pictures(done) || failed)
            break;
    }
    replay.report->op_position = done + 1;
    write_results(done);
    if (setup->probing) {
        if (done == end && check_system_use() == 0)
            probe_checker();
    } else if (done == trace->op_count && check_end_state() == 0) {
        run_end_probes();
    }
    finish();
}
