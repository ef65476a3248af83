/*
 * grade_build.c: build one stage of a submission: compile it, check the object file, link it,
 * check the linked program.
 *
 * Each stage is built in a fresh directory WORK/build/NAME/ that holds only NAME.c (copied from
 * the submission: a regular file, not a link, at most 4 MiB), the kit's heapmgr.h and what the
 * stage is linked with, all root's, and out/, the one place the tools may write. What the
 * compiler wrote there (out/NAME.o) is copied beside the sources, root's, before anything reads
 * it: the object that the checks read is the one linked, whatever a tool that a hostile object
 * file took over does afterwards. Every tool (compiler, readelf, objdump, linker) runs there:
 *   - in the build jail (jail.h) when the grader is root: as the grading slot's user, with that
 *     directory as /build and nothing else of the machine's files but the toolchain, so an
 *     #include or .incbin of a secret, of /proc or of another submission finds nothing;
 *   - otherwise as a child of the grader's user, with the same limits but no jail (grading then
 *     needs --no-sandbox).
 *
 * What the stage is linked into:
 *   the stage program   when the kit has built BUILD/fence/libstageside.a:
 *                       cc -static NAME.o libstageside.a -lm -o NAME
 *   the runner          until then: NAME.o with the harness's main and libraries, as before
 * The program is copied out to WORK/bin/NAME (root-owned: nobody can change it afterwards) and
 * its ELF headers are read by the grader itself (elf_check.h), which bounds its static memory
 * whatever its sections are called. No tool runs as root on what the student's code produced.
 *
 * The static checks on the object file (what it may call and define, no code outside the
 * replay, no system-call instruction) come first, for early and clear messages. The test-only
 * switch HEAPKIT_TEST_NO_STATIC_CHECKS=1 turns them off (and the report says so), so that tests
 * can show what the run-time fence stops by itself. Never set it when grading.
 */
#include "grade.h"

#include "elf_check.h"
#include "jail.h"
#include "privileges.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    MAX_SOURCE_BYTES = 4 << 20,
    MAX_ARGS = 96,
    TOOL_FILE_BYTES = 64 << 20,     /* the largest file a tool may write: an object, the program */
    TOOL_TMP_BYTES = 64 << 20,      /* the jail's /tmp: the compiler's assembly */
    TOOL_NOFILE = 64,
    TOOL_NPROC = 32,                /* gcc, cc1, as, collect2, ld: a handful */
    LISTING_BYTES = 16 << 20,       /* readelf and objdump listings are read whole, or refused */
    PROGRAM_MAX_BYTES = 64 << 20,   /* the grader copies out and reads a program up to this */
};

/* Static memory the kit's and the C library's own code takes in a stage program, on top of the
 * rubric's static_memory_limit for the stage. Measured: a stage of a few lines linked as the
 * runner (the harness's tables) holds 140 KiB, linked static with the C library 45 KiB of data,
 * zero-filled and thread-local segments; 8 MiB leaves room for the kit to grow. */
static const unsigned long long KIT_STATIC_MEMORY_ALLOWANCE_BYTES = UINT64_C(8) << 20;

/* The test-only switch that turns the static checks off (see the top of this file). */
static const char NO_STATIC_CHECKS_VARIABLE[] = "HEAPKIT_TEST_NO_STATIC_CHECKS";

/* What a stage may call: the harness's system calls, the memory functions, debugging output,
 * and what compilers and assert emit by themselves. */
static const char *const ALLOWED_CALLS[] = {
    "hm_brk", "hm_sbrk", "hm_mmap", "hm_munmap", "hm_page_bytes", "hm_todo",
    "memcpy", "memset", "memmove",
    "fprintf", "vfprintf", "fputs", "fputc", "putc", "fwrite", "snprintf", "vsnprintf", "stderr",
    "__fprintf_chk", "__vfprintf_chk", "__snprintf_chk", "__vsnprintf_chk",
    "__memcpy_chk", "__memset_chk", "__memmove_chk",
    "__stack_chk_fail", "__assert_fail", "abort", "__errno_location", "_GLOBAL_OFFSET_TABLE_",
};
/* What a stage defines: the five functions of heapmgr.h and its optional hm_walk; everything
 * else must be static. */
static const char *const ALLOWED_DEFINITIONS[] = { "hm_malloc", "hm_free", "hm_realloc", "hm_calloc", "hm_check", "hm_walk" };
/* Instrumentation of sanitizer and coverage builds (only in such a build). */
static const char *const INSTRUMENTATION[] = { "__asan_", "__ubsan_", "__sanitizer_", "__gcov_", "__llvm_gcov", "__llvm_gcda" };
/* Sections whose code runs outside the replay, before main or after exit. */
static const char *const INIT_SECTIONS[] = { ".init_array", ".fini_array", ".ctors", ".dtors", ".preinit_array",
                                             ".init", ".fini" };

static int in_list(const char *name, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(name, list[i]) == 0)
            return 1;
    return 0;
}

static int instrumentation(const struct toolchain *tools, const char *name)
{
    if (!tools->sanitized && !tools->coverage)
        return 0;
    for (size_t i = 0; i < sizeof INSTRUMENTATION / sizeof INSTRUMENTATION[0]; i++)
        if (strncmp(name, INSTRUMENTATION[i], strlen(INSTRUMENTATION[i])) == 0)
            return 1;
    return 0;
}

int copy_file(const char *from, const char *to, size_t max, mode_t mode, char *error, size_t error_size)
{
    int in = open(from, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (in < 0 || fstat(in, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
        snprintf(error, error_size, "%s is not a regular file of at most %zu KiB", from, max >> 10);
        if (in >= 0)
            close(in);
        return COPY_NOT_REGULAR;
    }
    unlink(to);
    int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (out < 0) {
        snprintf(error, error_size, "cannot write %s: %s", to, strerror(errno));
        close(in);
        return -1;
    }
    char buffer[65536];
    ssize_t got;
    size_t copied = 0;
    int status = 0;
    while ((got = read(in, buffer, sizeof buffer)) > 0 && status == 0) {
        copied += (size_t)got;
        if (copied > max || write(out, buffer, (size_t)got) != got)
            status = -1;
    }
    if (got < 0 || fchmod(out, mode) != 0 || close(out) != 0)
        status = -1;
    close(in);
    if (status != 0)
        snprintf(error, error_size, "cannot copy %s", from);
    return status;
}

/* Split a flags string at spaces onto argv. */
static void push_words(char *words, char **argv, int *argc)
{
    for (char *word = strtok(words, " "); word != NULL && *argc < MAX_ARGS - 8; word = strtok(NULL, " "))
        argv[(*argc)++] = word;
}

/* Replace every occurrence of `from` by `to` in a malloc'd string. */
static char *replace_all(char *text, const char *from, const char *to)
{
    size_t from_length = strlen(from), to_length = strlen(to), count = 0;
    if (text == NULL || from_length == 0)
        return text;
    for (const char *p = strstr(text, from); p != NULL; p = strstr(p + from_length, from))
        count++;
    if (count == 0)
        return text;
    char *out = malloc(strlen(text) + count * to_length + 1);
    if (out == NULL)
        return text;
    char *o = out;
    const char *p = text;
    for (const char *hit = strstr(p, from); hit != NULL; hit = strstr(p, from)) {
        memcpy(o, p, (size_t)(hit - p));
        o += hit - p;
        memcpy(o, to, to_length);
        o += to_length;
        p = hit + from_length;
    }
    memcpy(o, p, strlen(p) + 1);
    free(text);
    return out;
}

/* ---- where a stage is built, and how its tools run ------------------------------------- */

struct build_place {
    struct grading *g;
    const char *stage;
    char dir[GRADE_PATH];   /* WORK/build/NAME, the tools' working directory */
};

/* How one tool ran. */
struct tool_run {
    int status;       /* its exit status; -1 when it did not end by itself or did not run */
    char *output;     /* its stdout and stderr (malloc'd, never NULL) */
    int output_cut;   /* it printed more than was kept */
    char how[320];    /* when status is not 0: how it ended, for a person */
};

/* Run argv in the stage's build directory: in the jail when the grading is jailed. Keeps
 * `output_bytes` of what it prints (0: the usual 64 KiB). */
static void run_build_tool(const struct build_place *place, char *const argv[], size_t output_bytes,
                           struct tool_run *run)
{
    const struct rubric *r = &place->g->rubric;
    memset(run, 0, sizeof *run);
    run->status = -1;
    if (place->g->jailed) {
        const struct jail jail = { .build_dir = place->dir, .uid = place->g->slot.uid, .gid = (gid_t)place->g->slot.uid };
        const struct jail_limits limits = {
            .wall_seconds = r->build_seconds, .cpu_seconds = r->build_seconds,
            .address_space_bytes = r->build_memory_bytes, .file_bytes = TOOL_FILE_BYTES,
            .tmp_bytes = TOOL_TMP_BYTES, .nofile = TOOL_NOFILE, .nproc = TOOL_NPROC, .output_bytes = output_bytes,
        };
        struct jail_outcome outcome;
        if (jail_run(&jail, argv, &limits, &outcome) != 0) {
            snprintf(run->how, sizeof run->how, "could not be run: %s", outcome.error);
        } else {
            if (outcome.exited)
                run->status = outcome.exit_status;
            jail_describe(&outcome, &limits, run->how, sizeof run->how);
        }
        run->output = outcome.output;
        run->output_cut = outcome.output_cut;
        outcome.output = NULL;
        jail_outcome_free(&outcome);
    } else {
        /* No jail: the grader's user runs it (not root: then the grading would be jailed). */
        const struct run_limits limits = {
            .wall_seconds = r->build_seconds, .cpu_seconds = r->build_seconds,
            .address_space_bytes = place->g->tools.sanitized ? 0 : r->build_memory_bytes,
            .file_bytes = TOOL_FILE_BYTES, .nofile = 256, .nproc = 256, .as_nobody = run_as_root(),
        };
        struct run_outcome outcome;
        if (run_untrusted(argv, place->dir, &limits, &outcome) != 0) {
            snprintf(run->how, sizeof run->how, "could not be started");
        } else {
            if (outcome.exited)
                run->status = outcome.exit_status;
            run_describe(&outcome, &limits, run->how, sizeof run->how);
        }
        run->output = outcome.output;
        outcome.output = NULL;
        run_outcome_free(&outcome);
        /* run_untrusted keeps 64 KiB: a listing that long may have been cut. */
        run->output_cut = run->output != NULL && strlen(run->output) >= (64u << 10);
    }
    if (run->output == NULL)
        run->output = calloc(1, 1);
    if (run->output == NULL) {
        fprintf(stderr, "grade: out of memory\n");
        exit(2);
    }
}

/* What a student may read of a tool's messages: file names relative to the build directory
 * (NAME.c:LINE:COL), none of the grader's paths. */
static char *without_paths(const struct build_place *place, char *text)
{
    char own[GRADE_PATH + 2];
    snprintf(own, sizeof own, "%s/", place->dir);
    text = replace_all(text, own, "");
    text = replace_all(text, "/build/", "");
    text = replace_all(text, place->g->work, "");
    /* The compiler's assembly in its /tmp: a random name; the student knows it as NAME.s. */
    char assembly[GRADE_NAME + 8];
    snprintf(assembly, sizeof assembly, "%s.s", place->stage);
    for (char *p = text != NULL ? strstr(text, "/tmp/cc") : NULL; p != NULL; p = strstr(p + 1, "/tmp/cc")) {
        size_t name = strspn(p + 7, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        if (name == 6 && strncmp(p + 13, ".s", 2) == 0 && strlen(assembly) <= 15) {
            memmove(p + strlen(assembly), p + 15, strlen(p + 15) + 1);
            memcpy(p, assembly, strlen(assembly));
        }
    }
    return text;
}

/* A listing for a static check, read whole; 0, or -1 with the violation set. */
static int run_listing(const struct build_place *place, char *const argv[], const char *tool, struct tool_run *run,
                       struct stage_build *b)
{
    run_build_tool(place, argv, LISTING_BYTES, run);
    if (run->status == 0 && !run->output_cut)
        return 0;
    if (run->output_cut)
        snprintf(b->violation, sizeof b->violation,
                 "stage %s: %s's listing of its object file is longer than the grader reads whole: refused",
                 place->stage, tool);
    else
        snprintf(b->violation, sizeof b->violation, "stage %s: %s could not read its object file (it %s)",
                 place->stage, tool, run->how);
    free(run->output);
    run->output = NULL;
    return -1;
}

/* ---- the static checks ------------------------------------------------------------------ */

/* The next field of a readelf line into out (cut to its size): a word, or a type or binding
 * readelf has no name for, "<OS specific>: 10" (clang marks no object as GNU's, so an ifunc
 * shows so). Returns 0, or -1 at the end of the line. */
static int next_field(char **cursor, char *out, size_t size)
{
    char *at = *cursor + strspn(*cursor, " ");
    size_t length = strcspn(at, " ");
    char *closing = *at == '<' ? strchr(at, '>') : NULL;
    if (closing != NULL) { /* "<OS specific>: 10": the name, then ": NUMBER" */
        char *after = closing + 1;
        if (*after == ':') {
            after += 1 + strspn(after + 1, " ");
            after += strspn(after, "0123456789");
        }
        length = (size_t)(after - at);
    }
    if (length == 0)
        return -1;
    snprintf(out, size, "%.*s", (int)length, at);
    *cursor = at + length;
    return 0;
}

/* One symbol of `readelf -sW`'s table:
 *    "     5: 0000000000000000   228 FUNC    GLOBAL DEFAULT    1 hm_malloc"
 * with perhaps "[...]" after the visibility; the name is the rest of the line after the section
 * (it may hold spaces: an assembler takes quoted names). 1 when the line is a symbol, read into
 * type, binding, section and *name; 0 for a header, or for the nameless first entry. */
static int read_symbol(char *line, char type[32], char binding[32], char section[16], char **name)
{
    char number[32], value[32], size[32], visibility[32];
    char *cursor = line;
    if (next_field(&cursor, number, sizeof number) != 0 || number[0] == '\0' ||
        number[strlen(number) - 1] != ':' || strspn(number, "0123456789") != strlen(number) - 1 ||
        next_field(&cursor, value, sizeof value) != 0 || next_field(&cursor, size, sizeof size) != 0 ||
        next_field(&cursor, type, 32) != 0 || next_field(&cursor, binding, 32) != 0 ||
        next_field(&cursor, visibility, sizeof visibility) != 0)
        return 0;
    char *rest = cursor + strspn(cursor, " ");
    if (*rest == '[') { /* "[VARIANT_PCS]" and the like: part of the visibility */
        char *closing = strchr(rest, ']');
        if (closing == NULL)
            return 0;
        rest = closing + 1;
        rest += strspn(rest, " ");
    }
    int section_length = (int)strcspn(rest, " ");
    if (section_length == 0 || section_length >= 16 || rest[section_length] != ' ' || rest[section_length + 1] == '\0')
        return 0;
    snprintf(section, 16, "%.*s", section_length, rest);
    *name = rest + section_length + 1;
    return 1;
}

static int check_symbols(const struct build_place *place, const char *object, struct stage_build *b)
{
    const char *stage = place->stage;
    struct tool_run run;
    /* readelf, not nm: the binding as the linker reads it, never a letter to interpret (and nm
     * loads every linker plugin of the machine first, which takes longer than the check). */
    char *argv[] = { "/usr/bin/readelf", "--syms", "--wide", (char *)object, NULL }; /* local symbols too: ifuncs */
    if (run_listing(place, argv, "readelf", &run, b) != 0)
        return -1;
    int status = 0;
    char forbidden[1024] = "";
    size_t used = 0;
    for (char *line = strtok(run.output, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        char type[32], binding[32], section[16], *name;
        if (!read_symbol(line, type, binding, section, &name) || instrumentation(&place->g->tools, name))
            continue;
        /* STT_GNU_IFUNC, by name or by number: its resolver runs when the program loads */
        if (strcmp(type, "IFUNC") == 0 || strcmp(type, "<OS specific>: 10") == 0) {
            snprintf(b->violation, sizeof b->violation,
                     "stage %s defines %s as an indirect function (ifunc), whose resolver would run outside "
                     "the replay", stage, name);
            status = -2;
            continue;
        }
        if (strcmp(type, "FILE") == 0 || strcmp(type, "SECTION") == 0)
            continue;
        int undefined = strcmp(section, "UND") == 0;
        if (!undefined && strcmp(binding, "LOCAL") == 0)
            continue; /* static: its own business; any other binding is seen by the linker */
        if (undefined && !in_list(name, ALLOWED_CALLS, sizeof ALLOWED_CALLS / sizeof ALLOWED_CALLS[0])) {
            if (used + strlen(name) + 8 < sizeof forbidden)
                used += (size_t)snprintf(forbidden + used, sizeof forbidden - used, "%s%s", used ? ", " : "", name);
            status = -1;
        } else if (!undefined && status == 0 &&
                   !in_list(name, ALLOWED_DEFINITIONS, sizeof ALLOWED_DEFINITIONS / sizeof ALLOWED_DEFINITIONS[0])) {
            snprintf(b->violation, sizeof b->violation,
                     "stage %s defines %s outside the file: only the hm_ functions of heapmgr.h may be "
                     "global; make it static", stage, name);
            status = -2;
        }
    }
    if (forbidden[0] != '\0')
        snprintf(b->violation, sizeof b->violation,
                 "stage %s calls %s, which a stage may not call (allowed: the harness's hm_brk, hm_sbrk, hm_mmap, "
                 "hm_munmap; memcpy, memset, memmove; fprintf and friends to stderr)", stage, forbidden);
    free(run.output);
    return status;
}

/* No code that runs outside the replay. (Static memory is bounded on the linked program, by
 * its segments, not here by the names of its sections.) */
static int check_sections(const struct build_place *place, const char *object, struct stage_build *b)
{
    struct tool_run run;
    char *argv[] = { "/usr/bin/readelf", "-S", "-W", (char *)object, NULL };
    if (run_listing(place, argv, "readelf", &run, b) != 0)
        return -1;
    int status = 0;
    for (char *line = strtok(run.output, "\n"); line != NULL && status == 0; line = strtok(NULL, "\n")) {
        /* "  [ 5] .bss   NOBITS   0000000000000000 000200 000020 00  WA  0   0 32" */
        char *close_bracket = strchr(line, ']');
        char name[256];
        if (line[0] != ' ' || close_bracket == NULL || sscanf(close_bracket + 1, "%255s", name) != 1)
            continue;
        for (size_t i = 0; i < sizeof INIT_SECTIONS / sizeof INIT_SECTIONS[0]; i++) {
            size_t length = strlen(INIT_SECTIONS[i]);
            if (strncmp(name, INIT_SECTIONS[i], length) == 0 && (name[length] == '\0' || name[length] == '.')) {
                snprintf(b->violation, sizeof b->violation,
                         "stage %s has code that runs outside the replay (a constructor or destructor: "
                         "section %s)", place->stage, name);
                status = -1;
            }
        }
    }
    free(run.output);
    return status;
}

static int check_instructions(const struct build_place *place, const char *object, struct stage_build *b)
{
    struct tool_run run;
    char *argv[] = { "/usr/bin/objdump", "-d", "--no-show-raw-insn", (char *)object, NULL };
    if (run_listing(place, argv, "objdump", &run, b) != 0)
        return -1;
    int status = 0;
    for (char *line = strtok(run.output, "\n"); line != NULL && status == 0; line = strtok(NULL, "\n")) {
        /* "  1c:\tsyscall" */
        char *tab = strchr(line, '\t');
        if (tab == NULL || strchr(line, ':') == NULL || strchr(line, ':') > tab)
            continue;
        char mnemonic[32] = "", operand[64] = "";
        if (sscanf(tab + 1, "%31s %63s", mnemonic, operand) < 1)
            continue;
        if (strcmp(mnemonic, "syscall") == 0 || strcmp(mnemonic, "sysenter") == 0 ||
            strcmp(mnemonic, "svc") == 0 || (strcmp(mnemonic, "int") == 0 && strcmp(operand, "$0x80") == 0)) {
            snprintf(b->violation, sizeof b->violation,
                     "stage %s makes a system call itself (inline assembly: %s%s%s)", place->stage, mnemonic,
                     operand[0] ? " " : "", operand);
            status = -1;
        }
    }
    free(run.output);
    return status;
}

/* The test-only switch: on when HEAPKIT_TEST_NO_STATIC_CHECKS=1; the report says so on top. */
static int static_checks_off(struct grading *g)
{
    const char *value = getenv(NO_STATIC_CHECKS_VARIABLE);
    if (value == NULL || strcmp(value, "1") != 0)
        return 0;
    if (strstr(g->notes, "static checks OFF") == NULL)
        grading_note(g, "WARNING: static checks OFF (test switch): %s=1 is set, so no object file was checked "
                        "by readelf and objdump; never set it when grading", NO_STATIC_CHECKS_VARIABLE);
    return 1;
}

void build_note_switches(struct grading *g)
{
    (void)static_checks_off(g);
}

/* ---- building ------------------------------------------------------------------------- */

/* WORK/build/NAME/ with NAME.c, heapmgr.h and what the stage is linked with, root's, readable by
 * the slot's group only; out/ in it, the slot user's: where its tools write. Returns 0, or -1
 * with the violation set. */
static int prepare_dir(struct build_place *place, struct stage_build *b)
{
    struct grading *g = place->g;
    const char *stage = place->stage;
    char parent[sizeof g->work + 8], from[GRADE_PATH * 2], to[GRADE_PATH * 2], error[GRADE_PATH * 2];
    snprintf(parent, sizeof parent, "%s/build", g->work);
    snprintf(place->dir, sizeof place->dir, "%s/%s", parent, stage);
    /* Root's until the files are in: nothing of the slot's user can get in the way. */
    if ((mkdir(parent, 0755) != 0 && errno != EEXIST) || mkdir(place->dir, 0700) != 0) {
        snprintf(b->violation, sizeof b->violation, "stage %s: cannot make its build directory: %s", stage,
                 strerror(errno));
        return -1;
    }
    snprintf(from, sizeof from, "%s/%s.c", g->submission, stage);
    snprintf(to, sizeof to, "%s/%s.c", place->dir, stage);
    int copied = copy_file(from, to, MAX_SOURCE_BYTES, 0644, error, sizeof error);
    if (copied != 0) {
        snprintf(b->violation, sizeof b->violation, "stage %s: %s.c: %s", stage, stage,
                 copied == COPY_NOT_REGULAR ? "not a regular file of at most 4 MiB" : "cannot be copied");
        return -1;
    }
    /* The kit's own files, where setup_work put them: the header, and the stage side the stage
     * program is linked with (fence/fence.h). */
    const struct { const char *path, *name; } inputs[] = {
        { "include/heapmgr.h", "heapmgr.h" },
        { "lib/libstageside.a", "libstageside.a" },
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        snprintf(from, sizeof from, "%s/%s", g->work, inputs[i].path);
        snprintf(to, sizeof to, "%s/%s", place->dir, inputs[i].name);
        if (copy_file(from, to, PROGRAM_MAX_BYTES, 0644, error, sizeof error) != 0) {
            snprintf(b->violation, sizeof b->violation, "stage %s: the kit's %s: %.1500s", stage, inputs[i].name,
                     error);
            return -1;
        }
    }
    /* Root's, and the tools' user's to read (other gradings' users may not); out/ that user's:
     * the slot's in the jail, nobody's when root builds without it, the grader's otherwise. */
    uid_t user = g->jailed ? g->slot.uid : run_as_root() ? UNPRIVILEGED_ID : geteuid();
    snprintf(to, sizeof to, "%s/out", place->dir);
    if (mkdir(to, 0700) != 0 ||
        (run_as_root() && (chown(place->dir, 0, (gid_t)user) != 0 || chmod(place->dir, 0750) != 0 ||
                           chown(to, user, (gid_t)user) != 0))) {
        snprintf(b->violation, sizeof b->violation, "stage %s: cannot give its build directory to user %lu: %s",
                 stage, (unsigned long)user, strerror(errno));
        return -1;
    }
    return 0;
}

/* Copy what a tool wrote in out/ (a regular file, no link followed, at most 64 MiB) to `to`,
 * which the tools cannot change. Returns 0 or -1. */
static int take_from_out(const struct build_place *place, const char *name, const char *to, mode_t mode)
{
    char from[GRADE_PATH + 80], error[GRADE_PATH * 2];
    snprintf(from, sizeof from, "%s/out/%s", place->dir, name);
    return copy_file(from, to, PROGRAM_MAX_BYTES, mode, error, sizeof error);
}

/* cc CFLAGS -D_GNU_SOURCE -I. -c NAME.c -o out/NAME.o, then out/NAME.o copied to NAME.o: 0 when the
 * compiler made it. */
static int compile(const struct build_place *place, struct stage_build *b)
{
    struct grading *g = place->g;
    char cc[sizeof g->tools.cc], cflags[sizeof g->tools.cflags], source[GRADE_NAME + 4], object[GRADE_NAME + 4],
        written[GRADE_NAME + 8];
    snprintf(cc, sizeof cc, "%s", g->tools.cc);
    snprintf(cflags, sizeof cflags, "%s", g->tools.cflags);
    snprintf(source, sizeof source, "%s.c", place->stage);
    snprintf(object, sizeof object, "%s.o", place->stage);
    snprintf(written, sizeof written, "out/%s", object);
    char *argv[MAX_ARGS];
    int argc = 0;
    push_words(cc, argv, &argc);
    push_words(cflags, argv, &argc);
    char *tail[] = { "-D_GNU_SOURCE", "-I.", "-c", source, "-o", written, NULL };
    for (size_t i = 0; i < sizeof tail / sizeof tail[0]; i++)
        argv[argc++] = tail[i];
    struct tool_run run;
    run_build_tool(place, argv, 0, &run);
    b->compiler_output = without_paths(place, run.output);
    char path[GRADE_PATH * 2];
    snprintf(path, sizeof path, "%s/%s", place->dir, object);
    int made = run.status == 0 && take_from_out(place, object, path, 0644) == 0;
    if (!made && run.status < 0) { /* killed, stopped, not run: say so after what it printed */
        size_t length = strlen(b->compiler_output);
        char *longer = realloc(b->compiler_output, length + strlen(run.how) + 32);
        if (longer != NULL) {
            snprintf(longer + length, strlen(run.how) + 32, "%sthe compiler %s", length ? "\n" : "", run.how);
            b->compiler_output = longer;
        }
    }
    return made ? 0 : -1;
}

/* Link NAME.o into out/NAME, the stage program (static, with the stage side and nothing of the
 * checker), copy it out to WORK/bin/NAME, read its ELF headers. */
static int link_program(const struct build_place *place, struct stage_build *b)
{
    struct grading *g = place->g;
    const char *stage = place->stage;
    char cc[sizeof g->tools.cc], object[GRADE_NAME + 4], program[GRADE_NAME + 8];
    snprintf(cc, sizeof cc, "%s", g->tools.cc);
    snprintf(object, sizeof object, "%s.o", stage);
    snprintf(program, sizeof program, "out/%s", stage);
    char *argv[MAX_ARGS];
    int argc = 0;
    push_words(cc, argv, &argc);
    argv[argc++] = "-static";
    argv[argc++] = object;
    argv[argc++] = "libstageside.a";
    argv[argc++] = "-lm";
    argv[argc++] = "-o";
    argv[argc++] = program;
    argv[argc] = NULL;
    struct tool_run run;
    run_build_tool(place, argv, 0, &run);
    if (run.status != 0) {
        char *message = without_paths(place, run.output);
        snprintf(b->violation, sizeof b->violation, "stage %s does not link with the kit's stage side (the linker "
                 "%s):\n%s", stage, run.how, message);
        free(message);
        return -1;
    }
    free(run.output);

    /* The program the grader runs is its own copy: root's, which nobody can change afterwards. */
    snprintf(b->runner, sizeof b->runner, "%s/bin/%s", g->work, stage);
    if (take_from_out(place, stage, b->runner, 0755) != 0) {
        snprintf(b->violation, sizeof b->violation, "stage %s: its linked program is not a regular file of at most %d MiB",
                 stage, PROGRAM_MAX_BYTES >> 20);
        return -1;
    }
    struct elf_program elf;
    char problem[256];
    if (elf_check_program(b->runner, PROGRAM_MAX_BYTES, 1, &elf, problem, sizeof problem) != 0) {
        snprintf(b->violation, sizeof b->violation, "stage %s: %s", stage, problem);
        return -1;
    }
    unsigned long long allowed = g->rubric.static_bytes_limit + KIT_STATIC_MEMORY_ALLOWANCE_BYTES;
    if (elf.static_memory_bytes > allowed) {
        snprintf(b->violation, sizeof b->violation,
                 "stage %s asks for %.1f MiB (%llu bytes) of static memory, more than the %llu MiB allowed "
                 "(static_memory_limit, %llu MiB, and %llu MiB for the kit and the C library): memory comes from "
                 "hm_sbrk and hm_mmap", stage, (double)elf.static_memory_bytes / (1 << 20), elf.static_memory_bytes,
                 allowed >> 20, g->rubric.static_bytes_limit >> 20, KIT_STATIC_MEMORY_ALLOWANCE_BYTES >> 20);
        return -1;
    }
    return 0;
}

int build_stage(struct grading *g, const char *stage, struct stage_build *b)
{
    memset(b, 0, sizeof *b);
    char from[GRADE_PATH * 2];
    snprintf(from, sizeof from, "%s/%s.c", g->submission, stage);
    if (access(from, F_OK) != 0)
        return 0;
    b->submitted = 1;
    struct build_place place = { .g = g, .stage = stage };
    if (prepare_dir(&place, b) != 0)
        return -1;
    if (compile(&place, b) != 0)
        return -1;
    b->compiled = 1;
    char object[GRADE_NAME + 4];
    snprintf(object, sizeof object, "%s.o", stage);
    if (!static_checks_off(g) && (check_symbols(&place, object, b) != 0 || check_sections(&place, object, b) != 0 ||
                                  check_instructions(&place, object, b) != 0))
        return -1;
    b->allowed = 1;
    if (link_program(&place, b) != 0)
        return -1;
    b->linked = 1;
    return 0;
}

void build_free(struct stage_build *b)
{
    free(b->compiler_output);
    b->compiler_output = NULL;
}
