/* instruction_count.c: a hardware instruction counter on a child (see instruction_count.h). */
#include "instruction_count.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int instruction_count_open(pid_t pid, char *why, size_t why_size)
{
    struct perf_event_attr attribute;
    memset(&attribute, 0, sizeof attribute);
    attribute.size = sizeof attribute;
    attribute.type = PERF_TYPE_HARDWARE;
    attribute.config = PERF_COUNT_HW_INSTRUCTIONS;
    /* The stage's own work: the kernel's is not its algorithm, and counting it needs a
     * privilege that a user-space count does not (perf_event_paranoid up to 2). */
    attribute.exclude_kernel = 1;
    attribute.exclude_hv = 1;
    /* To tell a count the kernel took turns with other counters on (scaled, not exact). */
    attribute.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
    long counter = syscall(SYS_perf_event_open, &attribute, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
    if (counter < 0) {
        if (why != NULL)
            snprintf(why, why_size, "perf_event_open (instructions): %s%s", strerror(errno),
                     errno == ENOENT || errno == EOPNOTSUPP ? " (this CPU, or its virtual machine, counts none)"
                     : errno == EACCES || errno == EPERM    ? " (see /proc/sys/kernel/perf_event_paranoid)"
                                                            : "");
        return -1;
    }
    return (int)counter;
}

uint64_t instruction_count_read(int counter)
{
    if (counter < 0)
        return INSTRUCTIONS_UNKNOWN;
    uint64_t values[3]; /* the count, the time enabled, the time running */
    if (read(counter, values, sizeof values) != (ssize_t)sizeof values)
        return INSTRUCTIONS_UNKNOWN;
    if (values[2] != values[1])
        return INSTRUCTIONS_UNKNOWN; /* multiplexed: an estimate, not a count */
    return values[0];
}

void instruction_count_close(int counter)
{
    if (counter >= 0)
        close(counter);
}
