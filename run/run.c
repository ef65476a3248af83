/*
 * run.c: build/run, a real program on a heapkit stage.
 *
 *   build/run -s STAGE [--check] [--limit SIZE] -- PROGRAM [ARGS...]
 *
 * PROGRAM runs with the stage as its malloc: the stage built as a preloadable library,
 * $(BUILD)/preload/libSTAGE.so (run/run.mk), named in LD_PRELOAD. The whole process tree runs
 * on it (gcc, and the cc1 and as it starts: LD_PRELOAD passes to children, as a user who runs
 * "gcc on the stage" expects), each process with a heap of its own. When the program has ended,
 * a row per process on stderr (the program's stdout is left alone): its calls by kind, system
 * calls per operation, peak footprint and utilization, read from the records each process's
 * library wrote at its exit (record.h). With --check, every result is checked and the first
 * failure stops the program (check.c). The exit status is the program's (128 + N for a signal
 * N); 2 for a bad command line, 126 or 127 when the program cannot be started.
 */
#include "options.h"
#include "record.h"
#include "summary.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char USAGE[] =
    "usage: build/run -s STAGE [--check] [--limit SIZE] -- PROGRAM [ARGS...]\n"
    "  -s STAGE      a stage of stages/ (built as build/preload/libSTAGE.so), or the path of such a library\n"
    "  --check       check every result (aligned, inside the heap or a mapping, no overlap): the first\n"
    "                failure stops the program\n"
    "  --limit SIZE  the memory limit of each process's heap and mappings: 64M, 4G (default 4G)\n";

enum { EXIT_USAGE = 2, EXIT_CANNOT_EXECUTE = 126, EXIT_NOT_FOUND = 127 };

struct options {
    const char *stage;
    bool check;
    uint64_t limit_bytes;
    char **program; /* the program and its arguments, NULL-terminated */
};

static _Noreturn void usage_error(const char *format, const char *detail)
{
    fprintf(stderr, "build/run: ");
    fprintf(stderr, format, detail);
    fprintf(stderr, "\n%s", USAGE);
    exit(EXIT_USAGE);
}

static struct options parse_options(int argc, char **argv)
{
    struct options options = { .limit_bytes = (uint64_t)4 << 30 };
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (a[0] != '-')
            break; /* the program */
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(USAGE, stdout);
            exit(0);
        } else if (strcmp(a, "--check") == 0) {
            options.check = true;
        } else if (strcmp(a, "-s") == 0 || strcmp(a, "--limit") == 0) {
            if (i + 1 >= argc)
                usage_error("%s needs a value", a);
            const char *value = argv[++i];
            if (strcmp(a, "-s") == 0)
                options.stage = value;
            else if (parse_size(value, &options.limit_bytes) != 0 || options.limit_bytes == 0)
                usage_error("--limit %s: not a size (64M, 4G, 8192)", value);
        } else {
            usage_error("unknown option %s", a);
        }
    }
    if (options.stage == NULL)
        usage_error("%s", "which stage? -s STAGE");
    if (i >= argc)
        usage_error("%s", "which program? -- PROGRAM [ARGS...]");
    options.program = argv + i;
    return options;
}

/* The folder this program is in: the libraries are in its preload/. */
static void own_folder(char *out, size_t out_size)
{
    char self[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    if (length <= 0) {
        snprintf(out, out_size, "build");
        return;
    }
    self[length] = '\0';
    char *slash = strrchr(self, '/');
    if (slash != NULL)
        *slash = '\0';
    snprintf(out, out_size, "%s", self);
}

/* The stages built, for the message that names an unknown one. */
static void list_stages(const char *folder, char *out, size_t out_size)
{
    out[0] = '\0';
    DIR *dir = opendir(folder);
    if (dir == NULL)
        return;
    size_t at = 0;
    const struct dirent *entry;
    while ((entry = readdir(dir)) != NULL && at < out_size) {
        size_t length = strlen(entry->d_name);
        if (length > 6 && strncmp(entry->d_name, "lib", 3) == 0 && strcmp(entry->d_name + length - 3, ".so") == 0)
            at += (size_t)snprintf(out + at, out_size - at, " %.*s", (int)(length - 6), entry->d_name + 3);
    }
    closedir(dir);
}

/* The library of the stage (absolute: the program may change folder before it starts a child),
 * and the stage's name for messages. Exits with a clear message when there is none. */
static void find_library(const char *stage, char *library, size_t library_size, char *name, size_t name_size)
{
    char folder[PATH_MAX], candidate[PATH_MAX + 64];
    own_folder(folder, sizeof folder);
    if (strchr(stage, '/') != NULL) {
        snprintf(candidate, sizeof candidate, "%s", stage);
        const char *base = strrchr(stage, '/') + 1;
        size_t length = strlen(base);
        if (strncmp(base, "lib", 3) == 0 && length > 6 && strcmp(base + length - 3, ".so") == 0)
            snprintf(name, name_size, "%.*s", (int)(length - 6), base + 3);
        else
            snprintf(name, name_size, "%s", base);
    } else {
        snprintf(candidate, sizeof candidate, "%s/preload/lib%s.so", folder, stage);
        snprintf(name, name_size, "%s", stage);
    }
    char resolved[PATH_MAX];
    if (realpath(candidate, resolved) == NULL || access(resolved, R_OK) != 0) {
        char preload[PATH_MAX + 16], built[1024];
        snprintf(preload, sizeof preload, "%s/preload", folder);
        list_stages(preload, built, sizeof built);
        if (strchr(stage, '/') != NULL)
            fprintf(stderr, "build/run: -s %s: no such library (%s)\n", stage, strerror(errno));
        else
            fprintf(stderr, "build/run: -s %s: no such stage: %s is not built (make builds one for each "
                            "stages/NAME.c; built:%s)\n", stage, candidate, built[0] ? built : " none");
        exit(EXIT_USAGE);
    }
    snprintf(library, library_size, "%s", resolved);
}

/* The child: the environment the library reads, then the program. An exec that fails sends its
 * errno back through `report` (closed on a good exec). */
static _Noreturn void start_program(const struct options *o, const char *library, const char *name,
                                    const char *stats_path, int report)
{
    char preload[PATH_MAX * 2 + 8], limit[32];
    const char *old = getenv("LD_PRELOAD");
    if (old != NULL && *old != '\0')
        snprintf(preload, sizeof preload, "%s %s", library, old);
    else
        snprintf(preload, sizeof preload, "%s", library);
    snprintf(limit, sizeof limit, "%llu", (unsigned long long)o->limit_bytes);
    setenv("LD_PRELOAD", preload, 1);
    setenv(RUN_ENV_STAGE, name, 1);
    setenv(RUN_ENV_LIMIT, limit, 1);
    setenv(RUN_ENV_STATS, stats_path, 1);
    if (o->check)
        setenv(RUN_ENV_CHECK, "1", 1);
    else
        unsetenv(RUN_ENV_CHECK);
    signal(SIGINT, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    execvp(o->program[0], o->program);
    int error = errno;
    ssize_t written = write(report, &error, sizeof error);
    (void)written;
    _exit(error == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXECUTE);
}

/* The records the processes wrote, read whole. */
static struct run_record *read_records(const char *path, size_t *count, size_t *torn_bytes)
{
    *count = 0;
    *torn_bytes = 0;
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return NULL;
    struct run_record *records = NULL;
    size_t capacity = 0;
    struct run_record record;
    size_t got;
    while ((got = fread(&record, 1, sizeof record, file)) > 0) {
        if (got < sizeof record || record.magic != RUN_RECORD_MAGIC) {
            *torn_bytes += got;
            continue;
        }
        if (*count == capacity) {
            capacity = capacity ? capacity * 2 : 16;
            struct run_record *grown = realloc(records, capacity * sizeof *records);
            if (grown == NULL)
                break;
            records = grown;
        }
        records[(*count)++] = record;
    }
    fclose(file);
    return records;
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    struct options options = parse_options(argc, argv);
    char library[PATH_MAX], name[128];
    find_library(options.stage, library, sizeof library, name, sizeof name);

    const char *tmp = getenv("TMPDIR");
    char stats_path[PATH_MAX];
    snprintf(stats_path, sizeof stats_path, "%s/heapkit-run-XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
    int stats_fd = mkstemp(stats_path);
    int report[2];
    if (stats_fd < 0 || pipe2(report, O_CLOEXEC) != 0) {
        fprintf(stderr, "build/run: cannot make the file the processes report to (%s): %s\n", stats_path,
                strerror(errno));
        return EXIT_CANNOT_EXECUTE;
    }
    close(stats_fd);

    /* Ctrl-C reaches the program, which ends; build/run stays to say how it went (as system()). */
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    double started = now_seconds();
    pid_t child = fork();
    if (child < 0) {
        fprintf(stderr, "build/run: cannot start a process: %s\n", strerror(errno));
        unlink(stats_path);
        return EXIT_CANNOT_EXECUTE;
    }
    if (child == 0)
        start_program(&options, library, name, stats_path, report[1]);
    close(report[1]);
    int exec_error = 0;
    ssize_t got = read(report[0], &exec_error, sizeof exec_error);
    close(report[0]);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
        /* wait on */
    }
    double seconds = now_seconds() - started;
    if (got == (ssize_t)sizeof exec_error) {
        fprintf(stderr, "build/run: %s: %s\n", options.program[0],
                exec_error == ENOENT ? "no such program (not found, or not on PATH)" : strerror(exec_error));
        unlink(stats_path);
        return exec_error == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXECUTE;
    }

    size_t count, torn_bytes;
    struct run_record *records = read_records(stats_path, &count, &torn_bytes);
    unlink(stats_path);
    struct run_summary summary = { .stage = name, .checked = options.check, .seconds = seconds,
                                   .records = records, .record_count = count, .torn_bytes = torn_bytes };
    fflush(stdout);
    summary_print(stderr, &summary);
    free(records);
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "heapkit run: %s ended by signal %d (%s)\n", options.program[0], WTERMSIG(status),
                strsignal(WTERMSIG(status)));
        return 128 + WTERMSIG(status);
    }
    return WEXITSTATUS(status);
}
