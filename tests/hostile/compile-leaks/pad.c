/*
 * hostile submission "compile-leaks", stage pad: what the grader keeps in its work directory,
 * readable by anyone, put in the object by the assembler (.incbin, relative to where the
 * compiler runs): the reference solution's stage program (ref/pad), and a hidden trace, copied
 * there from the kit (grader/hidden/, when the rubric has hidden trace files). The stage prints
 * the reference's first bytes (it could print any part of its code) and the trace's head, then
 * fails the trace so that the report shows them.
 * Stopped by: nothing today: the compiler runs in the grader's work directory, beside ref/ and
 * grader/hidden/. The build jail (branch jail) gives the compiler only the build directory;
 * branch hidden makes hidden traces at grading time, where only the grader can read them.
 */
// hostile-trace: traces/tiny-basic.rep

// hostile-expect-one-of: pad.c does not compile:
// hostile-expect-one-of: the block is not 16-byte aligned
// hostile-jail-stops: REFERENCE-BYTES: 7f454c46
// hostile-jail-stops: seed 11 (hidden: for grading only)
#include "heapmgr.h"
#include "hostile.h"

#include <stdio.h>

__asm__(".pushsection .rodata.reference, \"a\"\n"
        "reference_program: .incbin \"ref/pad\", 0, 64\n"
        "hidden_trace: .incbin \"grader/hidden/hidden-coalesce.rep\", 0, 200\n.byte 0\n"
        ".popsection\n");
extern const unsigned char reference_program[64];
extern const char hidden_trace[];

void *hm_malloc(size_t size)
{
    fprintf(stderr, "REFERENCE-BYTES: ");
    for (int i = 0; i < 16; i++)
        fprintf(stderr, "%02x", reference_program[i]); /* the attack */
    fprintf(stderr, "\n%s\n", hidden_trace);
    return (char *)bump(size) + 8;
}
