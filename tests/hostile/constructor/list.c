/*
 * hostile submission "constructor", stage list: a constructor, which the C runtime calls before
 * main, writes forged result lines (every trace correct) to standard output and to file
 * descriptors 3 to 20, where a runner's result pipe is, and leaves a file to show it ran. Its
 * hm_ functions are correct.
 * Stopped by: the fence. The constructor runs in the stage program, which holds nothing of the
 * runner's and is confined before its first instruction: the open is refused, and named (the
 * grader's check of the object rejects constructors, and open, write and close, as early messages). Linked into a
 * plain runner, where nothing stops it, its forged line reaches build/replay.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-plain: yes
// hostile-expect: traces/tiny-basic.rep: before the first operation (in the probe free(NULL)): the stage was stopped: it made the system call 'openat', which a stage may not make
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
