/*
 * hostile submission "fake-results", stage list: hm_malloc writes a forged results file, with
 * the syscall instruction, where a grader might keep one.
 * Stopped by: the grader's static check (a system-call instruction); let through, the
 * system-call filter, at the open. Besides, the stage program runs as the grading slot's user
 * in an empty root directory: there is no /tmp to write to, nor any of the grader's files.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'openat', which a stage may not make
// hostile-no-file: /tmp/heapkit-hostile-results.json
#include "heapmgr.h"
#include "hostile.h"
#include "raw_syscall.h"

#include <fcntl.h>

static const char forged[] = "{\"score\": 100, \"tests\": []}\n";

void *hm_malloc(size_t size)
{
    long fd = raw_syscall(SYS_openat, AT_FDCWD, (long)"/tmp/heapkit-hostile-results.json",
                          O_WRONLY | O_CREAT | O_TRUNC, 0644, 0, 0); /* the attack */
    if (fd >= 0)
        raw_syscall(SYS_write, fd, (long)forged, (long)sizeof forged - 1, 0, 0, 0);
    return bump(size);
}
