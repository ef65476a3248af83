/*
 * record.c: build/record, a real program's allocation calls as a heapkit trace.
 *
 *     build/record -o FILE.rep [--follow] [--tests TEXT] -- PROGRAM [ARGS...]
 *
 * Runs PROGRAM with the recorder library preloaded (recorder.c), waits for it, and turns the
 * call log the library wrote (log.h) into FILE.rep (convert.c), its comments first:
 *
 *     # name: FILE                         the file's name without ".rep"
 *     # source: recorded on DATE by ...    the command line, and the version (provenance.h)
 *     # tests: TEXT                        --tests, or what the trace is by default
 *     # recorded: N calls by 1 program     and what was left out, when something was
 *
 * then the header (1, ids, operations, peak live payload) and the operations. The trace is
 * written once the program has ended, however it ended: a crash, _exit or a kill leaves the
 * calls made until then (the log is a shared mapping, written as calls return).
 *
 * Choices (recorder.c has the rules):
 *   - fork: a forked child's calls are not recorded; its heap is a copy of its parent's.
 *   - exec: only with --follow is a program started from PROGRAM recorded (exec'd by it, or by
 *     a forked child): into the same trace, its blocks with ids of their own.
 *   - a failed call (NULL) is not in the trace, which has no way to say a call failed; nor is
 *     free(NULL). The count of failed calls is in the "# recorded:" line.
 *
 * Exit status: PROGRAM's (128 + N when signal N ended it), so that recording changes nothing
 * for the script that runs it; 2 for a bad command line, found before PROGRAM runs (an unknown
 * option, a missing PROGRAM, an -o that cannot be written); 125 when the trace cannot be made
 * after PROGRAM ran (it loaded no recorder, the disk filled up).
 */
#include "convert.h"
#include "log.h"
#include "provenance.h"
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

enum {
    EXIT_USAGE = 2,
    EXIT_NO_TRACE = 125,
    TESTS_MOST = 900, /* characters of --tests: a trace line holds 1024 */
};

/* The library, beside this program: build/recorder/librecord.so for build/record. */
#define LIBRARY_NAME "recorder/librecord.so"

#define USAGE "usage: build/record -o FILE.rep [--follow] [--tests TEXT] -- PROGRAM [ARGS...]"
static const char usage[] =
    USAGE "\n"
    "  -o FILE.rep    the trace to write (its folder must exist)\n"
    "  --follow       record the programs PROGRAM starts too (exec), into the same trace\n"
    "  --tests TEXT   the trace's '# tests:' line (default: what the trace is)\n";

struct options {
    const char *output;
    bool follow;
    const char *tests;
    char **program_argv; /* PROGRAM and its arguments */
};

/* Everything that must be cleaned away, whatever happens. */
static struct {
    char log_path[PATH_MAX];
    char temporary_path[PATH_MAX]; /* the trace until it is whole, then renamed */
    int trace_fd;                  /* open on temporary_path, made before the program runs */
} files = { .trace_fd = -1 };

__attribute__((format(printf, 1, 2))) static void complain(const char *format, ...)
{
    fputs("record: ", stderr);
    va_list arguments;
    va_start(arguments, format);
    vfprintf(stderr, format, arguments); // NOLINT(clang-analyzer-valist.Uninitialized): va_start is above; clang 14's analyzer loses it
    va_end(arguments);
    fputc('\n', stderr);
}

static void remove_files(void)
{
    if (files.log_path[0] != '\0')
        unlink(files.log_path);
    if (files.temporary_path[0] != '\0')
        unlink(files.temporary_path);
    if (files.trace_fd >= 0)
        close(files.trace_fd);
    files.log_path[0] = files.temporary_path[0] = '\0';
    files.trace_fd = -1;
}

/* ---- the command line ------------------------------------------------------------------- */

static int parse_options(int argc, char **argv, struct options *options)
{
    int i = 1;
    for (; i < argc; i++) {
        const char *word = argv[i];
        if (strcmp(word, "--") == 0) {
            i++;
            break;
        }
        if (word[0] != '-')
            break;
        if (strcmp(word, "-h") == 0 || strcmp(word, "--help") == 0) {
            fputs(usage, stdout);
            exit(0);
        }
        if (strcmp(word, "--follow") == 0) {
            options->follow = true;
        } else if (strcmp(word, "-o") == 0 || strcmp(word, "--tests") == 0) {
            if (i + 1 == argc) {
                complain("option %s needs a value\n" USAGE, word);
                return -1;
            }
            *(word[1] == 'o' ? &options->output : &options->tests) = argv[++i];
        } else {
            complain("unknown option '%s'\n" USAGE, word);
            return -1;
        }
    }
    if (options->output == NULL || options->output[0] == '\0') {
        complain("no trace to write: give -o FILE.rep\n" USAGE);
        return -1;
    }
    if (i == argc) {
        complain("no program to record: give it after --\n" USAGE);
        return -1;
    }
    if (options->tests != NULL && !provenance_is_one_line(options->tests, TESTS_MOST)) {
        complain("--tests: one line of at most %d characters, with no control character", TESTS_MOST);
        return -1;
    }
    options->program_argv = argv + i;
    return 0;
}

/* The file that runs for `name`, as execvp would find it. */
static int find_program(const char *name, char *path, size_t path_size)
{
    if (strchr(name, '/') != NULL) {
        snprintf(path, path_size, "%s", name);
        if (access(path, X_OK) == 0)
            return 0;
        complain("cannot run %s: %s", name, strerror(errno));
        return -1;
    }
    const char *search = getenv("PATH");
    if (search == NULL || search[0] == '\0')
        search = "/usr/local/bin:/usr/bin:/bin";
    for (const char *at = search;;) {
        size_t length = strcspn(at, ":");
        struct stat status;
        snprintf(path, path_size, "%.*s%s%s", (int)length, at, length ? "/" : "", name);
        if (access(path, X_OK) == 0 && stat(path, &status) == 0 && S_ISREG(status.st_mode))
            return 0;
        if (at[length] == '\0')
            break;
        at += length + 1;
    }
    complain("no program '%s' in PATH", name);
    return -1;
}

/* The preloaded library: an absolute path (the program may change folders) that LD_PRELOAD can
 * carry (it splits at spaces and colons). */
static int find_library(char *path, size_t path_size)
{
    char self[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    if (length <= 0) {
        complain("cannot find this program's folder (/proc/self/exe): %s", strerror(errno));
        return -1;
    }
    self[length] = '\0';
    if (snprintf(path, path_size, "%s/%s", dirname(self), LIBRARY_NAME) >= (int)path_size) {
        complain("the recorder library's path is too long");
        return -1;
    }
    if (access(path, R_OK) != 0) {
        complain("the recorder library %s is missing: run make", path);
        return -1;
    }
    if (strpbrk(path, ": ") != NULL) {
        complain("the recorder library's path %s holds a space or a colon, which LD_PRELOAD cannot carry: "
                 "build the kit in another folder", path);
        return -1;
    }
    return 0;
}

/* ---- the log ---------------------------------------------------------------------------- */

/* A temporary file beside `output` (its folder must be writable for the trace anyway, and a
 * rename there is atomic): PATTERN is ".NAME.WHAT.XXXXXX". */
static int make_temporary(const char *output, const char *what, char *path, size_t path_size)
{
    char copy_for_dir[PATH_MAX], copy_for_base[PATH_MAX], folder[PATH_MAX];
    snprintf(copy_for_dir, sizeof copy_for_dir, "%s", output);
    snprintf(copy_for_base, sizeof copy_for_base, "%s", output);
    if (realpath(dirname(copy_for_dir), folder) == NULL) {
        complain("cannot write %s: %s", output, strerror(errno));
        return -1;
    }
    if (snprintf(path, path_size, "%s/.%s.%s.XXXXXX", folder, basename(copy_for_base), what) >= (int)path_size) {
        complain("cannot write %s: its path is too long", output);
        return -1;
    }
    int fd = mkstemp(path);
    if (fd < 0)
        complain("cannot write %s: %s", output, strerror(errno));
    return fd;
}

/* The log, empty, as large as it may grow (log.h): the largest size the file system takes. In
 * /dev/shm when there is one, memory: a page of a file on a disk costs the recorded program
 * more to fill, nearly twice the system time on ext4 (tests/bench/record.sh); else beside the
 * trace. */
static int make_log(const char *output)
{
    int fd = -1;
    struct stat shm;
    if (stat("/dev/shm", &shm) == 0 && S_ISDIR(shm.st_mode) && access("/dev/shm", W_OK | X_OK) == 0) {
        snprintf(files.log_path, sizeof files.log_path, "/dev/shm/heapkit-record.XXXXXX");
        fd = mkstemp(files.log_path);
        if (fd < 0)
            files.log_path[0] = '\0';
    }
    if (fd < 0)
        fd = make_temporary(output, "log", files.log_path, sizeof files.log_path);
    if (fd < 0)
        return -1;
    fchmod(fd, 0600);
    /* Room for more calls than a trace may hold, then smaller where the file system says so. */
    static const uint64_t capacities_bytes[] = { UINT64_C(16) << 30, UINT64_C(2) << 30, UINT64_C(256) << 20 };
    struct log_header header = { .magic = LOG_MAGIC, .version = LOG_VERSION, .chunk_bytes = LOG_CHUNK_BYTES };
    int error = 0;
    for (size_t i = 0; i < sizeof capacities_bytes / sizeof capacities_bytes[0]; i++) {
        header.chunk_capacity = (capacities_bytes[i] - LOG_HEADER_BYTES) / LOG_CHUNK_BYTES;
        error = ftruncate(fd, (off_t)capacities_bytes[i]) == 0 ? 0 : errno;
        if (error == 0)
            break;
    }
    if (error == 0 && pwrite(fd, &header, sizeof header, 0) != (ssize_t)sizeof header)
        error = errno;
    close(fd);
    if (error != 0) {
        complain("cannot write %s: %s", files.log_path, strerror(error));
        return -1;
    }
    return 0;
}

/* ---- running the program ---------------------------------------------------------------- */

/* The program's environment: ours, with the library preloaded before any other, the log named
 * and --follow said (or not). Its first two strings are made here: release_environment. */
static char **program_environment(const char *library, bool follow)
{
    size_t count = 0;
    const char *preloaded = NULL;
    for (; environ[count] != NULL; count++)
        if (strncmp(environ[count], "LD_PRELOAD=", 11) == 0)
            preloaded = environ[count] + 11;
    char **environment = calloc(count + 4, sizeof *environment);
    if (environment == NULL)
        return NULL;
    bool made = asprintf(&environment[0], "LD_PRELOAD=%s%s%s", library, preloaded && preloaded[0] ? ":" : "",
                         preloaded ? preloaded : "") >= 0 &&
                asprintf(&environment[1], "%s=%s", LOG_PATH_VARIABLE, files.log_path) >= 0;
    if (!made) {
        free(environment[0]);
        free(environment);
        return NULL;
    }
    size_t used = 2;
    if (follow)
        environment[used++] = LOG_FOLLOW_VARIABLE "=1";
    for (size_t i = 0; i < count; i++)
        if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0 &&
            strncmp(environ[i], LOG_PATH_VARIABLE "=", sizeof LOG_PATH_VARIABLE) != 0 &&
            strncmp(environ[i], LOG_FOLLOW_VARIABLE "=", sizeof LOG_FOLLOW_VARIABLE) != 0)
            environment[used++] = environ[i];
    environment[used] = NULL;
    return environment;
}

static void release_environment(char **environment)
{
    free(environment[0]);
    free(environment[1]);
    free(environment);
}

/* The program, for pass_on. */
static volatile pid_t running_child;

/* SIGTERM or SIGHUP to this process goes to the program, which ends; this process writes the
 * trace after it (and removes the log, which the default action would leave behind). */
static void pass_on(int signal_number)
{
    if (running_child > 0)
        kill(running_child, signal_number);
}

/* Run the program and wait for it; its wait status, or -1 when it could not be started. The
 * terminal's interrupt and quit reach the program, which ends; this process ignores them, to
 * write the trace after it. */
static int run_program(const char *path, char **argv, char **environment)
{
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        complain("cannot start %s: %s", argv[0], strerror(errno));
        return -1;
    }
    pid_t child = fork();
    if (child < 0) {
        complain("cannot start %s: %s", argv[0], strerror(errno));
        close(report[0]);
        close(report[1]);
        return -1;
    }
    if (child == 0) {
        execve(path, argv, environment);
        int error = errno;
        if (write(report[1], &error, sizeof error) < 0)
            _exit(127);
        _exit(127);
    }
    close(report[1]);
    running_child = child;
    struct sigaction ignore = { .sa_handler = SIG_IGN }, forward = { .sa_handler = pass_on };
    struct sigaction old[4];
    sigaction(SIGINT, &ignore, &old[0]);
    sigaction(SIGQUIT, &ignore, &old[1]);
    sigaction(SIGTERM, &forward, &old[2]);
    sigaction(SIGHUP, &forward, &old[3]);
    int exec_error = 0;
    ssize_t got;
    do
        got = read(report[0], &exec_error, sizeof exec_error);
    while (got < 0 && errno == EINTR);
    close(report[0]);
    int status = 0;
    pid_t waited;
    do
        waited = waitpid(child, &status, 0);
    while (waited < 0 && errno == EINTR); /* a signal passed on */
    running_child = 0;
    sigaction(SIGINT, &old[0], NULL);
    sigaction(SIGQUIT, &old[1], NULL);
    sigaction(SIGTERM, &old[2], NULL);
    sigaction(SIGHUP, &old[3], NULL);
    if (got == (ssize_t)sizeof exec_error) {
        complain("cannot run %s: %s", path, strerror(exec_error));
        return -1;
    }
    return status;
}

/* ---- the trace -------------------------------------------------------------------------- */

static void trace_name(const char *output, char *name, size_t name_size)
{
    const char *slash = strrchr(output, '/');
    const char *base = slash != NULL ? slash + 1 : output;
    size_t length = strlen(base);
    if (length > 4 && strcmp(base + length - 4, ".rep") == 0)
        length -= 4;
    snprintf(name, name_size, "%.*s", (int)(length < 200 ? length : 200), base);
    for (char *at = name; *at != '\0'; at++)
        if ((unsigned char)*at < 0x20 || *at == 0x7f)
            *at = '?';
}

/* "# recorded:": what the log held and what the trace leaves out. */
static void write_recorded_line(FILE *out, const struct conversion *c)
{
    fprintf(out, "# recorded: %" PRIu64 " calls by %" PRIu32 " program%s", c->records, c->images,
            c->images == 1 ? "" : "s (--follow)");
    if (c->failed_calls != 0)
        fprintf(out, "; %" PRIu64 " failed calls (NULL) left out", c->failed_calls);
    if (c->unknown_blocks != 0)
        fprintf(out, "; %" PRIu64 " frees or reallocs of blocks allocated unrecorded left out", c->unknown_blocks);
    if (c->reused_live != 0)
        fprintf(out, "; %" PRIu64 " blocks whose free went unrecorded stay live", c->reused_live);
    if (c->bad_records != 0)
        fprintf(out, "; %" PRIu64 " damaged records skipped", c->bad_records);
    if (c->log_full)
        fputs("; the log filled up: the calls after that are missing", out);
    if (c->trace_full)
        fprintf(out, "; cut at a trace's limits (%d operations, %d ids)", TRACE_MAX_OPS, TRACE_MAX_IDS);
    fputc('\n', out);
}

/* Write the trace: comments, header, then the operations from `ops`. */
static int write_trace(const struct options *options, const char *program_path, const struct conversion *c,
                       FILE *ops)
{
    FILE *out = fdopen(files.trace_fd, "w");
    if (out == NULL) {
        complain("cannot write %s: %s", options->output, strerror(errno));
        return -1;
    }
    files.trace_fd = -1; /* fclose closes it */
    fchmod(fileno(out), 0644);
    char name[256], source[1024];
    trace_name(options->output, name, sizeof name);
    provenance_source(source, sizeof source, options->follow, options->program_argv, program_path);
    const char *program = strrchr(options->program_argv[0], '/');
    program = program != NULL ? program + 1 : options->program_argv[0];
    fprintf(out, "# name: %s\n# source: %s\n", name, source);
    if (options->tests != NULL)
        fprintf(out, "# tests: %s\n", options->tests);
    else
        fprintf(out, "# tests: a real program's heap, call by call: %.100s%s\n", program,
                options->follow ? " and the programs it started" : "");
    write_recorded_line(out, c);
    fprintf(out, "1\n%" PRIu32 "\n%" PRIu64 "\n%" PRIu64 "\n", c->id_count, c->op_count, c->peak_payload_bytes);

    char buffer[1 << 16];
    size_t got;
    rewind(ops);
    while ((got = fread(buffer, 1, sizeof buffer, ops)) > 0)
        if (fwrite(buffer, 1, got, out) != got)
            break;
    int error = ferror(ops) || ferror(out) ? errno : 0;
    if (fclose(out) != 0 && error == 0)
        error = errno;
    if (error == 0 && rename(files.temporary_path, options->output) != 0)
        error = errno;
    if (error != 0) {
        complain("cannot write %s: %s", options->output, strerror(error));
        return -1;
    }
    files.temporary_path[0] = '\0';
    return 0;
}

/* The operations from the log, into an unnamed file beside the trace. */
static FILE *convert(const char *output, struct conversion *c)
{
    char ops_path[PATH_MAX];
    int fd = make_temporary(output, "ops", ops_path, sizeof ops_path);
    if (fd < 0)
        return NULL;
    unlink(ops_path); /* gone when closed, whatever happens */
    FILE *ops = fdopen(fd, "w+");
    if (ops == NULL) {
        close(fd);
        complain("cannot write %s: %s", output, strerror(errno));
        return NULL;
    }
    char error[PATH_MAX + 200];
    if (convert_log(files.log_path, ops, c, error, sizeof error) != 0 || fflush(ops) != 0) {
        complain("%s", error);
        fclose(ops);
        return NULL;
    }
    return ops;
}

static void say_how_it_ended(const char *program, int status)
{
    if (WIFSIGNALED(status))
        complain("%s ended by signal %d (%s): the trace holds its calls until then", program, WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
}

int main(int argc, char **argv)
{
    struct options options = { 0 };
    char program_path[PATH_MAX], library[PATH_MAX];
    if (parse_options(argc, argv, &options) != 0)
        return EXIT_USAGE;
    struct stat status;
    if (stat(options.output, &status) == 0 && S_ISDIR(status.st_mode)) {
        complain("-o %s is a folder: give the trace's file name", options.output);
        return EXIT_USAGE;
    }
    /* The trace's file first: an -o that cannot be written is said before the program runs. */
    if (find_program(options.program_argv[0], program_path, sizeof program_path) != 0 ||
        find_library(library, sizeof library) != 0 ||
        (files.trace_fd = make_temporary(options.output, "tmp", files.temporary_path,
                                         sizeof files.temporary_path)) < 0 ||
        make_log(options.output) != 0) {
        remove_files();
        return EXIT_USAGE;
    }
    char **environment = program_environment(library, options.follow);
    if (environment == NULL) {
        complain("out of memory");
        remove_files();
        return EXIT_USAGE;
    }
    int wait_status = run_program(program_path, options.program_argv, environment);
    release_environment(environment);
    if (wait_status < 0) {
        remove_files();
        return EXIT_USAGE;
    }
    say_how_it_ended(options.program_argv[0], wait_status);
    int exit_status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);

    struct conversion c;
    FILE *ops = convert(options.output, &c);
    int written = -1;
    if (ops != NULL && c.images == 0)
        complain("%s loaded no recorder (a static program, or a set-user-ID one, ignores LD_PRELOAD): "
                 "nothing recorded, %s not written", options.program_argv[0], options.output);
    else if (ops != NULL)
        written = write_trace(&options, program_path, &c, ops);
    if (ops != NULL)
        fclose(ops);
    remove_files();
    if (written != 0)
        return EXIT_NO_TRACE;
    fprintf(stderr, "record: %s: %" PRIu64 " operations, %" PRIu32 " ids, peak payload %" PRIu64 " bytes%s\n",
            options.output, c.op_count, c.id_count, c.peak_payload_bytes,
            c.log_full || c.trace_full ? " (cut short: see its '# recorded:' line)" : "");
    return exit_status;
}
