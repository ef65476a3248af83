/* probe_table.c: the checker probes, as build/replay prints them (see probe_table.h). */
#include "probe_table.h"

#include "checker_probe.h"
#include "result.h"

struct probe_tally probe_tally(const struct stage_run *run)
{
    struct probe_tally tally = { 0 };
    for (size_t t = 0; t < run->count; t++) {
        const struct trace_result *r = &run->results[t];
        if (!r->probed)
            continue;
        for (int point = 0; point < PROBE_POINTS; point++)
            for (int kind = 0; kind < PROBE_KINDS; kind++) {
                enum probe_verdict verdict = (enum probe_verdict)r->probes[point][kind].verdict;
                tally.struck += kind != PROBE_CONTROL &&
                                (verdict == PROBE_DETECTED || verdict == PROBE_MISSED || verdict == PROBE_CRASHED);
                tally.detected += verdict == PROBE_DETECTED;
                tally.crashed += verdict == PROBE_CRASHED;
                tally.complained += verdict == PROBE_COMPLAINED;
                tally.not_run += verdict == PROBE_NOT_RUN;
            }
    }
    return tally;
}

/* One letter a verdict: what the table shows. */
static char verdict_letter(enum probe_verdict verdict)
{
    switch (verdict) {
    case PROBE_DETECTED: return 'D';
    case PROBE_MISSED: return 'm';
    case PROBE_CRASHED: return 'X';
    case PROBE_COMPLAINED: return '!';
    case PROBE_CLEAN: return 'c';
    case PROBE_NO_TARGET: return '.';
    default: return '?';
    }
}

static void stage_rows(FILE *out, const struct stage_run *run)
{
    for (size_t t = 0; t < run->count; t++) {
        const struct trace_result *r = &run->results[t];
        if (!r->probed) {
            fprintf(out, "  %-22.22s not probed: %s\n", r->trace_name,
                    r->correct ? "the runner did not probe it" : "its checked replay failed (see below)");
            continue;
        }
        for (int point = 0; point < PROBE_POINTS; point++) {
            fprintf(out, "  %-22.22s op %-7u", point == 0 ? r->trace_name : "", r->probe_ops[point]);
            for (int kind = 0; kind < PROBE_KINDS; kind++)
                fprintf(out, " %3c", verdict_letter((enum probe_verdict)r->probes[point][kind].verdict));
            fputc('\n', out);
        }
    }
}

static void misses(FILE *out, const struct stage_run *run)
{
    for (size_t t = 0; t < run->count; t++) {
        const struct trace_result *r = &run->results[t];
        for (int point = 0; r->probed && point < PROBE_POINTS; point++)
            for (int kind = 0; kind < PROBE_KINDS; kind++) {
                const struct probe_result *p = &r->probes[point][kind];
                enum probe_verdict verdict = (enum probe_verdict)p->verdict;
                if (verdict == PROBE_MISSED || verdict == PROBE_CRASHED || verdict == PROBE_COMPLAINED ||
                    verdict == PROBE_NOT_RUN)
                    fprintf(out, "  %s, %s at op %u, %s: %s\n", checker_probe_verdict_name(verdict), r->trace_name,
                            r->probe_ops[point], checker_probe_kind_name((enum probe_kind)kind), p->text);
            }
    }
}

void probe_table(FILE *out, const struct stage_run *runs, size_t count)
{
    fprintf(out, "hm_check against a corrupted heap: D detected, m missed, X crashed or hung, . nothing to\n"
                 "strike there, ? not reached; the control (nothing changed): c returned 0, ! said broken\n");
    for (size_t s = 0; s < count; s++) {
        if (runs[s].is_baseline)
            continue;
        fprintf(out, "\n%-12s %-20s", runs[s].name, "");
        for (int kind = 0; kind < PROBE_KINDS; kind++) {
            /* Columns of 4: the kinds' names down the header, two letters each way. */
            const char *name = checker_probe_kind_name((enum probe_kind)kind);
            fprintf(out, " %3.3s", name[0] == 'b'   ? "bef"
                                   : name[0] == 'a' ? "aft"
                                   : name[0] == 'l' ? "lnk"
                                   : name[0] == 's' ? "swp"
                                                    : "ctl");
        }
        fprintf(out, "\n%-12s %-20s", "", "");
        for (int kind = 0; kind < PROBE_KINDS; kind++) {
            const char *name = checker_probe_kind_name((enum probe_kind)kind);
            const char *dash = name;
            while (*dash != '\0' && *dash != '-')
                dash++;
            fprintf(out, " %3.3s", *dash == '-' ? dash + 1 : "");
        }
        fputc('\n', out);
        stage_rows(out, &runs[s]);
        struct probe_tally tally = probe_tally(&runs[s]);
        fprintf(out, "  detected %u of the %u corruptions struck", tally.detected, tally.struck);
        if (tally.crashed)
            fprintf(out, " (%u crashed or hung hm_check)", tally.crashed);
        if (tally.complained)
            fprintf(out, "; hm_check said a healthy heap was broken %u times (the control)", tally.complained);
        fputc('\n', out);
        misses(out, &runs[s]);
    }
    fprintf(out, "\nkinds: bef/aft = the word just before a live block's payload / just after one of a\n"
                 "multiple of 16 bytes: grown by 16, doubled, zeroed, lowest bit flipped; lnk liv/out = a\n"
                 "link in a free region pointed at a live block / outside the heap; swp = the words before\n"
                 "two live blocks swapped; ctl = the control, nothing changed (checker_probe.h)\n");
}
