/*
 * common.h: what every trace generator shares.
 *
 * A generator is a small program that writes one family of bundled traces (traces/NAME.rep).
 * It is built from traces/gen/NAME.c and common.c, and run as
 *
 *     build/gen/NAME [DIR]                           write the bundled traces into DIR (default traces)
 *     build/gen/NAME --seed S DIR                    the same with another seed
 *     build/gen/NAME --ops N --seed S --out FILE     one trace of about N operations (sized generators)
 *
 * Three parts, used in this order:
 *   1. gen_parse_args: the command line, the same for every generator.
 *   2. struct rng:     a seeded PRNG written here (splitmix64 seeding xoshiro256**), so a trace is
 *                      byte-identical on every machine, C library and compiler. It uses integers only:
 *                      no rand(), whose sequence differs between C libraries, and no floating point,
 *                      whose rounding can differ between compilers.
 *   3. struct trace_writer: records operations in memory, hands out block ids (recycling freed
 *                      ones so id counts stay small), refuses an invalid operation at once, and
 *                      at the end writes the file with its comment lines and computed header.
 *
 * Example (a whole generator body):
 *     struct trace_writer writer;
 *     tw_begin(&writer, "tiny", "tiny.c", 1, "one malloc and its free");
 *     uint32_t id = tw_malloc(&writer, 100);          // writes "a 0 100"
 *     tw_free(&writer, id);                           // writes "f 0"
 *     return gen_emit(&writer, &options);             // writes DIR/tiny.rep, returns an exit status
 *
 * Units: every size is in bytes. Generators may use malloc: they are tools, not the harness.
 */
#ifndef TRACE_GEN_COMMON_H
#define TRACE_GEN_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define GEN_PRINTF_LIKE(format_index, first_arg) __attribute__((format(printf, format_index, first_arg)))
#else
#define GEN_PRINTF_LIKE(format_index, first_arg)
#endif

/* ---- 1. the command line ----------------------------------------------------------------- */

/* What a generator accepts beyond DIR. */
enum gen_features {
    GEN_SEEDED = 1, /* --seed S: its traces come from random choices */
    GEN_SIZED = 2,  /* --ops N and --out FILE: it writes exactly one trace, whose length can be chosen */
};

struct gen_options {
    const char *program;    /* the generator's name, such as "random", for messages */
    const char *out_dir;    /* where bundled traces go: DIR, default "traces" */
    const char *out_file;   /* --out FILE: write the one trace here instead, or NULL */
    uint64_t seed;          /* --seed S, or the generator's default */
    uint64_t op_count;      /* --ops N, or 0 for the bundled length */
    bool not_bundled;       /* set by a generator whose traces are not in traces/ (freelist.c):
                               the suite's size limits do not apply to them */
};

/*
 * gen_parse_args: read `argc`/`argv` into *options. `features` says which options the
 * generator takes (enum gen_features); `default_seed` is the seed of its bundled traces.
 * Prints usage and exits 0 on --help; prints the problem and exits 2 on a bad command line.
 * Refuses --seed or --ops without --out or an explicit DIR, so that an experiment never
 * overwrites a bundled trace by accident.
 */
void gen_parse_args(int argc, char **argv, const char *program, unsigned features,
                    uint64_t default_seed, struct gen_options *options);

/* ---- 2. the random numbers --------------------------------------------------------------- */

/* xoshiro256** (Blackman and Vigna, 2018): 256 bits of state, passes BigCrush, four lines of code. */
struct rng {
    uint64_t state[4];
};

/* rng_seed: set the state from one 64-bit seed through splitmix64, so that seeds 0, 1, 2...
 * all give well-mixed, unrelated states. */
void rng_seed(struct rng *rng, uint64_t seed);

/* rng_next: the next 64 random bits. */
uint64_t rng_next(struct rng *rng);

/* rng_below: uniform in [0, bound), without the bias of a bare `% bound`. @pre bound > 0 */
uint64_t rng_below(struct rng *rng, uint64_t bound);

/* rng_between: uniform in [low, high], both included. @pre low <= high */
uint64_t rng_between(struct rng *rng, uint64_t low, uint64_t high);

/*
 * rng_log_between: a size in [low, high] where every power-of-two octave ([1,1], [2,3], [4,7],
 * ..., [2048,4095]) inside the range is equally likely, then uniform inside the octave (an octave
 * only partly inside counts for the part inside). Programs ask for small blocks far more often
 * than for large ones; this gives that shape with integers only.
 * Example: rng_log_between(rng, 1, 4096) is below 64 about half the time. @pre 1 <= low <= high
 */
uint64_t rng_log_between(struct rng *rng, uint64_t low, uint64_t high);

/* rng_percent: true with probability percent / 100. */
bool rng_percent(struct rng *rng, unsigned percent);

/* rng_shuffle: put ids[0..count) in a uniformly random order (Fisher-Yates). */
void rng_shuffle(struct rng *rng, uint32_t *ids, size_t count);

/* ---- a list of block ids (for a generator's own bookkeeping) ------------------------------ */

/* A growable array of ids. Order is kept by push; id_list_take moves the last id into the gap. */
struct id_list {
    uint32_t *ids;
    size_t count;
    size_t capacity;
};

void id_list_push(struct id_list *list, uint32_t id);
/* id_list_take: remove and return ids[index], filling the gap with the last id. @pre index < count */
uint32_t id_list_take(struct id_list *list, size_t index);
/* id_list_take_random: remove and return a uniformly chosen id. @pre count > 0 */
uint32_t id_list_take_random(struct id_list *list, struct rng *rng);
void id_list_release(struct id_list *list);

/* ---- 3. the trace writer ----------------------------------------------------------------- */

/* One line of the trace: an operation, or a comment (kind '#'). */
struct gen_line {
    char kind;        /* 'a', 'f', 'r', 'c' or '#' */
    uint32_t id;      /* block id; unused for '#' */
    uint64_t size;    /* bytes for a and r; bytes per element for c */
    uint64_t nmemb;   /* elements for c */
    char *comment;    /* the text after "# " for '#', owned by the writer */
};

/* The state of one id, as a replay will see it after the operations recorded so far. */
enum gen_id_state {
    ID_UNUSED = 0,   /* never allocated, or freed: a or c may take it */
    ID_LIVE,         /* allocated: f or r may use it (its block may be NULL, see tw_calloc) */
    ID_RETIRED,      /* given to "r ID 0": never used again, see tw_realloc */
};

struct trace_writer {
    char name[128];            /* "# name:" and the file name without ".rep" */
    char source[256];          /* "# source:" */
    char tests[512];           /* "# tests:" */

    struct gen_line *lines;    /* what the trace says, in order */
    size_t line_count;
    size_t line_capacity;
    uint64_t op_count;         /* lines that are operations, not comments: header line 3 */

    uint8_t *id_state;         /* enum gen_id_state, indexed by id */
    uint64_t *id_live_bytes;   /* payload bytes the live block of each id holds */
    uint32_t id_capacity;      /* entries in the two arrays above */
    uint32_t id_count;         /* 1 + the largest id used: header line 2 */
    struct id_list free_ids;   /* freed ids, reused newest first */

    uint64_t live_bytes;        /* payload bytes live now */
    uint64_t peak_live_bytes;   /* the most live_bytes ever was: header line 4 */
    uint64_t requested_bytes;   /* sum of every size a, r and c asked for (overflowing c excluded) */
    uint32_t overflowing_callocs; /* c operations whose nmemb * size does not fit in 64 bits */
};

/* tw_begin: start an empty trace. `generator` is the file name in traces/gen/, such as "order.c";
 * `tests` is one line saying what the trace exercises. */
void tw_begin(struct trace_writer *writer, const char *name, const char *generator, uint64_t seed,
              const char *tests);

/* tw_malloc: "a ID BYTES" on a free id (a recycled one when there is one). Returns the id. */
uint32_t tw_malloc(struct trace_writer *writer, uint64_t bytes);

/*
 * tw_calloc: "c ID NMEMB BYTES" on a free id. Returns the id.
 * When nmemb * bytes_each overflows 64 bits the correct result is NULL; the id is live all the
 * same (holding NULL) and must be given to tw_free later, which replays as free(NULL).
 */
uint32_t tw_calloc(struct trace_writer *writer, uint64_t nmemb, uint64_t bytes_each);

/*
 * tw_realloc: "r ID BYTES" on a live id.
 * BYTES == 0 is realloc(p, 0), which frees the block and returns NULL. The id is then retired:
 * never allocated, freed or resized again, so the trace is valid whether a reader counts it as
 * free or as live holding NULL.
 */
void tw_realloc(struct trace_writer *writer, uint32_t id, uint64_t bytes);

/* tw_free: "f ID" on a live id; the id becomes free for reuse. */
void tw_free(struct trace_writer *writer, uint32_t id);

/* tw_comment: "# TEXT", such as a phase title. One line: TEXT must hold no newline. */
void tw_comment(struct trace_writer *writer, const char *format, ...) GEN_PRINTF_LIKE(2, 3);

/* tw_live_bytes: the payload bytes live now (what a perfect allocator would hold). */
uint64_t tw_live_bytes(const struct trace_writer *writer);

/* tw_block_bytes: the payload bytes the live block of `id` holds (0 for a NULL block). */
uint64_t tw_block_bytes(const struct trace_writer *writer, uint32_t id);

/* tw_is_live: whether `id` is live now. */
bool tw_is_live(const struct trace_writer *writer, uint32_t id);

/*
 * gen_emit: write the trace to options->out_file, or else to options->out_dir/NAME.rep, and
 * print one summary line. A bundled trace (no --out) must also keep within the suite's limits
 * (ids, peak live payload, requested bytes); one that does not is not written.
 * Releases the writer whatever happens. Returns 0 on success, 1 on failure (an exit status).
 */
int gen_emit(struct trace_writer *writer, const struct gen_options *options);

#endif /* TRACE_GEN_COMMON_H */
