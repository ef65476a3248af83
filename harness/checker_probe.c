/* checker_probe.c: corruptions a heap checker should see (see checker_probe.h). */
#include "checker_probe.h"

#include "hostmem.h"
#include "simmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WORD_BYTES = 8, FREE_REGION_MIN_BYTES = 64 };

static const char *const KIND_NAMES[PROBE_KINDS] = {
    [PROBE_BEFORE_GROWN] = "before-grown",   [PROBE_BEFORE_DOUBLED] = "before-doubled",
    [PROBE_BEFORE_ZEROED] = "before-zeroed", [PROBE_BEFORE_FLIPPED] = "before-flipped",
    [PROBE_AFTER_GROWN] = "after-grown",     [PROBE_AFTER_DOUBLED] = "after-doubled",
    [PROBE_AFTER_ZEROED] = "after-zeroed",   [PROBE_AFTER_FLIPPED] = "after-flipped",
    [PROBE_LINK_TO_LIVE] = "link-live",      [PROBE_LINK_OUTSIDE] = "link-out",
    [PROBE_SWAPPED] = "swapped",        [PROBE_CONTROL] = "control",
};

const char *checker_probe_kind_name(enum probe_kind kind)
{
    return (unsigned)kind < PROBE_KINDS ? KIND_NAMES[kind] : "?";
}

const char *checker_probe_verdict_name(enum probe_verdict verdict)
{
    switch (verdict) {
    case PROBE_DETECTED: return "detected";
    case PROBE_MISSED: return "missed";
    case PROBE_NO_TARGET: return "no-target";
    case PROBE_COMPLAINED: return "complained";
    case PROBE_CRASHED: return "crashed";
    case PROBE_CLEAN: return "clean";
    default: return "not-run";
    }
}

/* ---- the stage's words ------------------------------------------------------------------ */

/* The live blocks by address, to tell the stage's bytes from the program's. */
static struct {
    struct probe_block *by_address;
    size_t count;
} live;

static int by_address(const void *a, const void *b)
{
    uintptr_t x = ((const struct probe_block *)a)->address, y = ((const struct probe_block *)b)->address;
    return (x > y) - (x < y);
}

/* Does [address, address + 8) overlap a live block's payload? (A block of 0 bytes holds its
 * address.) */
static int in_a_payload(uintptr_t address)
{
    size_t low = 0, high = live.count; /* the first block that starts at or past address + 8 */
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (live.by_address[middle].address < address + WORD_BYTES)
            low = middle + 1;
        else
            high = middle;
    }
    if (low == 0)
        return 0;
    const struct probe_block *b = &live.by_address[low - 1];
    return b->address + (b->bytes ? b->bytes : 1) > address;
}

/* Is the word at `address` the stage's: in its heap or a live mapping, aligned, in no payload? */
static int stage_word(uintptr_t address)
{
    return address % WORD_BYTES == 0 &&
           (simmem_range_in_heap(address, WORD_BYTES) || simmem_range_in_mapping(address, WORD_BYTES)) &&
           !in_a_payload(address);
}

static int points_into_memory(uint64_t value)
{
    return simmem_range_in_heap((uintptr_t)value, 1) || simmem_range_in_mapping((uintptr_t)value, 1);
}

static uint64_t word_at(uintptr_t address)
{
    uint64_t value;
    memcpy(&value, (const void *)address, sizeof value);
    return value;
}

static void set_word(uintptr_t address, uint64_t value)
{
    memcpy((void *)address, &value, sizeof value);
}

/* ---- the targets ------------------------------------------------------------------------- */

static int is_before(enum probe_kind kind)
{
    return kind <= PROBE_BEFORE_FLIPPED || kind == PROBE_SWAPPED;
}

/* The word a block kind strikes at for block b, or 0 when b does not qualify. */
static uintptr_t block_word(enum probe_kind kind, const struct probe_block *b)
{
    uintptr_t word;
    if (is_before(kind)) {
        word = b->address - WORD_BYTES;
    } else {
        if (b->bytes == 0 || b->bytes % 16 != 0)
            return 0;
        word = b->address + b->bytes;
    }
    if (!stage_word(word))
        return 0;
    uint64_t value = word_at(word);
    if ((kind == PROBE_BEFORE_DOUBLED || kind == PROBE_AFTER_DOUBLED || kind == PROBE_BEFORE_ZEROED ||
         kind == PROBE_AFTER_ZEROED) && value == 0)
        return 0; /* doubling or zeroing would change nothing */
    return word;
}

/* The link word of free region `region` (the gaps of the heap between live blocks, in address
 * order, counted from 0), or 0 when it has none. *count_out: the regions there are. */
static uintptr_t region_link(size_t region, size_t *count_out)
{
    uintptr_t heap_start = simmem_heap_start(), heap_end = simmem_break();
    size_t regions = 0;
    uintptr_t found = 0;
    uintptr_t from = heap_start;
    for (size_t i = 0; i <= live.count; i++) {
        uintptr_t to = heap_end;
        if (i < live.count) {
            const struct probe_block *b = &live.by_address[i];
            if (b->address < heap_start || b->address >= heap_end)
                continue; /* a mapped block: not in the heap's order */
            to = b->address;
        }
        if (to > from && to - from >= FREE_REGION_MIN_BYTES) {
            uintptr_t link = 0;
            for (uintptr_t word = (from + WORD_BYTES - 1) / WORD_BYTES * WORD_BYTES; word + WORD_BYTES <= to;
                 word += WORD_BYTES)
                if (stage_word(word) && points_into_memory(word_at(word))) {
                    link = word;
                    break;
                }
            if (link != 0) {
                if (regions == region)
                    found = link;
                regions++;
            }
        }
        if (i < live.count)
            from = live.by_address[i].address + (live.by_address[i].bytes ? live.by_address[i].bytes : 1);
    }
    *count_out = regions;
    return found;
}

/* "the 8 bytes before id 3's payload (heap+0x48)" */
static void name_block_word(enum probe_kind kind, const struct probe_block *b, char *out, size_t size)
{
    char payload[96];
    simmem_describe(b->address, payload, sizeof payload);
    snprintf(out, size, "the 8 bytes %s id %u's payload (%s, %llu bytes)", is_before(kind) ? "before" : "after",
             b->id, payload, (unsigned long long)b->bytes);
}

static int no_target(char *what, size_t what_size, const char *why)
{
    snprintf(what, what_size, "%s", why);
    return -1;
}

static int strike_block(enum probe_kind kind, const struct probe_block *blocks, size_t count, uint64_t seed,
                        char *what, size_t what_size)
{
    size_t qualified = 0;
    for (size_t i = 0; i < count; i++)
        qualified += block_word(kind, &blocks[i]) != 0;
    if (qualified == 0)
        return no_target(what, what_size, is_before(kind) ? "no live block has a word of the stage's before it"
                                                          : "no live block of a multiple of 16 bytes has a "
                                                            "word of the stage's after it");
    size_t pick = (size_t)(seed % qualified), chosen = 0;
    for (size_t i = 0; i < count; i++) {
        uintptr_t word = block_word(kind, &blocks[i]);
        if (word == 0 || chosen++ != pick)
            continue;
        uint64_t before = word_at(word), after;
        const char *how = "";
        switch (kind) {
        case PROBE_BEFORE_GROWN: case PROBE_AFTER_GROWN: after = before + 16; how = "grown by 16 to"; break;
        case PROBE_BEFORE_DOUBLED: case PROBE_AFTER_DOUBLED: after = before * 2; how = "doubled to"; break;
        case PROBE_BEFORE_ZEROED: case PROBE_AFTER_ZEROED: after = 0; how = "zeroed to"; break;
        default: after = before ^ 1; how = "with its lowest bit flipped to"; break;
        }
        set_word(word, after);
        char at[96], named[256];
        simmem_describe(word, at, sizeof at);
        name_block_word(kind, &blocks[i], named, sizeof named);
        snprintf(what, what_size, "%s, %s: 0x%llx %s 0x%llx", at, named, (unsigned long long)before, how,
                 (unsigned long long)after);
        return 0;
    }
    return no_target(what, what_size, "no target");
}

static int strike_link(enum probe_kind kind, const struct probe_block *blocks, size_t count, uint64_t seed,
                       char *what, size_t what_size)
{
    size_t regions;
    region_link(0, &regions);
    if (regions == 0)
        return no_target(what, what_size, "no free region of the heap (64 bytes or more between live blocks) "
                                          "holds a word that points into the stage's memory");
    uintptr_t link = region_link((size_t)(seed % regions), &regions);
    if (link == 0)
        return no_target(what, what_size, "no target");
    uint64_t before = word_at(link), after;
    char target[160];
    if (kind == PROBE_LINK_TO_LIVE) {
        const struct probe_block *b = &blocks[(size_t)(seed / regions % count)];
        char payload[96];
        simmem_describe(b->address, payload, sizeof payload);
        after = b->address;
        snprintf(target, sizeof target, "id %u's payload (%s)", b->id, payload);
    } else {
        after = (simmem_break() + (1u << 20)) / 16 * 16;
        snprintf(target, sizeof target, "1 MiB past the break, outside the stage's memory");
    }
    set_word(link, after);
    char at[96], was[96];
    simmem_describe(link, at, sizeof at);
    simmem_describe((uintptr_t)before, was, sizeof was);
    snprintf(what, what_size, "%s, a word of a free region that pointed to %s: pointed at %s", at, was, target);
    return 0;
}

static int strike_swap(const struct probe_block *blocks, size_t count, uint64_t seed, char *what,
                       size_t what_size)
{
    size_t qualified = 0;
    for (size_t i = 0; i < count; i++)
        qualified += block_word(PROBE_SWAPPED, &blocks[i]) != 0;
    if (qualified < 2)
        return no_target(what, what_size, "fewer than two live blocks have a word of the stage's before them");
    size_t pick = (size_t)(seed % qualified), chosen = 0, first = count;
    for (size_t i = 0; i < count && first == count; i++)
        if (block_word(PROBE_SWAPPED, &blocks[i]) != 0 && chosen++ == pick)
            first = i;
    uintptr_t a = first < count ? block_word(PROBE_SWAPPED, &blocks[first]) : 0;
    if (a == 0)
        return no_target(what, what_size, "no target");
    for (size_t step = 1; step < count; step++) {
        const struct probe_block *other = &blocks[(first + step) % count];
        uintptr_t b = block_word(PROBE_SWAPPED, other);
        if (b == 0 || word_at(b) == word_at(a))
            continue;
        uint64_t at_a = word_at(a), at_b = word_at(b);
        set_word(a, at_b);
        set_word(b, at_a);
        char where_a[96], where_b[96];
        simmem_describe(a, where_a, sizeof where_a);
        simmem_describe(b, where_b, sizeof where_b);
        snprintf(what, what_size, "%s and %s, the 8 bytes before id %u's and id %u's payloads: 0x%llx and "
                 "0x%llx swapped", where_a, where_b, blocks[first].id, other->id, (unsigned long long)at_a,
                 (unsigned long long)at_b);
        return 0;
    }
    return no_target(what, what_size, "the words before the live blocks are all alike");
}

int checker_probe_strike(enum probe_kind kind, const struct probe_block *blocks, size_t count, uint64_t seed,
                         char *what, size_t what_size)
{
    if (kind == PROBE_CONTROL) {
        snprintf(what, what_size, "nothing changed (the control: hm_check must return 0)");
        return 0;
    }
    if (count == 0)
        return no_target(what, what_size, "no block is live here");
    live.count = count;
    live.by_address = host_alloc(count * sizeof *live.by_address);
    if (live.by_address == NULL)
        return no_target(what, what_size, "no memory for the probe's table");
    memcpy(live.by_address, blocks, count * sizeof *blocks);
    qsort(live.by_address, count, sizeof *live.by_address, by_address);
    int struck = kind == PROBE_LINK_TO_LIVE || kind == PROBE_LINK_OUTSIDE
                     ? strike_link(kind, blocks, count, seed, what, what_size)
                 : kind == PROBE_SWAPPED ? strike_swap(blocks, count, seed, what, what_size)
                                         : strike_block(kind, blocks, count, seed, what, what_size);
    host_free(live.by_address, count * sizeof *live.by_address);
    live.by_address = NULL;
    return struck;
}
