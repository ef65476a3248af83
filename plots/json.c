/* json.c: a small, strict JSON reader (see json.h). */
#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MOST_DEPTH = 64 }; /* report_json nests five deep: far more is a broken file, not ours */

struct parser {
    struct json_file *file;
    const char *at, *end;
    unsigned line;
    int depth;
};

const char *json_kind_name(enum json_kind kind)
{
    static const char *const names[] = { "null", "true or false", "a number", "a string", "an array",
                                         "an object" };
    return names[kind];
}

static int fail_at(struct parser *p, const char *format, ...) __attribute__((format(printf, 2, 3)));

static int fail_at(struct parser *p, const char *format, ...)
{
    char text[400];
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(text, sizeof text, format, arguments);
    va_end(arguments);
    snprintf(p->file->message, sizeof p->file->message, "%s:%u: %s", p->file->path, p->line, text);
    return -1;
}

void *json_problem(struct json_file *file, const struct json_value *value, const char *format, ...)
{
    char text[400];
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(text, sizeof text, format, arguments);
    va_end(arguments);
    snprintf(file->message, sizeof file->message, "%s:%u: %s", file->path, value->line, text);
    return NULL;
}

/* What is at the reader, for a message: 'x', a word ('nan', 'True'), or "the end of the file". */
static const char *seen(const struct parser *p, char *out, size_t out_size)
{
    if (p->at >= p->end)
        return "the end of the file";
    unsigned char c = (unsigned char)*p->at;
    size_t word = 0;
    while (p->at + word < p->end && word < 16 && strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-", p->at[word]) != NULL && p->at[word] != '\0')
        word++;
    if (word > 1)
        snprintf(out, out_size, "'%.*s'", (int)word, p->at);
    else if (c >= 0x20 && c < 0x7f)
        snprintf(out, out_size, "'%c'", c);
    else
        snprintf(out, out_size, "byte 0x%02x", c);
    return out;
}

static void skip_space(struct parser *p)
{
    while (p->at < p->end && (*p->at == ' ' || *p->at == '\t' || *p->at == '\n' || *p->at == '\r')) {
        if (*p->at == '\n')
            p->line++;
        p->at++;
    }
}

static int parse_value(struct parser *p, struct json_value *out);

static int hex_digits(struct parser *p, unsigned *value)
{
    *value = 0;
    for (int i = 0; i < 4; i++, p->at++) {
        char c = p->at < p->end ? *p->at : '\0';
        int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (digit < 0)
            return fail_at(p, "a \\u escape needs four hexadecimal digits");
        *value = *value * 16 + (unsigned)digit;
    }
    return 0;
}

/* Append the code point as UTF-8. */
static size_t put_utf8(char *out, unsigned code)
{
    if (code < 0x80) {
        out[0] = (char)code;
        return 1;
    }
    if (code < 0x800) {
        out[0] = (char)(0xc0 | code >> 6);
        out[1] = (char)(0x80 | (code & 0x3f));
        return 2;
    }
    if (code < 0x10000) {
        out[0] = (char)(0xe0 | code >> 12);
        out[1] = (char)(0x80 | ((code >> 6) & 0x3f));
        out[2] = (char)(0x80 | (code & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | code >> 18);
    out[1] = (char)(0x80 | ((code >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((code >> 6) & 0x3f));
    out[3] = (char)(0x80 | (code & 0x3f));
    return 4;
}

/* A string, the reader at its opening quote. The text is never longer than its JSON form. */
static int parse_string(struct parser *p, char **text)
{
    const char *start = ++p->at;
    *text = malloc((size_t)(p->end - start) + 1);
    if (*text == NULL)
        return fail_at(p, "out of memory");
    size_t length = 0;
    for (;;) {
        if (p->at >= p->end)
            return fail_at(p, "a string is not closed: the file ends inside it");
        unsigned char c = (unsigned char)*p->at;
        if (c == '"')
            break;
        if (c < 0x20)
            return fail_at(p, "a string holds control byte 0x%02x: write it as \\u%04x", c, c);
        p->at++;
        if (c != '\\') {
            (*text)[length++] = (char)c;
            continue;
        }
        char escape = p->at < p->end ? *p->at++ : '\0';
        const char *plain = strchr("\"\\/bfnrt", escape);
        if (escape != '\0' && plain != NULL) {
            (*text)[length++] = "\"\\/\b\f\n\r\t"[plain - "\"\\/bfnrt"];
            continue;
        }
        if (escape != 'u')
            return fail_at(p, "a string holds an unknown escape \\%c", escape ? escape : '0');
        unsigned code;
        if (hex_digits(p, &code) != 0)
            return -1;
        if (code >= 0xd800 && code < 0xdc00) { /* a surrogate pair: the low half must follow */
            unsigned low;
            if (p->end - p->at < 2 || p->at[0] != '\\' || p->at[1] != 'u')
                return fail_at(p, "a \\u escape of a high surrogate is not followed by its low one");
            p->at += 2;
            if (hex_digits(p, &low) != 0)
                return -1;
            if (low < 0xdc00 || low > 0xdfff)
                return fail_at(p, "a \\u escape of a high surrogate is not followed by its low one");
            code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        } else if (code >= 0xdc00 && code < 0xe000) {
            return fail_at(p, "a \\u escape of a low surrogate stands alone");
        }
        if (code == 0)
            return fail_at(p, "a string holds \\u0000, which no name here can hold");
        length += put_utf8(*text + length, code);
    }
    p->at++;
    (*text)[length] = '\0';
    return 0;
}

/* A number, by JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int parse_number(struct parser *p, double *number)
{
    const char *start = p->at, *c = p->at;
#define DIGIT(x) ((x) < p->end && *(x) >= '0' && *(x) <= '9')
    if (c < p->end && *c == '-')
        c++;
    if (!DIGIT(c))
        return fail_at(p, "a number needs a digit after its '-'");
    if (*c == '0')
        c++;
    else
        while (DIGIT(c))
            c++;
    if (c < p->end && *c == '.') {
        if (!DIGIT(c + 1))
            return fail_at(p, "a number needs a digit after its decimal point");
        for (c++; DIGIT(c); c++) {}
    }
    if (c < p->end && (*c == 'e' || *c == 'E')) {
        c++;
        if (c < p->end && (*c == '+' || *c == '-'))
            c++;
        if (!DIGIT(c))
            return fail_at(p, "a number needs a digit in its exponent");
        while (DIGIT(c))
            c++;
    }
#undef DIGIT
    char copy[64];
    if ((size_t)(c - start) >= sizeof copy)
        return fail_at(p, "a number of %zu characters is longer than any this reader expects", (size_t)(c - start));
    memcpy(copy, start, (size_t)(c - start));
    copy[c - start] = '\0';
    errno = 0;
    *number = strtod(copy, NULL);
    if (errno == ERANGE && (*number > 1 || *number < -1))
        return fail_at(p, "the number %s is too large", copy);
    p->at = c;
    return 0;
}

static int parse_word(struct parser *p, const char *word)
{
    size_t length = strlen(word);
    if ((size_t)(p->end - p->at) < length || memcmp(p->at, word, length) != 0)
        return -1;
    p->at += length;
    return 0;
}

/* An array or an object, the reader at its '[' or '{'. */
static int parse_container(struct parser *p, struct json_value *out)
{
    int is_object = *p->at == '{';
    char close = is_object ? '}' : ']', buffer[32];
    if (++p->depth > MOST_DEPTH)
        return fail_at(p, "values nested more than %d deep", MOST_DEPTH);
    p->at++;
    skip_space(p);
    size_t room = 0;
    if (p->at < p->end && *p->at == close) {
        p->at++;
        p->depth--;
        return 0;
    }
    for (;;) {
        if (out->count == room) {
            room = room ? 2 * room : 8;
            struct json_value *items = realloc(out->items, room * sizeof *items);
            char **keys = is_object ? realloc(out->keys, room * sizeof *keys) : NULL;
            if (items != NULL)
                out->items = items;
            if (keys != NULL)
                out->keys = keys;
            if (items == NULL || (is_object && keys == NULL))
                return fail_at(p, "out of memory");
        }
        struct json_value *item = &out->items[out->count];
        memset(item, 0, sizeof *item);
        if (is_object) {
            out->keys[out->count] = NULL;
            if (p->at >= p->end || *p->at != '"')
                return out->count++, fail_at(p, "expected a key in quotes, found %s", seen(p, buffer, sizeof buffer));
            if (parse_string(p, &out->keys[out->count]) != 0)
                return out->count++, -1;
            for (size_t k = 0; k < out->count; k++)
                if (strcmp(out->keys[k], out->keys[out->count]) == 0)
                    return out->count++, fail_at(p, "the key \"%s\" appears twice in one object", out->keys[k]);
            skip_space(p);
            if (p->at >= p->end || *p->at != ':')
                return out->count++, fail_at(p, "expected ':' after a key, found %s", seen(p, buffer, sizeof buffer));
            p->at++;
            skip_space(p);
        }
        out->count++;
        if (parse_value(p, item) != 0)
            return -1;
        skip_space(p);
        if (p->at < p->end && *p->at == ',') {
            unsigned comma_line = p->line;
            p->at++;
            skip_space(p);
            if (p->at < p->end && *p->at == close) {
                p->line = comma_line; /* the message names the comma's line */
                return fail_at(p, "a comma before '%c': JSON allows none there", close);
            }
            continue;
        }
        if (p->at < p->end && *p->at == close) {
            p->at++;
            p->depth--;
            return 0;
        }
        return fail_at(p, "expected ',' or '%c' after %s, found %s", close,
                       is_object ? "an object's member" : "an array's element", seen(p, buffer, sizeof buffer));
    }
}

static int parse_value(struct parser *p, struct json_value *out)
{
    char buffer[32];
    out->line = p->line;
    if (p->at >= p->end)
        return fail_at(p, "expected a value, found the end of the file");
    switch (*p->at) {
    case '{':
        out->kind = JSON_OBJECT;
        return parse_container(p, out);
    case '[':
        out->kind = JSON_ARRAY;
        return parse_container(p, out);
    case '"':
        out->kind = JSON_STRING;
        return parse_string(p, &out->text);
    case 't':
    case 'f':
        out->kind = JSON_BOOL;
        out->number = *p->at == 't';
        if (parse_word(p, out->number ? "true" : "false") == 0)
            return 0;
        break;
    case 'n':
        out->kind = JSON_NULL;
        if (parse_word(p, "null") == 0)
            return 0;
        break;
    default:
        if (*p->at == '-' || (*p->at >= '0' && *p->at <= '9')) {
            out->kind = JSON_NUMBER;
            return parse_number(p, &out->number);
        }
    }
    return fail_at(p, "expected a value (an object, array, string, number, true, false or null), found %s",
                   seen(p, buffer, sizeof buffer));
}

struct json_value *json_read_file(struct json_file *file)
{
    FILE *in = fopen(file->path, "rb");
    if (in == NULL) {
        snprintf(file->message, sizeof file->message, "%s: %s", file->path, strerror(errno));
        return NULL;
    }
    char *bytes = NULL;
    size_t length = 0, room = 0, got;
    do {
        if (length == room) {
            room = room ? 2 * room : 65536;
            char *grown = realloc(bytes, room);
            if (grown == NULL) {
                free(bytes);
                fclose(in);
                snprintf(file->message, sizeof file->message, "%s: out of memory", file->path);
                return NULL;
            }
            bytes = grown;
        }
        got = fread(bytes + length, 1, room - length, in);
        length += got;
    } while (got > 0);
    int read_error = ferror(in);
    fclose(in);
    if (read_error) {
        free(bytes);
        snprintf(file->message, sizeof file->message, "%s: cannot read it", file->path);
        return NULL;
    }
    struct parser p = { .file = file, .at = bytes, .end = bytes + length, .line = 1 };
    struct json_value *top = calloc(1, sizeof *top);
    int status = top == NULL ? -1 : 0;
    if (top == NULL)
        snprintf(file->message, sizeof file->message, "%s: out of memory", file->path);
    if (status == 0) {
        skip_space(&p);
        status = parse_value(&p, top);
    }
    if (status == 0) {
        char buffer[32];
        skip_space(&p);
        if (p.at < p.end)
            status = fail_at(&p, "%s after the end of the top value", seen(&p, buffer, sizeof buffer));
    }
    free(bytes);
    if (status != 0) {
        json_free(top);
        return NULL;
    }
    return top;
}

static void free_inside(struct json_value *value)
{
    free(value->text);
    for (size_t i = 0; i < value->count; i++) {
        free_inside(&value->items[i]);
        if (value->keys != NULL)
            free(value->keys[i]);
    }
    free(value->items);
    free(value->keys);
}

void json_free(struct json_value *value)
{
    if (value == NULL)
        return;
    free_inside(value);
    free(value);
}

const struct json_value *json_member(struct json_file *file, const struct json_value *object, const char *key,
                                     enum json_kind kind)
{
    if (object->kind != JSON_OBJECT)
        return json_problem(file, object, "expected an object holding \"%s\", found %s", key,
                            json_kind_name(object->kind));
    for (size_t i = 0; i < object->count; i++) {
        if (strcmp(object->keys[i], key) != 0)
            continue;
        if (object->items[i].kind != kind)
            return json_problem(file, &object->items[i], "\"%s\" should be %s, not %s", key, json_kind_name(kind),
                                json_kind_name(object->items[i].kind));
        return &object->items[i];
    }
    return json_problem(file, object, "the object has no \"%s\"", key);
}
