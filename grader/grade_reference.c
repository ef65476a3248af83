/*
 * grade_reference.c: the reference's results kept as files, for a kit without reference programs.
 *
 * A student's kit holds its skeleton stages' references only as what they measured: `make student`
 * pre-grades the reference stages with --record-reference KIT/grader/reference, which keeps, per
 * stage and public trace, the reference's untimed result (its utilization), its speed against the
 * C library (timed in the same runs as the C library, on the machine that made the kit) and its
 * checker's probes. The kit's `make grade` reads them back with --recorded-reference: the same
 * points wherever they are exact (utilization and the checker's are deterministic), and an
 * estimate for throughput, which the report says was measured elsewhere.
 */
#include "grade.h"
#include "reference_cache.h"

#include <stdio.h>

/* DIR/STAGE and the file's name in it: TRACE.KIND. */
static void where(const char *dir, const char *stage, const struct trace_entry *trace, const char *kind,
                  char *folder, size_t folder_size, char *name, size_t name_size)
{
    snprintf(folder, folder_size, "%s/%s", dir, stage);
    snprintf(name, name_size, "%s.%s", trace->name, kind);
}

int grade_recorded_get(const struct grading *g, const char *stage, const struct trace_entry *trace, const char *kind,
                       struct trace_result *result)
{
    if (g->recorded_reference == NULL || trace->hidden)
        return 0;
    char folder[GRADE_PATH * 2], name[512];
    where(g->recorded_reference, stage, trace, kind, folder, sizeof folder, name, sizeof name);
    return reference_kept_read(folder, name, trace->path, result);
}

void grade_recorded_put(const struct grading *g, const char *stage, const struct trace_entry *trace, const char *kind,
                        const struct trace_result *result)
{
    if (g->record_reference == NULL || trace->hidden)
        return;
    char folder[GRADE_PATH * 2], name[512];
    where(g->record_reference, stage, trace, kind, folder, sizeof folder, name, sizeof name);
    reference_kept_write(folder, name, result);
}
