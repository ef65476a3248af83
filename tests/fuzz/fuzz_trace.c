/*
 * fuzz_trace.c: libFuzzer feeds the trace reader any bytes at all.
 *
 * Whatever the input, trace_parse must not crash or read out of bounds (the sanitizers
 * watch), and must either reject it with one line that starts with the path, leaving the
 * trace empty, or accept it with exactly op_count operations that each obey the format.
 * Build: make fuzz (see the Makefile), or by hand as the Makefile does.
 */
#include "trace.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fuzz_path[] = "fuzz.rep";

/* A rejected input: one line, "fuzz.rep:LINE: ...", and an empty trace. */
static void check_rejected(const struct trace *trace, const char *error)
{
    assert(strncmp(error, fuzz_path, strlen(fuzz_path)) == 0 && error[strlen(fuzz_path)] == ':');
    assert(strchr(error, '\n') == NULL);
    assert(trace->ops == NULL && trace->op_lines == NULL && trace->op_count == 0);
}

/* An accepted input: every one of op_count ops is read (touching each, so that a short array
 * shows up under the address sanitizer) and is one the format allows. */
static void check_accepted(const struct trace *trace, size_t size)
{
    assert(trace->op_count == trace->header[2] && trace->id_count == trace->header[1]);
    assert(trace->op_count == 0 || (trace->ops != NULL && trace->op_lines != NULL));
    assert(strcmp(trace->name, "fuzz") == 0);
    uint32_t previous_line = 4; /* the header takes at least four lines */
    for (uint32_t i = 0; i < trace->op_count; i++) {
        const struct trace_op *op = &trace->ops[i];
        assert(op->id < trace->id_count);
        assert(op->kind == OP_MALLOC || op->kind == OP_FREE || op->kind == OP_REALLOC
               || op->kind == OP_CALLOC || op->kind == OP_ALIGNED);
        assert(op->kind == OP_CALLOC || op->kind == OP_ALIGNED || op->nmemb == 0);
        assert(op->kind != OP_ALIGNED || (op->alignment != 0 && (op->alignment & (op->alignment - 1)) == 0));
        assert(op->kind != OP_FREE || op->size == 0);
        assert(trace->op_lines[i] > previous_line);
        previous_line = trace->op_lines[i];
        char text[64];
        trace_format_op(op, text, sizeof text);
        assert(text[0] == (char)op->kind);
    }
    assert(previous_line <= size); /* every line takes at least one byte */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct trace trace; /* 4 kB of path: kept off the stack */
    char error[512];
    int result = trace_parse(fuzz_path, (const char *)data, size, &trace, error, sizeof error);
    if (result == 0)
        check_accepted(&trace, size);
    else
        check_rejected(&trace, error);
    trace_release(&trace);
    assert(trace.ops == NULL && trace.op_count == 0);
    return 0;
}
