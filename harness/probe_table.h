/* probe_table.h: what build/replay --probe-checker prints (checker_probe.h). */
#ifndef PROBE_TABLE_H
#define PROBE_TABLE_H

#include <stdio.h>

#include "report.h"

/* The probes of one stage over its traces. */
struct probe_tally {
    unsigned struck;   /* probes that corrupted the heap */
    unsigned detected; /* of which hm_check returned non-zero */
    unsigned crashed;  /* or crashed, or hung */
    unsigned complained; /* probes where hm_check failed the healthy heap */
    unsigned not_run;  /* probes whose replay did not reach the point */
};

struct probe_tally probe_tally(const struct stage_run *run);

/* Per stage, the kinds it saw at each point of each trace, then every probe it missed. */
void probe_table(FILE *out, const struct stage_run *runs, size_t count);

#endif /* PROBE_TABLE_H */
