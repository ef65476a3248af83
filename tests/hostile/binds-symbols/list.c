/*
 * hostile submission "binds-symbols", stage list: the stage defines main, the stage program's
 * entry, as an STB_GNU_UNIQUE symbol made with inline assembly (.type main, @gnu_unique_object).
 * nm prints such a symbol as 'u', lower case as it prints a static one, so the grader's check of
 * what a stage defines takes it for local; the linker takes it for global, and the C runtime
 * calls it in place of the stage program's own main. The forged main writes result lines that
 * say every trace is correct to standard output and to file descriptors 3 to 20, where a
 * runner's result pipe would be, with a system call the check of instructions does not see
 * (hidden_syscall.h).
 * Stopped by: nothing at build time (a gap of the static checks: 'u' is global). In the stage
 * program: the filter, at the first write to a file but stderr, before the replay's first call;
 * besides, the program holds no result pipe (the runner's is closed before the exec), and the
 * runner believes only the answers it checks. The call is not named: the fault handler that
 * names it is installed by the real main, which never ran.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep: before the first operation (in the probe free(NULL)): the stage crashed with SIGSYS (a forbidden system call)
// hostile-no-output: FORGED
#include "heapmgr.h"
#include "hostile.h"
#include "hidden_syscall.h"

static const char forged[] = "heapkit-result\tstage=list\ttrace=traces/tiny-basic.rep\tname=FORGED"
                             "\tops=13\tloaded=1\tcorrect=1\ttimed=0\terror=\n";

/* What the C runtime calls as main. */
__attribute__((used)) static int forged_main(void)
{
    for (long fd = 1; fd <= 20; fd = fd == 1 ? 3 : fd + 1)
        hidden_syscall(SYS_write, fd, (long)forged, (long)sizeof forged - 1, 0, 0, 0);
    return 0;
}
__asm__(".globl main\n.type main, @gnu_unique_object\n.set main, forged_main\n"); /* the attack */

void *hm_malloc(size_t size)
{
    return bump(size);
}
