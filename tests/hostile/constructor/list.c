/*
 * hostile submission "constructor", stage list: a constructor, which the C runtime calls before
 * main, writes forged result lines (every trace correct) to standard output and to file
 * descriptors 3 to 20, where a runner's result pipe is, and leaves a file to show it ran. Its
 * hm_ functions are correct.
 * Stopped by: the graded runner itself: it runs from a .preinit_array function, called before
 * any constructor, and ends the process there, so the constructor never runs (the grader's
 * check of the object rejects constructors too). The stage passes, on its own merits.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-passes: yes
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
