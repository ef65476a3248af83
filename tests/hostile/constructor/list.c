/*
 * hostile submission "constructor", stage list: a constructor, which the C runtime calls before
 * main, writes forged result lines (every trace correct) to standard output and to file
 * descriptors 3 to 20, where the old runner's result pipe was, and leaves a file to show it ran.
 * Its hm_ functions are correct.
 * Stopped by: the grader's static check of the object (a constructor: section .init_array; and
 * open, write, close, which a stage may not call). Let through, it runs in the stage program,
 * which holds no result pipe and is confined from its first instruction (the filter is loaded
 * before execveat): its open is refused and the program dies of SIGSYS before the replay's
 * first call. The call is not named: the stage program's fault handler, which names it, is
 * installed by main, after the constructors.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep: before the first operation (in the probe free(NULL)): the stage crashed with SIGSYS (a forbidden system call)
// hostile-no-output: FORGED
// hostile-no-file: /tmp/heapkit-hostile-constructor
#include "heapmgr.h"
#include "hostile.h"

#include <fcntl.h>
#include <unistd.h>

static const char forged[] = "heapkit-result\tstage=list\ttrace=traces/tiny-basic.rep\tname=FORGED"
                             "\tops=13\tloaded=1\tcorrect=1\ttimed=0\terror=\n";

__attribute__((constructor)) static void forge_results(void)
{
    int marker = open("/tmp/heapkit-hostile-constructor", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (marker >= 0)
        close(marker);
    for (int fd = 1; fd <= 20; fd = fd == 1 ? 3 : fd + 1)
        if (write(fd, forged, sizeof forged - 1) < 0)
            continue; /* not open: try the next */
}

void *hm_malloc(size_t size)
{
    return bump(size);
}
