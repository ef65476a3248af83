/*
 * hostile submission "resources", stage list: 3 GiB of static memory in a section of its own
 * name, .mydata (made NOBITS, as .bss is, by the classic trick of ending the section name with
 * the flags and a comment: "aw",@nobits#), which a count of .data and .bss does not see.
 * Stopped by: the link: in the small code model a static program's code and data lie within
 * 2 GiB, so 3 GiB does not link ("relocation truncated to fit"). clang's assembler does not
 * take the flags from the name: it makes a section of 3 GiB of zeros, and the compiler dies
 * when the object file reaches the build's file-size limit (256 MiB). A check of the linked
 * program's segments (branch jail) refuses it by its size.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect-one-of: stage list does not link with the kit's stage side
// hostile-expect-one-of: list.c does not compile:
#include "heapmgr.h"
#include "hostile.h"

__attribute__((section(".mydata,\"aw\",@nobits#"), used)) static char hoard[3UL << 30]; /* the attack */

void *hm_malloc(size_t size)
{
    hoard[size] = 1;
    return bump(size);
}
