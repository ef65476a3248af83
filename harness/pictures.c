/*
 * pictures.c: build/replay --map and --html, the runner's side (see pictures.h).
 */
#include "pictures.h"

#include "heap_map.h"
#include "heap_page.h"
#include "isolate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int pictures_parse_line(const char *text, uint32_t *line)
{
    if (text == NULL)
        return -1;
    if (strcmp(text, "fail") == 0) {
        *line = 0;
        return 0;
    }
    char *end;
    errno = 0;
    unsigned long value = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || value == 0 || value > UINT32_MAX)
        return -1;
    *line = (uint32_t)value;
    return 0;
}

/* The operation on trace line `line`, from 0. Returns 0, or -1 having said why not. */
static int operation_at_line(const struct trace *trace, uint32_t line, uint32_t *op)
{
    uint32_t low = 0, high = trace->op_count;
    while (low < high) {
        uint32_t middle = low + (high - low) / 2;
        if (trace->op_lines[middle] < line)
            low = middle + 1;
        else
            high = middle;
    }
    if (low < trace->op_count && trace->op_lines[low] == line) {
        *op = low;
        return 0;
    }
    if (trace->op_count == 0)
        fprintf(stderr, "%s: --map %u: the trace has no operations to map\n", trace->path, line);
    else
        fprintf(stderr, "%s:%u: --map: no operation on this line (the operations are on lines %u to %u; "
                        "the others are the header, comments or blank)\n",
                trace->path, line, trace->op_lines[0], trace->op_lines[trace->op_count - 1]);
    return -1;
}

/* The operation to map: the one asked for, or the failing one. Returns 0, or -1 having said why. */
static int operation_to_map(const struct picture_request *request, const struct trace *trace, int failed,
                            uint32_t failed_position, uint32_t *op)
{
    if (request->map_line != 0) {
        if (operation_at_line(trace, request->map_line, op) != 0)
            return -1;
        if (failed && *op + 1 > failed_position) {
            fprintf(stderr, "%s:%u: --map: the replay never gets there: it failed at %s\n", trace->path,
                    request->map_line, failed_position == 0 ? "its start" : "an earlier operation (above)");
            return -1;
        }
        return 0;
    }
    if (!failed) {
        fprintf(stderr, "%s: --map fail: every check passed, so no operation failed: give a line, --map LINE\n",
                trace->path);
        return -1;
    }
    if (failed_position == 0) {
        fprintf(stderr, "%s: --map fail: the replay failed before its first operation (in the probe free(NULL)): "
                        "there is no heap to map yet\n", trace->path);
        return -1;
    }
    *op = failed_position > trace->op_count ? trace->op_count - 1 : failed_position - 1;
    return 0;
}

static const struct snapshot *snapshot_after(const struct snapshot_file *file, uint32_t op)
{
    for (size_t i = 0; i < file->snapshot_count; i++)
        if (file->snapshots[i].header.op_index == op)
            return &file->snapshots[i];
    return NULL;
}

static int print_map(const struct snapshot_file *file, const char *stage, const struct trace *trace, uint32_t op)
{
    const struct snapshot *snapshot = snapshot_after(file, op);
    if (snapshot == NULL && op > 0 && (snapshot = snapshot_after(file, op - 1)) != NULL)
        printf("%s:%u: the stage did not return from this operation (see the message below): the heap before it\n",
               trace->path, trace->op_lines[op]);
    if (snapshot == NULL) {
        fprintf(stderr, "%s:%u: --map: the replay ended before the map could be taken\n", trace->path,
                trace->op_lines[op]);
        return -1;
    }
    heap_map_print(stdout, stage, trace, snapshot);
    fflush(stdout);
    return 0;
}

static int write_page(const struct picture_request *request, const struct snapshot_file *file, const char *stage,
                      const struct trace *trace, uint32_t first, uint32_t last, int failed, uint32_t failed_position,
                      const char *failure, uint32_t map_op)
{
    char note[256] = "";
    if (first > 0 || last + 1 < trace->op_count)
        snprintf(note, sizeof note, "operations %u to %u of %u (a page steps through at most %d; its chart covers every one)",
                 first + 1, last + 1, trace->op_count, PAGE_MOST_OPERATIONS);
    struct heap_page_input input = {
        .stage = stage, .trace = trace, .file = file, .first_op = first, .last_op = last,
        .failed = failed && failed_position > 0,
        .failed_op = failed_position > trace->op_count ? trace->op_count - 1 : failed_position - 1,
        .failure = failure, .window_note = note, .open_at_given = request->map, .open_op = map_op,
    };
    FILE *out = fopen(request->html_path, "w");
    if (out == NULL) {
        fprintf(stderr, "%s: --html: cannot write it: %s\n", request->html_path, strerror(errno));
        return -1;
    }
    char error[512];
    int result = heap_page_write(out, &input, error, sizeof error);
    if (fclose(out) != 0 && result == 0) {
        snprintf(error, sizeof error, "%s", strerror(errno));
        result = -1;
    }
    if (result != 0)
        fprintf(stderr, "%s: --html: %s\n", request->html_path, error);
    else
        fprintf(stderr, "%s: the replay of %s by %s, operations %u to %u: open it in a browser\n",
                request->html_path, trace->path, stage, first + 1, last + 1);
    return result;
}

int pictures_draw(const struct picture_request *request, const struct checked_setup *base, const char *stage,
                  double time_limit_seconds, int close_in_child, int failed, uint32_t failed_position,
                  const char *failure)
{
    const struct trace *trace = base->trace;
    uint32_t op = 0, first, last;
    if (request->map && operation_to_map(request, trace, failed, failed_position, &op) != 0)
        return -1;
    if (trace->op_count == 0) {
        fprintf(stderr, "%s: the trace has no operations to draw\n", trace->path);
        return -1;
    }
    if (request->html_path == NULL) {
        first = op > 0 ? op - 1 : 0; /* the heap before it too, in case the stage does not return */
        last = op;
    } else { /* the page's window: up to the failure, else from the start; around --map's line */
        uint32_t end = failed && failed_position > 0
                           ? (failed_position > trace->op_count ? trace->op_count : failed_position) - 1
                           : trace->op_count - 1;
        last = failed || end < PAGE_MOST_OPERATIONS ? end : PAGE_MOST_OPERATIONS - 1;
        first = last >= PAGE_MOST_OPERATIONS ? last - PAGE_MOST_OPERATIONS + 1 : 0;
        if (request->map && (op < first || op > last)) {
            first = op > PAGE_MOST_OPERATIONS / 2 ? op - PAGE_MOST_OPERATIONS / 2 : 0;
            last = end - first >= PAGE_MOST_OPERATIONS ? first + PAGE_MOST_OPERATIONS - 1 : end;
        }
    }
    int records = memfd_create("heapkit-snapshots", MFD_CLOEXEC);
    int quiet = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (records < 0 || quiet < 0) {
        fprintf(stderr, "%s: cannot make a file for the heap's snapshots: %s\n", trace->path, strerror(errno));
        return -1;
    }
    /* The memfd is not inherited across exec, but the child is a fork: it writes there. */
    struct checked_setup setup = *base;
    setup.fingerprints = NULL;
    setup.snapshots = (struct snapshot_request){ records, first, last, request->html_path != NULL };
    isolate_run(checked_replay, &setup, time_limit_seconds, close_in_child, quiet);
    close(quiet);

    struct snapshot_file file;
    char error[256];
    int result = snapshot_file_read(records, &file, error, sizeof error);
    close(records);
    if (result != 0) {
        fprintf(stderr, "%s: %s\n", trace->path, error);
        return -1;
    }
    if (request->map)
        result = print_map(&file, stage, trace, op);
    if (result == 0 && request->html_path != NULL)
        result = write_page(request, &file, stage, trace, first, last, failed, failed_position, failure, op);
    snapshot_file_release(&file);
    return result;
}
