/*
 * json.h: a small, strict JSON reader for the files build/replay writes (--save-json), so that
 * build/plot-data needs nothing but the C library.
 *
 * It reads the whole grammar of RFC 8259 (objects, arrays, strings with every escape, numbers,
 * true, false, null) and nothing past it: no comments, no trailing commas, no NaN, no duplicate
 * keys, nothing after the top value. Every value remembers the line it starts on, so that a
 * problem found later (a key missing, a number where a string belongs) is reported as
 * FILE:LINE: problem, as build/replay reports a malformed trace.
 */
#ifndef PLOTS_JSON_H
#define PLOTS_JSON_H

#include <stddef.h>

enum json_kind { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_value {
    enum json_kind kind;
    unsigned line;               /* where the value starts, from 1 */
    double number;               /* JSON_NUMBER; JSON_BOOL: 1 or 0 */
    char *text;                  /* JSON_STRING, UTF-8, NUL-terminated (a \u0000 inside is refused) */
    struct json_value *items;    /* JSON_ARRAY's elements, JSON_OBJECT's values */
    char **keys;                 /* JSON_OBJECT's keys, keys[i] naming items[i] */
    size_t count;                /* elements or members */
};

/* Where a problem is reported: the file's name as given, and the message, "FILE:LINE: ...". */
struct json_file {
    const char *path;
    char message[512];
};

/* Read and parse the file. Returns the top value, or NULL with file->message set. */
struct json_value *json_read_file(struct json_file *file);

void json_free(struct json_value *value);

/* The member `key` of `object`, which must be of `kind`; NULL with file->message set when the
 * object has no such member or it is of another kind. */
const struct json_value *json_member(struct json_file *file, const struct json_value *object, const char *key,
                                     enum json_kind kind);

/* Set file->message to "FILE:LINE: " and the formatted text, for a problem found at `value`.
 * Returns NULL, so that a reader may `return json_problem(...)`. */
void *json_problem(struct json_file *file, const struct json_value *value, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* "an object", "a string", ... */
const char *json_kind_name(enum json_kind kind);

#endif /* PLOTS_JSON_H */
