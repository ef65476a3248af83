/* timed.c: the timed replay (see timed.h). */
#include "timed.h"

#include "heapmgr.h"
#include "hostmem.h"
#include "isolate.h"
#include "libc_stage.h"
#include "simmem.h"

#include <string.h>
#include <time.h>

_Static_assert(REPORT_MAX_SEGMENTS == TRACE_MAX_MARKS + 1, "a report has room for every segment");

struct allocator {
    void *(*malloc)(size_t size);
    void (*free)(void *ptr);
    void *(*realloc)(void *ptr, size_t size);
    void *(*calloc)(size_t nmemb, size_t size);
};

/* Inlined into each caller with a constant allocator, so the calls below become direct. */
static inline __attribute__((always_inline)) void
run_operations(const struct trace_op *ops, uint32_t op_count, void **slots, const struct allocator a)
{
    for (uint32_t i = 0; i < op_count; i++) {
        const struct trace_op *op = &ops[i];
        switch (op->kind) {
        case OP_MALLOC: slots[op->id] = a.malloc(op->size); break;
        case OP_FREE: a.free(slots[op->id]); break;
        case OP_REALLOC: slots[op->id] = a.realloc(slots[op->id], op->size); break;
        default: slots[op->id] = a.calloc(op->nmemb, op->size); break;
        }
    }
}

static void run_stage(const struct trace_op *ops, uint32_t op_count, void **slots)
{
    run_operations(ops, op_count, slots,
                   (struct allocator){ hm_malloc, hm_free, hm_realloc, hm_calloc });
}

static void run_libc(const struct trace_op *ops, uint32_t op_count, void **slots)
{
    run_operations(ops, op_count, slots,
                   (struct allocator){ libc_malloc, libc_free, libc_realloc, libc_calloc });
}

static uint64_t now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

void timed_replay(void *argument)
{
    const struct timed_setup *setup = argument;
    const struct trace *trace = setup->trace;
    struct child_report *report = isolate_report();

    uint32_t slot_count = trace->id_count ? trace->id_count : 1;
    void **slots = host_alloc((size_t)slot_count * sizeof *slots);
    char error[256];
    if (slots == NULL || (!setup->use_libc && simmem_init(setup->limit_bytes, 0, error, sizeof error) != 0))
        return; /* not finished: the parent reports it */
    memset(slots, 0, (size_t)slot_count * sizeof *slots); /* fault the table in before timing */
    if (!setup->use_libc)
        isolate_enter_stage();

    /* One clock reading per mark of the trace, none per operation. */
    uint64_t start = now_ns(), segment_start = start;
    uint32_t from = 0;
    for (uint32_t segment = 0; segment <= trace->mark_count; segment++) {
        uint32_t to = segment < trace->mark_count ? trace->marks[segment].op_index : trace->op_count;
        if (setup->use_libc)
            run_libc(trace->ops + from, to - from, slots);
        else
            run_stage(trace->ops + from, to - from, slots);
        uint64_t now = now_ns();
        report->segment_ns[segment] = now - segment_start;
        segment_start = now;
        from = to;
    }
    report->elapsed_ns = segment_start - start;
    report->op_position = trace->op_count + 1;
    report->finished = 1;
}
