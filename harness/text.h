/* text.h: small text helpers the runner, build/replay and the grader share. */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>
#include <stdint.h>

/* The last name of a path, trailing slashes left out: its start in *name and its length, for
 * printing with "%.*s" ("stages/list.c" -> "list.c", "class/alice/" -> "alice"). */
int text_last_name(const char *path, const char **name);

/* Where the last `lines` lines of text[0, length) begin (a last line without its newline
 * counts), so that a message shows the lines just before a failure. */
const char *text_last_lines(const char *text, size_t length, int lines);

/* a + b, or UINT64_MAX when the sum does not fit: byte counts of traces that ask for huge sizes. */
static inline uint64_t add_saturating(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

#endif /* TEXT_H */
