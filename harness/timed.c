/* timed.c: the timed replay (see timed.h). */
#include "timed.h"

#include "checked.h"
#include "checkpoint.h"
#include "heapmgr.h"
#include "hostmem.h"
#include "isolate.h"
#include "libc_stage.h"
#include "simmem.h"

#include <string.h>
#include <sys/mman.h>

_Static_assert(REPORT_MAX_SEGMENTS == TRACE_MAX_MARKS + 1, "a result has room for every segment");


/* Where fingerprints are measured from: simulated memory's start for the stage, 0 for the C
 * library. Read from memory, never known to the compiler, so that the stage's loop and the C
 * library's compute their fingerprints with the same instructions. */
static volatile uintptr_t fingerprint_origin;

/* Inlined into each caller with a constant allocator, so the calls below become direct. Each
 * result's fingerprint goes to observed[i], for the runner to compare (free: 0). */
static inline __attribute__((always_inline)) void
run_operations(const struct trace_op *ops, uint32_t op_count, void **slots, uint64_t *observed,
               const struct timed_allocator a)
{
    const uintptr_t origin = fingerprint_origin;
    for (uint32_t i = 0; i < op_count; i++) {
        const struct trace_op *op = &ops[i];
        void *result = NULL;
        switch (op->kind) {
        case OP_MALLOC: result = slots[op->id] = a.malloc(op->size); break;
        case OP_FREE: a.free(slots[op->id]); break;
        case OP_REALLOC: /* a failed realloc leaves the old block live: its slot keeps it */
            result = a.realloc(slots[op->id], op->size);
            if (result != NULL || op->size == 0)
                slots[op->id] = result;
            break;
        case OP_ALIGNED: result = slots[op->id] = a.malloc(trace_aligned_request_bytes(op)); break;
        default: result = slots[op->id] = a.calloc(op->nmemb, op->size); break;
        }
        observed[i] = fingerprint_of(result, origin);
    }
}

/* Two functions of their own (noinline), each the loop above with its allocator: compiled
 * alike, so that neither side's loop is laid out better than the other's. */
static __attribute__((noinline)) void run_stage(const struct trace_op *ops, uint32_t op_count, void **slots,
                                                uint64_t *observed)
{
    run_operations(ops, op_count, slots, observed,
                   (struct timed_allocator){ hm_malloc, hm_free, hm_realloc, hm_calloc });
}

static __attribute__((noinline)) void run_libc(const struct trace_op *ops, uint32_t op_count, void **slots,
                                               uint64_t *observed)
{
    run_operations(ops, op_count, slots, observed,
                   (struct timed_allocator){ libc_malloc, libc_free, libc_realloc, libc_calloc });
}

/* A production allocator (baselines.h) called through its own functions' addresses, as a
 * program linked with it would call them through its PLT: not through the stage interface's
 * wrappers, whose extra call would be counted as its time (a nanosecond of mimalloc's seven). */
static __attribute__((noinline)) void run_real(const struct trace_op *ops, uint32_t op_count, void **slots,
                                               uint64_t *observed, const struct real_allocator *real)
{
    run_operations(ops, op_count, slots, observed,
                   (struct timed_allocator){ real->malloc, real->free, real->realloc, real->calloc });
}

struct timed_allocator timed_allocator(const struct timed_work *work)
{
    if (work->use_libc)
        return (struct timed_allocator){ libc_malloc, libc_free, libc_realloc, libc_calloc };
    if (work->real != NULL)
        return (struct timed_allocator){ work->real->malloc, work->real->free, work->real->realloc, work->real->calloc };
    return (struct timed_allocator){ hm_malloc, hm_free, hm_realloc, hm_calloc };
}

void timed_run_ops(const struct timed_work *work, uint32_t from, uint32_t to, void **slots)
{
    if (work->use_libc)
        run_libc(work->ops + from, to - from, slots, work->observed + from);
    else if (work->real != NULL)
        run_real(work->ops + from, to - from, slots, work->observed + from, work->real);
    else
        run_stage(work->ops + from, to - from, slots, work->observed + from);
}

void timed_start_fingerprints(const struct timed_work *work)
{
    fingerprint_origin = work->use_libc || work->real != NULL ? 0 : simmem_heap_start();
}

void timed_map_in(const void *start, size_t bytes)
{
    /* Read, not madvise: behind the fence the stage program's filter allows no such call. */
    for (size_t offset = 0; offset < bytes; offset += 4096)
        (void)*(const volatile char *)((const char *)start + offset);
}

void timed_run(const struct timed_work *work)
{
    uint32_t slot_count = work->id_count ? work->id_count : 1;
    void **slots = host_alloc((size_t)slot_count * sizeof *slots);
    char error[256];
    if (slots == NULL || (!work->use_libc && simmem_init(work->limit_bytes, 0, error, sizeof error) != 0))
        return; /* not finished: the parent reports it */
    /* Fault the tables in before timing: the stage's time is its own work, not ours. */
    memset(slots, 0, (size_t)slot_count * sizeof *slots);
    memset(work->observed, TIMED_NOT_DONE_BYTE, (size_t)work->op_count * sizeof *work->observed);
    timed_map_in(work->ops, (size_t)work->op_count * sizeof *work->ops);
    timed_start_fingerprints(work);
    for (int i = 0; i < 2; i++)
        if (work->hide[i] != NULL)
            munmap(work->hide[i], work->hide_bytes[i]);

    checkpoint_reach(TIMED_CHECKPOINT_READY);
    /* As the checked replay begins, with its probe: both replays start from the same state. */
    if (work->use_libc)
        libc_free(NULL);
    else
        hm_free(NULL);
    uint32_t from = 0;
    for (uint32_t segment = 0; segment <= work->mark_count; segment++) {
        uint32_t to = work->segment_ends[segment];
        timed_run_ops(work, from, to, slots);
        checkpoint_reach(timed_checkpoint_after(segment));
        from = to;
    }
    struct child_report *report = isolate_report();
    report->op_position = work->op_count + 1;
    report->finished = 1;
}

void timed_replay(void *argument)
{
    const struct timed_setup *setup = argument;
    const struct trace *trace = setup->trace;
    uint32_t segment_ends[TRACE_MAX_MARKS + 1];
    for (uint32_t segment = 0; segment <= trace->mark_count; segment++)
        segment_ends[segment] = timed_segment_end(trace, segment);
    const struct timed_work work = {
        .ops = setup->shown, .observed = setup->observed, .op_count = trace->op_count,
        .id_count = trace->id_count, .mark_count = trace->mark_count, .segment_ends = segment_ends,
        .limit_bytes = setup->limit_bytes, .use_libc = setup->use_libc, .real = setup->real,
        /* The checked replay's answers: the stage must find its own, not copy them. Nor what
         * is to come: each segment is shown at its checkpoint (timed.h). */
        .hide = { setup->expected, trace->ops },
        .hide_bytes = { setup->expected_bytes, (size_t)trace->op_count * sizeof *trace->ops },
    };
    timed_run(&work);
}
