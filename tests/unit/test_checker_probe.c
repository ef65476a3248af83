/*
 * test_checker_probe.c: where each corruption of a checker probe strikes (checker_probe.h).
 *
 * A heap laid out by hand in simulated memory, as a stage with 8-byte headers and footers would
 * lay it: three live blocks and, between the second and the third, a free region that holds a
 * link. Each kind must change exactly the word it names, to the value it names, and say so;
 * a kind with nothing to strike must change nothing and say why.
 */
#include "checker_probe.h"
#include "heapmgr.h"
#include "simmem.h"
#include "unit.h"

#include <string.h>

enum { HEAP_BYTES = 4096 };

static unsigned char *heap;
static unsigned char before[HEAP_BYTES];
static struct probe_block blocks[3];

/* The heap: [hdr 0x21][id 0: 16 B][ftr 0x21] [hdr 0x31][id 1: 32 B][ftr 0x31]
 * [free region: hdr 0x80, link to the heap, zeros, ftr 0x80] [hdr 0x21][id 2: 16 B][ftr 0x21] */
static void lay_out(void)
{
    char error[256];
    simmem_release();
    if (simmem_init(UINT64_C(64) << 20, 0, error, sizeof error) != 0) {
        printf("#   simmem_init: %s\n", error);
        expect(0);
        return;
    }
    heap = hm_sbrk(HEAP_BYTES);
    expect(heap != (void *)-1);
    memset(heap, 0, HEAP_BYTES);
    uint64_t word;
    size_t at = 8;
    const uint64_t sizes[3] = { 16, 32, 16 };
    for (int i = 0; i < 3; i++) {
        if (i == 2) { /* the free region first: header, a link, footer */
            word = 0x80;
            memcpy(heap + at, &word, 8);
            word = (uint64_t)(uintptr_t)(heap + 8);
            memcpy(heap + at + 8, &word, 8);
            memcpy(heap + at + 0x78, &(uint64_t){ 0x80 }, 8);
            at += 0x80;
        }
        word = sizes[i] + 16 + 1;
        memcpy(heap + at, &word, 8);
        blocks[i] = (struct probe_block){ (uint32_t)i, (uintptr_t)(heap + at + 8), sizes[i] };
        memset(heap + at + 8, 0xab, sizes[i]); /* the payload: the program's */
        memcpy(heap + at + 8 + sizes[i], &word, 8);
        at += sizes[i] + 16;
    }
    memcpy(before, heap, HEAP_BYTES);
}

/* The one word that changed, its offset in *offset; -1 when none or more than one did. */
static int changed_word(size_t *offset, uint64_t *was, uint64_t *now)
{
    int changes = 0;
    for (size_t at = 0; at < HEAP_BYTES; at += 8)
        if (memcmp(heap + at, before + at, 8) != 0) {
            *offset = at;
            memcpy(was, before + at, 8);
            memcpy(now, heap + at, 8);
            changes++;
        }
    return changes == 1 ? 0 : -1;
}

static void strike_expect(enum probe_kind kind, uint64_t seed, size_t offset_wanted, uint64_t value_wanted,
                          const char *text_wanted)
{
    lay_out();
    char what[400];
    expect(checker_probe_strike(kind, blocks, 3, seed, what, sizeof what) == 0);
    size_t offset = 0;
    uint64_t was = 0, now = 0;
    expect(changed_word(&offset, &was, &now) == 0);
    expect(offset == offset_wanted);
    expect(now == value_wanted);
    expect(strstr(what, text_wanted) != NULL);
    if (strstr(what, text_wanted) == NULL)
        printf("#   %s: %s\n", checker_probe_kind_name(kind), what);
}

static void header_words(void)
{
    /* seed 0: the first block that qualifies, id 0, whose header is at heap+0x8 */
    strike_expect(PROBE_BEFORE_GROWN, 0, 0x8, 0x21 + 16, "the 8 bytes before id 0's payload");
    strike_expect(PROBE_BEFORE_DOUBLED, 1, 0x28, 0x62, "0x31 doubled to 0x62");
    strike_expect(PROBE_BEFORE_ZEROED, 0, 0x8, 0, "zeroed");
    strike_expect(PROBE_BEFORE_FLIPPED, 0, 0x8, 0x20, "lowest bit flipped");
}

static void footer_words(void)
{
    /* after id 1 (32 bytes, a multiple of 16): its footer at heap+0x28 + 8 + 32 */
    strike_expect(PROBE_AFTER_DOUBLED, 1, 0x50, 0x62, "the 8 bytes after id 1's payload");
}

static void links(void)
{
    /* the free region's link, at heap+0x60 (its header at heap+0x58) */
    lay_out();
    char what[400];
    expect(checker_probe_strike(PROBE_LINK_TO_LIVE, blocks, 3, 0, what, sizeof what) == 0);
    size_t offset = 0;
    uint64_t was = 0, now = 0;
    expect(changed_word(&offset, &was, &now) == 0);
    expect(offset == 0x60);
    expect(now == blocks[0].address || now == blocks[1].address || now == blocks[2].address);
    expect(strstr(what, "a word of a free region") != NULL);
    strike_expect(PROBE_LINK_OUTSIDE, 0, 0x60, (uint64_t)((simmem_break() + (1u << 20)) / 16 * 16),
                  "outside the stage's memory");
}

static void swapped_words(void)
{
    lay_out();
    char what[400];
    expect(checker_probe_strike(PROBE_SWAPPED, blocks, 3, 0, what, sizeof what) == 0);
    uint64_t first, second;
    memcpy(&first, heap + 0x8, 8);
    memcpy(&second, heap + 0x28, 8);
    expect(first == 0x31 && second == 0x21);
    expect(strstr(what, "swapped") != NULL);
}

/* Nothing to strike: nothing changes, and the reason is given. */
static void nothing_to_strike(void)
{
    lay_out();
    char what[400];
    struct probe_block odd = blocks[0];
    odd.bytes = 8; /* not a multiple of 16: no "after" word */
    expect(checker_probe_strike(PROBE_AFTER_GROWN, &odd, 1, 0, what, sizeof what) == -1);
    expect(memcmp(heap, before, HEAP_BYTES) == 0);
    expect(strstr(what, "multiple of 16") != NULL);
    expect(checker_probe_strike(PROBE_BEFORE_GROWN, blocks, 0, 0, what, sizeof what) == -1);
    expect(memcmp(heap, before, HEAP_BYTES) == 0);
}

/* The control changes nothing. */
static void control_changes_nothing(void)
{
    lay_out();
    char what[400];
    expect(checker_probe_strike(PROBE_CONTROL, blocks, 3, 0, what, sizeof what) == 0);
    expect(memcmp(heap, before, HEAP_BYTES) == 0);
}

/* A word inside a live payload is the program's: never struck, even where a kind would. */
static void payloads_are_not_struck(void)
{
    lay_out();
    struct probe_block overlapping[2] = { blocks[0], { 9, blocks[0].address - 8, 8 } };
    char what[400];
    /* id 0's header lies inside id 9's payload: only id 9 (header at heap+0x0) qualifies */
    expect(checker_probe_strike(PROBE_BEFORE_GROWN, overlapping, 2, 0, what, sizeof what) == 0);
    size_t offset = 0;
    uint64_t was = 0, now = 0;
    expect(changed_word(&offset, &was, &now) == 0);
    expect(offset == 0x0);
}

int main(void)
{
    RUN(header_words);
    RUN(footer_words);
    RUN(links);
    RUN(swapped_words);
    RUN(nothing_to_strike);
    RUN(control_changes_nothing);
    RUN(payloads_are_not_struck);
    simmem_release();
    return unit_exit_status();
}
