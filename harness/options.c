/* options.c: numbers from command lines (see options.h). */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

int parse_size(const char *text, uint64_t *bytes)
{
    if (text == NULL || !isdigit((unsigned char)text[0]))
        return -1;
    char *end;
    errno = 0;
    unsigned long long number = strtoull(text, &end, 10);
    if (errno != 0)
        return -1;
    unsigned shift = 0;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    default: break;
    }
    if (*end == 'i' || *end == 'B') /* "64MiB", "64MB" read as 64M too */
        end += *end == 'i' && end[1] == 'B' ? 2 : 1;
    if (*end != '\0' || (shift && number > (UINT64_MAX >> shift)))
        return -1;
    *bytes = (uint64_t)number << shift;
    return 0;
}

int parse_seconds(const char *text, double *seconds)
{
    if (text == NULL || text[0] == '\0')
        return -1;
    char *end;
    double value = strtod(text, &end);
    if (*end != '\0' || !(value > 0) || !isfinite(value))
        return -1;
    *seconds = value;
    return 0;
}

int parse_count(const char *text, uint32_t least, uint32_t most, uint32_t *count)
{
    if (text == NULL || !isdigit((unsigned char)text[0]))
        return -1;
    char *end;
    errno = 0;
    unsigned long value = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < least || value > most)
        return -1;
    *count = (uint32_t)value;
    return 0;
}
