/*
 * heap_snapshot.h: the heap after an operation, as the pictures need it (build/replay --map
 * and --html).
 *
 * The checked replay's child takes the snapshots (heap_snapshot.c): after each operation of a
 * window of the trace it asks the stage's hm_walk for its chunks (heapmgr.h, part 1b), or,
 * for a stage without one, draws them from what the harness knows: each live block's payload
 * as a used chunk, the bytes between them as the stage's. It writes them as records to a file
 * that the runner gave it; the runner reads them back once the child has ended, however it
 * ended, and draws them (heap_map.c as text, heap_page.c as a page). A walk that crashes or
 * stops at hm_todo ends only the walk: its snapshot is the harness's own, marked so.
 *
 * Offsets: a heap chunk's from the heap start; a mapped chunk's from the start of the
 * mapping area (area SNAPSHOT_MAPPED). Every size is in bytes.
 */
#ifndef HEAP_SNAPSHOT_H
#define HEAP_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

enum snapshot_area { SNAPSHOT_HEAP, SNAPSHOT_MAPPED };

/* heapmgr.h's states, and the harness's "the bytes between live payloads" of a drawn map. */
enum snapshot_state { SNAPSHOT_USED, SNAPSHOT_FREE, SNAPSHOT_STAGE };

/* How the chunks of a snapshot were found. */
enum snapshot_source {
    SNAPSHOT_WALKED,      /* the stage's hm_walk, whole */
    SNAPSHOT_DRAWN,       /* the harness's: the stage has no hm_walk (or it is behind the fence) */
    SNAPSHOT_WALK_TODO,   /* the harness's: hm_walk called hm_todo (not written yet) */
    SNAPSHOT_WALK_CRASHED,/* the harness's: hm_walk crashed (the signal in `walk_signal`) */
    SNAPSHOT_WALK_WRONG,  /* the harness's: hm_walk reported a chunk outside the heap and mappings,
                             or too many chunks; walk_problem says which */
};

struct snapshot_chunk {
    uint64_t offset;  /* from the start of its area */
    uint64_t bytes;
    int64_t next;     /* a free chunk: the offset of the next chunk on its list; -1: none;
                         -2: a pointer outside its area (shown as such) */
    int32_t list;     /* a free chunk: its list or bin; -1 otherwise */
    int32_t id;       /* a used chunk: the id whose payload starts in it; -1: none */
    uint8_t area;     /* enum snapshot_area */
    uint8_t state;    /* enum snapshot_state */
    uint8_t padding[6];
};

/* A live block as the harness knows it. */
struct snapshot_block {
    uint64_t offset; /* of its payload, from the start of its area */
    uint64_t bytes;  /* as requested */
    uint32_t id;
    uint32_t line;   /* the trace line that gave it */
    uint8_t area;
    uint8_t padding[7];
};

/* The fixed part of one snapshot; `chunk_count` chunks and `block_count` blocks follow it in
 * the file, in address order (heap first, then mappings). */
struct snapshot_header {
    uint32_t magic;           /* SNAPSHOT_MAGIC */
    uint32_t op_index;        /* taken after this operation (from 0) */
    uint64_t heap_bytes;      /* the break, from the heap start */
    uint64_t mapped_bytes;    /* live mappings, page-rounded */
    uint64_t payload_bytes;   /* live payload, as requested */
    uint64_t footprint_bytes; /* heap + mapped */
    uint64_t peak_payload_bytes, peak_footprint_bytes; /* so far */
    uint32_t chunk_count, block_count;
    int32_t source;           /* enum snapshot_source */
    int32_t walk_signal;      /* SNAPSHOT_WALK_CRASHED: the signal */
    char walk_problem[160];   /* SNAPSHOT_WALK_TODO, _CRASHED, _WRONG: in words */
};

/* One point of the footprint chart: every operation of the trace has one, in or out of the
 * window (the page's chart covers the whole replay). */
struct snapshot_point {
    uint32_t magic;           /* SNAPSHOT_POINT_MAGIC */
    uint32_t op_index;
    uint64_t footprint_bytes;
    uint64_t payload_bytes;
};

enum {
    SNAPSHOT_MAGIC = 0x50414e53,       /* "SNAP" */
    SNAPSHOT_POINT_MAGIC = 0x544e4950, /* "PINT" */
    SNAPSHOT_MOST_CHUNKS = 1 << 20,    /* a walk reporting more is wrong (or the heap is huge) */
};

/* What a checked replay is asked to record (checked.h's setup): snapshots after the operations
 * first_op..last_op (inclusive, from 0), and with `points`, a point after every operation.
 * The replay stops after last_op unless `points` asks for the whole trace. */
struct snapshot_request {
    int fd;            /* where the records go (never 0, standard input); 0: nothing is recorded */
    uint32_t first_op, last_op;
    int points;
};

/* ---- in the replay child ---------------------------------------------------------------- */

struct snapshot_live {
    uintptr_t payload;
    uint64_t bytes;
    uint32_t id, line;
};

/* The figures of a snapshot, as the checked replay keeps them. */
struct snapshot_figures {
    uint64_t payload_bytes, peak_payload_bytes, footprint_bytes, peak_footprint_bytes;
};
/* After operation op_index: write a snapshot of the heap, with the live blocks given (the
 * heap's by address, then the mappings' by address) and the figures given. With use_walk, the chunks are the stage's hm_walk's when it
 * has one (linked into this process); otherwise, or when the walk fails, they are drawn.
 * Returns 0, or -1 when the record could not be written. */
int snapshot_take(int fd, uint32_t op_index, const struct snapshot_live *live, size_t live_count,
                  const struct snapshot_figures *figures, int use_walk);

/* After operation op_index: write its point. */
int snapshot_point(int fd, uint32_t op_index, uint64_t footprint_bytes, uint64_t payload_bytes);

/* ---- in the runner -------------------------------------------------------------------------- */

/* One snapshot read back, its arrays from host_alloc. */
struct snapshot {
    struct snapshot_header header;
    struct snapshot_chunk *chunks;
    struct snapshot_block *blocks;
};

/* What a replay recorded: its snapshots in order of operation, and its points. */
struct snapshot_file {
    struct snapshot *snapshots;
    size_t snapshot_count;
    struct snapshot_point *points;
    size_t point_count;
    size_t snapshot_capacity, point_capacity; /* the arrays' room, for their release */
};

/* Read every whole record of the file from its start (a record cut short by the child's end
 * is dropped). Returns 0, or -1 when memory ran out (error says so). */
int snapshot_file_read(int fd, struct snapshot_file *file, char *error, size_t error_size);
void snapshot_file_release(struct snapshot_file *file);

/* The chunk of a snapshot's heap area holding offset, or NULL. */
const struct snapshot_chunk *snapshot_chunk_at(const struct snapshot *snapshot, uint8_t area, uint64_t offset);

#endif /* HEAP_SNAPSHOT_H */
