/*
 * log.h: the call log that the recorder library writes and build/record reads.
 *
 * The library (recorder.c, preloaded into the recorded program) writes each allocation call as
 * a fixed-size binary record into a file that build/record created and named in the
 * environment; build/record, once the program has ended, turns the log into a trace
 * (convert.c). Records go straight into a shared mapping of the file, never through a buffer
 * of the process: a program that crashes, calls _exit or is killed leaves every record it
 * made, and no call costs a system call.
 *
 * The file:
 *
 *     offset 0                  struct log_header (LOG_HEADER_BYTES, the first page)
 *     LOG_HEADER_BYTES + k * LOG_CHUNK_BYTES    chunk k: LOG_CHUNK_RECORDS records
 *
 * A process takes a whole chunk at a time (an atomic increment of header.next_chunk, shared by
 * every process that writes the log) and fills it in the order of its calls, under its lock;
 * the rest of a chunk it did not fill stays zero (kind LOG_NONE). So each program's calls are
 * in order, chunk after chunk; with --follow, programs that run at once interleave chunk by
 * chunk, which no trace can tell apart, as each program's blocks have ids of their own.
 *
 * The file is made as large as it may grow (sparse: only written pages take room), so no
 * process ever resizes it; a process that finds no chunk left stops recording and says so in
 * header.full.
 */
#ifndef RECORD_LOG_H
#define RECORD_LOG_H

#include <stdatomic.h>
#include <stdint.h>

/* The environment of the recorded program. */
#define LOG_PATH_VARIABLE "HEAPKIT_RECORD_LOG"      /* the log's absolute path */
#define LOG_FOLLOW_VARIABLE "HEAPKIT_RECORD_FOLLOW" /* "1": programs it execs are recorded too */

#define LOG_MAGIC UINT64_C(0x00314f474c524b48) /* the bytes "HKRLOG1": a heapkit record log */

enum {
    LOG_VERSION = 1,
    LOG_HEADER_BYTES = 4096,
    LOG_CHUNK_BYTES = 64 * 1024, /* a system call or four per 2048 calls, and little room lost
                                    by a short-lived process */
};

/* What a record says happened. Only calls that changed the heap are recorded: a NULL result
 * (the call failed) is counted in header.failed_calls, free(NULL) is nothing. */
enum log_kind {
    LOG_NONE = 0,    /* no record: the rest of a chunk */
    LOG_MALLOC = 1,  /* block = malloc(bytes) */
    LOG_CALLOC = 2,  /* block = calloc(argument, bytes) */
    LOG_REALLOC = 3, /* block = realloc(argument, bytes), reallocarray too; argument 0 is a malloc;
                        block 0 with bytes 0: argument was freed (glibc's realloc(p, 0)) */
    LOG_FREE = 4,    /* free(block) */
    LOG_ALIGNED = 5, /* block = bytes at alignment `argument`, a power of two: posix_memalign,
                        aligned_alloc, memalign (their alignment as the C library applies it),
                        valloc and pvalloc (the page; pvalloc's bytes rounded up to a page) */
};

struct log_record {
    uint8_t kind;      /* enum log_kind, stored last: a record cut short by a kill reads LOG_NONE */
    uint8_t unused[3];
    uint32_t image;    /* the program image that made the call: a process, renumbered at exec */
    uint64_t block;    /* the address returned, or freed */
    uint64_t argument; /* calloc's element count, realloc's old address, the alignment */
    uint64_t bytes;    /* the size asked for (calloc: of one element) */
};
_Static_assert(sizeof(struct log_record) == 32, "records are packed into chunks");
_Static_assert(LOG_CHUNK_BYTES % sizeof(struct log_record) == 0, "whole records in a chunk");

enum { LOG_CHUNK_RECORDS = LOG_CHUNK_BYTES / sizeof(struct log_record) };

/* The first page. Its counters are shared by every process that writes the log (atomics on a
 * shared mapping: lock-free, so they work across processes). */
struct log_header {
    uint64_t magic;          /* LOG_MAGIC */
    uint32_t version;        /* LOG_VERSION */
    uint32_t chunk_bytes;    /* LOG_CHUNK_BYTES */
    uint64_t chunk_capacity; /* chunks the file has room for */
    _Atomic uint64_t next_chunk;   /* chunks handed out so far */
    _Atomic uint64_t failed_calls; /* calls that returned NULL (or an error), not recorded */
    _Atomic uint32_t images;       /* program images that started recording */
    _Atomic uint32_t full;         /* 1: a process found no room left and stopped recording */
};
_Static_assert(sizeof(struct log_header) <= LOG_HEADER_BYTES, "the header fits its page");

#endif /* RECORD_LOG_H */
