/*
 * provenance.h: what a recorded trace says of where it came from, in its "# source:" line:
 *
 *     # source: recorded on 2025-03-14 by build/record -- sort -n numbers.txt (sort: Debian package coreutils 9.1-1)
 *
 * The program's version is that of the Debian package that installed it, found in dpkg's lists
 * of files and asked of dpkg-query (about a tenth of a second): nothing of the program runs to
 * find it (PROGRAM --version would run code that may not know the option, with effects of its
 * own). It is left out when the program is not under /usr, /bin, /sbin or /lib (no package
 * installs elsewhere), when dpkg is missing, or when no package owns the program.
 */
#ifndef RECORD_PROVENANCE_H
#define RECORD_PROVENANCE_H

#include <stdbool.h>
#include <stddef.h>

/* The "# source:" line's text (after "# source: "), one line of at most `out_size` - 1
 * characters and never more than a trace line holds: the command line as a shell would read
 * it (control characters as '?', cut with "..." when too long), the date (UTC), and the
 * version when known. `program_path` is the file that ran. */
void provenance_source(char *out, size_t out_size, bool follow, char *const argv[], const char *program_path);

/* Whether `text` may stand in a trace's comment line: no control character, at most
 * `most_characters` bytes. */
bool provenance_is_one_line(const char *text, size_t most_characters);

#endif /* RECORD_PROVENANCE_H */
