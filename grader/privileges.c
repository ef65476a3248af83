/* privileges.c: become nobody for good before a runner is exec'd (see privileges.h). */
#include "privileges.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int drop_privileges(char *error, size_t error_size)
{
    if (getuid() != 0 && geteuid() != 0)
        return 0;
    const uid_t user = UNPRIVILEGED_ID;
    const gid_t group = UNPRIVILEGED_ID;
    const char *step = NULL;
    if (setgroups(0, NULL) != 0)
        step = "setgroups(0)";
    else if (setresgid(group, group, group) != 0)
        step = "setresgid(65534)";
    else if (setresuid(user, user, user) != 0)
        step = "setresuid(65534)";
    else if (setresuid(0, 0, 0) == 0 || getuid() == 0 || geteuid() == 0)
        step = "checking that root cannot be had back";
    else if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        step = "prctl(PR_SET_NO_NEW_PRIVS)";
    if (step == NULL)
        return 0;
    snprintf(error, error_size, "%s: %s", step, errno ? strerror(errno) : "failed");
    return -1;
}
