/*
 * privileges.h: never run a student's code as root. Shared by the grader, which drops privileges
 * in the child that execs a runner, and the sandbox's tests; it needs no libseccomp, so the
 * grader builds without it.
 */
#ifndef PRIVILEGES_H
#define PRIVILEGES_H

#include <stddef.h>

/* nobody, on Debian */
enum { UNPRIVILEGED_ID = 65534 };

/*
 * When this process runs as root (real or effective uid 0): drop every supplementary group
 * and become uid and gid UNPRIVILEGED_ID for good (real, effective and saved), check
 * that root cannot be had back, and set no-new-privileges, so that nothing it execs can gain
 * privileges. Otherwise it does nothing. For the grader's child just before it execs a
 * runner: the runner and its replays then run as nobody, and can write no file of root's.
 * (The kernel clears the parent-death signal when the uid changes: set it after this.)
 * Returns 0, or -1 with a message in error (then do not exec the runner).
 */
int drop_privileges(char *error, size_t error_size);

#endif /* PRIVILEGES_H */
