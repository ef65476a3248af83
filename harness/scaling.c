/* scaling.c: cost per operation against free-list length (see scaling.h). */
#include "scaling.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const unsigned SCALING_FREE_CHUNKS[SCALING_LENGTHS] = { 1000, 10000, 100000 };

/* Below these, a cost is at the clock's and the machine's noise, or at the call's own: growth
 * from 3 ns to 9 ns, or from 20 instructions to 45, is not a trend. */
static const double NOISE_FLOOR[] = { [COST_NANOSECONDS] = 25, [COST_INSTRUCTIONS] = 50 };

/* How fast a cost grows between two list lengths: the slope on log-log axes, log(cost ratio) /
 * log(length ratio). A search of the list grows in proportion (slope 1); a constant-time
 * operation stays flat (slope 0), but for its caches, which grow colder as the list outgrows
 * them: measured here up to 8x over 100x the list, a slope of 0.45, and all of it in one decade.
 * The thresholds leave a margin on both sides. */
static double slope(double from, double to, double length_ratio, enum cost_unit unit)
{
    double floor = NOISE_FLOOR[unit];
    from = from > floor ? from : floor;
    to = to > floor ? to : floor;
    return log(to / from) / log(length_ratio);
}

enum growth scaling_classify(const double cost[SCALING_LENGTHS], enum cost_unit unit)
{
    const double CONSTANT_BELOW = 0.5; /* at most 10x over 100x the list */
    const double LINEAR_FROM = 0.75;   /* at least 31x over 100x the list */
    const double STILL_GROWING_FROM = 0.6; /* and at least 4x over the last 10x */
    for (int i = 0; i < SCALING_LENGTHS; i++)
        if (cost[i] < 0)
            return GROWTH_UNKNOWN;
    double first = SCALING_FREE_CHUNKS[0], last = SCALING_FREE_CHUNKS[SCALING_LENGTHS - 1];
    double overall = slope(cost[0], cost[SCALING_LENGTHS - 1], last / first, unit);
    if (overall < CONSTANT_BELOW)
        return GROWTH_CONSTANT;
    /* In proportion: over the whole range and still in its last step, where a constant part of
     * the cost weighs least and a cache effect has already happened. */
    double last_step = slope(cost[SCALING_LENGTHS - 2], cost[SCALING_LENGTHS - 1],
                             last / SCALING_FREE_CHUNKS[SCALING_LENGTHS - 2], unit);
    if (overall >= LINEAR_FROM && last_step >= STILL_GROWING_FROM)
        return GROWTH_LINEAR;
    return GROWTH_SLOW;
}

const char *scaling_growth_name(enum growth growth)
{
    switch (growth) {
    case GROWTH_CONSTANT: return "O(1)";
    case GROWTH_SLOW: return "grows";
    case GROWTH_LINEAR: return "O(n)";
    default: return "?";
    }
}

const char *scaling_unit_name(enum cost_unit unit)
{
    return unit == COST_INSTRUCTIONS ? "instructions" : "ns";
}

/* One operation's cost in the segment `name` of the result, in `unit`; -1 when not measured. */
static double segment_cost(const struct trace_result *r, const char *name, enum cost_unit unit)
{
    for (uint32_t i = 0; i < r->segment_count; i++) {
        const struct segment_result *segment = &r->segments[i];
        if (strcmp(segment->name, name) != 0 || segment->ops == 0)
            continue;
        if (unit == COST_INSTRUCTIONS)
            return segment->instructions < 0 ? -1 : segment->instructions / segment->ops;
        return segment->seconds * 1e9 / segment->ops;
    }
    return -1;
}

/* The cost of the segment `name` at each length: in instructions when all were counted. */
static enum cost_unit series(const struct stage_run *run, const char *segment, double cost[SCALING_LENGTHS])
{
    const struct trace_result *at[SCALING_LENGTHS] = { NULL };
    for (int i = 0; i < SCALING_LENGTHS; i++) {
        char name[64];
        snprintf(name, sizeof name, "freelist-%u", SCALING_FREE_CHUNKS[i]);
        for (size_t t = 0; t < run->count; t++)
            if (strcmp(run->results[t].trace_name, name) == 0 && run->results[t].correct && run->results[t].timed)
                at[i] = &run->results[t];
    }
    enum cost_unit unit = COST_INSTRUCTIONS;
    for (int i = 0; i < SCALING_LENGTHS; i++)
        if (at[i] == NULL || segment_cost(at[i], segment, COST_INSTRUCTIONS) < 0)
            unit = COST_NANOSECONDS;
    for (int i = 0; i < SCALING_LENGTHS; i++)
        cost[i] = at[i] == NULL ? -1 : segment_cost(at[i], segment, unit);
    return unit;
}

struct scaling_row scaling_measure(const struct stage_run *run)
{
    struct scaling_row row;
    row.malloc_unit = series(run, "malloc", row.malloc_cost);
    row.free_unit = series(run, "free", row.free_cost);
    row.malloc_growth = scaling_classify(row.malloc_cost, row.malloc_unit);
    row.free_growth = scaling_classify(row.free_cost, row.free_unit);
    return row;
}

static void cost(FILE *out, double value, enum cost_unit unit)
{
    if (value < 0)
        fprintf(out, " %9s", "-");
    else if (unit == COST_INSTRUCTIONS && value < 1e5)
        fprintf(out, " %6.0fins", value);
    else if (unit == COST_INSTRUCTIONS && value < 1e8)
        fprintf(out, " %5.0fkins", value / 1000);
    else if (unit == COST_INSTRUCTIONS)
        fprintf(out, " %5.0fMins", value / 1e6);
    else if (value < 10000)
        fprintf(out, " %7.0fns", value);
    else if (value < 1e7)
        fprintf(out, " %7.0fus", value / 1000);
    else
        fprintf(out, " %7.0fms", value / 1e6);
}

void scaling_table(FILE *out, const struct stage_run *runs, size_t count)
{
    fprintf(out, "cost of one operation as the free list grows (median of the timed runs; \"ins\": "
                 "instructions, where the CPU counts them)\n");
    fprintf(out, "%-12s %-7s %9s %9s %9s  %-6s %-5s %9s %9s %9s  %s\n", "stage", "malloc", "1k chunks",
            "10k", "100k", "grows", "free", "1k chunks", "10k", "100k", "grows");
    for (size_t s = 0; s < count; s++) {
        struct scaling_row row = scaling_measure(&runs[s]);
        fprintf(out, "%-12.12s %-7s", runs[s].name, "");
        for (int i = 0; i < SCALING_LENGTHS; i++)
            cost(out, row.malloc_cost[i], row.malloc_unit);
        fprintf(out, "  %-6s %-5s", scaling_growth_name(row.malloc_growth), "");
        for (int i = 0; i < SCALING_LENGTHS; i++)
            cost(out, row.free_cost[i], row.free_unit);
        fprintf(out, "  %s\n", scaling_growth_name(row.free_growth));
    }
    fprintf(out, "O(1): the cost grows less than 10x from 1k to 100k free chunks (slope under 0.5 on log-log\n"
                 "axes); O(n): in proportion to the list (slope 0.75 or more, and 0.6 from 10k to 100k)\n");
}

int scaling_workloads(const char *build_dir, char paths[SCALING_LENGTHS][SCALING_PATH_BYTES], char *error,
                      size_t error_size)
{
    char directory[SCALING_PATH_BYTES], generator[SCALING_PATH_BYTES];
    snprintf(directory, sizeof directory, "%s/scaling", build_dir);
    snprintf(generator, sizeof generator, "%s/gen/freelist", build_dir);
    /* Made again when missing, or older than the generator (a rebuilt kit may make others). */
    struct stat made, maker;
    int have_maker = stat(generator, &maker) == 0, missing = 0;
    for (int i = 0; i < SCALING_LENGTHS; i++) {
        snprintf(paths[i], SCALING_PATH_BYTES, "%s/scaling/freelist-%u.rep", build_dir, SCALING_FREE_CHUNKS[i]);
        missing |= stat(paths[i], &made) != 0 || access(paths[i], R_OK) != 0 ||
                   (have_maker && made.st_mtime < maker.st_mtime);
    }
    if (!missing)
        return 0;
    if (mkdir(directory, 0755) != 0 && errno != EEXIST) {
        snprintf(error, error_size, "cannot make %s: %s", directory, strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        if (freopen("/dev/null", "w", stdout) == NULL)
            _exit(126);
        execl(generator, generator, directory, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(error, error_size, "cannot make the scaling workloads with %s (run make)", generator);
        return -1;
    }
    return 0;
}
