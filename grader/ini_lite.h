/*
 * ini_lite.h: the rubric's INI format read with the C library alone, for the student kit's
 * pre-grade (make grade), which may need nothing but a C compiler and make. The instructor's
 * grader reads the rubric with libinih (ini_parse); this reads the same files the same way, as
 * inih does by default: [section] lines, name = value (or name: value), comments from ';' or
 * '#' at a line's start and from ';' after whitespace, and an indented line continues the value
 * before it (the handler is called again with the same name). Spaces around names and values
 * are trimmed.
 */
#ifndef INI_LITE_H
#define INI_LITE_H

typedef int (*ini_lite_handler)(void *user, const char *section, const char *name, const char *value);

/* Read `path`, calling handler for each name = value; a handler returns non-zero for "good".
 * Returns 0, -1 when the file cannot be opened, or the number of the first line in error (one
 * that is none of the above, or whose handler said no), as ini_parse does. */
int ini_lite_parse(const char *path, ini_lite_handler handler, void *user);

#endif /* INI_LITE_H */
