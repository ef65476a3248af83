/* timed_proof.c: what the runner measures and checks of a timed replay (see timed_proof.h). */
#include "timed_proof.h"

#include "checkpoint.h"
#include "timed.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void timed_proof_start(struct timed_proof *proof, const struct trace *trace, const char *who,
                       const uint64_t *expected, const uint64_t *observed, struct trace_op *shown)
{
    memset(proof, 0, sizeof *proof);
    proof->trace = trace;
    proof->who = who;
    proof->expected = expected;
    proof->observed = observed;
    proof->shown = shown;
    memset(shown, 0, (size_t)trace->op_count * sizeof *shown);
}

/* Let the child see the operations of `segment`, as it starts it. */
static void show_segment(struct timed_proof *proof, uint32_t segment)
{
    const struct trace *trace = proof->trace;
    uint32_t from = segment == 0 ? 0 : timed_segment_end(trace, segment - 1);
    uint32_t to = timed_segment_end(trace, segment);
    memcpy(proof->shown + from, trace->ops + from, (size_t)(to - from) * sizeof *trace->ops);
}

int timed_proof_complete(const struct timed_proof *proof)
{
    return proof->passed == timed_last_checkpoint(proof->trace);
}

/* Record why the checkpoint is refused. Returns -1. */
__attribute__((format(printf, 2, 3)))
static int refuse(struct timed_proof *proof, const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(proof->error, sizeof proof->error, format, arguments);
    va_end(arguments);
    return -1;
}

/* A fingerprint as the checker names an address: "heap+0x1040", or "NULL". Fingerprints are
 * offsets from the start of simulated memory, which is the heap's start. */
static void describe_fingerprint(uint64_t fingerprint, char *out, size_t out_size)
{
    if (fingerprint == 0)
        snprintf(out, out_size, "NULL");
    else
        snprintf(out, out_size, "heap+0x%llx", (unsigned long long)(fingerprint - 1));
}

/* "the end", "the mark 'malloc'" */
static void describe_checkpoint(const struct trace *trace, uint32_t number, char *out, size_t out_size)
{
    uint32_t segment = number - timed_checkpoint_after(0);
    if (segment < trace->mark_count)
        snprintf(out, out_size, "the mark '%s'", trace->marks[segment].name);
    else
        snprintf(out, out_size, "the end");
}

/* The results of operations [ops_passed, end) are the checked replay's. */
static int prove_operations(struct timed_proof *proof, uint32_t number, uint32_t end)
{
    const struct trace *trace = proof->trace;
    for (uint32_t i = proof->ops_passed; i < end; i++) {
        uint64_t seen = proof->observed[i], expected = proof->expected[i];
        if (seen == expected)
            continue;
        char where[sizeof trace->path + 300], text[96], call[160], got[64], wanted[64];
        trace_format_op(&trace->ops[i], text, sizeof text);
        trace_describe_op(&trace->ops[i], call, sizeof call);
        snprintf(where, sizeof where, "%s:%u: %s (%s)", trace->path, trace->op_lines[i], text, call);
        describe_fingerprint(seen, got, sizeof got);
        describe_fingerprint(expected, wanted, sizeof wanted);
        if (seen == TIMED_NOT_DONE) {
            char checkpoint[64];
            describe_checkpoint(trace, number, checkpoint, sizeof checkpoint);
            return refuse(proof, "%s: the timed replay of %s reached its checkpoint at %s before it had "
                          "made this call: the checkpoints are the replay's own, and a stage must not "
                          "signal them", where, proof->who, checkpoint);
        }
        if (trace->ops[i].kind == OP_FREE) /* the replay writes 0 for a free: someone else wrote */
            return refuse(proof, "%s: the timed replay's record of this free was overwritten with %s: a "
                          "stage must not write the replay's memory", where, got);
        /* NULL in one replay and memory in the other may also be the kernel's doing (simmem.c):
         * past about 32,000 live mappings a process runs out of memory regions, and the two
         * replays' processes hold different numbers of regions of their own. */
        const char *also = expected != 0 && seen != 0 ? ""
                                         : " With more than about 32,000 live mappings, the kernel's limit on a "
                                           "process's memory regions can also refuse a simulated mmap in one "
                                           "replay and not in the other.";
        return refuse(proof, "%s: the timed replay of %s returned %s where the checked replay returned %s "
                      "(a stage must give the same results in every replay of a trace; does it depend on "
                      "uninitialized memory or addresses?%s)", where, proof->who, got, wanted, also);
    }
    return 0;
}

int timed_proof_checkpoint(void *context, uint32_t number, const struct checkpoint_reading *reading)
{
    struct timed_proof *proof = context;
    const uint64_t child_cpu_ns = reading->cpu_ns, instructions = reading->instructions;
    const struct trace *trace = proof->trace;
    uint32_t due = proof->passed + 1, last = timed_last_checkpoint(trace);
    if (child_cpu_ns == CHECKPOINT_CPU_UNKNOWN)
        return refuse(proof, "%s: the runner could not read the CPU time of the timed replay's process "
                      "(a fault of the machine that runs the replay, not of %s)", trace->path, proof->who);
    if (number == TIMED_CHECKPOINT_STARTED && proof->passed == 0 && !proof->started) {
        proof->started = 1;
        proof->started_ns = child_cpu_ns;
        proof->started_instructions = instructions;
        return 0;
    }
    if (number != due)
        return refuse(proof, "%s: the timed replay of %s signalled checkpoint %u where checkpoint %u of %u "
                      "was due (after operation %u): the checkpoints are the replay's own, and a stage "
                      "must not write them", trace->path, proof->who, number, due, last, proof->ops_passed);
    if (number == TIMED_CHECKPOINT_READY) {
        /* From the exec when there was one: what the program did before "ready" counts too. */
        proof->ready_ns = proof->started ? proof->started_ns : child_cpu_ns;
        show_segment(proof, 0);
    } else {
        uint32_t segment = number - timed_checkpoint_after(0), end = timed_segment_end(trace, segment);
        if (proof->expected != NULL && prove_operations(proof, number, end) != 0)
            return -1;
        proof->ops_passed = end;
        proof->segment_ns[segment] = child_cpu_ns - proof->previous_ns;
        proof->segment_instructions[segment] =
            instructions == INSTRUCTIONS_UNKNOWN || proof->previous_instructions == INSTRUCTIONS_UNKNOWN
                ? INSTRUCTIONS_UNKNOWN
                : instructions - proof->previous_instructions;
    }
    proof->previous_instructions =
        number == TIMED_CHECKPOINT_READY && proof->started ? proof->started_instructions : instructions;
    proof->previous_ns = number == TIMED_CHECKPOINT_READY ? proof->ready_ns : child_cpu_ns;
    proof->passed = number;
    if (number == last)
        proof->elapsed_ns = child_cpu_ns - proof->ready_ns;
    else if (number != TIMED_CHECKPOINT_READY)
        show_segment(proof, number - timed_checkpoint_after(0) + 1);
    return 0;
}
