/*
 * heap_map.c: a snapshot as text (see heap_map.h). It reads only the snapshot: the chunks in
 * address order, then each free list followed from its head by the chunks' `next` offsets,
 * every step bounded, since a broken heap's links may go round in a cycle or nowhere.
 */
#include "heap_map.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const STATE_NAMES[] = { "used", "free", "the stage's" };

/* "heap+0x40" or "mmap+0x2000", as the harness's messages write addresses. */
static const char *where(uint8_t area, uint64_t offset, char *text, size_t text_size)
{
    snprintf(text, text_size, "%s+0x%" PRIx64, area == SNAPSHOT_MAPPED ? "mmap" : "heap", offset);
    return text;
}

const char *heap_map_source(const struct snapshot_header *header)
{
    if (header->source == SNAPSHOT_WALKED)
        return "the chunks as the stage's hm_walk reports them";
    if (header->source == SNAPSHOT_DRAWN)
        return "drawn by the harness: this stage has no hm_walk (or runs behind the fence)";
    return "drawn by the harness:";
}

/* The live block whose payload starts in chunk c (the blocks are in address order too). */
static const struct snapshot_block *block_in(const struct snapshot *s, const struct snapshot_chunk *c)
{
    uint32_t low = 0, high = s->header.block_count;
    while (low < high) {
        uint32_t middle = low + (high - low) / 2;
        const struct snapshot_block *b = &s->blocks[middle];
        if (b->area < c->area || (b->area == c->area && b->offset < c->offset))
            low = middle + 1;
        else
            high = middle;
    }
    const struct snapshot_block *b = low < s->header.block_count ? &s->blocks[low] : NULL;
    return b != NULL && b->area == c->area && b->offset < c->offset + c->bytes ? b : NULL;
}

static void print_chunk(FILE *out, const struct snapshot *s, const struct snapshot_chunk *c)
{
    char at[48], next[48];
    fprintf(out, "    %-16s %8" PRIu64 "  %s", where(c->area, c->offset, at, sizeof at), c->bytes,
            c->state == SNAPSHOT_STAGE ? "stage" : STATE_NAMES[c->state]);
    const struct snapshot_block *b = block_in(s, c);
    if (c->state == SNAPSHOT_USED && b != NULL)
        fprintf(out, "   id %u (%" PRIu64 " bytes, from line %u)", b->id, b->bytes, b->line);
    else if (c->state == SNAPSHOT_USED)
        fprintf(out, "   (no live block of the trace starts in it)");
    else if (c->state == SNAPSHOT_FREE && c->list < 0)
        fprintf(out, "   on no list");
    else if (c->state == SNAPSHOT_FREE)
        fprintf(out, "   list %d, next %s", c->list,
                c->next == -1 ? "none" : c->next == -2 ? "outside the heap" : where(c->area, (uint64_t)c->next, next, sizeof next));
    fputc('\n', out);
}

/* Are two chunks alike enough to fold into one run? */
static int alike(const struct snapshot_chunk *a, const struct snapshot_chunk *b)
{
    return a->area == b->area && a->state == b->state && a->bytes == b->bytes && a->list == b->list;
}

/* Chunks first to last, runs of alike ones folded. */
static void print_chunk_range(FILE *out, const struct snapshot *s, uint32_t first, uint32_t end)
{
    for (uint32_t i = first; i < end;) {
        uint32_t run = 1;
        while (i + run < end && alike(&s->chunks[i], &s->chunks[i + run]))
            run++;
        if (run <= MAP_RUN_SHOWN) {
            for (uint32_t k = 0; k < run; k++)
                print_chunk(out, s, &s->chunks[i + k]);
        } else { /* the first two, a line for the middle, the last one */
            print_chunk(out, s, &s->chunks[i]);
            print_chunk(out, s, &s->chunks[i + 1]);
            fprintf(out, "    %-16s %8s  ... %u more %s chunks of %" PRIu64 " bytes\n", "...", "", run - 3,
                    STATE_NAMES[s->chunks[i].state], s->chunks[i].bytes);
            print_chunk(out, s, &s->chunks[i + run - 1]);
        }
        i += run;
    }
}

/* The chunks first to end, left out, in one line. */
static void print_left_out(FILE *out, const struct snapshot *s, uint32_t first, uint32_t end)
{
    uint32_t counts[3] = { 0, 0, 0 };
    for (uint32_t i = first; i < end; i++)
        counts[s->chunks[i].state]++;
    char from[48], to[48];
    const struct snapshot_chunk *last = &s->chunks[end - 1];
    fprintf(out, "    %-16s %8s  ... %u chunks left out (%u used, %u free, %u the stage's), %s to %s\n", "...", "",
            end - first, counts[SNAPSHOT_USED], counts[SNAPSHOT_FREE], counts[SNAPSHOT_STAGE],
            where(s->chunks[first].area, s->chunks[first].offset, from, sizeof from),
            where(last->area, last->offset + last->bytes, to, sizeof to));
}

/* All the chunks when they are few; else the first ones, those around `focus` (the chunk of
 * the operation's block, or none) and the last ones, the rest summed up between them. */
static void print_chunks(FILE *out, const struct snapshot *s, uint32_t focus)
{
    fprintf(out, "    %-16s %8s  %s\n", "offset", "bytes", "chunk");
    uint32_t count = s->header.chunk_count;
    if (count <= MAP_MOST_CHUNKS) {
        print_chunk_range(out, s, 0, count);
        return;
    }
    uint32_t head_end = MAP_MOST_CHUNKS / 2, tail = count - MAP_MOST_CHUNKS / 4;
    uint32_t around = focus < count ? focus : 0, around_first = around > 4 ? around - 4 : 0;
    uint32_t around_end = focus < count && around + 5 < count ? around + 5 : around_first;
    if (around_first <= head_end) /* the focus is among the first ones */
        head_end = around_end > head_end ? around_end : head_end, around_first = around_end = head_end;
    if (around_end >= tail) /* or among the last */
        tail = around_first < tail ? around_first : tail, around_first = around_end = tail;
    print_chunk_range(out, s, 0, head_end);
    if (around_first > head_end) {
        print_left_out(out, s, head_end, around_first);
        print_chunk_range(out, s, around_first, around_end);
    }
    uint32_t gap_from = around_end > head_end ? around_end : head_end;
    if (tail > gap_from)
        print_left_out(out, s, gap_from, tail);
    print_chunk_range(out, s, tail > gap_from ? tail : gap_from, count);
}

/* Where free chunks point: (list, area, offset) of every `next`, sorted, so that a list's
 * heads (the free chunks no other one points at) are found in O(log n) each. */
struct target {
    int32_t list;
    uint8_t area;
    uint64_t offset;
};

static int compare_targets(const void *a, const void *b)
{
    const struct target *x = a, *y = b;
    if (x->list != y->list)
        return x->list < y->list ? -1 : 1;
    if (x->area != y->area)
        return x->area < y->area ? -1 : 1;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* One list from its head: each chunk and its size, up to MAP_LIST_SHOWN; stops at a cycle. */
static void print_list(FILE *out, const struct snapshot *s, const struct snapshot_chunk *head)
{
    char at[48];
    uint64_t chunks = 0, bytes = 0;
    const struct snapshot_chunk *c = head;
    fprintf(out, "    list %d:", head->list);
    while (c != NULL && chunks <= s->header.chunk_count) {
        if (chunks > 0 && c == head) {
            fprintf(out, " -> %s again: a cycle", where(c->area, c->offset, at, sizeof at));
            break;
        }
        if (chunks < MAP_LIST_SHOWN)
            fprintf(out, "%s%s (%" PRIu64 ")", chunks == 0 ? " " : chunks % 4 == 0 ? "\n        -> " : " -> ",
                    where(c->area, c->offset, at, sizeof at), c->bytes);
        chunks++;
        bytes += c->bytes;
        if (c->next < 0) {
            fprintf(out, "%s -> %s", chunks > MAP_LIST_SHOWN ? " ..." : "", c->next == -1 ? "end" : "outside the heap");
            break;
        }
        const struct snapshot_chunk *next = snapshot_chunk_at(s, c->area, (uint64_t)c->next);
        if (next == NULL || next->offset != (uint64_t)c->next || next->state != SNAPSHOT_FREE) {
            fprintf(out, " -> %s, where no free chunk starts", where(c->area, (uint64_t)c->next, at, sizeof at));
            break;
        }
        c = next;
    }
    if (chunks > s->header.chunk_count)
        fprintf(out, " ... longer than the heap has chunks: a cycle");
    fprintf(out, ": %" PRIu64 " chunk%s, %" PRIu64 " bytes\n", chunks, chunks == 1 ? "" : "s", bytes);
}

static void print_lists(FILE *out, const struct snapshot *s)
{
    uint32_t count = 0, free_chunks = 0;
    struct target *targets = malloc((s->header.chunk_count + 1) * sizeof *targets);
    if (targets == NULL)
        return;
    for (uint32_t i = 0; i < s->header.chunk_count; i++) {
        const struct snapshot_chunk *c = &s->chunks[i];
        free_chunks += c->state == SNAPSHOT_FREE && c->list >= 0;
        if (c->state == SNAPSHOT_FREE && c->next >= 0)
            targets[count++] = (struct target){ c->list, c->area, (uint64_t)c->next };
    }
    qsort(targets, count, sizeof *targets, compare_targets);
    int heads = 0;
    for (uint32_t i = 0; i < s->header.chunk_count; i++) {
        const struct snapshot_chunk *c = &s->chunks[i];
        struct target self = { c->list, c->area, c->offset };
        if (c->state != SNAPSHOT_FREE || c->list < 0 || bsearch(&self, targets, count, sizeof *targets, compare_targets) != NULL)
            continue;
        if (heads++ == 0)
            fprintf(out, "  free lists, in list order (from each chunk no other one points at):\n");
        print_list(out, s, c);
    }
    free(targets);
    if (heads == 0 && free_chunks > 0)
        fprintf(out, "  free lists: every free chunk is pointed at by another: the lists are cycles\n");
    else if (heads == 0 && s->header.source == SNAPSHOT_WALKED)
        fprintf(out, "  free lists: none\n");
}

/* The chunk holding the block of the snapshot's operation, or UINT32_MAX (a free, a NULL). */
static uint32_t focus_chunk(const struct snapshot *s, const struct trace *trace)
{
    if (s->header.op_index >= trace->op_count)
        return UINT32_MAX;
    uint32_t id = trace->ops[s->header.op_index].id;
    for (uint32_t b = 0; b < s->header.block_count; b++) {
        if (s->blocks[b].id != id)
            continue;
        const struct snapshot_chunk *c = snapshot_chunk_at(s, s->blocks[b].area, s->blocks[b].offset);
        return c != NULL ? (uint32_t)(c - s->chunks) : UINT32_MAX;
    }
    return UINT32_MAX;
}

void heap_map_print(FILE *out, const char *stage, const struct trace *trace, const struct snapshot *s)
{
    const struct snapshot_header *h = &s->header;
    if (h->op_index < trace->op_count) {
        char text[96], call[160];
        trace_format_op(&trace->ops[h->op_index], text, sizeof text);
        trace_describe_op(&trace->ops[h->op_index], call, sizeof call);
        fprintf(out, "%s:%u: %s (%s): %s's heap after it\n", trace->path, trace->op_lines[h->op_index], text, call, stage);
    }
    fprintf(out, "  heap %" PRIu64 " bytes, mapped %" PRIu64 ", footprint %" PRIu64 "; live payload %" PRIu64
            " bytes in %u block%s\n", h->heap_bytes, h->mapped_bytes, h->footprint_bytes, h->payload_bytes, h->block_count,
            h->block_count == 1 ? "" : "s");
    fprintf(out, "  utilization so far: peak payload %" PRIu64 " / peak footprint %" PRIu64 " = %.2f\n",
            h->peak_payload_bytes, h->peak_footprint_bytes,
            h->peak_footprint_bytes ? (double)h->peak_payload_bytes / (double)h->peak_footprint_bytes : 0.0);
    fprintf(out, "  %s%s%s\n", heap_map_source(h), h->source > SNAPSHOT_DRAWN ? " " : "",
            h->source > SNAPSHOT_DRAWN ? h->walk_problem : "");
    if (h->source != SNAPSHOT_WALKED)
        fprintf(out, "  (each live payload a used chunk, the bytes between them the stage's)\n");
    else if (h->walk_problem[0] != '\0')
        fprintf(out, "  (%s)\n", h->walk_problem);
    fputc('\n', out);
    print_chunks(out, s, focus_chunk(s, trace));
    uint32_t counts[3] = { 0, 0, 0 };
    for (uint32_t i = 0; i < h->chunk_count; i++)
        counts[s->chunks[i].state < 3 ? s->chunks[i].state : SNAPSHOT_STAGE]++;
    fprintf(out, "  chunks: %u (%u used, %u free, %u the stage's)\n", h->chunk_count, counts[SNAPSHOT_USED],
            counts[SNAPSHOT_FREE], counts[SNAPSHOT_STAGE]);
    print_lists(out, s);
}
