/*
 * check.c: build/run --check: each result the stage gives a real program is checked as the
 * replay checks it (README.md, "What the harness checks"), with the replay's words:
 *   - 16-byte aligned;
 *   - inside the heap below the break, or inside one live mapping the stage made;
 *   - overlapping no live block (blocks.h: one O(log n) query);
 *   - NULL only when the memory cannot be had; calloc's bytes zero; realloc's kept (a sample);
 *   - no memory given back under a live block; the system calls used as heapmgr.h says.
 * The first failure stops the program (abort) with the call, its size, what was expected and
 * seen, and what the stage's own hm_check says of its heap then.
 */
#include "shim.h"

#include "blocks.h"
#include "heapmgr.h"
#include "sysmem.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* hm_check may loop on a corrupted heap: it is given this long. */
enum { HM_CHECK_SECONDS = 10 };
enum { HM_CHECK_SAID_CHARS = 2048 };

/* What the stage's hm_check says of its heap now: it runs in a child process (a copy of this
 * one, made without the program's fork handlers), whose stderr comes back through a pipe, so
 * that a crash or a hang in it stops only the copy. */
static void ask_hm_check(char *out, size_t out_size)
{
    int pipe_ends[2];
    if (pipe(pipe_ends) != 0) {
        snprintf(out, out_size, "not asked (no pipe)");
        return;
    }
    pid_t child = _Fork();
    if (child == 0) {
        close(pipe_ends[0]);
        dup2(pipe_ends[1], STDERR_FILENO);
        alarm(HM_CHECK_SECONDS);
        int verdict = hm_check();
        fflush(stderr);
        _exit(verdict == 0 ? 0 : 1);
    }
    close(pipe_ends[1]);
    char said[HM_CHECK_SAID_CHARS] = "";
    size_t said_bytes = 0;
    ssize_t got;
    while (child > 0 && said_bytes < sizeof said - 1 &&
           (got = read(pipe_ends[0], said + said_bytes, sizeof said - 1 - said_bytes)) > 0)
        said_bytes += (size_t)got;
    said[said_bytes] = '\0';
    close(pipe_ends[0]);
    int status = 0;
    if (child < 0) {
        snprintf(out, out_size, "not asked (no process for it)");
        return;
    }
    while (waitpid(child, &status, 0) < 0) {
        /* interrupted: wait on */
    }
    /* Its lines, indented under ours. */
    char indented[HM_CHECK_SAID_CHARS + 512] = "";
    size_t at = 0;
    for (const char *line = said; *line != '\0' && at < sizeof indented - 16;) {
        const char *end = strchr(line, '\n');
        size_t length = end != NULL ? (size_t)(end - line) : strlen(line);
        at += (size_t)snprintf(indented + at, sizeof indented - at, "\n        %.*s", (int)length, line);
        line += length + (end != NULL);
    }
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        snprintf(out, out_size, "did not return within %d s%s", HM_CHECK_SECONDS, indented);
    else if (WIFSIGNALED(status))
        snprintf(out, out_size, "crashed (signal %d, %s)%s", WTERMSIG(status), strsignal(WTERMSIG(status)), indented);
    else if (WEXITSTATUS(status) == 0)
        snprintf(out, out_size, "returned 0: it finds nothing wrong%s", indented);
    else
        snprintf(out, out_size, "returned non-zero:%s", indented);
}

enum { SEEN_CHARS = 512 };

/* Stop the program: the call and the check that failed, as the replay says it. */
static _Noreturn void check_failed(const char *what, const char *expected, const char *seen)
{
    char call[160], hm_check_said[HM_CHECK_SAID_CHARS + 600];
    char summary[RUN_SUMMARY_CHARS], message[RUN_SUMMARY_CHARS + SEEN_CHARS + sizeof hm_check_said + 400];
    shim_describe_call(call, sizeof call);
    ask_hm_check(hm_check_said, sizeof hm_check_said);
    snprintf(summary, sizeof summary, "%s: %s", call, what);
    snprintf(message, sizeof message,
             "heapkit run: %s: check failed at call %llu in %s (pid %d): %s\n"
             "    expected: %s\n"
             "    seen:     %s\n"
             "    the stage's hm_check: %s\n"
             "heapkit run: the program is stopped\n",
             shim_settings.stage, (unsigned long long)shim_call.number, program_invocation_short_name,
             (int)getpid(), summary, expected, seen, hm_check_said);
    ending_stop(ENDED_CHECK_FAILED, summary, message);
}

static void describe(uintptr_t address, char *out, size_t out_size)
{
    sysmem_describe(address, out, out_size);
}

void check_block(uintptr_t stage_pointer, uint64_t stage_bytes, uintptr_t pointer, uint64_t requested)
{
    char at[96], end[96];
    (void)pointer;
    (void)requested; /* inside the stage's block by construction, once that is aligned */
    if (stage_pointer % HM_ALIGNMENT != 0) {
        describe(stage_pointer, at, sizeof at);
        char seen[SEEN_CHARS];
        snprintf(seen, sizeof seen, "%s, which is %u bytes past a multiple of 16", at,
                 (unsigned)(stage_pointer % HM_ALIGNMENT));
        check_failed("the block is not 16-byte aligned", "an address that is a multiple of 16", seen);
    }
    if (!sysmem_range_in_heap(stage_pointer, stage_bytes) && !sysmem_range_in_mapping(stage_pointer, stage_bytes)) {
        describe(stage_pointer, at, sizeof at);
        describe(sysmem_break(), end, sizeof end);
        char seen[SEEN_CHARS];
        snprintf(seen, sizeof seen, "%llu bytes at %s; the heap ends at the break, %s",
                 (unsigned long long)stage_bytes, at, end);
        check_failed("the block is not inside the heap or a live mapping",
                     "all of the block's bytes below the break, or inside one live mapping", seen);
    }
    struct block other;
    uint64_t range_bytes = stage_bytes > 0 ? stage_bytes : 1;
    if (blocks_overlapping(stage_pointer, stage_pointer + range_bytes, &other)) {
        uint64_t other_bytes = other.requested_bytes > 0 ? other.requested_bytes : 1;
        char other_at[96], other_end[96];
        describe(stage_pointer, at, sizeof at);
        describe(stage_pointer + range_bytes, end, sizeof end);
        describe(other.stage_pointer, other_at, sizeof other_at);
        describe(other.pointer + other_bytes, other_end, sizeof other_end);
        char seen[SEEN_CHARS];
        snprintf(seen, sizeof seen, "%s..%s, overlapping a live block (%s..%s, %llu bytes asked for)", at, end,
                 other_at, other_end, (unsigned long long)other.requested_bytes);
        check_failed("the block overlaps a live block", "memory that overlaps no live block", seen);
    }
}

void check_null(uint64_t stage_bytes, uint64_t enomem_before)
{
    if (sysmem_enomem() != enomem_before)
        return; /* a system call failed: the memory could not be had */
    uint64_t footprint = sysmem_footprint_bytes(), limit = sysmem_limit_bytes();
    if (footprint > limit || stage_bytes > limit - footprint)
        return; /* more than is left under the limit */
    char seen[SEEN_CHARS];
    snprintf(seen, sizeof seen, "NULL, but no system call failed during the call and %llu bytes fit under the "
             "memory limit of %llu bytes", (unsigned long long)stage_bytes, (unsigned long long)limit);
    check_failed("returned NULL though the memory was there",
                 "a block: NULL is right only when the memory cannot be had", seen);
}

void check_zeroed(const unsigned char *block, uint64_t bytes)
{
    for (uint64_t i = 0; i < bytes; i++) {
        if (block[i] != 0) {
            char at[96];
            describe((uintptr_t)block, at, sizeof at);
            char seen[SEEN_CHARS];
            snprintf(seen, sizeof seen, "byte %llu of the %llu at %s is 0x%02x", (unsigned long long)i,
                     (unsigned long long)bytes, at, block[i]);
            check_failed("calloc's block is not zeroed", "every byte of the block zero", seen);
        }
    }
}

/* The sample of a block's first `bytes`: its first and last CHECK_KEPT_SAMPLE_BYTES (or fewer). */
static uint64_t sample_bytes(uint64_t bytes)
{
    return bytes < CHECK_KEPT_SAMPLE_BYTES ? bytes : CHECK_KEPT_SAMPLE_BYTES;
}

void check_keep(struct check_kept *kept, const void *block, uint64_t bytes)
{
    kept->bytes = bytes;
    uint64_t sampled = sample_bytes(bytes);
    memcpy(kept->head, block, sampled);
    memcpy(kept->tail, (const unsigned char *)block + bytes - sampled, sampled);
}

void check_kept(const struct check_kept *kept, const void *block)
{
    const unsigned char *bytes = block;
    uint64_t sampled = sample_bytes(kept->bytes), tail_start = kept->bytes - sampled;
    for (uint64_t i = 0; i < sampled; i++) {
        uint64_t differs = kept->head[i] != bytes[i] ? i
                         : kept->tail[i] != bytes[tail_start + i] ? tail_start + i : UINT64_MAX;
        if (differs == UINT64_MAX)
            continue;
        unsigned char was = differs < sampled ? kept->head[differs] : kept->tail[differs - tail_start];
        char at[96];
        describe((uintptr_t)block, at, sizeof at);
        char seen[SEEN_CHARS];
        snprintf(seen, sizeof seen, "byte %llu of the %llu kept at %s is 0x%02x where it was 0x%02x",
                 (unsigned long long)differs, (unsigned long long)kept->bytes, at, bytes[differs], was);
        check_failed("realloc did not keep the block's bytes", "the first min(old size, new size) bytes as they were",
                     seen);
    }
}

static void released(uintptr_t start, uintptr_t end, const char *how)
{
    struct block live;
    if (!blocks_overlapping(start, end, &live))
        return;
    char at[96], to[96], live_at[96];
    describe(start, at, sizeof at);
    describe(end, to, sizeof to);
    describe(live.pointer, live_at, sizeof live_at);
    char seen[SEEN_CHARS];
    snprintf(seen, sizeof seen, "%s..%s: the stage %s, but the live block at %s (%llu bytes asked for) lies there",
             at, to, how, live_at, (unsigned long long)live.requested_bytes);
    check_failed("the stage gave back memory under a live block", "memory given back holds no live block", seen);
}

/* The program's own handlers of SIGSEGV and SIGBUS (or the default), for crashes outside the stage. */
static struct sigaction program_on_segv, program_on_bus;

/* A crash: inside a call, the stage's (or the program broke the stage's memory): reported as a
 * failed check. Outside one, the program's: its handler is put back and the faulting instruction
 * runs again under it. */
static void crashed(int signal_number, siginfo_t *info, void *context)
{
    (void)context;
    if (!shim_inside_call()) {
        sigaction(signal_number, signal_number == SIGSEGV ? &program_on_segv : &program_on_bus, NULL);
        return;
    }
    char address[96], seen[SEEN_CHARS];
    describe((uintptr_t)info->si_addr, address, sizeof address);
    snprintf(seen, sizeof seen, "%s (signal %d) touching %s", strsignal(signal_number), signal_number, address);
    check_failed("the stage crashed", "a call that returns", seen);
}

static void misused(const char *what)
{
    check_failed("a system call broke heapmgr.h's contract", "the calls as stages/heapmgr.h describes them", what);
}

void check_init(void)
{
    sysmem_on_release(released);
    sysmem_on_misuse(misused);
    struct sigaction on_crash = { .sa_sigaction = crashed, .sa_flags = SA_SIGINFO | SA_NODEFER };
    sigemptyset(&on_crash.sa_mask);
    sigaction(SIGSEGV, &on_crash, &program_on_segv);
    sigaction(SIGBUS, &on_crash, &program_on_bus);
}
