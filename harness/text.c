/* text.c: small text helpers (see text.h). */
#include "text.h"

#include <string.h>

int text_last_name(const char *path, const char **name)
{
    size_t length = strlen(path);
    while (length > 1 && path[length - 1] == '/')
        length--;
    size_t start = length;
    while (start > 0 && path[start - 1] != '/')
        start--;
    if (start == length) /* "/" */
        start = 0;
    *name = path + start;
    return (int)(length - start);
}

const char *text_last_lines(const char *text, size_t length, int lines)
{
    const char *from = text + length;
    for (int seen = 0; from > text && seen <= lines; from--)
        if (from[-1] == '\n' && from != text + length)
            seen++;
    if (from > text || (from == text && *from == '\n'))
        from++; /* past the newline that ends the line before */
    return from < text + length ? from : text + length;
}
