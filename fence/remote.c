/* remote.c: the checker's side of a checked replay with the stage apart (see remote.h). */
#include "remote.h"

#include "channel.h"
#include "fence.h"
#include "heapmgr.h"
#include "isolate.h"
#include "simmem.h"
#include "stage_calls.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const struct fence_program *program;
static uint64_t program_data_bytes;

static struct channel *channel;
static int channel_file = -1;
static pid_t stage_pid;
static unsigned sleeps_seen; /* checks that found the program asleep in its own call */

void remote_use_program(const struct fence_program *chosen, uint64_t data_bytes)
{
    program = chosen;
    program_data_bytes = data_bytes;
}

int remote_in_use(void)
{
    return program != NULL;
}

/* ---- watching the stage program --------------------------------------------------------- */

/* While the checker waits for the program (every 20 ms): it may have died; or it may sleep in
 * the kernel during its own call, which the protocol never does (its waits are in the
 * checker's turn), so it is a hang that uses no CPU: one wake-up in case it missed ours (its
 * sleeping flag is a claim), then, asleep again, it is stopped. */
static void check_stage(void)
{
    int status;
    if (waitpid(stage_pid, &status, WNOHANG) == stage_pid)
        isolate_end_as_stage_ended(&channel->stage_report, status);
    if (!isolate_process_asleep(stage_pid)) {
        sleeps_seen = 0;
        return;
    }
    if (++sleeps_seen == 1) {
        syscall(SYS_futex, (uint32_t *)&channel->turn, FUTEX_WAKE, 1, NULL, NULL, 0);
        return;
    }
    kill(stage_pid, SIGKILL);
    waitpid(stage_pid, NULL, 0);
    isolate_end_as_hang("the stage slept in the kernel during its call, using no CPU (a replay that "
                        "waits is a hang)");
}

/* ---- simulated system calls, asked by the program ------------------------------------------ */

static void note_protection(uintptr_t start, uintptr_t end, int accessible)
{
    uint32_t at = channel->protection_count;
    if (at < CHANNEL_MOST_PROTECTIONS)
        channel->protections[at] = (struct channel_protection){ start, end, (uint32_t)accessible };
    channel->protection_count = at + 1;
}

/* A simulated call the stage program asked for, served here with this process's state. The
 * arguments are the stage's claims, checked by the simulation as any call's are. */
static void serve_ask(enum channel_request request, const uint64_t a[6])
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

/* Ask the program for a call; serve what it asks meanwhile; return its answer. */
static uint64_t call_stage(enum channel_request request, uint64_t a0, uint64_t a1)
{
    channel->request = request;
    channel->argument[0] = a0;
    channel->argument[1] = a1;
    channel_hand_turn_to(channel, TURN_STAGE);
    for (;;) {
        channel_wait_for_turn(channel, TURN_CHECKER, check_stage);
        sleeps_seen = 0;
        uint32_t asked = channel->request; /* read once: the other side may write again */
        if (asked == ANSWER)
            return channel->answer;
        uint64_t a[6];
        memcpy(a, channel->argument, sizeof a);
        if (asked >= ASK_BRK && asked <= ASK_MUNMAP) {
            serve_ask((enum channel_request)asked, a);
        } else {
            simmem_violation("the stage program wrote to the replay's channel (request %u)", (unsigned)asked);
            channel->answer = 0;
        }
        channel_hand_turn_to(channel, TURN_STAGE);
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

/* ---- starting and stopping ----------------------------------------------------------------- */

static int make_channel(char *error, size_t error_size)
{
    channel_file = memfd_create("heapkit-channel", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    void *page = MAP_FAILED;
    if (channel_file >= 0 && ftruncate(channel_file, (off_t)channel_bytes()) == 0 &&
        fcntl(channel_file, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) == 0)
        page = mmap(NULL, channel_bytes(), PROT_READ | PROT_WRITE, MAP_SHARED, channel_file, 0);
    if (page == MAP_FAILED) {
        snprintf(error, error_size, "cannot make the channel to the stage program: %s", strerror(errno));
        return -1;
    }
    channel = page;
    atomic_store(&channel->turn, TURN_CHECKER);
    return 0;
}

/* What the program's address space holds: simulated memory's reservation, the channel, the
 * program and its data, a stack, and room. */
static uint64_t address_space_bytes(void)
{
    return simmem_reserved_bytes() + channel_bytes() + program_data_bytes + (UINT64_C(96) << 20);
}

int remote_start(char *error, size_t error_size)
{
    if (make_channel(error, error_size) != 0)
        return -1;
    channel->memory_start = simmem_heap_start();
    channel->memory_bytes = simmem_reserved_bytes();
    channel->spin_ns = channel_spin_ns();
    simmem_on_protect(note_protection);
    int stage_cpu = channel_pin_apart();
    fflush(NULL);
    stage_pid = fork();
    for (int attempt = 1; stage_pid < 0 && errno == EAGAIN && attempt <= 8; attempt++) {
        struct timespec pause = { 0, 100000000L * attempt };
        nanosleep(&pause, NULL);
        stage_pid = fork();
    }
    if (stage_pid < 0) {
        snprintf(error, error_size, "cannot start the stage program: %s", strerror(errno));
        return -1;
    }
    if (stage_pid == 0) {
        isolate_become_stage_process(&channel->stage_report);
        const int fds[] = { channel_file, simmem_memory_file() };
        char *const argv[] = { "stage", "checked", NULL };
        const struct fence_launch launch = {
            .mode = FENCE_CHECKED, .filter = fence_confinement()->filter, .fds = fds, .fd_count = 2,
            .stderr_fd = -1, .argv = argv, .data_bytes = program_data_bytes,
            .address_space_bytes = address_space_bytes(), .cpu_seconds = isolate_time_limit(), .cpu = stage_cpu,
        };
        fence_exec(program, &launch);
    }
    return 0;
}

void remote_stop(void)
{
    if (stage_pid <= 0)
        return;
    /* It has nothing to say at the end: the checker has all it needs. */
    kill(stage_pid, SIGKILL);
    waitpid(stage_pid, NULL, 0);
    stage_pid = 0;
    channel_unpin();
}

const struct stage_calls STAGE_APART = {
    .name = "apart", .apart = 1, .start = remote_start, .stop = remote_stop, .malloc = remote_malloc,
    .free = remote_free, .realloc = remote_realloc, .calloc = remote_calloc, .check = remote_check,
};
