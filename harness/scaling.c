/* scaling.c: cost per operation against free-list length (see scaling.h). */
#include "scaling.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string.h>

const unsigned SCALING_FREE_CHUNKS[SCALING_LENGTHS] = { 1000, 10000, 100000 };

/* Below this, a cost is at the clock's and the machine's noise: growth from 3 ns to 9 ns is
 * not a trend. */
static const double NOISE_FLOOR_NS = 25;

/* 100 times more free chunks: a linear search costs about 100 times more, a constant one
 * about the same (caches grow a little colder). The thresholds sit far from both. */
static enum growth classify(const double ns[SCALING_LENGTHS])
{
    double shortest = ns[0], longest = ns[SCALING_LENGTHS - 1];
    if (shortest < 0 || longest < 0)
        return GROWTH_UNKNOWN;
    double ratio = (longest > NOISE_FLOOR_NS ? longest : NOISE_FLOOR_NS) /
                   (shortest > NOISE_FLOOR_NS ? shortest : NOISE_FLOOR_NS);
    if (ratio < 4)
        return GROWTH_CONSTANT;
    if (ratio > 20)
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
    row.malloc_growth = classify(row.malloc_ns);
    row.free_growth = classify(row.free_ns);
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
    fprintf(out, "O(1): the cost stays within 4x from 1k to 100k free chunks; O(n): it grows more than 20x\n");
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
