/*
 * hostile submission "compile-leaks", stage pad: the reference solution's stage program, which
 * the grader keeps in its work directory (ref/pad, readable by anyone), put in the object by
 * the assembler (.incbin, relative to where the compiler runs): the stage prints its first
 * bytes (it could print any part of the reference's code), then fails the trace so that the
 * report shows them.
 * Stopped by: nothing today: the compiler runs in the grader's work directory, beside ref/. The
 * build jail (branch jail) gives the compiler only the build directory.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect-one-of: pad.c does not compile:
// hostile-expect-one-of: the block is not 16-byte aligned
// hostile-jail-stops: REFERENCE-BYTES: 7f454c46
#include "heapmgr.h"
#include "hostile.h"

#include <stdio.h>

__asm__(".pushsection .rodata.reference, \"a\"\n"
        "reference_program: .incbin \"ref/pad\", 0, 64\n"
        ".popsection\n");
extern const unsigned char reference_program[64];

void *hm_malloc(size_t size)
{
    fprintf(stderr, "REFERENCE-BYTES: ");
    for (int i = 0; i < 16; i++)
        fprintf(stderr, "%02x", reference_program[i]); /* the attack */
    fputc('\n', stderr);
    return (char *)bump(size) + 8;
}
