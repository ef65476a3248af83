/* privileges.c: become another user for good (see privileges.h). */
#include "privileges.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int privileges_become(uid_t user, gid_t group, char *error, size_t error_size)
{
    const char *step = NULL;
    errno = 0;
    if (setgroups(0, NULL) != 0)
        step = "setgroups(0)";
    else if (setresgid(group, group, group) != 0)
        step = "setresgid";
    else if (setresuid(user, user, user) != 0)
        step = "setresuid";
    else if (setresuid(0, 0, 0) == 0 || getuid() == 0 || geteuid() == 0 || getgid() == 0 || getegid() == 0)
        step = "checking that root cannot be had back";
    else if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        step = "prctl(PR_SET_NO_NEW_PRIVS)";
    if (step == NULL)
        return 0;
    snprintf(error, error_size, "%s(%u, %u): %s", step, (unsigned)user, (unsigned)group,
             errno ? strerror(errno) : "failed");
    return -1;
}

int drop_privileges(char *error, size_t error_size)
{
    if (getuid() != 0 && geteuid() != 0)
        return 0;
    return privileges_become(UNPRIVILEGED_ID, UNPRIVILEGED_ID, error, error_size);
}
