/* options.h: reading the numbers that command lines give: sizes, seconds, counts. */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stdint.h>

/* "64M", "4G", "8192", "512K": bytes. Returns 0, or -1 when the text is not such a size. */
int parse_size(const char *text, uint64_t *bytes);

/* "10", "2.5": seconds, more than 0. Returns 0 or -1. */
int parse_seconds(const char *text, double *seconds);

/* "5": a whole number from `least` to `most`. Returns 0 or -1. */
int parse_count(const char *text, uint32_t least, uint32_t most, uint32_t *count);

#endif /* OPTIONS_H */
