/*
 * hostile submission "binds-symbols", stage dlist: the old attack on the runner: result_write
 * and runner_main, the functions through which the old runner (the stage linked into it) wrote
 * its result lines, defined again by the stage as STB_GNU_UNIQUE symbols (nm prints 'u', which
 * the grader's check takes for local; the linker binds them as global), to write result lines
 * that say every trace is correct.
 * Stopped by: the design. The runner that writes result lines is the kit's own program and
 * holds no student code; the stage program, the only program the stage is linked into, has no
 * result_write nor runner_main, so these are dead code there. The stage's allocator is correct
 * and keeps its points; no forged line reaches the results.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-passes: yes
// hostile-no-output: FORGED
#include "heapmgr.h"
#include "hostile.h"

#include <stdio.h>

__attribute__((used)) static int forged_result_write(void)
{
    fputs("heapkit-result\tstage=dlist\tname=FORGED\tcorrect=1\n", stderr);
    return 0;
}
__asm__(".globl result_write\n.type result_write, @gnu_unique_object\n.set result_write, forged_result_write\n"
        ".globl runner_main\n.type runner_main, @gnu_unique_object\n.set runner_main, forged_result_write\n");

void *hm_malloc(size_t size)
{
    return bump(size);
}
