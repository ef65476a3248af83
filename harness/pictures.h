/*
 * pictures.h: the runner's side of build/replay --map and --html (heap_snapshot.h). After the
 * checked replay of a trace, a replay of its own records the snapshots asked for, in a child
 * like every replay; the runner then prints the map (heap_map.h) or writes the page
 * (heap_page.h) from what the child left, however it ended.
 */
#ifndef PICTURES_H
#define PICTURES_H

#include <stdint.h>

#include "checked.h"

struct picture_request {
    int map;               /* --map */
    uint32_t map_line;     /* its trace line; 0 with --map fail: the operation that failed */
    const char *html_path; /* --html FILE, or NULL */
};

/* Most operations a page steps through (its chart covers the whole replay). */
enum { PAGE_MOST_OPERATIONS = 1000 };

/* The line a --map or --html value names: "fail" is 0. Returns 0, or -1 when it is neither
 * "fail" nor a line number. */
int pictures_parse_line(const char *text, uint32_t *line);

/*
 * Draw what `request` asks for the trace of `base` (a checked setup as the checked replay had
 * it), for the stage named. When the checked replay failed, `failed_position` says where, as
 * the report's op_position does (0 before the first operation, i + 1 in operation i, past the
 * last after it) and `failure` is its message. The map goes to stdout, the page to its file.
 * Returns 0, or -1 having printed why to stderr (a line that is no operation, nothing to draw).
 */
int pictures_draw(const struct picture_request *request, const struct checked_setup *base, const char *stage,
                  double time_limit_seconds, int close_in_child, int failed, uint32_t failed_position,
                  const char *failure);

#endif /* PICTURES_H */
