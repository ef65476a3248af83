/*
 * common.c: the command line, the PRNG and the trace writer that every generator shares.
 * See common.h for the contracts; this file says how.
 */
#include "common.h"
#include "text.h" /* add_saturating, shared with the trace reader */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The limits every bundled trace keeps, so that every stage can replay every trace: a stage
 * that never frees holds the sum of all requests, and a slow O(n) stage must finish in seconds. */
static const uint32_t bundle_max_ids = 100000;
static const uint64_t bundle_max_peak_live_bytes = UINT64_C(64) << 20;  /* 64 MiB */
static const uint64_t bundle_max_requested_bytes = UINT64_C(256) << 20; /* 256 MiB */

/* ---- failing -------------------------------------------------------------------------------- */

/* A generator that asks for an invalid operation has a bug: stop at once, naming the trace. */
static void gen_bug(const struct trace_writer *writer, const char *what, uint32_t id)
{
    fprintf(stderr, "%s: generator bug after %" PRIu64 " operations: %s (id %" PRIu32 ")\n",
            writer->name, writer->op_count, what, id);
    exit(3);
}

static void *checked_realloc(void *old, size_t bytes)
{
    void *grown = realloc(old, bytes);
    if (grown == NULL) {
        fprintf(stderr, "trace generator: out of memory (%zu bytes)\n", bytes);
        exit(3);
    }
    return grown;
}

/* ---- 1. the command line --------------------------------------------------------------------- */

static void print_usage(FILE *out, const char *program, unsigned features)
{
    fprintf(out, "usage: build/gen/%s %s[DIR]\n", program, (features & GEN_SEEDED) ? "[--seed S] " : "");
    if (features & GEN_SIZED)
        fprintf(out, "       build/gen/%s [--ops N] [--seed S] --out FILE\n", program);
    fprintf(out, "Writes %s bundled trace%s into DIR (default: traces).\n",
            (features & GEN_SIZED) ? "its" : "its family of",
            (features & GEN_SIZED) ? "" : "s");
    if (features & GEN_SEEDED)
        fprintf(out, "  --seed S    seed of the random choices (the bundled traces use the default)\n");
    if (features & GEN_SIZED) {
        fprintf(out, "  --ops N     N operations instead of the bundled length (rounded down if the\n"
                     "              trace's shape needs it: see the generator's opening comment)\n");
        fprintf(out, "  --out FILE  write the trace to FILE, named after FILE\n");
    }
}

static void usage_error(const char *program, unsigned features, const char *problem, const char *arg)
{
    fprintf(stderr, "%s: %s%s%s\n", program, problem, arg ? ": " : "", arg ? arg : "");
    print_usage(stderr, program, features);
    exit(2);
}

/* A decimal number that fits in 64 bits, all of `text`; false otherwise. */
static bool parse_u64(const char *text, uint64_t *value)
{
    if (text == NULL || *text < '0' || *text > '9')
        return false;
    errno = 0;
    char *end = NULL;
    unsigned long long parsed = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *value = parsed;
    return true;
}

void gen_parse_args(int argc, char **argv, const char *program, unsigned features,
                    uint64_t default_seed, struct gen_options *options)
{
    *options = (struct gen_options){ .program = program, .out_dir = "traces", .seed = default_seed };
    bool dir_given = false;
    bool changed = false; /* an option that makes the traces differ from the bundled ones */

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = (i + 1 < argc) ? argv[i + 1] : NULL;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_usage(stdout, program, features);
            exit(0);
        } else if (strcmp(arg, "--seed") == 0 && (features & GEN_SEEDED)) {
            if (!parse_u64(value, &options->seed))
                usage_error(program, features, "--seed needs a number from 0 to 2^64-1", value);
            changed = true;
            i++;
        } else if (strcmp(arg, "--ops") == 0 && (features & GEN_SIZED)) {
            if (!parse_u64(value, &options->op_count) || options->op_count < 2 ||
                options->op_count > 100u * 1000 * 1000)
                usage_error(program, features, "--ops needs a number from 2 to 100000000", value);
            changed = true;
            i++;
        } else if (strcmp(arg, "--out") == 0 && (features & GEN_SIZED)) {
            if (value == NULL || *value == '\0')
                usage_error(program, features, "--out needs a file name", NULL);
            options->out_file = value;
            i++;
        } else if (arg[0] == '-') {
            usage_error(program, features, "unknown option", arg);
        } else if (dir_given) {
            usage_error(program, features, "only one DIR, please", arg);
        } else {
            options->out_dir = arg;
            dir_given = true;
        }
    }
    if (options->out_file != NULL && dir_given)
        usage_error(program, features, "give --out FILE or DIR, not both", NULL);
    if (changed && options->out_file == NULL && !dir_given)
        usage_error(program, features,
                    "--seed and --ops change the trace: give --out FILE or a DIR, so that the "
                    "bundled traces/ stay as they are", NULL);
}

/* ---- 2. the random numbers ------------------------------------------------------------------- */

/* splitmix64 (Steele, Lea and Flood, 2014): turns a counter into well-mixed 64-bit values. */
static uint64_t splitmix64(uint64_t *counter)
{
    uint64_t z = (*counter += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static uint64_t rotate_left(uint64_t x, int bits)
{
    return (x << bits) | (x >> (64 - bits));
}

void rng_seed(struct rng *rng, uint64_t seed)
{
    uint64_t counter = seed;
    for (int i = 0; i < 4; i++)
        rng->state[i] = splitmix64(&counter); /* never all zero: splitmix64 is a bijection */
}

uint64_t rng_next(struct rng *rng)
{
    uint64_t *s = rng->state;
    uint64_t result = rotate_left(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotate_left(s[3], 45);
    return result;
}

uint64_t rng_below(struct rng *rng, uint64_t bound)
{
    /* Values below `threshold` would make the low remainders slightly more likely: draw again. */
    uint64_t threshold = (0 - bound) % bound; /* = 2^64 mod bound */
    for (;;) {
        uint64_t r = rng_next(rng);
        if (r >= threshold)
            return r % bound;
    }
}

uint64_t rng_between(struct rng *rng, uint64_t low, uint64_t high)
{
    uint64_t span = high - low;
    if (span == UINT64_MAX)
        return rng_next(rng);
    return low + rng_below(rng, span + 1);
}

/* floor(log2(x)) for x > 0. */
static unsigned octave_of(uint64_t x)
{
    unsigned octave = 0;
    while (x > 1) {
        x >>= 1;
        octave++;
    }
    return octave;
}

uint64_t rng_log_between(struct rng *rng, uint64_t low, uint64_t high)
{
    /* Pick an octave, then a value in it; redraw when the value falls outside [low, high]. So an
     * octave that is only partly inside (such as [4096, 8191] for high = 4096) is as likely as
     * the part of it that is inside, and no single size gets a spike of probability. */
    for (;;) {
        unsigned octave = (unsigned)rng_between(rng, octave_of(low), octave_of(high));
        uint64_t octave_low = UINT64_C(1) << octave;
        uint64_t value = rng_between(rng, octave_low, octave_low + (octave_low - 1));
        if (value >= low && value <= high)
            return value;
    }
}

bool rng_percent(struct rng *rng, unsigned percent)
{
    return rng_below(rng, 100) < percent;
}

void rng_shuffle(struct rng *rng, uint32_t *ids, size_t count)
{
    for (size_t i = count; i > 1; i--) {
        size_t j = (size_t)rng_below(rng, i);
        uint32_t swap = ids[i - 1];
        ids[i - 1] = ids[j];
        ids[j] = swap;
    }
}

/* ---- a list of block ids --------------------------------------------------------------------- */

void id_list_push(struct id_list *list, uint32_t id)
{
    if (list->count == list->capacity) {
        list->capacity = list->capacity ? 2 * list->capacity : 64;
        list->ids = checked_realloc(list->ids, list->capacity * sizeof list->ids[0]);
    }
    list->ids[list->count++] = id;
}

uint32_t id_list_take(struct id_list *list, size_t index)
{
    uint32_t id = list->ids[index];
    list->ids[index] = list->ids[--list->count];
    return id;
}

uint32_t id_list_take_random(struct id_list *list, struct rng *rng)
{
    return id_list_take(list, (size_t)rng_below(rng, list->count));
}

void id_list_release(struct id_list *list)
{
    free(list->ids);
    *list = (struct id_list){ 0 };
}

/* ---- 3. the trace writer: recording ---------------------------------------------------------- */

void tw_begin(struct trace_writer *writer, const char *name, const char *generator, uint64_t seed,
              const char *tests)
{
    *writer = (struct trace_writer){ 0 };
    snprintf(writer->name, sizeof writer->name, "%s", name);
    snprintf(writer->source, sizeof writer->source, "generated by traces/gen/%s, seed %" PRIu64,
             generator, seed);
    snprintf(writer->tests, sizeof writer->tests, "%s", tests);
}

static struct gen_line *append_line(struct trace_writer *writer, char kind)
{
    if (writer->line_count == writer->line_capacity) {
        writer->line_capacity = writer->line_capacity ? 2 * writer->line_capacity : 1024;
        writer->lines = checked_realloc(writer->lines, writer->line_capacity * sizeof writer->lines[0]);
    }
    struct gen_line *line = &writer->lines[writer->line_count++];
    *line = (struct gen_line){ .kind = kind };
    if (kind != '#')
        writer->op_count++;
    return line;
}

/* A free id: the most recently freed one, else the next never used. */
static uint32_t take_free_id(struct trace_writer *writer)
{
    if (writer->free_ids.count > 0)
        return writer->free_ids.ids[--writer->free_ids.count];
    uint32_t id = writer->id_count++;
    if (id == writer->id_capacity) {
        uint32_t capacity = writer->id_capacity ? 2 * writer->id_capacity : 1024;
        writer->id_state = checked_realloc(writer->id_state, capacity * sizeof writer->id_state[0]);
        writer->id_live_bytes = checked_realloc(writer->id_live_bytes,
                                                capacity * sizeof writer->id_live_bytes[0]);
        memset(writer->id_state + id, ID_UNUSED, (capacity - id) * sizeof writer->id_state[0]);
        writer->id_capacity = capacity;
    }
    return id;
}

static void require_live(const struct trace_writer *writer, uint32_t id, const char *operation)
{
    if (id >= writer->id_count || writer->id_state[id] != ID_LIVE)
        gen_bug(writer, operation, id);
}

/* Bookkeeping shared by a, c and r: the id now holds `bytes` of live payload. */
static void set_live_bytes(struct trace_writer *writer, uint32_t id, uint64_t bytes)
{
    writer->live_bytes -= writer->id_live_bytes[id];
    writer->live_bytes += bytes;
    writer->id_live_bytes[id] = bytes;
    if (writer->live_bytes > writer->peak_live_bytes)
        writer->peak_live_bytes = writer->live_bytes;
}

uint32_t tw_malloc(struct trace_writer *writer, uint64_t bytes)
{
    uint32_t id = take_free_id(writer);
    struct gen_line *line = append_line(writer, 'a');
    line->id = id;
    line->size = bytes;
    writer->id_state[id] = ID_LIVE;
    writer->id_live_bytes[id] = 0;
    set_live_bytes(writer, id, bytes);
    writer->requested_bytes = add_saturating(writer->requested_bytes, bytes);
    return id;
}

uint32_t tw_calloc(struct trace_writer *writer, uint64_t nmemb, uint64_t bytes_each)
{
    uint32_t id = take_free_id(writer);
    struct gen_line *line = append_line(writer, 'c');
    line->id = id;
    line->nmemb = nmemb;
    line->size = bytes_each;
    writer->id_state[id] = ID_LIVE;
    writer->id_live_bytes[id] = 0;
    bool overflows = bytes_each != 0 && nmemb > UINT64_MAX / bytes_each;
    if (overflows) {
        writer->overflowing_callocs++; /* the block is NULL: no payload, nothing requested */
    } else {
        set_live_bytes(writer, id, nmemb * bytes_each);
        writer->requested_bytes = add_saturating(writer->requested_bytes, nmemb * bytes_each);
    }
    return id;
}

void tw_realloc(struct trace_writer *writer, uint32_t id, uint64_t bytes)
{
    require_live(writer, id, "realloc of an id that is not live");
    struct gen_line *line = append_line(writer, 'r');
    line->id = id;
    line->size = bytes;
    set_live_bytes(writer, id, bytes);
    writer->requested_bytes = add_saturating(writer->requested_bytes, bytes);
    if (bytes == 0)
        writer->id_state[id] = ID_RETIRED; /* realloc(p, 0) freed it; see common.h for why retire */
}

void tw_free(struct trace_writer *writer, uint32_t id)
{
    require_live(writer, id, "free of an id that is not live");
    struct gen_line *line = append_line(writer, 'f');
    line->id = id;
    set_live_bytes(writer, id, 0);
    writer->id_state[id] = ID_UNUSED;
    id_list_push(&writer->free_ids, id);
}

void tw_comment(struct trace_writer *writer, const char *format, ...)
{
    char text[512];
    va_list args;
    va_start(args, format);
    vsnprintf(text, sizeof text, format, args);
    va_end(args);
    if (strchr(text, '\n') != NULL)
        gen_bug(writer, "a comment must be one line", 0);
    size_t length = strlen(text);
    struct gen_line *line = append_line(writer, '#');
    line->comment = checked_realloc(NULL, length + 1);
    memcpy(line->comment, text, length + 1);
}

uint64_t tw_live_bytes(const struct trace_writer *writer)
{
    return writer->live_bytes;
}

uint64_t tw_block_bytes(const struct trace_writer *writer, uint32_t id)
{
    require_live(writer, id, "size of an id that is not live");
    return writer->id_live_bytes[id];
}

bool tw_is_live(const struct trace_writer *writer, uint32_t id)
{
    return id < writer->id_count && writer->id_state[id] == ID_LIVE;
}

/* ---- 3. the trace writer: writing ------------------------------------------------------------ */

static void tw_release(struct trace_writer *writer)
{
    for (size_t i = 0; i < writer->line_count; i++)
        free(writer->lines[i].comment);
    free(writer->lines);
    free(writer->id_state);
    free(writer->id_live_bytes);
    id_list_release(&writer->free_ids);
    *writer = (struct trace_writer){ 0 };
}

/* The suite's limits, checked on bundled traces only: --out traces may be as big as wanted. */
static bool within_bundle_limits(const struct trace_writer *writer)
{
    bool ok = true;
    if (writer->id_count > bundle_max_ids) {
        fprintf(stderr, "%s: %" PRIu32 " ids, more than the %" PRIu32 " a bundled trace may use\n",
                writer->name, writer->id_count, bundle_max_ids);
        ok = false;
    }
    if (writer->peak_live_bytes > bundle_max_peak_live_bytes) {
        fprintf(stderr, "%s: peak live payload %" PRIu64 " bytes, more than the %" PRIu64 " allowed\n",
                writer->name, writer->peak_live_bytes, bundle_max_peak_live_bytes);
        ok = false;
    }
    if (writer->requested_bytes > bundle_max_requested_bytes) {
        fprintf(stderr, "%s: %" PRIu64 " bytes requested in all, more than the %" PRIu64 " allowed\n",
                writer->name, writer->requested_bytes, bundle_max_requested_bytes);
        ok = false;
    }
    return ok;
}

static void write_line(FILE *out, const struct gen_line *line)
{
    switch (line->kind) {
    case '#':
        fprintf(out, "# %s\n", line->comment);
        break;
    case 'f':
        fprintf(out, "f %" PRIu32 "\n", line->id);
        break;
    case 'c':
        fprintf(out, "c %" PRIu32 " %" PRIu64 " %" PRIu64 "\n", line->id, line->nmemb, line->size);
        break;
    default: /* 'a' and 'r' */
        fprintf(out, "%c %" PRIu32 " %" PRIu64 "\n", line->kind, line->id, line->size);
        break;
    }
}

/* The whole file: three comment lines, the newer header, then every line. */
static void write_trace(FILE *out, const struct trace_writer *writer)
{
    fprintf(out, "# name: %s\n", writer->name);
    fprintf(out, "# source: %s\n", writer->source);
    fprintf(out, "# tests: %s\n", writer->tests);
    fprintf(out, "1\n");                                  /* weight: counts for utilization and speed */
    fprintf(out, "%" PRIu32 "\n", writer->id_count);      /* ids */
    fprintf(out, "%" PRIu64 "\n", writer->op_count);      /* operations */
    fprintf(out, "%" PRIu64 "\n", writer->peak_live_bytes); /* peak live payload bytes */
    for (size_t i = 0; i < writer->line_count; i++)
        write_line(out, &writer->lines[i]);
}

/* Write to PATH.tmp, then rename: a failed run never leaves half a trace under the real name. */
static int write_file(const struct trace_writer *writer, const char *path)
{
    char temporary_path[4096];
    if (snprintf(temporary_path, sizeof temporary_path, "%s.tmp", path) >= (int)sizeof temporary_path) {
        fprintf(stderr, "%s: path too long\n", path);
        return 1;
    }
    FILE *out = fopen(temporary_path, "w");
    if (out == NULL) {
        fprintf(stderr, "%s: %s\n", temporary_path, strerror(errno));
        return 1;
    }
    write_trace(out, writer);
    bool failed = ferror(out) != 0;
    failed |= fclose(out) != 0;
    if (failed || rename(temporary_path, path) != 0) {
        fprintf(stderr, "%s: could not write: %s\n", path, strerror(errno));
        remove(temporary_path);
        return 1;
    }
    return 0;
}

/* "dir/big.rep" -> "big": the name a reader gives the trace, so "# name:" agrees with it. */
static void name_from_path(char *name, size_t name_size, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t length = strlen(base);
    if (length > 4 && strcmp(base + length - 4, ".rep") == 0)
        length -= 4;
    snprintf(name, name_size, "%.*s", (int)length, base);
}

int gen_emit(struct trace_writer *writer, const struct gen_options *options)
{
    char path[4096];
    bool bundled = options->out_file == NULL;
    if (bundled) {
        snprintf(path, sizeof path, "%s/%s.rep", options->out_dir, writer->name);
    } else {
        snprintf(path, sizeof path, "%s", options->out_file);
        name_from_path(writer->name, sizeof writer->name, path);
    }
    if (options->op_count != 0) {
        size_t used = strlen(writer->source);
        snprintf(writer->source + used, sizeof writer->source - used, ", ops %" PRIu64,
                 options->op_count);
    }

    int status = 0;
    if (bundled && !options->not_bundled && !within_bundle_limits(writer))
        status = 1;
    else
        status = write_file(writer, path);
    if (status == 0)
        printf("%s: %" PRIu64 " ops, %" PRIu32 " ids, peak live %" PRIu64 " bytes, %" PRIu64
               " bytes requested\n", path, writer->op_count, writer->id_count,
               writer->peak_live_bytes, writer->requested_bytes);
    tw_release(writer);
    return status;
}
