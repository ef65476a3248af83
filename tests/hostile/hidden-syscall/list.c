/*
 * hostile submission "hidden-syscall", stage list: hm_malloc lists /tmp, where the grader keeps
 * its work directories (heapkit-grade.*), and prints what it finds, with system calls hidden
 * inside another instruction (hidden_syscall.h), which the grader's check of the object's
 * instructions does not see.
 * Stopped by: the system-call filter, at the open, the call named. Had it run, it would have
 * found nothing: the stage program's root is an empty directory.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'openat', which a stage may not make
// hostile-no-output: heapkit-grade.
#include "heapmgr.h"
#include "hostile.h"
#include "hidden_syscall.h"

#include <fcntl.h>
#include <stdio.h>

struct directory_entry {
    uint64_t inode;
    int64_t offset;
    unsigned short length;
    unsigned char type;
    char name[];
};

void *hm_malloc(size_t size)
{
    static char entries[4096] __attribute__((aligned(8)));
    long directory = hidden_syscall(SYS_openat, AT_FDCWD, (long)"/tmp", O_RDONLY | O_DIRECTORY, 0, 0, 0);
    long got = directory < 0 ? -1 : hidden_syscall(SYS_getdents64, directory, (long)entries, sizeof entries, 0, 0, 0);
    for (long at = 0; at < got;) {
        const struct directory_entry *entry = (const struct directory_entry *)(entries + at);
        fprintf(stderr, "found /tmp/%s\n", entry->name); /* the attack */
        at += entry->length;
    }
    return bump(size);
}
