/*
 * sandboxed_main.c: the main of a runner that grades. It is the kit's stage runner
 * (harness/runner.c: same options, same result lines), with two differences:
 *
 * 1. Every replay child that runs the stage's code confines itself just before its first
 *    call into the stage (grader/sandbox.h): limits, and a system-call filter that stops the
 *    stage at its first call beyond what an allocator needs. The children that time the C
 *    library are left as they are. A refused call is reported by name: "the stage was
 *    stopped: it made the system call 'openat', which a stage may not make".
 *
 * 2. The runner starts before any constructor. Code in the stage that runs before main
 *    (__attribute__((constructor)), a .init_array or .ctors entry) would run in the runner
 *    itself, outside every sandbox, and could write forged result lines to any file descriptor
 *    the runner was given. So the whole runner runs from a .preinit_array function, which the
 *    dynamic loader calls before it calls any constructor, and ends the process there: the
 *    stage's constructors and destructors never run at all. (What this does not stop, such as
 *    a stage's own .preinit_array entry or an ifunc resolver, is in grader/SECURITY.md: the
 *    grader's check of the object file rejects those.)
 *
 * Link a graded stage as:
 *   cc STAGE.o build/grader/sandboxed_main.o build/libharness.a build/grader/libsandbox.a \
 *      -lseccomp -lm -o RUNNER
 */
#include "checked.h"
#include "isolate.h"
#include "runner.h"
#include "sandbox.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* The child setup hook: confine the replay child, or say why it could not be done. */
static void confine(void *context)
{
    (void)context;
    const struct sandbox_policy policy = {
        .cpu_seconds = isolate_time_limit(),
        .output_bytes = ISOLATE_OUTPUT_LIMIT_BYTES,
        .address_space_headroom_bytes = SANDBOX_ADDRESS_SPACE_HEADROOM_BYTES,
    };
    char error[256];
    if (sandbox_enter(&policy, error, sizeof error) != 0)
        isolate_setup_failed(error);
}

/*
 * A failed assert in the stage, reported without taking memory. The C library's own
 * __assert_fail formats its message with malloc and then maps a page for it (mmap), which
 * the sandbox refuses: a student's failed assert would read as a forbidden system call.
 * This one prints the same line from the stack and aborts, so it reads as the crash it is.
 */
void __assert_fail(const char *assertion, const char *file, unsigned int line, const char *function)
{
    char message[1024];
    int length = snprintf(message, sizeof message, "%s: %s:%u: %s: Assertion `%s' failed.\n",
                          program_invocation_short_name ? program_invocation_short_name : "runner",
                          file, line, function ? function : "?", assertion);
    size_t shown = length < 0 ? 0 : (size_t)length < sizeof message ? (size_t)length : sizeof message - 1;
    ssize_t wrote = write(STDERR_FILENO, message, shown);
    (void)wrote; /* if stderr is gone there is no one to tell; the abort below says the rest */
    abort();
}

/* Runs the runner, then ends the process: main, and every constructor, never run. */
static void run_before_constructors(int argc, char **argv, char **envp)
{
    /* The C library sets these as it starts main; here that has not happened yet. */
    environ = envp;
    if (argc > 0) {
        program_invocation_name = argv[0];
        const char *slash = strrchr(argv[0], '/');
        program_invocation_short_name = slash != NULL ? (char *)slash + 1 : argv[0];
    }
    isolate_set_child_setup(confine, NULL);
    checked_keep_stage_apart();
    isolate_set_syscall_namer(sandbox_syscall_name);
    exit(runner_main(argc, argv, 0));
}

__attribute__((used, section(".preinit_array")))
static void (*const start_runner)(int, char **, char **) = run_before_constructors;

/* Never reached: run_before_constructors ends the process first. */
int main(void)
{
    fprintf(stderr, "sandboxed runner: started from main, not from .preinit_array: refusing to run\n");
    return 2;
}
