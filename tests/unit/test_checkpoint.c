/*
 * test_checkpoint.c: a replay child's checkpoints, served by the runner (checkpoint.h,
 * isolate_run_checkpointed), as a specification.
 *
 * Each test runs a small body in a child through isolate_run_checkpointed, with a server that
 * records what it was given. None asserts how fast anything is: only what the runner saw, in
 * what order, and lower bounds of CPU time the child itself spent and knows it spent.
 */
#include "checkpoint.h"
#include "isolate.h"
#include "unit.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

enum { MOST_SEEN = 16 };

/* What the server saw; refuse_at: the checkpoint it refuses (0: none); delay_ms: how long it
 * keeps the child waiting at each one. */
struct served {
    uint32_t count;
    uint32_t numbers[MOST_SEEN];
    uint64_t cpu_ns[MOST_SEEN];
    uint64_t instructions[MOST_SEEN];
    uint32_t refuse_at;
    long delay_ms;
};

static int serve(void *context, uint32_t number, const struct checkpoint_reading *reading)
{
    struct served *served = context;
    if (served->count < MOST_SEEN) {
        served->numbers[served->count] = number;
        served->cpu_ns[served->count] = reading->cpu_ns;
        served->instructions[served->count] = reading->instructions;
        served->count++;
    }
    if (served->delay_ms > 0) {
        struct timespec pause = { 0, served->delay_ms * 1000000L };
        nanosleep(&pause, NULL);
    }
    return number == served->refuse_at ? -1 : 0;
}

/* A word the child sets and the runner reads after it ended. */
static volatile int *shared_flag(void)
{
    static volatile int *flag, unshared; /* unshared: when no page can be had (the test then fails) */
    if (flag == NULL) {
        void *page = mmap(NULL, sizeof *flag, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        flag = page == MAP_FAILED ? &unshared : page;
    }
    *flag = 0;
    return flag;
}

static uint64_t own_cpu_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static volatile uint64_t work_done; /* what burn_cpu computes, so that it is computed */

/* Spend `ns` of the child's own CPU time, as the kernel counts it. */
static void burn_cpu(uint64_t ns)
{
    uint64_t start = own_cpu_ns();
    while (own_cpu_ns() - start < ns)
        for (int i = 0; i < 1000; i++)
            work_done += (uint64_t)i;
}

static struct child_outcome run(void (*body)(void *), struct served *served, uint32_t last, double limit)
{
    const struct checkpoint_server server = { serve, served, last };
    return isolate_run_checkpointed(body, NULL, limit, -1, -1, &server);
}

/* ---- the bodies -------------------------------------------------------------------------- */

static void three_checkpoints(void *unused)
{
    (void)unused;
    checkpoint_reach(1);
    burn_cpu(2000000);
    checkpoint_reach(2);
    burn_cpu(2000000);
    checkpoint_reach(3);
    isolate_report()->finished = 1;
}

enum { BURNED_NS = 30000000 }; /* 30 ms */

static void burns_between(void *unused)
{
    (void)unused;
    checkpoint_reach(1);
    burn_cpu(BURNED_NS);
    checkpoint_reach(2);
    isolate_report()->finished = 1;
}

static void idle_between(void *unused)
{
    (void)unused;
    checkpoint_reach(1);
    checkpoint_reach(2);
    checkpoint_reach(3);
    isolate_report()->finished = 1;
}

static void goes_on_after_two(void *unused)
{
    (void)unused;
    volatile int *went_on = shared_flag();
    checkpoint_reach(1);
    checkpoint_reach(2);
    *went_on = 1; /* must never happen when checkpoint 2 is refused */
    isolate_report()->finished = 1;
}

static void crashes_after_one(void *unused)
{
    (void)unused;
    checkpoint_reach(1);
    abort();
}

static void never_reaches_one(void *unused)
{
    (void)unused;
    for (volatile unsigned long spins = 0;; spins++)
        continue; /* busy: what a time limit is for */
}

static void sleeps_before_one(void *unused)
{
    (void)unused;
    for (;;)
        pause();
}

static void skips_to_five(void *unused)
{
    (void)unused;
    checkpoint_reach(1);
    checkpoint_reach(5);
    isolate_report()->finished = 1;
}

/* ---- the tests --------------------------------------------------------------------------- */

/* Every checkpoint reaches the server once, in order, with the child's CPU time growing. */
static void served_in_order(void)
{
    struct served served = { 0 };
    struct child_outcome outcome = run(three_checkpoints, &served, 3, 10);
    expect(outcome.end == CHILD_FINISHED);
    expect(!outcome.checkpoint_refused);
    expect(served.count == 3);
    expect(served.numbers[0] == 1 && served.numbers[1] == 2 && served.numbers[2] == 3);
    expect(served.cpu_ns[0] != CHECKPOINT_CPU_UNKNOWN);
    expect(served.cpu_ns[0] <= served.cpu_ns[1] && served.cpu_ns[1] <= served.cpu_ns[2]);
}

/* The CPU time the child spends between two checkpoints is in the runner's reading. */
static void child_work_is_counted(void)
{
    struct served served = { 0 };
    struct child_outcome outcome = run(burns_between, &served, 2, 10);
    expect(outcome.end == CHILD_FINISHED);
    expect(served.count == 2);
    expect(served.cpu_ns[1] - served.cpu_ns[0] >= BURNED_NS);
}

/* Where the CPU counts instructions, the runner's reading has the child's: the loop between the
 * checkpoints executes at least one instruction an iteration. Where it counts none, every
 * reading says so (and time alone decides, scaling.h). */
static void child_instructions_are_counted(void)
{
    char why[256];
    int counter = instruction_count_open(getpid(), why, sizeof why);
    instruction_count_close(counter);
    struct served served = { 0 };
    struct child_outcome outcome = run(burns_between, &served, 2, 10);
    expect(outcome.end == CHILD_FINISHED);
    expect(served.count == 2);
    if (counter < 0) {
        expect(served.instructions[0] == INSTRUCTIONS_UNKNOWN && served.instructions[1] == INSTRUCTIONS_UNKNOWN);
        unit_skip("child_instructions_counted_by_the_cpu", why);
        return;
    }
    expect(served.instructions[0] != INSTRUCTIONS_UNKNOWN && served.instructions[1] != INSTRUCTIONS_UNKNOWN);
    expect(served.instructions[1] - served.instructions[0] >= BURNED_NS / 1000);
}

/* A child waiting for the runner sleeps: the runner's 40 ms at each checkpoint are not the
 * child's CPU time (the bound is half of that; a spinning child would use all of it). */
static void waiting_is_not_counted(void)
{
    struct served served = { .delay_ms = 40 };
    struct child_outcome outcome = run(idle_between, &served, 3, 10);
    expect(outcome.end == CHILD_FINISHED);
    expect(served.count == 3);
    expect(served.cpu_ns[2] - served.cpu_ns[0] < 40000000);
}

/* A refused checkpoint: the child is killed there, before it takes one more step. */
static void refused_checkpoint_kills(void)
{
    struct served served = { .refuse_at = 2 };
    volatile int *went_on = shared_flag();
    struct child_outcome outcome = run(goes_on_after_two, &served, 2, 10);
    expect(outcome.checkpoint_refused);
    expect(outcome.refused_checkpoint == 2);
    expect(outcome.end == CHILD_SIGNALED && outcome.signal == SIGKILL);
    expect(*went_on == 0);
}

/* A child that dies between checkpoints ends as it would without them. */
static void crash_between_checkpoints(void)
{
    struct served served = { 0 };
    struct child_outcome outcome = run(crashes_after_one, &served, 2, 10);
    expect(outcome.end == CHILD_SIGNALED && outcome.signal == SIGABRT);
    expect(!outcome.checkpoint_refused);
    expect(served.count == 1);
}

/* The time limit holds while the runner waits for a checkpoint. */
static void time_limit_while_waiting(void)
{
    struct served served = { 0 };
    struct child_outcome outcome = run(never_reaches_one, &served, 2, 0.3);
    expect(outcome.end == CHILD_TIMED_OUT);
    expect(served.count == 0);
}

/* A child asleep with no checkpoint pending waits on something else, using no CPU: a hang, stopped
 * long before the time limit. */
static void asleep_is_a_hang(void)
{
    struct served served = { 0 };
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct child_outcome outcome = run(sleeps_before_one, &served, 2, 30);
    clock_gettime(CLOCK_MONOTONIC, &end);
    expect(outcome.end == CHILD_HUNG);
    expect(served.count == 0);
    expect((double)(end.tv_sec - start.tv_sec) < 10);
    expect_text(isolate_report()->hang_reason, "slept in the kernel without reaching a checkpoint");
}

/* The server is told every number the child gives; what is due is its business. */
static void numbers_as_given(void)
{
    struct served served = { .refuse_at = 5 };
    struct child_outcome outcome = run(skips_to_five, &served, 3, 10);
    expect(outcome.checkpoint_refused && outcome.refused_checkpoint == 5);
    expect(served.count == 2 && served.numbers[1] == 5);
}

/* Without a server, checkpoint_reach does not stop: no one would wake the child. */
static void no_server_no_stop(void)
{
    struct child_outcome outcome = isolate_run(three_checkpoints, NULL, 10, -1, -1);
    expect(outcome.end == CHILD_FINISHED);
}

int main(void)
{
    RUN(served_in_order);
    RUN(child_work_is_counted);
    RUN(child_instructions_are_counted);
    RUN(waiting_is_not_counted);
    RUN(refused_checkpoint_kills);
    RUN(crash_between_checkpoints);
    RUN(time_limit_while_waiting);
    RUN(asleep_is_a_hang);
    RUN(numbers_as_given);
    RUN(no_server_no_stop);
    return unit_exit_status();
}
