/*
 * hostile submission "fake-results", stage dlist: hm_malloc writes forged result lines (every
 * trace correct) to standard output and to file descriptors 3 to 20, one of which a runner
 * writes its results to.
 * Stopped by: the grader's static check (a system-call instruction); let through, the
 * system-call filter, at the first write to any file but stderr. The stage program holds no
 * result pipe anyway: the runner's is closed before its exec, and it keeps only its shared
 * memory files (3 and 4).
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'write' on file descriptor 1, which a stage may not make: a stage may print to stderr (file descriptor 2) only
// hostile-no-output: FORGED
#include "heapmgr.h"
#include "hostile.h"
#include "raw_syscall.h"

static const char forged[] = "heapkit-result\tstage=dlist\ttrace=traces/tiny-basic.rep\tname=FORGED"
                             "\tops=13\tloaded=1\tcorrect=1\ttimed=0\terror=\n";

void *hm_malloc(size_t size)
{
    raw_syscall(SYS_write, 1, (long)forged, (long)sizeof forged - 1, 0, 0, 0); /* the attack */
    for (long fd = 3; fd <= 20; fd++)
        raw_syscall(SYS_write, fd, (long)forged, (long)sizeof forged - 1, 0, 0, 0);
    return bump(size);
}
