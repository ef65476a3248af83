/*
 * hostile submission "binds-symbols", stage bins: the same replacement of the old runner's
 * result_write and runner_main, made the plain way, with __attribute__((weak)) definitions,
 * which a linker lets a strong definition elsewhere override without complaint.
 * Stopped by: the grader's check of what a stage defines (nm prints 'W': global): "defines
 * result_write outside the file". Let through, it is dead code in the stage program, as in
 * dlist.c: the stage is graded on its merits, and keeps its points.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-passes: yes
// hostile-no-output: FORGED
#include "heapmgr.h"
#include "hostile.h"

#include <stdio.h>

int result_write(void);
int runner_main(void);

__attribute__((weak)) int result_write(void) /* the attack */
{
    fputs("heapkit-result\tstage=bins\tname=FORGED\tcorrect=1\n", stderr);
    return 0;
}

__attribute__((weak)) int runner_main(void)
{
    return result_write();
}

void *hm_malloc(size_t size)
{
    return bump(size);
}
