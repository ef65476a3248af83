/*
 * hostile submission "prints", stage list: hm_malloc prints 64 MiB to stderr.
 * Stopped by: the file-size limit on the replay's output (16 MiB, SIGXFSZ); the runner shows
 * only the first 64 KiB of a stage's output, or its last lines when the replay fails.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage crashed with SIGXFSZ (it printed more than 16 MiB to stderr, the limit)
// hostile-most-output: 256K
#include "heapmgr.h"
#include "hostile.h"

#include <stdio.h>

void *hm_malloc(size_t size)
{
    static char line[1024];
    memset(line, 'x', sizeof line - 2);
    line[sizeof line - 2] = '\n';
    for (int i = 0; i < 64 * 1024; i++)
        fputs(line, stderr); /* the attack: 64 MiB */
    return bump(size);
}
