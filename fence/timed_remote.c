/* timed_remote.c: a timed replay of a stage program (see timed_remote.h). */
#include "timed_remote.h"

#include "checkpoint.h"
#include "isolate.h"
#include "simmem.h"

#include <stdio.h>

static struct {
    const struct fence_program *stage, *libc, *reference;
    uint64_t data_bytes;
} programs;

void timed_remote_use(const struct fence_program *stage, const struct fence_program *libc,
                      const struct fence_program *reference, uint64_t data_bytes)
{
    programs.stage = stage;
    programs.libc = libc;
    programs.reference = reference;
    programs.data_bytes = data_bytes;
}

/* "12,40" or "-": where each segment but the last ends. */
static void format_marks(const struct trace *trace, char *out, size_t out_size)
{
    size_t used = 0;
    out[0] = '\0';
    for (uint32_t i = 0; i < trace->mark_count; i++)
        used += (size_t)snprintf(out + used, out_size - used, "%s%u", i ? "," : "", trace->marks[i].op_index);
    if (trace->mark_count == 0)
        snprintf(out, out_size, "-");
}

/* The replay's clock starts here, in the kit's code, before anything of the program runs. */
static void started(void)
{
    checkpoint_reach(TIMED_CHECKPOINT_STARTED);
}

void timed_remote_replay(void *argument)
{
    const struct timed_setup *setup = argument;
    const struct trace *trace = setup->trace;
    const struct fence_program *program = setup->use_libc        ? programs.libc
                                          : setup->use_reference ? programs.reference
                                                                 : programs.stage;
    if (program == NULL)
        isolate_setup_failed("no program to time (the runner's --libc-program or --reference-program is missing)");
    char limit[32], ops[16], ids[16], marks[16 * TRACE_MAX_MARKS], budget[32];
    snprintf(limit, sizeof limit, "%llu", (unsigned long long)setup->limit_bytes);
    snprintf(ops, sizeof ops, "%u", trace->op_count);
    snprintf(ids, sizeof ids, "%u", trace->id_count);
    format_marks(trace, marks, sizeof marks);
    snprintf(budget, sizeof budget, "%llu", (unsigned long long)simmem_mapping_budget());
    char *const argv[] = { "stage", "timed", limit, ops, ids, marks, setup->use_libc ? "libc" : "stage", budget, NULL };
    const int fds[] = { isolate_report_file(), checkpoint_page_file(), setup->shown_file, setup->observed_file };
    /* The stage's simulated memory is its own here: private, so counted as its data. The C
     * library's program is the kit's own code: its memory is what the C library takes. */
    uint64_t slots_bytes = (uint64_t)(trace->id_count + 1) * sizeof(void *);
    uint64_t reservation_bytes = 6 * setup->limit_bytes + (UINT64_C(64) << 20);
    const struct fence_launch launch = {
        .mode = FENCE_TIMED, .filter = !setup->use_libc && fence_confinement()->filter,
        .fds = fds, .fd_count = 4, .stderr_fd = -1, .argv = argv,
        .data_bytes = setup->use_libc ? 0 : programs.data_bytes + setup->limit_bytes + slots_bytes,
        .address_space_bytes = setup->use_libc ? 0 : reservation_bytes + programs.data_bytes + slots_bytes +
                                                        (UINT64_C(96) << 20),
        .cpu_seconds = isolate_time_limit(), .cpu = -1, .last_before_exec = started,
    };
    fence_exec(program, &launch);
}
