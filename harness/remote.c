/*
 * remote.c: the checked replay's stage process (see remote.h).
 *
 * The channel holds one request at a time and a turn: whoever holds the turn works, the
 * other waits for it. A stage call goes
 *
 *     checker: CALL_MALLOC, turn to the stage  ->  stage: runs hm_malloc ...
 *                                                  ... which calls hm_sbrk: ASK_SBRK, turn back
 *     checker: simulates it, answers, turn     ->  stage: mirrors the page protections,
 *                                                  hm_malloc goes on and returns: ANSWER, turn back
 *     checker: checks the block
 *
 * A waiting side spins a little first (the answer usually comes within microseconds: the
 * two processes run on two cores), then sleeps on the turn with futex.
 */
#include "remote.h"

#include "heapmgr.h"
#include "isolate.h"
#include "regions.h"
#include "simmem.h"

#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum request {
    /* the checker asks, the stage answers with ANSWER */
    CALL_MALLOC = 1, CALL_FREE, CALL_REALLOC, CALL_CALLOC, CALL_CHECK, CALL_LEAVE,
    /* the stage asks during a call, the checker answers with ANSWER */
    ASK_BRK, ASK_SBRK, ASK_MMAP, ASK_MUNMAP,
    ANSWER,
};

enum turn { TURN_CHECKER, TURN_STAGE };

enum { MOST_PROTECTIONS = 8 }; /* a simulated call changes protections twice at most */

struct channel {
    _Atomic uint32_t turn;
    _Atomic uint32_t sleeping[2]; /* by turn: that side sleeps in futex, so wake it */
    uint32_t request;
    uint64_t argument[6];
    uint64_t answer;
    int answer_errno;
    /* With an ANSWER to an ASK_: the page protections the simulation changed, to mirror. */
    uint32_t protection_count;
    struct protection {
        uint64_t start, end;
        uint32_t accessible;
    } protections[MOST_PROTECTIONS];
    /* The stage's process reports its faults and hm_todo here (isolate.h). */
    struct child_report stage_report;
};

static struct channel *channel;
static pid_t stage_pid;

/* ---- taking turns ----------------------------------------------------------------------- */

static long futex(_Atomic uint32_t *word, int operation, uint32_t value, const struct timespec *timeout)
{
    return syscall(SYS_futex, (uint32_t *)word, operation, value, timeout, NULL, 0);
}

static inline void pause_briefly(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* Sequentially consistent, with the sleeper's flag and its second look at the turn: either
 * the waker sees the flag, or the sleeper sees the new turn, so no wake is lost; and a waker
 * whose partner is still spinning makes no system call. */
static void hand_turn_to(enum turn whose)
{
    atomic_store(&channel->turn, whose);
    if (atomic_load(&channel->sleeping[whose]))
        futex(&channel->turn, FUTEX_WAKE, 1, NULL);
}

/* Spin, then sleep until the turn is `mine`. `check_other` (the checker's side) is called
 * when a sleep times out: the other side may have died. */
static void wait_for_turn(enum turn mine, void (*check_other)(void))
{
    enum { SPINS = 300 }; /* a few microseconds: longer only burns a core the other side may need */
    for (int i = 0; i < SPINS; i++) {
        if (atomic_load_explicit(&channel->turn, memory_order_acquire) == (uint32_t)mine)
            return;
        pause_briefly();
    }
    const struct timespec a_while = { 0, 20 * 1000 * 1000 };
    for (;;) {
        atomic_store(&channel->sleeping[mine], 1);
        if (atomic_load(&channel->turn) == (uint32_t)mine)
            break;
        futex(&channel->turn, FUTEX_WAIT, mine == TURN_STAGE ? TURN_CHECKER : TURN_STAGE,
              check_other != NULL ? &a_while : NULL);
        if (atomic_load(&channel->turn) == (uint32_t)mine)
            break;
        if (check_other != NULL)
            check_other();
    }
    atomic_store(&channel->sleeping[mine], 0);
}

/* ---- the stage's process ------------------------------------------------------------------ */

/* A simulated call, asked of the checker; its page protections mirrored here. */
static uint64_t ask_checker(enum request request, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                            uint64_t a4, uint64_t a5)
{
    channel->request = request;
    channel->argument[0] = a0, channel->argument[1] = a1, channel->argument[2] = a2;
    channel->argument[3] = a3, channel->argument[4] = a4, channel->argument[5] = a5;
    hand_turn_to(TURN_CHECKER);
    wait_for_turn(TURN_STAGE, NULL);
    uint32_t count = channel->protection_count;
    for (uint32_t i = 0; i < count && i < MOST_PROTECTIONS; i++) {
        const struct protection *p = &channel->protections[i];
        mprotect((void *)(uintptr_t)p->start, p->end - p->start,
                 p->accessible ? PROT_READ | PROT_WRITE : PROT_NONE);
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
    return (void *)(uintptr_t)ask_checker(ASK_MMAP, (uintptr_t)addr, length, (uint64_t)prot,
                                          (uint64_t)flags, (uint64_t)fd, (uint64_t)offset);
}

static int forward_munmap(void *addr, size_t length)
{
    return (int)ask_checker(ASK_MUNMAP, (uintptr_t)addr, length, 0, 0, 0, 0);
}

static const struct simmem_forwarder forwarder = {
    .brk = forward_brk, .sbrk = forward_sbrk, .mmap = forward_mmap, .munmap = forward_munmap,
};

static _Noreturn void serve_calls(void)
{
    for (;;) {
        wait_for_turn(TURN_STAGE, NULL);
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
        hand_turn_to(TURN_CHECKER);
    }
}

/* ---- the checker's process ---------------------------------------------------------------- */

/* The stage's process ended while the checker waited for it: end the same way. */
static void check_stage_alive(void)
{
    int status;
    if (waitpid(stage_pid, &status, WNOHANG) == stage_pid)
        isolate_end_as_stage_ended(&channel->stage_report, status);
}

static void note_protection(uintptr_t start, uintptr_t end, int accessible)
{
    uint32_t at = channel->protection_count;
    if (at < MOST_PROTECTIONS)
        channel->protections[at] = (struct protection){ start, end, (uint32_t)accessible };
    channel->protection_count = at + 1;
}

/* A simulated call the stage's process asked for, served here with this process's state. The
 * arguments are the stage's claims, checked by the simulation as any call's are. */
static void serve_ask(enum request request, const uint64_t a[6])
{
    channel->protection_count = 0;
    errno = 0;
    uint64_t answer;
    switch (request) {
    case ASK_BRK: answer = (uint64_t)(int64_t)hm_brk((void *)(uintptr_t)a[0]); break;
    case ASK_SBRK: answer = (uintptr_t)hm_sbrk((intptr_t)a[0]); break;
    case ASK_MMAP:
        answer = (uintptr_t)hm_mmap((void *)(uintptr_t)a[0], a[1], (int)a[2], (int)a[3], (int)a[4], (off_t)a[5]);
        break;
    default: answer = (uintptr_t)hm_munmap((void *)(uintptr_t)a[0], a[1]); break;
    }
    channel->answer = answer;
    channel->answer_errno = errno;
}

/* Ask the stage for a call; serve what it asks meanwhile; return its answer. */
static uint64_t call_stage(enum request request, uint64_t a0, uint64_t a1)
{
    channel->request = request;
    channel->argument[0] = a0;
    channel->argument[1] = a1;
    hand_turn_to(TURN_STAGE);
    for (;;) {
        wait_for_turn(TURN_CHECKER, check_stage_alive);
        enum request asked = channel->request; /* read once: the other side may write again */
        if (asked == ANSWER)
            return channel->answer;
        uint64_t a[6];
        memcpy(a, channel->argument, sizeof a);
        if (asked >= ASK_BRK && asked <= ASK_MUNMAP) {
            serve_ask(asked, a);
        } else {
            simmem_violation("the stage's process wrote to the replay's channel (request %u)", (unsigned)asked);
            channel->answer = 0;
        }
        hand_turn_to(TURN_STAGE);
    }
}

void *remote_malloc(size_t size)
{
    return (void *)(uintptr_t)call_stage(CALL_MALLOC, size, 0);
}

void remote_free(void *ptr)
{
    call_stage(CALL_FREE, (uintptr_t)ptr, 0);
}

void *remote_realloc(void *ptr, size_t size)
{
    return (void *)(uintptr_t)call_stage(CALL_REALLOC, (uintptr_t)ptr, size);
}

void *remote_calloc(size_t nmemb, size_t size)
{
    return (void *)(uintptr_t)call_stage(CALL_CALLOC, nmemb, size);
}

int remote_check(void)
{
    return (int)(int64_t)call_stage(CALL_CHECK, 0, 0);
}

int remote_start(const struct remote_hidden hidden[REMOTE_MOST_HIDDEN], char *error, size_t error_size)
{
    void *page = mmap(NULL, sizeof *channel, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        snprintf(error, error_size, "cannot share a page with the stage's process: %s", strerror(errno));
        return -1;
    }
    channel = page;
    atomic_store(&channel->turn, TURN_CHECKER);
    simmem_on_protect(note_protection);
    /* This process's own mprotect decides when the kernel runs out of regions for simulated
     * mappings (the stage's process mirrors it): it starts with the count every replay child
     * that runs a stage starts with (regions.h), as the stage's process does once it is made. */
    regions_pad_to(REGIONS_AT_STAGE_START);
    fflush(NULL);
    stage_pid = fork();
    for (int attempt = 1; stage_pid < 0 && errno == EAGAIN && attempt <= 8; attempt++) {
        struct timespec pause = { 0, 100000000L * attempt };
        nanosleep(&pause, NULL);
        stage_pid = fork();
    }
    if (stage_pid < 0) {
        snprintf(error, error_size, "cannot start the stage's process: %s", strerror(errno));
        return -1;
    }
    if (stage_pid == 0) {
        isolate_become_stage_process(&channel->stage_report);
        for (int i = 0; i < REMOTE_MOST_HIDDEN; i++)
            if (hidden[i].start != NULL)
                munmap(hidden[i].start, hidden[i].bytes);
        simmem_on_protect(NULL);
        simmem_forward_to(&forwarder);
        isolate_enter_stage();
        serve_calls();
    }
    return 0;
}

void remote_stop(void)
{
    if (stage_pid <= 0)
        return;
    channel->request = CALL_LEAVE;
    hand_turn_to(TURN_STAGE);
    /* A stage's process that will not leave is not waited for long. */
    for (int tries = 0; tries < 100; tries++) {
        if (waitpid(stage_pid, NULL, WNOHANG) == stage_pid) {
            stage_pid = 0;
            return;
        }
        struct timespec pause = { 0, 10 * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
    kill(stage_pid, SIGKILL);
    waitpid(stage_pid, NULL, 0);
    stage_pid = 0;
}
