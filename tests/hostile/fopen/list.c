/*
 * hostile submission "fopen", stage list: hm_malloc calls a function a stage may not call,
 * fopen, to write a file.
 * Stopped by: the system-call filter, at the open (the grader's check of the object's undefined
 * symbols rejects fopen before it runs; this is what stops it when that check is skipped).
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'openat', which a stage may not make
// hostile-no-file: /tmp/heapkit-hostile-fopen
#include "heapmgr.h"
#include "hostile.h"

#include <stdio.h>

void *hm_malloc(size_t size)
{
    FILE *file = fopen("/tmp/heapkit-hostile-fopen", "w"); /* the attack */
    if (file != NULL) {
        fputs("written by a stage\n", file);
        fclose(file);
    }
    return bump(size);
}
