/*
 * convert.h: a call log (log.h) into a trace's operations (harness/trace.h).
 *
 * The rules:
 *   1. Ids come from addresses: each program image has a table from its live blocks' addresses
 *      to their ids, and an allocation takes the smallest id not live (a min-heap of free ids),
 *      so the ids stay as few as the most blocks live at once. A block's id is freed with it.
 *   2. malloc is "a ID BYTES", calloc "c ID COUNT BYTES", the aligned functions
 *      "A ID ALIGNMENT BYTES", free "f ID". realloc(NULL, n) is the malloc it is; realloc(p, n)
 *      is "r ID n", the id following the block wherever it moved; realloc(p, 0) that freed p
 *      and returned NULL (glibc) is "r ID 0"; one that returned a block (another C library)
 *      is "f ID" and "a ID2 0".
 *   3. What the log cannot account for is left out and counted: a free or realloc of a block
 *      it never saw allocated (made before the recording started, or in a call left
 *      unrecorded: recorder.c, rule 3), which for a realloc that returned a block makes that
 *      block a malloc; an address returned while its block is still live (its free was not
 *      recorded): the older block stays live to the end under its id, the new one takes
 *      another.
 *   4. Blocks never freed stay live at the end of the trace: the reader accepts that.
 *   5. A trace holds at most TRACE_MAX_OPS operations and TRACE_MAX_IDS ids: the conversion stops
 *      before the operation that would pass either, and says so.
 *
 * Cost: one pass over the log, time linear in its records; memory: 16 bytes per live block
 * (the address table, kept at most half full, so 32), 12 bytes per id.
 */
#ifndef RECORD_CONVERT_H
#define RECORD_CONVERT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct conversion {
    /* The trace */
    uint64_t op_count;
    uint32_t id_count;           /* ids used: 0 .. id_count - 1 */
    uint64_t peak_payload_bytes; /* the most payload live at once (A: BYTES; c: COUNT * BYTES) */
    /* The log */
    uint64_t records;        /* calls recorded */
    uint32_t images;         /* program images that recorded (1 without --follow) */
    uint64_t failed_calls;   /* calls that returned NULL or an error: not recorded (recorder.c) */
    uint64_t unknown_blocks; /* rule 3: frees and reallocs of blocks never seen allocated */
    uint64_t reused_live;    /* rule 3: addresses returned while their block was live */
    uint64_t bad_records;    /* records of no known kind (a damaged log): skipped */
    bool log_full;           /* the log ran out of room: calls after that are missing */
    bool trace_full;         /* rule 5: the trace's limits stopped the conversion */
};

/*
 * convert_log: read the log at `log_path` and write the trace's operations, one a line, to
 * `ops`. Returns 0 and fills *result, or -1 with one line "LOG: message" in error[error_size]
 * (an unreadable or foreign log, no memory, a write that failed).
 */
int convert_log(const char *log_path, FILE *ops, struct conversion *result, char *error, size_t error_size);

#endif /* RECORD_CONVERT_H */
