/*
 * shim.h: what the parts of the preloaded library (libSTAGE.so) share.
 *
 *   entry.c    the C library's entry points (malloc, free, ... malloc_usable_size) on the stage,
 *              under one lock; the first-call setup; fork
 *   sysmem.c   the stage's system calls over real memory
 *   blocks.c   the live blocks, found from the program's pointers
 *   check.c    --check: every result checked, the first failure reported
 *   ending.c   the record build/run reads at exit; stopping a process (a failed check, hm_todo)
 *
 * Everything here runs under the library's lock, except ending_at_exit's snapshot, which takes it.
 */
#ifndef RUN_SHIM_H
#define RUN_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

/* Read from the environment (record.h's RUN_ENV_*) at the first call. */
struct shim_settings {
    const char *stage;      /* its name, for messages */
    bool check;             /* --check */
    uint64_t limit_bytes;   /* the memory limit of this process's stage */
    const char *stats_path; /* where the record goes; NULL: nowhere */
};
extern struct shim_settings shim_settings;

/* The call being served, for messages: its kind, its arguments, and its number in this process
 * (counted from 1 over every call but malloc_usable_size). */
struct shim_call {
    const char *name;  /* "malloc", "posix_memalign", ... */
    uintptr_t pointer; /* free's and realloc's pointer */
    uint64_t size;     /* the bytes asked for (calloc: nmemb * size, when it fits) */
    uint64_t nmemb;    /* calloc's count */
    uint64_t alignment;
    uint64_t number;
};
extern struct shim_call shim_call;

/* The calls by kind (enum run_call), and the frees of pointers the heap never gave. */
extern uint64_t shim_calls[RUN_CALL_KINDS];
extern uint64_t shim_unknown_frees;
extern bool shim_forked; /* this process is a fork's child that did not exec */

/* Is this thread inside a call of the program's (the stage may be running)? */
bool shim_inside_call(void);

/* "malloc(100)", "realloc(heap+0x40, 200)", ...: the call being served, as the program made it. */
void shim_describe_call(char *out, size_t out_size);

/* check.c: --check. Also catches a crash inside the stage (SIGSEGV, SIGBUS), which it reports
 * as a failed check; a crash elsewhere goes to the program's handler, or kills it as before. */
void check_init(void);
/* A block the stage returned for the current call: `stage_bytes` asked of it at `stage_pointer`,
 * of which the program gets `requested` bytes at `pointer` (further in when aligned). Stops the
 * program when it is misaligned, outside the heap and the live mappings, or overlaps a live block. */
void check_block(uintptr_t stage_pointer, uint64_t stage_bytes, uintptr_t pointer, uint64_t requested);
/* The stage returned NULL for `stage_bytes`: stopped unless a system call failed during the
 * call (enomem_before: sysmem_enomem() before it) or the request cannot fit under the limit. */
void check_null(uint64_t stage_bytes, uint64_t enomem_before);
/* calloc's block must read as zero. */
void check_zeroed(const unsigned char *block, uint64_t bytes);
/* realloc must keep the first min(old, new) bytes: a sample of them (the first and the last
 * CHECK_KEPT_SAMPLE_BYTES) is taken before the stage's call and compared after it. */
enum { CHECK_KEPT_SAMPLE_BYTES = 64 };
struct check_kept {
    uint64_t bytes; /* min(old, new) */
    unsigned char head[CHECK_KEPT_SAMPLE_BYTES], tail[CHECK_KEPT_SAMPLE_BYTES];
};
void check_keep(struct check_kept *kept, const void *block, uint64_t bytes);
void check_kept(const struct check_kept *kept, const void *block);

/* ending.c. Write the record (if the environment names a file), at exit or when stopping. */
void ending_write_record(enum run_ending ending, const char *summary);
/* Print the message (lines, each ending in \n) on stderr, write the record, and stop the
 * process: abort() for a failed check, exit status RUN_TODO_STATUS for hm_todo. */
_Noreturn void ending_stop(enum run_ending ending, const char *summary, const char *message);
enum { RUN_TODO_STATUS = 70 }; /* EX_SOFTWARE */
/* The current call's pointer is no live block (realloc, or free with --check): stop, naming it. */
_Noreturn void ending_unknown_pointer(void);
/* Write with write(2), whole, ignoring errors: no stdio, which may allocate. */
void ending_print(const char *text);

#endif /* RUN_SHIM_H */
