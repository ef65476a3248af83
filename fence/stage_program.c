/*
 * stage_program.c: the main of a stage program (fence.h): the one place where a stage's code
 * runs when it is graded. Linked, static, with the stage's object and nothing of the checker:
 *
 *     cc -static STAGE.o libstageside.a -lm -o PROGRAM
 *
 * It starts confined (spawn.h) and speaks one of two protocols, as the runner asks:
 *
 *     PROGRAM checked
 *         fd 3: the channel; fd 4: simulated memory. Serve the checker's calls one at a time
 *         (channel.h); hm_sbrk and the other simulated calls ask the checker.
 *     PROGRAM timed LIMIT OPS IDS MARKS stage|libc MAPPINGS
 *         fd 3: the report; 4: the checkpoints; 5: the operations shown so far; 6: the results.
 *         Run the operations with direct calls and no checks, stopping at each checkpoint
 *         (timed.h); simulated memory is its own, unchecked. MARKS: the operation index of
 *         each "# mark:", comma-separated, or "-"; MAPPINGS: simulated memory's budget of
 *         mappings (simmem.h), the same as the checked replay's.
 *
 * Nothing here is trusted: the stage may replace any of it. What it writes to shared memory
 * the runner checks; what it does to its own process is its own business.
 */
#include "channel.h"
#include "checkpoint.h"
#include "fence.h"
#include "heapmgr.h"
#include "isolate.h"
#include "simmem.h"
#include "timed.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Map a shared memory file at the fixed address the filter and the runner expect. */
static void *map_at(uintptr_t address, size_t bytes, int protection, int fd, const char *what)
{
    void *mapped = mmap((void *)address, bytes, protection, MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
    if (mapped != (void *)address) {
        char why[160];
        snprintf(why, sizeof why, "the stage program cannot map %s at 0x%llx: %s", what,
                 (unsigned long long)address, strerror(errno));
        isolate_setup_failed(why);
    }
    close(fd);
    return mapped;
}

/* ---- the checked replay: serve the checker's calls ---------------------------------------- */

static struct channel *channel;

/* A simulated call, asked of the checker; its page protections mirrored here. */
static uint64_t ask_checker(enum channel_request request, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                            uint64_t a4, uint64_t a5)
{
    channel->request = request;
    channel->argument[0] = a0, channel->argument[1] = a1, channel->argument[2] = a2;
    channel->argument[3] = a3, channel->argument[4] = a4, channel->argument[5] = a5;
    channel_hand_turn_to(channel, TURN_CHECKER);
    channel_wait_for_turn(channel, TURN_STAGE, NULL);
    uint32_t count = channel->protection_count;
    for (uint32_t i = 0; i < count && i < CHANNEL_MOST_PROTECTIONS; i++) {
        const struct channel_protection *p = &channel->protections[i];
        mprotect((void *)(uintptr_t)p->start, p->end - p->start, p->accessible ? PROT_READ | PROT_WRITE : PROT_NONE);
#ifdef MADV_POPULATE_WRITE
        /* The checker filled these pages in already (simmem.c, populate): map them here too,
         * in one call rather than a page fault at each first touch. */
        uint64_t bytes = p->end - p->start;
        if (p->accessible && simmem_fills_in(bytes, 1))
            madvise((void *)(uintptr_t)p->start, bytes, MADV_POPULATE_WRITE);
#endif
    }
    errno = channel->answer_errno;
    return channel->answer;
}

static int forward_brk(void *addr)
{
    return (int)ask_checker(ASK_BRK, (uintptr_t)addr, 0, 0, 0, 0, 0);
}

static void *forward_sbrk(intptr_t increment)
{
    return (void *)(uintptr_t)ask_checker(ASK_SBRK, (uint64_t)increment, 0, 0, 0, 0, 0);
}

static void *forward_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
    return (void *)(uintptr_t)ask_checker(ASK_MMAP, (uintptr_t)addr, length, (uint64_t)prot, (uint64_t)flags,
                                          (uint64_t)fd, (uint64_t)offset);
}

static int forward_munmap(void *addr, size_t length)
{
    return (int)ask_checker(ASK_MUNMAP, (uintptr_t)addr, length, 0, 0, 0, 0);
}

static const struct simmem_forwarder forwarder = {
    .brk = forward_brk, .sbrk = forward_sbrk, .mmap = forward_mmap, .munmap = forward_munmap,
};

/* Before the stage's constructors (below): the channel mapped, faults reported there. */
static void map_channel(void)
{
    channel = map_at(FENCE_CHANNEL_ADDRESS, channel_bytes(), PROT_READ | PROT_WRITE, FENCE_FD_CHANNEL, "the channel");
    isolate_use_report(&channel->stage_report);
    isolate_install_fault_handler();
    map_at((uintptr_t)channel->memory_start, (size_t)channel->memory_bytes, PROT_NONE, FENCE_FD_MEMORY,
           "simulated memory");
    simmem_forward_to(&forwarder);
}

static _Noreturn void serve_checked(void)
{
    for (;;) {
        channel_wait_for_turn(channel, TURN_STAGE, NULL);
        const uint64_t *a = channel->argument;
        uint64_t answer = 0;
        switch (channel->request) {
        case CALL_MALLOC: answer = (uintptr_t)hm_malloc(a[0]); break;
        case CALL_FREE: hm_free((void *)(uintptr_t)a[0]); break;
        case CALL_REALLOC: answer = (uintptr_t)hm_realloc((void *)(uintptr_t)a[0], a[1]); break;
        case CALL_CALLOC: answer = (uintptr_t)hm_calloc(a[0], a[1]); break;
        case CALL_CHECK: answer = (uint64_t)(int64_t)hm_check(); break;
        case CALL_LEAVE: isolate_leave();
        default: break;
        }
        channel->answer = answer;
        channel->request = ANSWER;
        channel_hand_turn_to(channel, TURN_CHECKER);
    }
}

/* ---- the timed replay --------------------------------------------------------------------- */

static uint64_t number_argument(const char *text)
{
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0')
        isolate_setup_failed("the stage program was started with a bad number");
    return value;
}

static size_t whole_pages(size_t bytes)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (bytes ? bytes + page - 1 : page) / page * page;
}

/* Before the stage's constructors (below): the report mapped, faults reported there. */
static void map_report(void)
{
    struct child_report *report =
        map_at(FENCE_REPORT_ADDRESS, isolate_report_bytes(), PROT_READ | PROT_WRITE, FENCE_FD_REPORT, "the report");
    isolate_use_report(report);
    isolate_install_fault_handler();
    checkpoint_use_page(map_at(FENCE_CHECKPOINT_ADDRESS, (size_t)sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE,
                               FENCE_FD_CHECKPOINT, "the checkpoints"));
}

static _Noreturn void run_timed(char **argv)
{
    struct timed_work work = {
        .limit_bytes = number_argument(argv[2]),
        .op_count = (uint32_t)number_argument(argv[3]),
        .id_count = (uint32_t)number_argument(argv[4]),
        .use_libc = strcmp(argv[6], "libc") == 0,
    };
    uint32_t segment_ends[TRACE_MAX_MARKS + 1];
    if (strcmp(argv[5], "-") != 0) {
        for (char *mark = strtok(argv[5], ","); mark != NULL && work.mark_count < TRACE_MAX_MARKS;
             mark = strtok(NULL, ","))
            segment_ends[work.mark_count++] = (uint32_t)number_argument(mark);
    }
    segment_ends[work.mark_count] = work.op_count;
    work.segment_ends = segment_ends;
    simmem_set_mapping_budget(number_argument(argv[7]));
    work.ops = map_at(FENCE_SHOWN_ADDRESS, whole_pages((size_t)work.op_count * sizeof *work.ops), PROT_READ,
                      FENCE_FD_SHOWN, "the operations");
    work.observed = map_at(FENCE_OBSERVED_ADDRESS, whole_pages((size_t)work.op_count * sizeof *work.observed),
                           PROT_READ | PROT_WRITE, FENCE_FD_OBSERVED, "the results");
    timed_run(&work);
    isolate_leave();
}

static int is_checked(int argc, char **argv)
{
    return argc == 2 && strcmp(argv[1], "checked") == 0;
}

static int is_timed(int argc, char **argv)
{
    return argc == 8 && strcmp(argv[1], "timed") == 0;
}

/* Run before the program's constructors, the stage's among them (a .preinit_array entry comes
 * first, unless the stage has one of its own: then only its messages are the poorer), so that
 * a refused call or a crash in a constructor is reported, and named, as any other. */
static void set_up_before_the_stage(int argc, char **argv, char **environment)
{
    (void)environment;
    /* A stray printf is then refused at once, by name, rather than buffered. */
    setvbuf(stdout, NULL, _IONBF, 0);
    if (is_checked(argc, argv))
        map_channel();
    else if (is_timed(argc, argv))
        map_report();
}

__attribute__((used, section(".preinit_array")))
static void (*const set_up)(int, char **, char **) = set_up_before_the_stage;

int main(int argc, char **argv)
{
    if (is_checked(argc, argv))
        serve_checked();
    if (is_timed(argc, argv))
        run_timed(argv);
    fprintf(stderr, "a stage program: the grader's runner starts it (fence/stage_program.c)\n");
    return 2;
}
