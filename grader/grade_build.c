/*
 * grade_build.c: build one stage of a submission beside the kit's own harness and header.
 *
 * Only SUBMISSION/NAME.c is copied (a regular file, not a link), into WORK/src/NAME/; the
 * header is the kit's, in WORK/include/. The compiler, nm, readelf and objdump run as
 * untrusted children (an #include of a device or a secret file must not hang the grader or
 * run as root). Then the static checks: what the stage may call, what it may define, no code
 * that runs outside the replay, no system-call instruction of its own, bounded static memory.
 */
#include "grade.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_SOURCE_BYTES = 4 << 20, MAX_ARGS = 96, TOOL_SECONDS = 60 };

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
/* What a stage defines: the five functions of heapmgr.h; everything else must be static. */
static const char *const ALLOWED_DEFINITIONS[] = { "hm_malloc", "hm_free", "hm_realloc", "hm_calloc", "hm_check" };
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

/* Copy a regular file (no link followed), at most max bytes, mode 0644. */
static int copy_file(const char *from, const char *to, size_t max, char *error, size_t error_size)
{
    int in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (in < 0 || fstat(in, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
        snprintf(error, error_size, "%s is not a regular file of at most %zu KiB", from, max >> 10);
        if (in >= 0)
            close(in);
        return -1;
    }
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        snprintf(error, error_size, "cannot write %s: %s", to, strerror(errno));
        close(in);
        return -1;
    }
    char buffer[65536];
    ssize_t got;
    int status = 0;
    while ((got = read(in, buffer, sizeof buffer)) > 0)
        if (write(out, buffer, (size_t)got) != got)
            status = -1;
    if (got < 0 || close(out) != 0)
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

/* ---- the static checks ------------------------------------------------------------------ */

static int check_symbols(struct grading *g, const char *stage, const char *object, struct stage_build *b)
{
    char *output;
    char *argv[] = { "/usr/bin/nm", "-P", (char *)object, NULL }; /* local symbols too: ifuncs */
    if (run_tool(argv, g->work, 1, TOOL_SECONDS, &output) != 0) {
        snprintf(b->violation, sizeof b->violation, "stage %s: nm could not read its object file", stage);
        free(output);
        return -1;
    }
    int status = 0;
    char forbidden[1024] = "";
    size_t used = 0;
    for (char *line = strtok(output, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        char name[512], type;
        if (sscanf(line, "%511s %c", name, &type) != 2 || instrumentation(&g->tools, name))
            continue;
        if (type == 'i') { /* its resolver runs when the runner loads, before any sandbox */
            snprintf(b->violation, sizeof b->violation,
                     "stage %s defines %s as an indirect function (ifunc), whose resolver would run outside "
                     "the replay", stage, name);
            status = -2;
            continue;
        }
        int undefined = type == 'U' || type == 'w' || type == 'v';
        if (!undefined && islower((unsigned char)type))
            continue; /* static: its own business */
        if (undefined && !in_list(name, ALLOWED_CALLS, sizeof ALLOWED_CALLS / sizeof ALLOWED_CALLS[0])) {
            if (used + strlen(name) + 8 < sizeof forbidden)
                used += (size_t)snprintf(forbidden + used, sizeof forbidden - used, "%s%s", used ? ", " : "", name);
            status = -1;
        } else if (!undefined && status == 0 &&
                   !in_list(name, ALLOWED_DEFINITIONS, sizeof ALLOWED_DEFINITIONS / sizeof ALLOWED_DEFINITIONS[0])) {
            snprintf(b->violation, sizeof b->violation,
                     "stage %s defines %s outside the file: only the five hm_ functions of heapmgr.h may be "
                     "global; make it static", stage, name);
            status = -2;
        }
    }
    if (forbidden[0] != '\0')
        snprintf(b->violation, sizeof b->violation,
                 "stage %s calls %s, which a stage may not call (allowed: the harness's hm_brk, hm_sbrk, hm_mmap, "
                 "hm_munmap; memcpy, memset, memmove; fprintf and friends to stderr)", stage, forbidden);
    free(output);
    return status;
}

static int check_sections(struct grading *g, const char *stage, const char *object, struct stage_build *b)
{
    char *output;
    char *argv[] = { "/usr/bin/readelf", "-S", "-W", (char *)object, NULL };
    if (run_tool(argv, g->work, 1, TOOL_SECONDS, &output) != 0) {
        snprintf(b->violation, sizeof b->violation, "stage %s: readelf could not read its object file", stage);
        free(output);
        return -1;
    }
    int status = 0;
    unsigned long long static_bytes = 0;
    for (char *line = strtok(output, "\n"); line != NULL && status == 0; line = strtok(NULL, "\n")) {
        /* "  [ 5] .bss   NOBITS   0000000000000000 000200 000020 00  WA  0   0 32" */
        char *close_bracket = strchr(line, ']');
        char name[256], type[64];
        unsigned long long address, offset, size;
        if (line[0] != ' ' || close_bracket == NULL ||
            sscanf(close_bracket + 1, "%255s %63s %llx %llx %llx", name, type, &address, &offset, &size) != 5)
            continue;
        for (size_t i = 0; i < sizeof INIT_SECTIONS / sizeof INIT_SECTIONS[0]; i++) {
            size_t length = strlen(INIT_SECTIONS[i]);
            if (strncmp(name, INIT_SECTIONS[i], length) == 0 && (name[length] == '\0' || name[length] == '.')) {
                snprintf(b->violation, sizeof b->violation,
                         "stage %s has code that runs outside the replay (a constructor or destructor: "
                         "section %s)", stage, name);
                status = -1;
            }
        }
        if (strncmp(name, ".data", 5) == 0 || strncmp(name, ".bss", 4) == 0 || strncmp(name, ".tbss", 5) == 0 ||
            strncmp(name, ".tdata", 6) == 0 || strncmp(name, ".rodata", 7) == 0)
            static_bytes += size;
    }
    free(output);
    if (status == 0 && static_bytes > g->rubric.static_bytes_limit) {
        snprintf(b->violation, sizeof b->violation,
                 "stage %s reserves %llu KiB of static memory, more than the %llu KiB allowed: memory comes "
                 "from hm_sbrk and hm_mmap", stage, static_bytes >> 10, g->rubric.static_bytes_limit >> 10);
        status = -1;
    }
    return status;
}

static int check_instructions(struct grading *g, const char *stage, const char *object, struct stage_build *b)
{
    char *output;
    char *argv[] = { "/usr/bin/objdump", "-d", "--no-show-raw-insn", (char *)object, NULL };
    if (run_tool(argv, g->work, 1, TOOL_SECONDS, &output) != 0) {
        snprintf(b->violation, sizeof b->violation, "stage %s: objdump could not read its object file", stage);
        free(output);
        return -1;
    }
    int status = 0;
    for (char *line = strtok(output, "\n"); line != NULL && status == 0; line = strtok(NULL, "\n")) {
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
                     "stage %s makes a system call itself (inline assembly: %s%s%s)", stage, mnemonic,
                     operand[0] ? " " : "", operand);
            status = -1;
        }
    }
    free(output);
    return status;
}

/* ---- building ------------------------------------------------------------------------- */

static int make_dir(const char *path, int for_nobody)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return -1;
    if (for_nobody && run_as_root() && chown(path, 65534, 65534) != 0)
        return -1;
    return 0;
}

/* Compile WORK/src/NAME/NAME.c into NAME.o there: 0 when the compiler made it. */
static int compile(struct grading *g, const char *stage, struct stage_build *b)
{
    char cc[sizeof g->tools.cc], cflags[sizeof g->tools.cflags], source[GRADE_PATH], object[GRADE_PATH];
    snprintf(cc, sizeof cc, "%s", g->tools.cc);
    snprintf(cflags, sizeof cflags, "%s", g->tools.cflags);
    snprintf(source, sizeof source, "src/%s/%s.c", stage, stage);
    snprintf(object, sizeof object, "src/%s/%s.o", stage, stage);
    char *argv[MAX_ARGS];
    int argc = 0;
    push_words(cc, argv, &argc);
    push_words(cflags, argv, &argc);
    char *tail[] = { "-D_GNU_SOURCE", "-Iinclude", "-c", source, "-o", object, NULL };
    for (size_t i = 0; i < sizeof tail / sizeof tail[0]; i++)
        argv[argc++] = tail[i];
    int status = run_tool(argv, g->work, 1, TOOL_SECONDS, &b->compiler_output);
    char own[GRADE_PATH];
    snprintf(own, sizeof own, "src/%s/", stage);
    b->compiler_output = replace_all(b->compiler_output, own, "stages/");
    b->compiler_output = replace_all(b->compiler_output, "include/heapmgr.h", "stages/heapmgr.h");
    b->compiler_output = replace_all(b->compiler_output, g->work, "");
    char path[GRADE_PATH * 2];
    snprintf(path, sizeof path, "%s/%s", g->work, object);
    return status == 0 && access(path, R_OK) == 0 ? 0 : -1;
}

static int link_runner(struct grading *g, const char *stage, struct stage_build *b)
{
    char cc[sizeof g->tools.cc], ldflags[sizeof g->tools.ldflags], object[GRADE_PATH], runner[GRADE_PATH];
    snprintf(cc, sizeof cc, "%s", g->tools.cc);
    snprintf(ldflags, sizeof ldflags, "%s", g->tools.ldflags);
    snprintf(object, sizeof object, "src/%s/%s.o", stage, stage);
    snprintf(runner, sizeof runner, "src/%s/%s", stage, stage);
    char *argv[MAX_ARGS];
    int argc = 0;
    push_words(cc, argv, &argc);
    push_words(ldflags, argv, &argc);
    /* The stage program: the stage and the stage side, static, and nothing of the checker. */
    argv[argc++] = "-static";
    argv[argc++] = object;
    argv[argc++] = "lib/libstageside.a";
    argv[argc++] = "-lm";
    argv[argc++] = "-o";
    argv[argc++] = runner;
    argv[argc] = NULL;
    char *output;
    int status = run_tool(argv, g->work, 1, TOOL_SECONDS, &output);
    if (status != 0) {
        snprintf(b->violation, sizeof b->violation, "stage %s does not link with the harness:\n%s", stage,
                 output ? output : "");
        free(output);
        return -1;
    }
    free(output);
    /* The runner the grader executes is its own copy: nobody can change it afterwards. */
    char from[GRADE_PATH * 2], error[256];
    snprintf(from, sizeof from, "%s/%s", g->work, runner);
    snprintf(b->runner, sizeof b->runner, "%s/bin/%s", g->work, stage);
    if (copy_file(from, b->runner, 256u << 20, error, sizeof error) != 0 || chmod(b->runner, 0755) != 0) {
        snprintf(b->violation, sizeof b->violation, "stage %s: %s", stage, error);
        return -1;
    }
    return 0;
}

int build_stage(struct grading *g, const char *stage, struct stage_build *b)
{
    memset(b, 0, sizeof *b);
    char from[GRADE_PATH * 2], dir[GRADE_PATH * 2], to[GRADE_PATH * 3], error[GRADE_PATH];
    snprintf(from, sizeof from, "%s/%s.c", g->submission, stage);
    if (access(from, F_OK) != 0)
        return 0;
    b->submitted = 1;
    snprintf(dir, sizeof dir, "%s/src/%s", g->work, stage);
    snprintf(to, sizeof to, "%s/%s.c", dir, stage);
    if (make_dir(dir, 1) != 0 || copy_file(from, to, MAX_SOURCE_BYTES, error, sizeof error) != 0) {
        snprintf(b->violation, sizeof b->violation, "stage %s: %s.c: %s", stage, stage,
                 strstr(error, "is not a regular") ? "not a regular file of at most 4 MiB" : "cannot be copied");
        return -1;
    }
    if (compile(g, stage, b) != 0)
        return -1;
    b->compiled = 1;
    char object[GRADE_PATH * 3];
    snprintf(object, sizeof object, "src/%s/%s.o", stage, stage);
    if (check_symbols(g, stage, object, b) != 0 || check_sections(g, stage, object, b) != 0 ||
        check_instructions(g, stage, object, b) != 0)
        return -1;
    b->allowed = 1;
    if (link_runner(g, stage, b) != 0)
        return -1;
    b->linked = 1;
    return 0;
}

void build_free(struct stage_build *b)
{
    free(b->compiler_output);
    b->compiler_output = NULL;
}
