/*
 * hostile submission "classmates", stage pad: hm_malloc reads another submission through
 * /proc: the root and working directory of every process it can see (/proc/PID/root,
 * /proc/PID/cwd), where a classmate's grading keeps its stage files, and prints what it finds.
 * Stopped by: the system-call filter, at the first open, the call named. (There is no /proc in
 * the stage program's empty root, and another grading's processes run as another user.)
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'openat', which a stage may not make
// hostile-no-output: CLASSMATE:
#include "heapmgr.h"
#include "hostile.h"
#include "hidden_syscall.h"

#include <fcntl.h>
#include <stdio.h>

void *hm_malloc(size_t size)
{
    char path[128], text[256];
    long self = hidden_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);
    for (long pid = self - 200; pid < self + 200; pid++) {
        const char *const where[] = { "root/tmp", "cwd/src/pad/pad.c", "cwd/src/list/list.c" };
        for (int i = 0; i < 3; i++) {
            snprintf(path, sizeof path, "/proc/%ld/%s", pid, where[i]);
            long file = hidden_syscall(SYS_openat, AT_FDCWD, (long)path, O_RDONLY, 0, 0, 0); /* the attack */
            long got = file < 0 ? -1 : hidden_syscall(SYS_read, file, (long)text, sizeof text, 0, 0, 0);
            if (got > 0)
                fprintf(stderr, "CLASSMATE: %s: %.*s\n", path, (int)got, text);
        }
    }
    return bump(size);
}
