/*
 * test_slots.c: grader/slots.h as a specification.
 *
 * The slots here have lock files in a directory of their own and users from 64900 up, so that
 * no grading running at the same time (slots from 64100 up, in /run/heapkit-slots) is touched.
 * Needs root; run as another user, only the refusal is tested.
 */
#include "slots.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { BASE = 64900, COUNT = 4 };

static char lock_dir[256];  /* this program's slot directory */
static char error[512];

static void make_dir(char *path, size_t size, const char *name)
{
    snprintf(path, size, "%s/heapkit-test-%s.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", name);
    if (mkdtemp(path) == NULL) {
        perror("test_slots: mkdtemp");
        exit(2);
    }
}

static void remove_tree(const char *path)
{
    char command[512];
    snprintf(command, sizeof command, "rm -rf '%s'", path);
    (void)!system(command);
}

static void test_slots_need_root(void)
{
    pid_t child = fork();
    if (child == 0) {
        if (setresgid(BASE, BASE, BASE) != 0 || setresuid(BASE, BASE, BASE) != 0)
            _exit(3);
        struct slot slot;
        int refused = slot_acquire(lock_dir, BASE, COUNT, &slot, error, sizeof error) == -1 &&
                      strstr(error, "need root") != NULL && slot.index == -1;
        _exit(refused ? 0 : 1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_two_gradings_get_two_users(void)
{
    struct slot a, b, c;
    expect(slot_acquire(lock_dir, BASE, COUNT, &a, error, sizeof error) == 0);
    expect(slot_acquire(lock_dir, BASE, COUNT, &b, error, sizeof error) == 0);
    expect(a.index == 0 && a.uid == BASE);
    expect(b.index == 1 && b.uid == BASE + 1);
    /* The first free one is taken again once it is let go. */
    expect(slot_release(&a, error, sizeof error) == 0 && a.index == -1 && a.lock_fd == -1);
    expect(slot_acquire(lock_dir, BASE, COUNT, &c, error, sizeof error) == 0);
    expect(c.index == 0 && c.uid == BASE);
    slot_release(&b, error, sizeof error);
    slot_release(&c, error, sizeof error);
    /* Releasing what is not held does nothing. */
    struct slot none = SLOT_NONE;
    expect(slot_release(&none, error, sizeof error) == 0);
}

static void test_a_slot_is_held_against_other_processes(void)
{
    struct slot held;
    expect(slot_acquire(lock_dir, BASE, 1, &held, error, sizeof error) == 0);
    pid_t child = fork();
    if (child == 0) {
        struct slot other;
        int taken = slot_acquire(lock_dir, BASE, 1, &other, error, sizeof error) == -1 &&
                    strstr(error, "every one of the 1 grading slots") != NULL;
        _exit(taken ? 0 : 1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    slot_release(&held, error, sizeof error);
}

/* A process of the slot's user that left its process group and session, and whose parent
 * ended (setsid, then a double fork): kill_all still ends it. */
static void test_kill_all_ends_a_process_that_left_its_session(void)
{
    const uid_t user = BASE + 2;
    int pids[2];
    expect(pipe(pids) == 0);
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); /* its orphans come to us, to be reaped */
    pid_t child = fork();
    if (child == 0) {
        if (setresgid(user, user, user) != 0 || setresuid(user, user, user) != 0)
            _exit(3);
        setsid();
        if (fork() == 0) {
            if (fork() == 0) {
                setsid();
                signal(SIGHUP, SIG_IGN);
                signal(SIGTERM, SIG_IGN);
                pid_t self = getpid();
                (void)!write(pids[1], &self, sizeof self);
                for (;;)
                    pause();
            }
            _exit(0);
        }
        _exit(0);
    }
    close(pids[1]);
    pid_t escaped = 0;
    expect(read(pids[0], &escaped, sizeof escaped) == (ssize_t)sizeof escaped && escaped > 0);
    close(pids[0]);
    waitpid(child, NULL, 0);
    while (waitpid(-1, NULL, WNOHANG) > 0) /* the middle one */
        ;
    expect(kill(escaped, 0) == 0); /* alive, as the user */
    expect(slot_kill_all(user, error, sizeof error) == 0);
    int status = 0;
    expect(waitpid(escaped, &status, 0) == escaped);
    expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    expect(kill(escaped, 0) == -1 && errno == ESRCH);
    /* Nothing else of ours was touched: we are alive to say so. */
    expect(slot_kill_all(0, error, sizeof error) == -1);
    prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
}

/* Taking a slot ends what a crashed grading left running as its user. */
static void test_acquire_ends_leftovers(void)
{
    const uid_t user = BASE; /* slot 0 of lock_dir */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    pid_t left = fork();
    if (left == 0) {
        if (setresgid(user, user, user) != 0 || setresuid(user, user, user) != 0)
            _exit(3);
        setsid();
        for (;;)
            pause();
    }
    usleep(100 * 1000);
    struct slot slot;
    expect(slot_acquire(lock_dir, BASE, COUNT, &slot, error, sizeof error) == 0 && slot.uid == user);
    int status = 0;
    expect(waitpid(left, &status, 0) == left && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    slot_release(&slot, error, sizeof error);
    prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
}

static void test_a_lock_file_or_directory_not_roots_is_refused(void)
{
    char dir[256], path[512];
    struct slot slot;

    make_dir(dir, sizeof dir, "slots-link");
    snprintf(path, sizeof path, "%s/uid-%d.lock", dir, BASE);
    expect(symlink("/etc/passwd", path) == 0);
    expect(slot_acquire(dir, BASE, COUNT, &slot, error, sizeof error) == -1 && slot.index == -1);
    expect_text(error, "is a symlink: refused");
    remove_tree(dir);

    make_dir(dir, sizeof dir, "slots-owner");
    snprintf(path, sizeof path, "%s/uid-%d.lock", dir, BASE);
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    expect(fd >= 0 && fchown(fd, BASE, BASE) == 0);
    close(fd);
    expect(slot_acquire(dir, BASE, COUNT, &slot, error, sizeof error) == -1);
    expect_text(error, "is not a root-owned regular file: refused");
    remove_tree(dir);

    make_dir(dir, sizeof dir, "slots-dir");
    snprintf(path, sizeof path, "%s/linked", dir);
    expect(symlink(lock_dir, path) == 0);
    expect(slot_acquire(path, BASE, COUNT, &slot, error, sizeof error) == -1);
    expect_text(error, "is a symlink or not a directory: refused");
    expect(chown(dir, BASE, BASE) == 0);
    expect(slot_acquire(dir, BASE, COUNT, &slot, error, sizeof error) == -1);
    expect_text(error, "is not root-owned with mode 0700: refused");
    expect(chown(dir, 0, 0) == 0 && chmod(dir, 0777) == 0);
    expect(slot_acquire(dir, BASE, COUNT, &slot, error, sizeof error) == -1);
    expect_text(error, "is not root-owned with mode 0700: refused");
    remove_tree(dir);
}

/* What the slot's user made in a work directory is root's afterwards; no link is followed. */
static void test_disown_hands_the_users_files_to_root(void)
{
    const uid_t user = BASE + 3;
    char dir[256], path[512], outside[512];
    make_dir(dir, sizeof dir, "slots-disown");
    snprintf(outside, sizeof outside, "%s.outside", dir);
    int fd = open(outside, O_WRONLY | O_CREAT, 0644);
    expect(fd >= 0 && fchown(fd, user, user) == 0);
    close(fd);
    const char *made[] = { "build", "build/stage", "build/stage/stage.o" };
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, made[i]);
        if (i < 2)
            expect(mkdir(path, 0700) == 0);
        else
            close(open(path, O_WRONLY | O_CREAT, 04755)); /* a set-user-ID bit, for good measure */
        expect(lchown(path, user, user) == 0);
    }
    snprintf(path, sizeof path, "%s/build/stage/link", dir);
    expect(symlink(outside, path) == 0 && lchown(path, user, user) == 0);
    snprintf(path, sizeof path, "%s/kit.h", dir);
    close(open(path, O_WRONLY | O_CREAT, 0644)); /* root's already */

    expect(slot_disown(dir, user, error, sizeof error) == 4);
    struct stat st;
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, made[i]);
        expect(lstat(path, &st) == 0 && st.st_uid == 0 && st.st_gid == 0);
    }
    snprintf(path, sizeof path, "%s/build/stage/stage.o", dir);
    expect(lstat(path, &st) == 0 && !(st.st_mode & S_ISUID));
    snprintf(path, sizeof path, "%s/build/stage/link", dir);
    expect(lstat(path, &st) == 0 && st.st_uid == 0);
    expect(stat(outside, &st) == 0 && st.st_uid == user); /* the link's target is not touched */
    expect(slot_disown(dir, user, error, sizeof error) == 0);
    unlink(outside);
    remove_tree(dir);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (geteuid() != 0) {
        printf("# not root: only the refusal is tested (slots need root)\n");
        snprintf(lock_dir, sizeof lock_dir, "/tmp/heapkit-test-slots-unused");
        RUN(test_slots_need_root);
        return unit_exit_status();
    }
    make_dir(lock_dir, sizeof lock_dir, "slots");
    RUN(test_slots_need_root);
    RUN(test_two_gradings_get_two_users);
    RUN(test_a_slot_is_held_against_other_processes);
    RUN(test_kill_all_ends_a_process_that_left_its_session);
    RUN(test_acquire_ends_leftovers);
    RUN(test_a_lock_file_or_directory_not_roots_is_refused);
    RUN(test_disown_hands_the_users_files_to_root);
    remove_tree(lock_dir);
    return unit_exit_status();
}
