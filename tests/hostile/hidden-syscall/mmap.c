/*
 * hostile submission "hidden-syscall", stage mmap: the syscall instruction's bytes in a
 * constant array of .rodata, where no check of instructions looks, called as a function.
 * Stopped by: the processor: in a static program .rodata is not executable (its own segment,
 * read-only), so the call faults at the array's first byte: SIGSEGV, no system call made.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: traces/tiny-basic.rep:10: a 0 24 (malloc(24) for id 0): the stage crashed with SIGSEGV (segmentation fault) at address 0x
#include "heapmgr.h"
#include "hostile.h"

#include <sys/syscall.h>

/* mov $39, %eax (getpid); syscall; ret */
static const unsigned char call_bytes[] = { 0xb8, 0x27, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xc3 };
typedef long (*code)(void);

void *hm_malloc(size_t size)
{
    code call;
    const void *bytes = call_bytes;
    memcpy(&call, &bytes, sizeof call);
    call(); /* the attack */
    return bump(size);
}
