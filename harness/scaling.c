/* scaling.c: cost per operation against free-list length (see scaling.h). */
#include "scaling.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const unsigned SCALING_FREE_CHUNKS[SCALING_LENGTHS] = { 1000, 10000, 100000 };

/* Below this, a cost is at the clock's and the machine's noise: growth from 3 ns to 9 ns is
 * not a trend. */
static const double NOISE_FLOOR_NS = 25;

/* How fast a cost grows between two list lengths: the slope on log-log axes, log(cost ratio) /
 * log(length ratio). A search of the list grows in proportion (slope 1); a constant-time
 * operation stays flat (slope 0), but for its caches, which grow colder as the list outgrows
 * them: measured here up to 8x over 100x the list, a slope of 0.45, and all of it in one decade.
 * The thresholds leave a margin on both sides. */
static double slope(double from_ns, double to_ns, double length_ratio)
{
    from_ns = from_ns > NOISE_FLOOR_NS ? from_ns : NOISE_FLOOR_NS;
    to_ns = to_ns > NOISE_FLOOR_NS ? to_ns : NOISE_FLOOR_NS;
    return log(to_ns / from_ns) / log(length_ratio);
}

enum growth scaling_classify(const double ns[SCALING_LENGTHS])
{
    const double CONSTANT_BELOW = 0.5; /* at most 10x over 100x the list */
    const double LINEAR_FROM = 0.75;   /* at least 31x over 100x the list */
    const double STILL_GROWING_FROM = 0.6; /* and at least 4x over the last 10x */
    for (int i = 0; i < SCALING_LENGTHS; i++)
        if (ns[i] < 0)
            return GROWTH_UNKNOWN;
    double first = SCALING_FREE_CHUNKS[0], last = SCALING_FREE_CHUNKS[SCALING_LENGTHS - 1];
    double overall = slope(ns[0], ns[SCALING_LENGTHS - 1], last / first);
    if (overall < CONSTANT_BELOW)
        return GROWTH_CONSTANT;
    /* In proportion: over the whole range and still in its last step, where a constant part of
     * the cost weighs least and a cache effect has already happened. */
    double last_step = slope(ns[SCALING_LENGTHS - 2], ns[SCALING_LENGTHS - 1],
                             last / SCALING_FREE_CHUNKS[SCALING_LENGTHS - 2]);
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

static double segment_ns(const struct trace_result *r, const char *name)
{
    for (uint32_t i = 0; i < r->segment_count; i++)
        if (strcmp(r->segments[i].name, name) == 0 && r->segments[i].ops > 0)
            return r->segments[i].seconds * 1e9 / r->segments[i].ops;
    return -1;
}

struct scaling_row scaling_measure(const struct stage_run *run)
{
    struct scaling_row row;
    for (int i = 0; i < SCALING_LENGTHS; i++) {
        row.malloc_ns[i] = row.free_ns[i] = -1;
        char name[64];
        snprintf(name, sizeof name, "freelist-%u", SCALING_FREE_CHUNKS[i]);
        for (size_t t = 0; t < run->count; t++) {
            const struct trace_result *r = &run->results[t];
            if (strcmp(r->trace_name, name) == 0 && r->correct && r->timed) {
                row.malloc_ns[i] = segment_ns(r, "malloc");
                row.free_ns[i] = segment_ns(r, "free");
            }
        }
    }
    row.malloc_growth = scaling_classify(row.malloc_ns);
    row.free_growth = scaling_classify(row.free_ns);
    return row;
}

static void cost(FILE *out, double ns)
{
    if (ns < 0)
        fprintf(out, " %9s", "-");
    else if (ns < 10000)
        fprintf(out, " %7.0fns", ns);
    else if (ns < 1e7)
        fprintf(out, " %7.0fus", ns / 1000);
    else
        fprintf(out, " %7.0fms", ns / 1e6);
}

void scaling_table(FILE *out, const struct stage_run *runs, size_t count)
{
    fprintf(out, "cost of one operation as the free list grows (median of the timed runs)\n");
    fprintf(out, "%-12s %-7s %9s %9s %9s  %-6s %-5s %9s %9s %9s  %s\n", "stage", "malloc", "1k chunks",
            "10k", "100k", "grows", "free", "1k chunks", "10k", "100k", "grows");
    for (size_t s = 0; s < count; s++) {
        struct scaling_row row = scaling_measure(&runs[s]);
        fprintf(out, "%-12.12s %-7s", runs[s].name, "");
        for (int i = 0; i < SCALING_LENGTHS; i++)
            cost(out, row.malloc_ns[i]);
        fprintf(out, "  %-6s %-5s", scaling_growth_name(row.malloc_growth), "");
        for (int i = 0; i < SCALING_LENGTHS; i++)
            cost(out, row.free_ns[i]);
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
