/*
 * test_convert.c: record/convert.c, a call log into a trace's operations, as a specification.
 * Each test writes a log by hand, record by record, as the recorder library would, and the
 * operations must be exactly those listed (convert.h numbers the rules).
 */
#include "convert.h"
#include "log.h"
#include "unit.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

enum { TEXT_BYTES = 4096 };

/* One record; `chunk` and `slot` place it (a log's records are in chunk order, then slot). */
struct call {
    uint8_t kind;
    uint32_t image;
    uint64_t block, argument, bytes;
    uint32_t chunk, slot;
};

static struct conversion result;
static char text[TEXT_BYTES];
static char log_path[64];

/* A new name for a log, made by mkstemp from this pattern. */
static int make_log_file(void)
{
    snprintf(log_path, sizeof log_path, "%s", "/tmp/heapkit-test-convert.XXXXXX");
    return mkstemp(log_path);
}

/* Write the calls as a log (a header saying `failed` failed calls and how many chunks were
 * handed out), convert it into `text` and `result`; returns convert_log's result. */
static int convert(const struct call *calls, size_t count, uint64_t chunks, uint64_t failed)
{
    int fd = make_log_file();
    if (fd < 0)
        return -2;
    struct log_header header = { .magic = LOG_MAGIC, .version = LOG_VERSION, .chunk_bytes = LOG_CHUNK_BYTES,
                                 .chunk_capacity = 8, .next_chunk = chunks, .failed_calls = failed, .images = 1 };
    int written = ftruncate(fd, LOG_HEADER_BYTES + 8 * LOG_CHUNK_BYTES) == 0 &&
                  pwrite(fd, &header, sizeof header, 0) == (ssize_t)sizeof header;
    for (size_t i = 0; i < count && written; i++) {
        struct log_record record = { .kind = calls[i].kind, .image = calls[i].image, .block = calls[i].block,
                                     .argument = calls[i].argument, .bytes = calls[i].bytes };
        off_t offset = (off_t)(LOG_HEADER_BYTES + (uint64_t)calls[i].chunk * LOG_CHUNK_BYTES +
                               (uint64_t)calls[i].slot * sizeof record);
        written = pwrite(fd, &record, sizeof record, offset) == (ssize_t)sizeof record;
    }
    close(fd);
    FILE *ops = tmpfile();
    char error[512] = "";
    int status = written && ops != NULL ? convert_log(log_path, ops, &result, error, sizeof error) : -2;
    memset(text, 0, sizeof text);
    if (ops != NULL) {
        rewind(ops);
        size_t got = fread(text, 1, sizeof text - 1, ops);
        text[got] = '\0';
        fclose(ops);
    }
    if (status == -1)
        snprintf(text, sizeof text, "%s", error);
    unlink(log_path);
    return status;
}

/* The calls, one after another in chunk 0. */
static int convert_in_order(struct call *calls, size_t count)
{
    for (size_t i = 0; i < count; i++)
        calls[i].slot = (uint32_t)i;
    return convert(calls, count, 1, 0);
}

static void expect_operations(const char *wanted)
{
    if (strcmp(text, wanted) != 0) {
        printf("#   wanted:\n%s#   got:\n%s", wanted, text);
        unit_fail(__FILE__, __LINE__, "the operations differ");
    }
}

#define COUNT(calls) (sizeof(calls) / sizeof(calls)[0])

/* Rule 1: each allocation takes the smallest id not live; an id is freed with its block. */
static void test_smallest_free_id(void)
{
    struct call calls[] = {
        { LOG_MALLOC, 0, 0x1000, 0, 10, 0, 0 }, { LOG_MALLOC, 0, 0x2000, 0, 20, 0, 0 },
        { LOG_MALLOC, 0, 0x3000, 0, 30, 0, 0 }, { LOG_FREE, 0, 0x2000, 0, 0, 0, 0 },
        { LOG_FREE, 0, 0x1000, 0, 0, 0, 0 },    { LOG_MALLOC, 0, 0x4000, 0, 40, 0, 0 },
    };
    expect(convert_in_order(calls, COUNT(calls)) == 0);
    expect_operations("a 0 10\na 1 20\na 2 30\nf 1\nf 0\na 0 40\n");
    expect(result.op_count == 6 && result.id_count == 3 && result.records == 6);
    expect(result.peak_payload_bytes == 70); /* 30 and 40 */
}

/* Rule 2: realloc(NULL, n) is a malloc; the id follows a moved block; glibc's realloc(p, 0)
 * is "r ID 0"; one that returned a block is a free and a malloc(0). */
static void test_realloc_forms(void)
{
    struct call calls[] = {
        { LOG_REALLOC, 0, 0x1000, 0, 5, 0, 0 },      { LOG_REALLOC, 0, 0x9000, 0x1000, 50, 0, 0 },
        { LOG_FREE, 0, 0x9000, 0, 0, 0, 0 },         { LOG_MALLOC, 0, 0x1000, 0, 7, 0, 0 },
        { LOG_REALLOC, 0, 0, 0x1000, 0, 0, 0 },      { LOG_MALLOC, 0, 0x2000, 0, 8, 0, 0 },
        { LOG_REALLOC, 0, 0x3000, 0x2000, 0, 0, 0 },
    };
    expect(convert_in_order(calls, COUNT(calls)) == 0);
    expect_operations("a 0 5\nr 0 50\nf 0\na 0 7\nr 0 0\na 0 8\nf 0\na 0 0\n");
}

/* Rule 2: calloc and the aligned calls; the peak counts calloc's product and A's BYTES. */
static void test_calloc_and_aligned(void)
{
    struct call calls[] = {
        { LOG_CALLOC, 0, 0x1000, 10, 24, 0, 0 },
        { LOG_ALIGNED, 0, 0x2000, 4096, 100, 0, 0 },
    };
    expect(convert_in_order(calls, COUNT(calls)) == 0);
    expect_operations("c 0 10 24\nA 1 4096 100\n");
    expect(result.peak_payload_bytes == 340);
}

/* Rule 3: what the log cannot account for is left out and counted. */
static void test_unknown_and_reused_blocks(void)
{
    struct call calls[] = {
        { LOG_FREE, 0, 0x5000, 0, 0, 0, 0 },       /* never allocated: left out */
        { LOG_REALLOC, 0, 0x6000, 0x5000, 9, 0, 0 }, /* of a block never allocated: a malloc */
        { LOG_MALLOC, 0, 0x1000, 0, 1, 0, 0 },
        { LOG_MALLOC, 0, 0x1000, 0, 2, 0, 0 },     /* its free was not recorded: the first stays live */
        { LOG_FREE, 0, 0x1000, 0, 0, 0, 0 },
        { 99, 0, 0x1000, 0, 0, 0, 0 },             /* no kind: skipped */
    };
    expect(convert_in_order(calls, COUNT(calls)) == 0);
    expect_operations("a 0 9\na 1 1\na 2 2\nf 2\n");
    expect(result.unknown_blocks == 2 && result.reused_live == 1 && result.bad_records == 1);
    expect(result.records == 5);
}

/* Rule 1: each program image has its addresses; the same address in two is two blocks. */
static void test_images_apart(void)
{
    struct call calls[] = {
        { LOG_MALLOC, 0, 0x1000, 0, 10, 0, 0 },
        { LOG_MALLOC, 1, 0x1000, 0, 20, 0, 0 },
        { LOG_FREE, 1, 0x1000, 0, 0, 0, 0 },
        { LOG_FREE, 0, 0x1000, 0, 0, 0, 0 },
    };
    expect(convert_in_order(calls, COUNT(calls)) == 0);
    expect_operations("a 0 10\na 1 20\nf 1\nf 0\n");
    expect(result.reused_live == 0);
}

/* The log's order is chunk order, then slot; a chunk's unused rest is skipped; chunks not
 * handed out are not read; the header's counts come through. */
static void test_chunks_and_header(void)
{
    struct call calls[] = {
        { LOG_MALLOC, 0, 0x1000, 0, 10, 1, 0 },
        { LOG_MALLOC, 1, 0x2000, 0, 20, 0, 0 },
        { LOG_MALLOC, 1, 0x3000, 0, 30, 0, 5 },
        { LOG_MALLOC, 0, 0x4000, 0, 40, 2, 0 }, /* chunk 2 was not handed out */
    };
    expect(convert(calls, COUNT(calls), 2, 3) == 0);
    expect_operations("a 0 20\na 1 30\na 2 10\n");
    expect(result.failed_calls == 3 && result.images == 1 && !result.log_full && !result.trace_full);
}

/* An empty log is an empty trace; a missing or foreign file is an error, said. */
static void test_empty_missing_and_foreign_logs(void)
{
    expect(convert(NULL, 0, 1, 0) == 0);
    expect_operations("");
    expect(result.op_count == 0 && result.id_count == 0);
    char error[256];
    FILE *ops = tmpfile();
    if (ops == NULL)
        return;
    expect(convert_log("/nonexistent/heapkit.log", ops, &result, error, sizeof error) == -1);
    expect(strcmp(error, "/nonexistent/heapkit.log: cannot read: No such file or directory") == 0);
    int fd = make_log_file();
    expect(fd >= 0 && ftruncate(fd, LOG_HEADER_BYTES) == 0);
    expect(convert_log(log_path, ops, &result, error, sizeof error) == -1);
    expect(strstr(error, ": not a call log of this version of the recorder") != NULL);
    if (fd >= 0)
        close(fd);
    unlink(log_path);
    fclose(ops);
}

int main(void)
{
    RUN(test_smallest_free_id);
    RUN(test_realloc_forms);
    RUN(test_calloc_and_aligned);
    RUN(test_unknown_and_reused_blocks);
    RUN(test_images_apart);
    RUN(test_chunks_and_header);
    RUN(test_empty_missing_and_foreign_logs);
    return unit_exit_status();
}
