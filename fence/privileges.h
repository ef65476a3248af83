/*
 * privileges.h: become another user for good. The one way the kit gives up root: the fence's
 * child before it execs a stage program (spawn.c), the grader's build jail (grader/jail.c), its
 * slot cleaner (grader/slots.c) and the child that execs a build tool without the jail
 * (grader/grade_run.c). It needs no libseccomp, so the grader builds without it.
 */
#ifndef PRIVILEGES_H
#define PRIVILEGES_H

#include <stddef.h>
#include <sys/types.h>

/* nobody, on Debian */
enum { UNPRIVILEGED_ID = 65534 };

/*
 * Drop every supplementary group and become `user` and `group` for good (real, effective and
 * saved ids), check that root cannot be had back, and set no-new-privileges, so that nothing
 * this process execs can gain privileges. (The kernel clears the parent-death signal when the
 * uid changes: set it after this.) Returns 0, or -1 with the step that failed in error.
 */
int privileges_become(uid_t user, gid_t group, char *error, size_t error_size);

/*
 * When this process runs as root (real or effective uid 0): privileges_become(UNPRIVILEGED_ID,
 * UNPRIVILEGED_ID). Otherwise it does nothing. Returns 0, or -1 with a message in error (then
 * do not exec).
 */
int drop_privileges(char *error, size_t error_size);

#endif /* PRIVILEGES_H */
