/*
 * calls.c: known allocation calls, for tests/jobs/record.sh. Recorded with build/record, the
 * operations between its two markers (malloc(90001) freed at once, and malloc(90002) freed at
 * once) must be exactly those of tests/record/calls.expect; the rest of the trace is checked by
 * counts.
 *
 * In order:
 *   1. three worker threads start and wait (pthread_create allocates for itself: before the
 *      first marker);
 *   2. the first marker, then every allocation function once or more, the failed calls among
 *      them (which leave nothing), on the main thread;
 *   3. the workers take turns, one at a time, each allocating, reallocating and freeing a block
 *      the main thread gave it (so their order is known);
 *   4. a forked child allocates 77777 bytes and exits: not in the trace;
 *   5. the second marker;
 *   6. the workers at once: each STRESS_ROUNDS times malloc(6000 + its number) and free, then
 *      they end;
 *   7. a forked child execs this program with --child, which allocates 66666 bytes (freed) and
 *      55555 (left live): in the trace only with build/record --follow.
 * Blocks of steps 2 and 3 stay live at the end. Nothing is printed (stdio allocates), but a
 * failure, on stderr, with exit status 1.
 *
 * Built with -fno-builtin: a compiler that knows malloc may drop a call whose block is unused.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { WORKERS = 3, STRESS_ROUNDS = 1000 };

/* Every block goes here, so that no call can be taken for dead. */
static void *volatile sink;
/* SIZE_MAX, which the compiler must not see: it would refuse the calls that fail on purpose;
 * and an alignment that is not a power of two, which clang refuses as well. */
static volatile size_t too_many = SIZE_MAX;
static volatile size_t odd_alignment = 24;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int turn;       /* the worker whose turn it is in step 3, -1 for none */
    int finished;   /* workers done with step 3 */
    int stress;     /* step 6 may start */
    void *handed[WORKERS];
    void *kept[WORKERS];
} shared = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, -1, 0, 0, { NULL }, { NULL } };

static void fail(const char *what)
{
    fprintf(stderr, "calls: %s\n", what);
    exit(1);
}

static void *keep(void *block)
{
    sink = block;
    return block;
}

static void marker(size_t bytes)
{
    free(keep(malloc(bytes)));
}

static void wait_until(const int *flag, int value)
{
    while (*flag != value)
        pthread_cond_wait(&shared.changed, &shared.lock);
}

static void *worker(void *argument)
{
    int number = (int)(intptr_t)argument;
    pthread_mutex_lock(&shared.lock);
    wait_until(&shared.turn, number);
    void *mine = keep(malloc(2000 + (size_t)number));
    mine = keep(realloc(mine, 3000 + (size_t)number));
    free(shared.handed[number]);
    shared.kept[number] = mine;
    shared.finished++;
    shared.turn = -1;
    pthread_cond_broadcast(&shared.changed);
    wait_until(&shared.stress, 1);
    pthread_mutex_unlock(&shared.lock);
    for (int round = 0; round < STRESS_ROUNDS; round++)
        free(keep(malloc(6000 + (size_t)number)));
    return NULL;
}

/* Step 2: every function, in the order of calls.expect. */
static void single_thread_calls(void)
{
    void *p0 = keep(malloc(100));
    void *p1 = keep(calloc(10, 24));
    void *p2 = keep(realloc(NULL, 200));
    p0 = keep(realloc(p0, 1000));
    p2 = keep(realloc(p2, 50));
    free(NULL);
    if (keep(malloc(too_many)) != NULL || keep(calloc(too_many, 2)) != NULL)
        fail("a request of SIZE_MAX bytes succeeded");
    void *p3 = NULL, *refused = NULL;
    if (posix_memalign(&p3, 64, 300) != 0 || posix_memalign(&refused, 3, 10) != EINVAL)
        fail("posix_memalign did not do as its contract says");
    keep(p3);
    keep(aligned_alloc(256, 512));
    keep(memalign(32, 40));
    keep(memalign(8, 24));
    keep(memalign(odd_alignment, 10)); /* glibc rounds the alignment up to 32 */
    keep(valloc(100));
    keep(pvalloc(5000));
    if (malloc_usable_size(p0) < 1000)
        fail("malloc_usable_size is below the size asked for");
    void *p10 = keep(reallocarray(NULL, 10, 30));
    p10 = keep(reallocarray(p10, 20, 30));
    if (keep(reallocarray(p10, too_many, 2)) != NULL)
        fail("reallocarray did not refuse an overflowing size");
    free(p1);
    keep(malloc(0)); // NOLINT(clang-analyzer-optin.portability.UnixAPI): malloc(0) is a call recorded
    if (keep(realloc(p2, 0)) != NULL)
        fail("realloc(p, 0) returned a block (this test expects glibc's NULL)");
    free(p3);
    keep(malloc(33));
    keep(strdup("hello"));
}

/* Step 3: one worker after another. */
static void take_turns(void)
{
    for (int number = 0; number < WORKERS; number++)
        shared.handed[number] = keep(malloc(1000 + (size_t)number));
    pthread_mutex_lock(&shared.lock);
    for (int number = 0; number < WORKERS; number++) {
        shared.turn = number;
        pthread_cond_broadcast(&shared.changed);
        wait_until(&shared.finished, number + 1);
    }
    pthread_mutex_unlock(&shared.lock);
    for (int number = 0; number < WORKERS; number++)
        free(shared.kept[number]);
}

/* Steps 4 and 7: a child that allocates (4), or execs this program to (7). */
static void child_allocates(int exec)
{
    pid_t child = fork();
    if (child < 0)
        fail("fork failed");
    if (child == 0) {
        if (exec) {
            char *const argv[] = { "calls", "--child", NULL };
            execv("/proc/self/exe", argv);
            _exit(126);
        }
        keep(malloc(77777));
        _exit(0);
    }
    int status;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("the child failed");
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--child") == 0) {
        marker(66666);
        keep(malloc(55555));
        return 0;
    }
    pthread_t workers[WORKERS];
    for (int number = 0; number < WORKERS; number++)
        if (pthread_create(&workers[number], NULL, worker, (void *)(intptr_t)number) != 0)
            fail("pthread_create failed");
    marker(90001);
    single_thread_calls();
    take_turns();
    child_allocates(0);
    marker(90002);
    pthread_mutex_lock(&shared.lock);
    shared.stress = 1;
    pthread_cond_broadcast(&shared.changed);
    pthread_mutex_unlock(&shared.lock);
    for (int number = 0; number < WORKERS; number++)
        pthread_join(workers[number], NULL);
    child_allocates(1);
    return 0;
}
