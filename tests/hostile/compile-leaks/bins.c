/*
 * hostile submission "compile-leaks", stage bins: the same secret file, and /etc/passwd, put in
 * the object by the assembler (.incbin), which no compiler error shows: the stage prints them at
 * run time, then returns a misaligned block, so that the trace fails and the report shows what
 * it printed.
 * Stopped by: nothing today: the assembler reads what the compiler's user (nobody) may read. The
 * build jail (branch jail) keeps both files out of the assembler's root (the build then fails).
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-secret: yes
// hostile-expect-one-of: bins.c does not compile:
// hostile-expect-one-of: the block is not 16-byte aligned
// hostile-jail-stops: hostile-file-secret-9c2a
// hostile-jail-stops: root:x:0:0
#include "heapmgr.h"
#include "hostile.h"

#include <stdio.h>

__asm__(".pushsection .rodata.leaked, \"a\"\n"
        "secret_bytes: .incbin \"@SECRET@\"\n.byte 0\n"
        "passwd_bytes: .incbin \"/etc/passwd\"\n.byte 0\n"
        ".popsection\n");
extern const char secret_bytes[], passwd_bytes[];

void *hm_malloc(size_t size)
{
    fprintf(stderr, "%s%.200s\n", secret_bytes, passwd_bytes); /* the attack */
    return (char *)bump(size) + 8;
}
