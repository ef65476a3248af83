/* payload.c: the pattern in every live block (see payload.h). */
#include "payload.h"

#include <stddef.h>

/* The values step by an odd constant, so the loops below need only additions. */
static const uint64_t PATTERN_STEP = 0x9e3779b97f4a7c15ull;

static inline uint64_t pattern_word(uint64_t seed, uint64_t word_index)
{
    return seed + word_index * PATTERN_STEP;
}

unsigned char payload_byte(uint64_t seed, uint64_t offset)
{
    return (unsigned char)(pattern_word(seed, offset / 8) >> (8 * (offset % 8)));
}

uint64_t payload_seed(uint32_t id, uint32_t line)
{
    uint64_t x = ((uint64_t)line << 32 | id) + 0x9e3779b97f4a7c15ull; /* splitmix64 */
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* ---- which bytes are checked ------------------------------------------------------------ */

enum {
    END_BYTES = 64 << 10, /* the first and the last of a large block */
    WINDOW_BYTES = 256,   /* at each power of two, and at each sixteenth */
    SIXTEENTHS = 16,
    SPANS_MOST = 2 + 64 + SIXTEENTHS,
};

struct span {
    uint64_t from, to;
};

static void add_span(struct span spans[SPANS_MOST], size_t *count, uint64_t from, uint64_t to)
{
    /* Kept in order of their starts, so that the first mismatch found is the lowest. */
    size_t at = *count;
    while (at > 0 && spans[at - 1].from > from) {
        spans[at] = spans[at - 1];
        at--;
    }
    spans[at] = (struct span){ from, to };
    (*count)++;
}

/* What is checked of a block of `bytes`: spans in order of their starts (they may overlap). */
static size_t checked_spans(uint64_t bytes, struct span spans[SPANS_MOST])
{
    size_t count = 0;
    if (payload_is_whole(bytes)) {
        spans[count++] = (struct span){ 0, bytes };
        return count;
    }
    uint64_t tail = bytes - END_BYTES;
    add_span(spans, &count, 0, END_BYTES);
    for (uint64_t at = END_BYTES; at < tail; at *= 2) {
        add_span(spans, &count, at, at + WINDOW_BYTES < tail ? at + WINDOW_BYTES : tail);
        if (at > UINT64_MAX / 2)
            break;
    }
    for (uint64_t i = 1; i < SIXTEENTHS; i++) {
        uint64_t at = bytes / SIXTEENTHS * i / 8 * 8;
        add_span(spans, &count, at, at + WINDOW_BYTES);
    }
    add_span(spans, &count, tail, bytes);
    return count;
}

/* ---- writing and reading them ----------------------------------------------------------- */

static void fill_span(uintptr_t address, uint64_t seed, uint64_t from, uint64_t to)
{
    unsigned char *bytes = (unsigned char *)address;
    uint64_t at = from;
    for (; at < to && at % 8 != 0; at++)
        bytes[at] = payload_byte(seed, at);
    uint64_t *words = (uint64_t *)address, word = at / 8, end_word = to / 8;
    uint64_t value = pattern_word(seed, word);
    for (; word + 4 <= end_word; word += 4, value += 4 * PATTERN_STEP) {
        words[word] = value;
        words[word + 1] = value + PATTERN_STEP;
        words[word + 2] = value + 2 * PATTERN_STEP;
        words[word + 3] = value + 3 * PATTERN_STEP;
    }
    for (; word < end_word; word++, value += PATTERN_STEP)
        words[word] = value;
    for (at = word * 8 > at ? word * 8 : at; at < to; at++)
        bytes[at] = payload_byte(seed, at);
}

/* The first offset of [from, to) that does not hold the pattern, or UINT64_MAX. */
static uint64_t span_mismatch(uintptr_t address, uint64_t seed, uint64_t from, uint64_t to)
{
    const unsigned char *octets = (const unsigned char *)address;
    uint64_t at = from;
    for (; at < to && at % 8 != 0; at++)
        if (octets[at] != payload_byte(seed, at))
            return at;
    const uint64_t *words = (const uint64_t *)address;
    uint64_t word = at / 8, end_word = to / 8, value = pattern_word(seed, word);
    for (; word + 4 <= end_word; word += 4, value += 4 * PATTERN_STEP) {
        uint64_t differences = (words[word] ^ value) | (words[word + 1] ^ (value + PATTERN_STEP)) |
                               (words[word + 2] ^ (value + 2 * PATTERN_STEP)) |
                               (words[word + 3] ^ (value + 3 * PATTERN_STEP));
        if (differences != 0)
            break; /* the byte loop below finds which */
    }
    for (at = word * 8 > at ? word * 8 : at; at < to; at++)
        if (octets[at] != payload_byte(seed, at))
            return at;
    return UINT64_MAX;
}

void payload_fill(uintptr_t address, uint64_t seed, uint64_t bytes, uint64_t from)
{
    struct span spans[SPANS_MOST];
    size_t count = checked_spans(bytes, spans);
    for (size_t i = 0; i < count; i++)
        if (spans[i].to > from)
            fill_span(address, seed, spans[i].from > from ? spans[i].from : from, spans[i].to);
}

uint64_t payload_first_mismatch(uintptr_t address, uint64_t seed, uint64_t written_bytes, uint64_t within)
{
    struct span spans[SPANS_MOST];
    size_t count = checked_spans(written_bytes, spans);
    for (size_t i = 0; i < count && spans[i].from < within; i++) {
        uint64_t bad = span_mismatch(address, seed, spans[i].from, spans[i].to < within ? spans[i].to : within);
        if (bad != UINT64_MAX)
            return bad;
    }
    return UINT64_MAX;
}

uint64_t payload_first_nonzero(uintptr_t address, uint64_t bytes)
{
    const unsigned char *octets = (const unsigned char *)address;
    struct span spans[SPANS_MOST];
    size_t count = checked_spans(bytes, spans);
    for (size_t i = 0; i < count; i++)
        for (uint64_t at = spans[i].from; at < spans[i].to; at++)
            if (octets[at] != 0)
                return at;
    return UINT64_MAX;
}
