/*
 * hostile submission "hidden-syscall", stage bins: hm_malloc reads the grader's own files: the
 * rubric and the hidden traces, by the paths a student might guess (relative to where the
 * grader works, and in the kit, whose path it is taken to have learned: @KIT@), and prints
 * them, with system calls the grader's check of instructions does not see (hidden_syscall.h).
 * Stopped by: the system-call filter, at the first open, the call named. (The stage program's
 * root is an empty directory: none of these paths exists there.)
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'openat', which a stage may not make
// hostile-no-output: GRADER-FILE:
#include "heapmgr.h"
#include "hostile.h"
#include "hidden_syscall.h"

#include <fcntl.h>
#include <stdio.h>

static const char *const GUESSES[] = {
    "grader/rubric.ini", "../grader/rubric.ini", "../../grader/rubric.ini", "grader/secret",
    "../../grader/secret", "grader/hidden/hidden-random.rep", "@KIT@/grader/rubric.ini",
    "/autograder/source/grader/rubric.ini",
};

void *hm_malloc(size_t size)
{
    char text[256];
    for (size_t i = 0; i < sizeof GUESSES / sizeof GUESSES[0]; i++) {
        long file = hidden_syscall(SYS_openat, AT_FDCWD, (long)GUESSES[i], O_RDONLY, 0, 0, 0);
        long got = file < 0 ? -1 : hidden_syscall(SYS_read, file, (long)text, sizeof text, 0, 0, 0);
        if (got > 0)
            fprintf(stderr, "GRADER-FILE: %s: %.*s\n", GUESSES[i], (int)got, text); /* the attack */
    }
    return bump(size);
}
