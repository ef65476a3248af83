/*
 * slots.h: one grading slot per concurrent grading, so that each submission's untrusted
 * processes (its build tools in the jail, its stage program) run as a user of their own, which
 * no other grading shares while it holds the slot.
 *
 * Slot K is the user and group base + K (base 64100 by default: Debian leaves 60000-64999 to
 * the local administrator for such use; no /etc/passwd entry is needed). A slot is held by an
 * exclusive flock on the lock file uid-UID.lock in a root-owned directory of mode 0700:
 * /run/heapkit-slots when /run is writable, else /tmp/heapkit-slots. The lock goes with the
 * process: a grader that crashed holds nothing.
 *
 * A user's processes are ended by a means none of them can leave: a child of ours becomes that
 * user and calls kill(-1, SIGKILL), which reaches every process whose real or saved user is that
 * user, whatever its process group, session or PID namespace; a process cannot leave its user.
 * Acquiring and releasing a slot both do it (a crashed grading may have left processes).
 */
#ifndef SLOTS_H
#define SLOTS_H

#include <stddef.h>
#include <sys/types.h>

enum { SLOT_UID_BASE_DEFAULT = 64100, SLOT_COUNT_DEFAULT = 64 };

struct slot {
    int index;   /* K, from 0 to count-1; -1: no slot is held */
    uid_t uid;   /* base + K; the group has the same number */
    int lock_fd; /* holds the flock; -1: none */
};

/* A slot that is not held (index -1), to initialize a struct slot with. */
#define SLOT_NONE ((struct slot){ .index = -1, .uid = 0, .lock_fd = -1 })

/* /run/heapkit-slots when /run is writable, else /tmp/heapkit-slots. */
const char *slot_default_dir(void);

/*
 * Take the first free slot K in 0..count-1, with its lock files in `dir` (NULL: the default),
 * made root-owned 0700 if missing; end every process of its user. Needs root. Refuses (-1, the
 * reason in error) a directory or lock file that is a symlink or not root-owned, or a directory
 * that others may enter; -1 too when every slot is taken. A slot whose user has a process that
 * cannot be ended is passed over.
 */
int slot_acquire(const char *dir, unsigned base, unsigned count, struct slot *slot, char *error,
                 size_t error_size);

/* End every process of the slot's user, then let the slot go. Returns -1 (the reason in error)
 * when a process could not be ended; the slot is let go all the same. Does nothing for SLOT_NONE. */
int slot_release(struct slot *slot, char *error, size_t error_size);

/* End every process of `uid` (never 0) and wait until none is left but zombies. Needs root.
 * Returns 0, or -1 with the reason in error. */
int slot_kill_all(uid_t uid, char *error, size_t error_size);

/* Hand every file system object under `path` (itself included) that `uid` owns, or whose group
 * is `uid`, to root (lchown 0:0; no link is followed, no other file system entered), so that a
 * later grading in the same slot cannot reach it. Returns how many there were, or -1 (the reason
 * in error) when one could not be handed over or the tree could not be walked. */
long slot_disown(const char *path, uid_t uid, char *error, size_t error_size);

#endif /* SLOTS_H */
