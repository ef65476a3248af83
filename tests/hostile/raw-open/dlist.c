/*
 * hostile submission "raw-open", stage dlist: hm_malloc creates a file through the 32-bit
 * system-call gate (int 0x80), whose call numbers are i386's, to slip past a filter written
 * for x86-64's numbers.
 * Stopped by: the grader's static check (int $0x80); let through, the system-call filter, which
 * refuses every call of another architecture; or, on a kernel or a virtual machine that gives a
 * 64-bit program no int 0x80 gate, the processor's fault (SIGSEGV) before any call.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect-one-of: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage was stopped: it made the system call 'open (i386, int 0x80)', which a stage may not make
// hostile-expect-one-of: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage crashed with SIGSEGV (segmentation fault)
// hostile-no-file: /tmp/heapkit-hostile-int80
#include "heapmgr.h"
#include "hostile.h"

#include <fcntl.h>
#include <unistd.h>

/* i386's open is call 5, its arguments in ebx, ecx and edx. (Its path must lie below 4 GiB to
 * be read at all; the filter stops the call before the kernel looks at it.) */
void *hm_malloc(size_t size)
{
#if defined(__x86_64__)
    static const char path[] = "/tmp/heapkit-hostile-int80";
    long result;
    __asm__ volatile("int $0x80"
                     : "=a"(result)
                     : "a"(5L), "b"((long)path), "c"((long)(O_WRONLY | O_CREAT | O_TRUNC)), "d"(0644L)
                     : "memory"); /* the attack */
    (void)result;
#else
    close(open("/tmp/heapkit-hostile-int80", O_WRONLY | O_CREAT | O_TRUNC, 0644)); /* no int 0x80 here */
#endif
    return bump(size);
}
