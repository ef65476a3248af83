/*
 * record.h: what each process that ran on a stage tells build/run when it ends.
 *
 * The preloaded library (libSTAGE.so) appends one struct run_record to the file named by
 * HEAPKIT_RUN_STATS, with one write on a descriptor opened O_APPEND, so that the processes of a
 * tree (gcc, cc1, as) may end at the same time without mixing their records. A file rather than
 * an inherited descriptor: programs that close every descriptor they do not know before they
 * start a child (Python's subprocess does) would close it. The front program (run.c) reads the
 * records back as they are: typed numbers, never text to parse.
 */
#ifndef RUN_RECORD_H
#define RUN_RECORD_H

#include <stdint.h>

/* The environment between build/run and the library. */
#define RUN_ENV_STAGE "HEAPKIT_RUN_STAGE"   /* the stage's name, for messages */
#define RUN_ENV_CHECK "HEAPKIT_RUN_CHECK"   /* "1": check every result (--check) */
#define RUN_ENV_LIMIT "HEAPKIT_RUN_LIMIT"   /* the memory limit of one process, in bytes */
#define RUN_ENV_STATS "HEAPKIT_RUN_STATS"   /* the file records are appended to */

/* A version, so that a library from another build is not misread. */
enum { RUN_RECORD_MAGIC = 0x484b5232 }; /* "HKR2" */

/* The calls a program makes, counted by kind. */
enum run_call {
    CALL_MALLOC,
    CALL_FREE,
    CALL_CALLOC,
    CALL_REALLOC,        /* realloc and reallocarray */
    CALL_ALIGNED,        /* posix_memalign, aligned_alloc, memalign, valloc, pvalloc */
    CALL_USABLE_SIZE,    /* malloc_usable_size */
    RUN_CALL_KINDS
};

/* The stage's system calls, counted by kind (sbrk(0) only reads the break: not counted). */
enum run_syscall { SYSCALL_BRK, SYSCALL_SBRK, SYSCALL_MMAP, SYSCALL_MUNMAP, RUN_SYSCALL_KINDS };

/* How the process ended. */
enum run_ending {
    ENDED_EXIT,          /* it called exit (or returned from main) */
    ENDED_CHECK_FAILED,  /* --check found a wrong result: the program was stopped */
    ENDED_TODO,          /* the stage called hm_todo: a skeleton, stopped */
    ENDED_MISUSE,        /* the program resized (or, with --check, freed) a pointer the heap never gave */
    ENDED_SETUP_FAILED,  /* the heap's address space could not be reserved */
};

enum { RUN_PROGRAM_CHARS = 32, RUN_SUMMARY_CHARS = 480 };

struct run_record {
    uint32_t magic;
    uint32_t ending;                    /* enum run_ending */
    int32_t pid, parent_pid;
    uint32_t forked;                    /* 1: a child of fork that did not exec (counts since the fork) */
    uint32_t reserved;
    char program[RUN_PROGRAM_CHARS];    /* the program's short name */
    uint64_t calls[RUN_CALL_KINDS];
    uint64_t syscalls[RUN_SYSCALL_KINDS];
    uint64_t enomem;                    /* system calls that failed for want of memory */
    uint64_t unknown_frees;             /* frees of pointers the heap never gave, ignored */
    uint64_t peak_footprint_bytes;      /* heap bytes plus page-rounded mapped bytes, at their peak */
    uint64_t peak_payload_bytes;        /* live requested bytes, at their peak */
    uint64_t limit_bytes;
    char summary[RUN_SUMMARY_CHARS];    /* a stopped process: why, in one line */
};

#endif /* RUN_RECORD_H */
