/*
 * slots.c: grading slots: a user per concurrent grading, held by a flock (see slots.h).
 *
 * Ending a user's processes: kill(-1, SIGKILL) made as that user reaches all of them, but its
 * return value cannot say when none is left (Linux returns 0 whenever any other process exists,
 * even one it may not signal). So the child that kills also looks: it reads /proc until no
 * process of the user is alive (zombies are dead already), killing again each round, since one
 * may have forked in between.
 */
#include "slots.h"

#include "privileges.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
    KILL_ROUNDS = 5000,            /* at KILL_PAUSE_NS each: about 5 s */
    KILL_PAUSE_NS = 1000 * 1000,
    DISOWN_OPEN_DIRECTORIES = 32,  /* nftw's descriptors */
};

const char *slot_default_dir(void)
{
    return access("/run", W_OK) == 0 ? "/run/heapkit-slots" : "/tmp/heapkit-slots";
}

/* ---- ending a user's processes ----------------------------------------------------------- */

/* Does /proc/PID/status say this process is alive and belongs to uid (any of its four uids)? */
static int alive_as(const char *pid, uid_t uid)
{
    char path[sizeof "/proc//status" + 256], line[256]; /* a d_name is at most 255 bytes */
    snprintf(path, sizeof path, "/proc/%s/status", pid);
    FILE *status = fopen(path, "re");
    if (status == NULL)
        return 0; /* gone already */
    int zombie = 0, owned = 0;
    while (fgets(line, sizeof line, status) != NULL) {
        unsigned long ids[4];
        if (strncmp(line, "State:", 6) == 0)
            zombie = strchr(line, 'Z') != NULL || strchr(line, 'X') != NULL;
        else if (sscanf(line, "Uid: %lu %lu %lu %lu", &ids[0], &ids[1], &ids[2], &ids[3]) == 4)
            for (int i = 0; i < 4; i++)
                owned |= ids[i] == (unsigned long)uid;
    }
    fclose(status);
    return owned && !zombie;
}

/* How many processes of uid are alive, this one left out; -1 when /proc cannot be read. */
static long count_alive(uid_t uid)
{
    DIR *proc = opendir("/proc");
    if (proc == NULL)
        return -1;
    char self[32];
    snprintf(self, sizeof self, "%ld", (long)getpid());
    long count = 0;
    for (struct dirent *entry = readdir(proc); entry != NULL; entry = readdir(proc))
        if (isdigit((unsigned char)entry->d_name[0]) && strcmp(entry->d_name, self) != 0)
            count += alive_as(entry->d_name, uid);
    closedir(proc);
    return count;
}

/* The child: become uid, kill everything of uid, until nothing is left. Exit status 0: done;
 * 1: could not become uid; 2: /proc unreadable; 3: something is still alive. */
static _Noreturn void kill_as(uid_t uid)
{
    char why[256];
    if (privileges_become(uid, (gid_t)uid, why, sizeof why) != 0)
        _exit(1);
    for (int round = 0; round < KILL_ROUNDS; round++) {
        kill(-1, SIGKILL); /* every process we may signal, that is, every one of uid; not us */
        long left = count_alive(uid);
        if (left < 0)
            _exit(2);
        if (left == 0)
            _exit(0);
        struct timespec pause = { 0, KILL_PAUSE_NS };
        nanosleep(&pause, NULL);
    }
    _exit(3);
}

int slot_kill_all(uid_t uid, char *error, size_t error_size)
{
    if (uid == 0) {
        snprintf(error, error_size, "will not kill every process of root");
        return -1;
    }
    if (geteuid() != 0) {
        snprintf(error, error_size, "ending the processes of user %lu needs root", (unsigned long)uid);
        return -1;
    }
    pid_t child = fork();
    if (child < 0) {
        snprintf(error, error_size, "fork: %s", strerror(errno));
        return -1;
    }
    if (child == 0)
        kill_as(uid);
    int status;
    while (waitpid(child, &status, 0) < 0)
        if (errno != EINTR) {
            snprintf(error, error_size, "waitpid: %s", strerror(errno));
            return -1;
        }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    const char *why = !WIFEXITED(status)             ? "the killing process died"
                      : WEXITSTATUS(status) == 1     ? "cannot become that user"
                      : WEXITSTATUS(status) == 2     ? "cannot read /proc"
                                                     : "a process of that user is still alive after 5 s of SIGKILL";
    snprintf(error, error_size, "ending the processes of user %lu: %s", (unsigned long)uid, why);
    return -1;
}

/* ---- the lock files ------------------------------------------------------------------- */

/* The lock directory: created root-owned 0700 if missing; refused when it is a symlink, not a
 * directory, not root-owned, or open to others. Returns a descriptor or -1. */
static int open_lock_dir(const char *dir, char *error, size_t error_size)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(error, error_size, "cannot make the slot directory %s: %s", dir, strerror(errno));
        return -1;
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0) {
        snprintf(error, error_size, "the slot directory %s %s", dir,
                 errno == ELOOP || errno == ENOTDIR ? "is a symlink or not a directory: refused"
                                                    : "cannot be opened");
        return -1;
    }
    if (fstat(fd, &st) != 0 || st.st_uid != 0 || (st.st_mode & 077) != 0) {
        snprintf(error, error_size, "the slot directory %s is not root-owned with mode 0700: refused", dir);
        close(fd);
        return -1;
    }
    return fd;
}

/* Open (creating) the lock file of uid; refused when it is a symlink or not a root-owned regular
 * file with one link. Returns a descriptor or -1. */
static int open_lock_file(int dir_fd, const char *dir, uid_t uid, char *error, size_t error_size)
{
    char name[64];
    snprintf(name, sizeof name, "uid-%lu.lock", (unsigned long)uid);
    int fd = openat(dir_fd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
    struct stat st;
    if (fd < 0) {
        snprintf(error, error_size, "the slot lock file %s/%s %s", dir, name,
                 errno == ELOOP ? "is a symlink: refused" : "cannot be opened");
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || st.st_nlink != 1) {
        snprintf(error, error_size, "the slot lock file %s/%s is not a root-owned regular file: refused", dir, name);
        close(fd);
        return -1;
    }
    return fd;
}

int slot_acquire(const char *dir, unsigned base, unsigned count, struct slot *slot, char *error,
                 size_t error_size)
{
    *slot = SLOT_NONE;
    if (geteuid() != 0) {
        snprintf(error, error_size, "grading slots need root");
        return -1;
    }
    if (base == 0 || count == 0 || (uid_t)(base + count) < base) {
        snprintf(error, error_size, "no slot: users %u to %u are not a range of users", base, base + count - 1);
        return -1;
    }
    if (dir == NULL)
        dir = slot_default_dir();
    int dir_fd = open_lock_dir(dir, error, error_size);
    if (dir_fd < 0)
        return -1;
    char passed_over[256] = "";
    for (unsigned k = 0; k < count; k++) {
        uid_t uid = (uid_t)(base + k);
        int fd = open_lock_file(dir_fd, dir, uid, error, error_size);
        if (fd < 0) {
            close(dir_fd);
            return -1;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            close(fd); /* another grading holds it */
            continue;
        }
        if (slot_kill_all(uid, passed_over, sizeof passed_over) != 0) {
            close(fd); /* its user has a process we cannot end: not a slot to grade in */
            continue;
        }
        *slot = (struct slot){ .index = (int)k, .uid = uid, .lock_fd = fd };
        close(dir_fd);
        return 0;
    }
    close(dir_fd);
    snprintf(error, error_size, "every one of the %u grading slots (users %u to %u) is taken%s%s", count, base,
             base + count - 1, passed_over[0] ? "; one was passed over: " : "", passed_over);
    return -1;
}

int slot_release(struct slot *slot, char *error, size_t error_size)
{
    if (slot->index < 0)
        return 0;
    int status = slot_kill_all(slot->uid, error, error_size);
    if (slot->lock_fd >= 0)
        close(slot->lock_fd); /* the flock goes with the last descriptor of the open file */
    *slot = SLOT_NONE;
    return status;
}

/* ---- what a slot's user left in a directory --------------------------------------------- */

/* nftw gives no user pointer: one walk at a time (the grader is one thread). */
static struct {
    uid_t uid;
    long found;
    int failed;
    char failure[256];
} disowning;

static int disown_one(const char *path, const struct stat *st, int type, struct FTW *where)
{
    (void)where;
    if (type == FTW_NS || type == FTW_DNR) {
        disowning.failed = 1;
        snprintf(disowning.failure, sizeof disowning.failure, "cannot read %s", path);
        return 0;
    }
    if (st->st_uid != disowning.uid && st->st_gid != (gid_t)disowning.uid)
        return 0;
    disowning.found++;
    if (lchown(path, 0, 0) != 0) {
        disowning.failed = 1;
        snprintf(disowning.failure, sizeof disowning.failure, "cannot hand %s to root: %s", path, strerror(errno));
    }
    return 0;
}

long slot_disown(const char *path, uid_t uid, char *error, size_t error_size)
{
    disowning.uid = uid;
    disowning.found = 0;
    disowning.failed = 0;
    disowning.failure[0] = '\0';
    if (nftw(path, disown_one, DISOWN_OPEN_DIRECTORIES, FTW_PHYS | FTW_MOUNT) != 0) {
        snprintf(error, error_size, "cannot walk %s: %s", path, strerror(errno));
        return -1;
    }
    if (disowning.failed) {
        snprintf(error, error_size, "%s", disowning.failure);
        return -1;
    }
    return disowning.found;
}
