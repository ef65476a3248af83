/*
 * heap_map.h: build/replay --map: one snapshot of the heap as text that fits a terminal.
 *
 *   traces/tiny.rep:7: f 1 (free id 1), after it: dlist's heap
 *     heap 4160 bytes, mapped 0, footprint 4160; live payload 96 bytes in 2 blocks
 *     utilization so far: peak payload 200 / peak footprint 4160 = 0.05
 *
 *     offset           bytes  chunk
 *     heap+0x0            16  the stage's
 *     heap+0x10           64  used   id 0 (48 bytes, from line 5)
 *     heap+0x50           64  free   list 0, next heap+0x1000
 *     ...
 *   chunks: 7 (3 used, 2 free, 2 the stage's)
 *   free lists, in list order:
 *     list 0: heap+0x50 (64) -> heap+0x1000 (3008) -> end: 2 chunks, 3072 bytes
 *
 * Runs of more than MAP_RUN_SHOWN alike chunks (same state and size) are folded into one line;
 * a heap of more than MAP_MOST_CHUNKS chunks shows its first ones, those around the block of the
 * operation and its last ones, the others summed up in a line.
 */
#ifndef HEAP_MAP_H
#define HEAP_MAP_H

#include <stdio.h>

#include "heap_snapshot.h"
#include "trace.h"

enum { MAP_RUN_SHOWN = 4, MAP_LIST_SHOWN = 8, MAP_MOST_CHUNKS = 40 };

/* Print the map of `snapshot`, taken after an operation of `trace`, for the stage named. */
void heap_map_print(FILE *out, const char *stage, const struct trace *trace, const struct snapshot *snapshot);

/* "the stage's hm_walk", or why the map was drawn without it: for the map's first lines. */
const char *heap_map_source(const struct snapshot_header *header);

#endif /* HEAP_MAP_H */
