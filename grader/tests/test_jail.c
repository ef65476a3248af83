/*
 * test_jail.c: grader/jail.h as a specification.
 *
 * Each test runs a tool in the jail over a build directory of its own and looks at what came
 * out: the attacks a submission can make at build time (an #include or .incbin of a secret, of
 * /proc, of the kit; a file that never ends; a tool that leaves processes behind) and what an
 * honest build needs (compile, link, link -static). Needs root; run as another user, only the
 * refusal is tested.
 */
#include "elf_check.h"
#include "jail.h"
#include "unit.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The tools' user here: neither a grading slot's (64100 up) nor test_slots.c's (64900 up). */
static const uid_t USER = 64990;

static char kit[4096];       /* the kit's root: the tests run there */
static char build_dir[256];  /* this test's /build */

static struct jail_limits limits(void)
{
    return (struct jail_limits){
        .wall_seconds = 60, .cpu_seconds = 30, .address_space_bytes = UINT64_C(2) << 30,
        .file_bytes = UINT64_C(64) << 20, .tmp_bytes = UINT64_C(16) << 20, .nofile = 64, .nproc = 32,
    };
}

/* A fresh, empty /build for each test, owned by the tools' user. */
static void fresh_build_dir(void)
{
    if (build_dir[0] != '\0') {
        char command[512];
        snprintf(command, sizeof command, "rm -rf '%s'", build_dir);
        (void)!system(command);
    }
    snprintf(build_dir, sizeof build_dir, "%s/heapkit-test-jail.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(build_dir) == NULL || chown(build_dir, USER, USER) != 0) {
        perror("test_jail: a build directory");
        exit(2);
    }
}

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", build_dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

static int run(char *const argv[], const struct jail_limits *l, struct jail_outcome *o)
{
    const struct jail jail = { .build_dir = build_dir, .uid = USER, .gid = USER };
    return jail_run(&jail, argv, l, o);
}

/* sh -c SCRIPT in the jail, with the usual limits. */
static int shell(const char *script, struct jail_outcome *o)
{
    struct jail_limits l = limits();
    char *argv[] = { "sh", "-c", (char *)script, NULL };
    return run(argv, &l, o);
}

/* cc -c FILE in the jail: its exit status, or -1. */
static int compile(const char *file, struct jail_outcome *o)
{
    struct jail_limits l = limits();
    char *argv[] = { "cc", "-c", (char *)file, NULL };
    if (run(argv, &l, o) != 0)
        return -1;
    return o->exited ? o->exit_status : -1;
}

static int succeeded(const struct jail_outcome *o)
{
    return o->exited && o->exit_status == 0;
}

/* How many processes of USER are alive (zombies are dead). */
static int processes_of_user(void)
{
    DIR *proc = opendir("/proc");
    int count = 0;
    for (struct dirent *e = proc ? readdir(proc) : NULL; e != NULL; e = readdir(proc)) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        char path[300], line[256];
        snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
        FILE *f = fopen(path, "r");
        int owned = 0, zombie = 0;
        while (f != NULL && fgets(line, sizeof line, f) != NULL) {
            unsigned long real;
            if (strncmp(line, "State:", 6) == 0)
                zombie = strchr(line, 'Z') != NULL;
            else if (sscanf(line, "Uid: %lu", &real) == 1)
                owned = real == USER;
        }
        if (f != NULL)
            fclose(f);
        count += owned && !zombie;
    }
    if (proc != NULL)
        closedir(proc);
    return count;
}

/* ---- who may use it ------------------------------------------------------------------ */

static void test_jail_refuses_without_root(void)
{
    pid_t child = fork();
    if (child == 0) {
        if (setresgid(USER, USER, USER) != 0 || setresuid(USER, USER, USER) != 0)
            _exit(3);
        struct jail_outcome o;
        struct jail_limits l = limits();
        char *argv[] = { "true", NULL };
        const struct jail jail = { .build_dir = "/", .uid = USER, .gid = USER };
        int status = jail_run(&jail, argv, &l, &o);
        int refused = status == -1 && strstr(o.error, "needs root") != NULL;
        jail_outcome_free(&o);
        _exit(refused ? 0 : 1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_jail_refuses_to_run_a_tool_as_root(void)
{
    struct jail_outcome o;
    struct jail_limits l = limits();
    char *argv[] = { "true", NULL };
    const struct jail jail = { .build_dir = build_dir, .uid = 0, .gid = 0 };
    expect(jail_run(&jail, argv, &l, &o) == -1);
    expect_text(o.error, "other than root");
    jail_outcome_free(&o);
}

static void test_a_set_up_that_fails_is_named(void)
{
    struct jail_outcome o;
    struct jail_limits l = limits();
    char *argv[] = { "true", NULL };
    const struct jail jail = { .build_dir = "/no/such/build/directory", .uid = USER, .gid = USER };
    expect(jail_run(&jail, argv, &l, &o) == -1);
    expect_text(o.error, "open the build directory /no/such/build/directory");
    jail_outcome_free(&o);
}

/* ---- what the tool is and sees ------------------------------------------------------ */

static void test_the_tool_runs_as_the_user_in_build(void)
{
    struct jail_outcome o;
    expect(shell("id -u; id -g; id -G; pwd", &o) == 0);
    expect(succeeded(&o));
    expect_text(o.output, "64990\n64990\n64990\n/build\n");
    jail_outcome_free(&o);
}

static void test_the_root_holds_only_the_toolchain(void)
{
    char script[8192];
    snprintf(script, sizeof script,
             "for p in /proc /sys /home /root /run /var /mnt /work /etc/passwd /etc/shadow /etc/hostname "
             "/dev/zero /dev/shm /dev/tty '%s'; do [ -e \"$p\" ] && echo \"present: $p\"; done; "
             "ls -a / | tr '\\n' ' '; echo; ls -a /dev | tr '\\n' ' '; echo; ls -a /tmp | tr '\\n' ' '; echo",
             kit);
    struct jail_outcome o;
    expect(shell(script, &o) == 0);
    expect(succeeded(&o));
    expect(strstr(o.output, "present:") == NULL);
    expect_text(o.output, "bin build dev etc lib");
    expect_text(o.output, "usr \n. .. null \n. .. \n");
    jail_outcome_free(&o);
}

static void test_only_build_and_tmp_are_writable(void)
{
    struct jail_outcome o;
    expect(shell("for p in /x /usr/x /etc/x /dev/x /etc/alternatives/x; do touch $p 2>/dev/null && echo \"wrote $p\"; done; "
                 "echo a > /build/written && echo b > /tmp/written && echo both",
                 &o) == 0);
    expect(strstr(o.output, "wrote") == NULL);
    expect_text(o.output, "both");
    jail_outcome_free(&o);
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s/written", build_dir);
    expect(stat(path, &st) == 0 && st.st_uid == USER);
}

static void test_the_tool_gets_nothing_of_the_caller(void)
{
    setenv("HEAPKIT_TEST_SECRET", "s3cret-value", 1);
    int leaked = open("/dev/null", O_RDONLY); /* not close-on-exec */
    struct jail_outcome o;
    expect(shell("env; for fd in 3 4 5 6 7 8 9 10 11 12; do (: <&$fd) 2>/dev/null && echo \"open fd $fd\"; done; "
                 "cat; echo end",
                 &o) == 0);
    expect(strstr(o.output, "s3cret-value") == NULL);
    expect(strstr(o.output, "open fd") == NULL);
    expect_text(o.output, "LC_ALL=C");
    expect_text(o.output, "end"); /* cat read an empty stdin: /dev/null */
    jail_outcome_free(&o);
    close(leaked);
    unsetenv("HEAPKIT_TEST_SECRET");
}

/* ---- the attacks of a submission at build time -------------------------------------------- */

/* The compiler's word for a file it cannot find: gcc's, or clang's (cc may be either). */
static int missing_file(const char *output)
{
    return strstr(output, "No such file or directory") != NULL || strstr(output, "file not found") != NULL ||
           strstr(output, "Could not find incbin file") != NULL;
}

/* Stopped for the size of what it read: out of memory (gcc, as), or refused (clang). */
static int stopped_for_size(const char *output)
{
    return strstr(output, "out of memory") != NULL || strstr(output, "too large") != NULL ||
           strstr(output, "Cannot allocate memory") != NULL;
}

/* A file of the kit or another submission, a secret, /proc: none can be compiled in. */
static void test_secrets_cannot_be_included(void)
{
    char other[300], kit_file[5000], text[5200];
    snprintf(other, sizeof other, "%s.other", build_dir);
    mkdir(other, 0755);
    snprintf(text, sizeof text, "%s/secret.c", other);
    FILE *f = fopen(text, "w");
    if (f != NULL) {
        fputs("int other_submission_secret = 42;\n", f);
        fclose(f);
    }
    snprintf(kit_file, sizeof kit_file, "%s/grader/rubric.ini", kit);
    const char *includes[] = { "/etc/passwd", "/etc/shadow", "/proc/self/environ", "/proc/1/cmdline", kit_file, text,
                               "../../etc/passwd" };
    for (size_t i = 0; i < sizeof includes / sizeof includes[0]; i++) {
        char source[5400];
        snprintf(source, sizeof source, "#include \"%s\"\nint x;\n", includes[i]);
        write_file("stage.c", source);
        struct jail_outcome o;
        int status = compile("stage.c", &o);
        if (status == 0 || !missing_file(o.output)) {
            printf("#   #include \"%s\": status %d: %s\n", includes[i], status, o.output);
            expect(!"an #include of a secret fails for want of the file");
        }
        expect(strstr(o.output, "root:") == NULL && strstr(o.output, "other_submission_secret") == NULL &&
               strstr(o.output, "[grader]") == NULL);
        jail_outcome_free(&o);
    }
    for (size_t i = 0; i < sizeof includes / sizeof includes[0]; i++) {
        char source[5400];
        snprintf(source, sizeof source, "__asm__(\".incbin \\\"%s\\\"\");\n", includes[i]);
        write_file("stage.c", source);
        struct jail_outcome o;
        int status = compile("stage.c", &o);
        if (status == 0 || !missing_file(o.output)) {
            printf("#   .incbin \"%s\": status %d: %s\n", includes[i], status, o.output);
            expect(!"an .incbin of a secret fails for want of the file");
        }
        jail_outcome_free(&o);
    }
    snprintf(text, sizeof text, "rm -rf '%s'", other);
    (void)!system(text);
}

static void test_a_file_that_never_ends_is_stopped(void)
{
    struct jail_outcome o;
    write_file("zero.c", "#include \"/dev/zero\"\n");
    expect(compile("zero.c", &o) == 1);
    expect_text(o.output, "/dev/zero");
    expect(missing_file(o.output));
    expect(o.seconds < 10);
    jail_outcome_free(&o);

    /* A huge file it can reach, its own: the address-space limit stops the compiler at once. */
    char path[512];
    snprintf(path, sizeof path, "%s/huge.h", build_dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    expect(fd >= 0 && ftruncate(fd, INT64_C(3) << 30) == 0);
    close(fd);
    struct jail_limits l = limits();
    l.address_space_bytes = UINT64_C(512) << 20;
    write_file("huge.c", "#include \"huge.h\"\n");
    char *cc[] = { "cc", "-c", "huge.c", NULL };
    expect(run(cc, &l, &o) == 0);
    expect(o.exited && o.exit_status != 0);
    expect(stopped_for_size(o.output));
    expect(o.seconds < 10);
    jail_outcome_free(&o);
    write_file("huge.c", "__asm__(\".incbin \\\"huge.h\\\"\");\n");
    expect(run(cc, &l, &o) == 0);
    expect(o.exited && o.exit_status != 0);
    expect(stopped_for_size(o.output));
    jail_outcome_free(&o);
    unlink(path);
}

static void test_the_limits_hold(void)
{
    struct jail_outcome o;
    struct jail_limits l = limits();
    l.file_bytes = 1 << 20;
    char *fill[] = { "sh", "-c", "exec yes > /build/filled", NULL };
    expect(run(fill, &l, &o) == 0);
    expect(o.signal == SIGXFSZ);
    jail_outcome_free(&o);

    l = limits();
    l.cpu_seconds = 1;
    char *spin[] = { "sh", "-c", "while :; do :; done", NULL };
    expect(run(spin, &l, &o) == 0);
    expect(o.signal == SIGXCPU || o.signal == SIGKILL);
    expect(o.seconds < 10);
    char how[256];
    jail_describe(&o, &l, how, sizeof how);
    expect_text(how, "CPU time");
    jail_outcome_free(&o);

    l = limits();
    l.nproc = 4;
    char *many[] = { "sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 30 & done; echo started", NULL };
    expect(run(many, &l, &o) == 0);
    expect_text(o.output, "fork");
    expect(o.seconds < 10);
    jail_outcome_free(&o);

    l = limits();
    l.tmp_bytes = 1 << 20;
    char *tmp[] = { "sh", "-c", "yes > /tmp/filled; echo status $?", NULL };
    expect(run(tmp, &l, &o) == 0);
    expect_text(o.output, "No space left on device");
    jail_outcome_free(&o);

    l = limits();
    char *chatty[] = { "sh", "-c", "yes | head -c 1000000", NULL };
    expect(run(chatty, &l, &o) == 0);
    expect(o.output_bytes == JAIL_OUTPUT_BYTES && o.output_cut && strlen(o.output) == JAIL_OUTPUT_BYTES);
    jail_outcome_free(&o);
    l.output_bytes = 2000000;
    expect(run(chatty, &l, &o) == 0);
    /* (At least: a sanitizer's run-time in the tool's init may add a warning of its own.) */
    expect(o.output_bytes >= 1000000 && o.output_bytes < 1000000 + 4096 && !o.output_cut);
    jail_outcome_free(&o);
}

/* ---- no process outlives the tool --------------------------------------------------------- */

static void test_nothing_the_tool_started_outlives_it(void)
{
    struct jail_outcome o;
    /* A session of its own, a double fork, an ignored SIGHUP: all end with the tool. */
    expect(shell("setsid sleep 300 & (trap '' HUP; sleep 300 &) ; (setsid sh -c 'sleep 300 & sleep 300' &); "
                 "sleep 0.2; echo left",
                 &o) == 0);
    expect(succeeded(&o));
    expect_text(o.output, "left");
    expect(o.seconds < 10);
    jail_outcome_free(&o);
    expect(processes_of_user() == 0);
}

static void test_a_tool_that_hangs_is_stopped_whole(void)
{
    struct jail_outcome o;
    struct jail_limits l = limits();
    l.wall_seconds = 1;
    char *hang[] = { "sh", "-c", "setsid sleep 300 & sleep 300 & sleep 300", NULL };
    expect(run(hang, &l, &o) == 0);
    expect(o.timed_out && !o.exited && o.signal == 0);
    expect(o.seconds >= 1 && o.seconds < 10);
    char how[256];
    jail_describe(&o, &l, how, sizeof how);
    expect_text(how, "was stopped after 1 s");
    jail_outcome_free(&o);
    expect(processes_of_user() == 0);
}

/* ---- what an honest build needs ----------------------------------------------------------- */

static void test_a_program_compiles_and_links_static_too(void)
{
    write_file("hello.c", "#include <stdio.h>\n#include <math.h>\n"
                          "int main(void) { printf(\"%.0f\\n\", sqrt(1764.0)); return 0; }\n");
    struct jail_limits l = limits();
    struct jail_outcome o;
    char *steps[][10] = {
        { "cc", "-std=c17", "-O2", "-Wall", "-c", "hello.c", "-o", "hello.o" },
        { "cc", "hello.o", "-lm", "-o", "hello", NULL },
        { "cc", "-static", "hello.o", "-lm", "-o", "hello-static", NULL },
        { "sh", "-c", "./hello && ./hello-static", NULL },
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        expect(run(steps[i], &l, &o) == 0);
        if (i < 3 && !succeeded(&o))
            printf("#   %s %s: %s\n", steps[i][0], steps[i][1], o.output);
        /* /build is mounted noexec: nothing built there runs in the jail */
        expect(i < 3 ? succeeded(&o) : !succeeded(&o));
        jail_outcome_free(&o);
    }
    char path[512], problem[256];
    struct elf_program elf;
    snprintf(path, sizeof path, "%s/hello-static", build_dir);
    expect(elf_check_program(path, UINT64_C(64) << 20, 1, &elf, problem, sizeof problem) == 0 && elf.is_static);
    snprintf(path, sizeof path, "%s/hello", build_dir);
    expect(elf_check_program(path, UINT64_C(64) << 20, 0, &elf, problem, sizeof problem) == 0 && !elf.is_static);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (getcwd(kit, sizeof kit) == NULL)
        return 2;
    if (geteuid() != 0) {
        printf("# not root: only the refusal is tested (the jail needs root)\n");
        RUN(test_jail_refuses_without_root);
        return unit_exit_status();
    }
    signal(SIGPIPE, SIG_IGN); /* inherited as ignored: the jail must give the tool SIG_DFL back */
#define RUN_IN_FRESH_DIR(test) (fresh_build_dir(), RUN(test))
    RUN_IN_FRESH_DIR(test_jail_refuses_without_root);
    RUN_IN_FRESH_DIR(test_jail_refuses_to_run_a_tool_as_root);
    RUN_IN_FRESH_DIR(test_a_set_up_that_fails_is_named);
    RUN_IN_FRESH_DIR(test_the_tool_runs_as_the_user_in_build);
    RUN_IN_FRESH_DIR(test_the_root_holds_only_the_toolchain);
    RUN_IN_FRESH_DIR(test_only_build_and_tmp_are_writable);
    RUN_IN_FRESH_DIR(test_the_tool_gets_nothing_of_the_caller);
    RUN_IN_FRESH_DIR(test_secrets_cannot_be_included);
    RUN_IN_FRESH_DIR(test_a_file_that_never_ends_is_stopped);
    RUN_IN_FRESH_DIR(test_the_limits_hold);
    RUN_IN_FRESH_DIR(test_nothing_the_tool_started_outlives_it);
    RUN_IN_FRESH_DIR(test_a_tool_that_hangs_is_stopped_whole);
    RUN_IN_FRESH_DIR(test_a_program_compiles_and_links_static_too);
    fresh_build_dir();
    rmdir(build_dir);
    return unit_exit_status();
}
