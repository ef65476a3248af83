/*
 * hostile submission "resources", stage pad: 1.5 GiB of static memory in .mydata (NOBITS, see
 * list.c), little enough to link, and not counted by a check of the sections named .data and
 * .bss.
 * Stopped by: RLIMIT_DATA, set before the exec (the rubric's static_memory_limit + 32 MiB): the
 * kernel cannot map the program's data, and the exec fails past its point of no return, so the
 * program dies of SIGSEGV before its first instruction. The report names the signal, not the
 * limit. (With clang the object file outgrows the build's file-size limit: see list.c.) A check
 * of the linked program's segments (branch jail) refuses it at build time.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect-one-of: traces/tiny-basic.rep: before the first operation (in the probe free(NULL)): the stage crashed with SIGSEGV (segmentation fault)
// hostile-expect-one-of: pad.c does not compile:
#include "heapmgr.h"
#include "hostile.h"

__attribute__((section(".mydata,\"aw\",@nobits#"), used)) static char hoard[3UL << 29]; /* the attack */

void *hm_malloc(size_t size)
{
    hoard[size] = 1;
    return bump(size);
}
