/*
 * grade_hidden.c: the hidden traces of one grading, made from the instructor's secret and the
 * submitted files, so that no one without the secret can make them, and so that resubmitting
 * teaches nothing about them.
 *
 * The rules, in the order they are applied:
 *   1. The secret: HEAPKIT_SECRET when it is set (any non-empty text), else the file that the
 *      rubric's secret_file names (default grader/secret, from the kit's root): a regular file,
 *      not a link, owned by the grader's effective user, no access for group or others, 16 to
 *      4096 bytes. key = HMAC-SHA256("heapkit secret", the secret): any length gives a full key.
 *   2. The seed of this grading: HMAC-SHA256(key, "heapkit hidden traces v1" || for each stage
 *      of the rubric, in its order, whose SUBMISSION/NAME.c is a regular file of at most 4 MiB
 *      (the most the grader compiles; anything else contributes nothing): NAME, a NUL byte, the
 *      file's length as 8 bytes little-endian, its bytes). The same files give the same traces,
 *      so a regrade gives the same score; any change to a file gives new ones.
 *   3. Invocation i (from 1) of the rubric's `hidden` list runs with the seed S_i = the first 8
 *      bytes, little-endian, of HMAC-SHA256(seed, "trace" || i as 4 bytes little-endian), as
 *      $(BUILD)/gen/NAME ARGUMENTS --seed S_i DIR, DIR an empty directory of its own.
 *   4. Each trace it writes there, in the order of their file names, becomes hidden/hidden-N.rep
 *      of the work directory (N counts on over all invocations): "# name:" says hidden-N and
 *      "# source:" names neither generator nor seed. The report calls it "hidden trace N".
 *
 * Why DIR and not --out FILE: every seeded generator takes --seed S DIR (traces/gen/common.h),
 * the sized ones (GEN_SIZED: random, firstfit) and the families (order, realloc, binary...)
 * alike, so one form runs them all, and the grader need not know which kind a generator is (it
 * would have to read the generator's source or parse its usage text). A family contributes all
 * of its traces. The bundled traces' limits then hold for hidden ones too (ids, peak and total
 * bytes: traces/gen/common.c), so a stage that can replay the public traces in time can replay
 * the hidden ones. A generator that takes no seed (tiny, freelist) refuses --seed: the grading
 * stops with its message, since the same trace every time would be no secret.
 *
 * Who can read them: the grader and its runners (the kit's own code, run as the grader's user):
 * the directory is mode 0700 and the traces 0600. A stage program runs as a user of its own in
 * an empty root directory, and the filter lets it open no file at all (fence/spawn.h).
 */
#include "grade.h"
#include "grade_hidden.h"
#include "privileges.h"
#include "sha256.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    STAGE_FILE_MAX_BYTES = 4 << 20, /* what grade_build.c copies at most */
    GENERATOR_SECONDS = 60,         /* a generator writes a bundled trace in well under a second */
};

static const char SECRET_VARIABLE[] = "HEAPKIT_SECRET";
static const char KEY_LABEL[] = "heapkit secret";
static const char SEED_LABEL[] = "heapkit hidden traces v1";
static const char TRACE_LABEL[] = "trace";
static const char HIDDEN_DIR[] = "hidden"; /* in the work directory */

/* ---- the rubric's list ------------------------------------------------------------------ */

/* One invocation: the generator's name, then its arguments. */
struct invocation {
    char words[1 + HIDDEN_MAX_ARGUMENTS][GRADE_NAME];
    size_t word_count;
};

struct invocations {
    struct invocation list[HIDDEN_MAX_INVOCATIONS];
    size_t count;
};

static int made_of(const char *word, const char *allowed)
{
    return word[0] != '\0' && strspn(word, allowed) == strlen(word);
}

/* "random --ops 20000", for messages. */
static void invocation_text(const struct invocation *invocation, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < invocation->word_count; i++) {
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s", i ? " " : "", invocation->words[i]);
    }
}

/* Check word `index` of an invocation (`piece`, for messages). A generator is named by its file
 * in traces/gen/ (no path: the rubric cannot run another program); an argument holds no path
 * either, and the seed and where the traces go are the grader's to give. */
static int check_word(const char *piece, size_t index, const char *word, char *error, size_t error_size)
{
    if (index == 0) {
        if (!made_of(word, "abcdefghijklmnopqrstuvwxyz0123456789_-") || strcmp(word, "common") == 0) {
            snprintf(error, error_size, "hidden: '%s': '%s' is not a generator: give the name of a file of "
                     "traces/gen/ without .c, such as random", piece, word);
            return -1;
        }
        return 0;
    }
    if (!made_of(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")) {
        snprintf(error, error_size, "hidden: '%s': argument '%s': letters, digits, '.', '_' and '-' only", piece,
                 word);
        return -1;
    }
    if (strncmp(word, "--seed", 6) == 0 || strncmp(word, "--out", 5) == 0) {
        snprintf(error, error_size, "hidden: '%s': %s is the grader's to give (the seed comes from the secret, "
                 "and the traces go where only the grader can read them)", piece, word);
        return -1;
    }
    return 0;
}

/* Split "GEN ARGS; GEN ARGS; ..." into invocations; empty ones (a final ';') are skipped. */
static int parse_invocations(const char *value, struct invocations *out, char *error, size_t error_size)
{
    out->count = 0;
    const char *blanks = " \t";
    for (const char *piece = value; *piece != '\0';) {
        size_t piece_length = strcspn(piece, ";");
        char piece_text[256]; /* for messages */
        snprintf(piece_text, sizeof piece_text, "%.*s", (int)(piece_length < 255 ? piece_length : 255),
                 piece + strspn(piece, blanks));
        struct invocation invocation = { .word_count = 0 };
        for (size_t at = strspn(piece, blanks); at < piece_length; at += strspn(piece + at, blanks)) {
            size_t length = strcspn(piece + at, " \t;");
            char word[GRADE_NAME];
            if (length >= sizeof word || invocation.word_count == 1 + HIDDEN_MAX_ARGUMENTS) {
                snprintf(error, error_size, "hidden: '%s': %s", piece_text,
                         length >= sizeof word ? "a word longer than 63 characters" : "more than 16 arguments");
                return -1;
            }
            memcpy(word, piece + at, length);
            word[length] = '\0';
            if (check_word(piece_text, invocation.word_count, word, error, error_size) != 0)
                return -1;
            memcpy(invocation.words[invocation.word_count++], word, length + 1);
            at += length;
        }
        if (invocation.word_count > 0) {
            if (out->count == HIDDEN_MAX_INVOCATIONS) {
                snprintf(error, error_size, "hidden: more than %d generator invocations", HIDDEN_MAX_INVOCATIONS);
                return -1;
            }
            out->list[out->count++] = invocation;
        }
        piece += piece_length;
        if (*piece == ';')
            piece++;
    }
    return 0;
}

int hidden_rubric_check(const char *value, char *error, size_t error_size)
{
    static struct invocations invocations;
    return parse_invocations(value, &invocations, error, error_size);
}

/* ---- the secret ----------------------------------------------------------------------------- */

static void wipe(void *memory, size_t bytes)
{
    volatile unsigned char *p = memory;
    while (bytes-- > 0)
        *p++ = 0;
}

/* Say why the secret cannot be used, and how to fix it. */
static int refuse_secret(const char *path, const char *fix, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
static int refuse_secret(const char *path, const char *fix, const char *format, ...)
{
    char problem[512];
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(problem, sizeof problem, format, arguments);
    va_end(arguments);
    fprintf(stderr, "grade: the hidden traces' secret %s %s\n    fix: %s\n", path, problem, fix);
    return -1;
}

/* The key from the secret file at path (rule 1); make_secret is the command that writes one
 * there. Returns 0, or -1 after saying why. */
static int key_from_file(const char *path, const char *make_secret, uint8_t key[SHA256_DIGEST_BYTES])
{
    char make_fix[GRADE_PATH + 128], fix[sizeof make_fix + GRADE_PATH * 2 + 32];
    char chmod_fix[GRADE_PATH * 2 + 32], chown_fix[GRADE_PATH * 2 + 32];
    snprintf(make_fix, sizeof make_fix, "%s, or set HEAPKIT_SECRET", make_secret);
    snprintf(fix, sizeof fix, "rm -f %s && %s", path, make_fix);
    snprintf(chmod_fix, sizeof chmod_fix, "chmod 600 %s", path);
    snprintf(chown_fix, sizeof chown_fix, "chown %u %s", (unsigned)geteuid(), path);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return refuse_secret(path, make_fix, "does not exist, and HEAPKIT_SECRET is not set");
    if (fd < 0 && errno == ELOOP)
        return refuse_secret(path, fix, "is a symbolic link: the secret must be a regular file of its own");
    if (fd < 0)
        return refuse_secret(path, fix, "cannot be opened: %s", strerror(errno));
    struct stat st;
    int status = -1;
    uint8_t *secret = NULL;
    if (fstat(fd, &st) != 0)
        refuse_secret(path, fix, "cannot be read: %s", strerror(errno));
    else if (!S_ISREG(st.st_mode))
        refuse_secret(path, fix, "is not a regular file");
    else if (st.st_uid != geteuid())
        refuse_secret(path, chown_fix, "belongs to uid %u, not to the grader's uid %u", (unsigned)st.st_uid,
                      (unsigned)geteuid());
    else if ((st.st_mode & 077) != 0)
        refuse_secret(path, chmod_fix, "can be %s by its group or others (mode %04o): a secret others can "
                      "read is no secret", (st.st_mode & 066) ? "read or written" : "reached",
                      (unsigned)(st.st_mode & 07777));
    else if (st.st_size < HIDDEN_SECRET_MIN_BYTES || st.st_size > HIDDEN_SECRET_MAX_BYTES)
        refuse_secret(path, fix, "holds %lld bytes: a secret holds %d to %d (make secret writes 64)",
                      (long long)st.st_size, HIDDEN_SECRET_MIN_BYTES, HIDDEN_SECRET_MAX_BYTES);
    else if ((secret = malloc((size_t)st.st_size)) == NULL)
        refuse_secret(path, fix, "cannot be read: out of memory");
    else if (read(fd, secret, (size_t)st.st_size) != (ssize_t)st.st_size)
        refuse_secret(path, fix, "cannot be read whole");
    else
        status = 0;
    if (status == 0)
        hmac_sha256(KEY_LABEL, strlen(KEY_LABEL), secret, (size_t)st.st_size, key);
    if (secret != NULL) {
        wipe(secret, (size_t)st.st_size);
        free(secret);
    }
    close(fd);
    return status;
}

/* HEAPKIT_SECRET's value (malloc'd), taken out of the environment; NULL when it is not set. */
static char *take_environment_secret(void)
{
    const char *value = getenv(SECRET_VARIABLE);
    char *copy = value != NULL ? strdup(value) : NULL;
    if (value != NULL && copy == NULL) {
        fprintf(stderr, "grade: out of memory\n");
        exit(2);
    }
    unsetenv(SECRET_VARIABLE); /* no runner, compiler or generator started after this sees it */
    return copy;
}

/* ---- the seeds -------------------------------------------------------------------------- */

/* SUBMISSION/NAME.c into bytes (room for STAGE_FILE_MAX_BYTES + 1): 1 and its length when it is
 * a regular file of at most STAGE_FILE_MAX_BYTES, 0 when it is anything else (it contributes
 * nothing, as the grader builds nothing from it), -1 when reading it failed. */
static int read_stage_file(const char *path, uint8_t *bytes, size_t *length)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC); /* a FIFO must not block */
    if (fd < 0)
        return 0;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return 0;
    }
    size_t used = 0;
    ssize_t got = 0;
    while (used <= STAGE_FILE_MAX_BYTES &&
           (got = read(fd, bytes + used, STAGE_FILE_MAX_BYTES + 1 - used)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            break;
        used += (size_t)got;
    }
    close(fd);
    if (got < 0)
        return -1;
    *length = used;
    return used <= STAGE_FILE_MAX_BYTES ? 1 : 0;
}

/* The seed of this grading (rule 2). Returns 0, or -1 after saying why. */
static int submission_seed(const struct grading *g, const uint8_t key[SHA256_DIGEST_BYTES],
                           uint8_t seed[SHA256_DIGEST_BYTES])
{
    uint8_t *bytes = malloc(STAGE_FILE_MAX_BYTES + 1);
    if (bytes == NULL) {
        fprintf(stderr, "grade: out of memory\n");
        return -1;
    }
    struct hmac_sha256 mac;
    hmac_sha256_init(&mac, key, SHA256_DIGEST_BYTES);
    hmac_sha256_update(&mac, SEED_LABEL, strlen(SEED_LABEL));
    for (size_t s = 0; s < g->rubric.stage_count; s++) {
        const char *name = g->rubric.stages[s].name;
        char path[GRADE_PATH * 2];
        snprintf(path, sizeof path, "%s/%s.c", g->submission, name);
        size_t length = 0;
        int found = read_stage_file(path, bytes, &length);
        if (found < 0) {
            fprintf(stderr, "grade: cannot read %s: %s\n", path, strerror(errno));
            free(bytes);
            return -1;
        }
        if (found == 0)
            continue;
        uint8_t length_bytes[8];
        for (int i = 0; i < 8; i++)
            length_bytes[i] = (uint8_t)((uint64_t)length >> (8 * i));
        hmac_sha256_update(&mac, name, strlen(name) + 1); /* the name and its NUL */
        hmac_sha256_update(&mac, length_bytes, sizeof length_bytes);
        hmac_sha256_update(&mac, bytes, length);
    }
    hmac_sha256_final(&mac, seed);
    free(bytes);
    return 0;
}

/* The seed of invocation `number` (rule 3). */
static uint64_t invocation_seed(const uint8_t seed[SHA256_DIGEST_BYTES], uint32_t number)
{
    uint8_t message[sizeof TRACE_LABEL - 1 + 4], digest[SHA256_DIGEST_BYTES];
    memcpy(message, TRACE_LABEL, sizeof TRACE_LABEL - 1);
    for (int i = 0; i < 4; i++)
        message[sizeof TRACE_LABEL - 1 + i] = (uint8_t)(number >> (8 * i));
    hmac_sha256(seed, SHA256_DIGEST_BYTES, message, sizeof message, digest);
    uint64_t value = 0;
    for (int i = 0; i < 8; i++)
        value |= (uint64_t)digest[i] << (8 * i);
    wipe(digest, sizeof digest);
    return value;
}

/* ---- making the traces ---------------------------------------------------------------------- */

/* A directory only the grader (and, when it is root, the runners' group) can enter. */
static int make_private_dir(const char *path)
{
    if (mkdir(path, 0700) != 0) {
        fprintf(stderr, "grade: cannot make %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Replace every copy of `word` in text by asterisks (the seed in a generator's message). */
static void mask(char *text, const char *word)
{
    size_t length = strlen(word);
    for (char *hit = text ? strstr(text, word) : NULL; hit != NULL; hit = strstr(hit + length, word))
        memset(hit, '*', length);
}

/* Run invocation `number` into dir (rule 3). Returns 0, or -1 after saying why. */
static int run_generator(const struct grading *g, const struct invocation *invocation, size_t number,
                         uint64_t seed, const char *dir)
{
    const char *name = invocation->words[0];
    char text[512], source[GRADE_PATH * 2], program[GRADE_PATH * 2], seed_text[32];
    invocation_text(invocation, text, sizeof text);
    snprintf(source, sizeof source, "%s/traces/gen/%s.c", g->kit, name);
    snprintf(program, sizeof program, "%s/gen/%s", g->build, name);
    struct stat st;
    if (stat(source, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "grade: %s: hidden: '%s': there is no generator %s: no traces/gen/%s.c in the kit\n",
                g->rubric.path, text, name, name);
        return -1;
    }
    if (access(program, X_OK) != 0) {
        fprintf(stderr, "grade: %s: hidden: '%s': %s is not built (run make grader)\n", g->rubric.path, text, program);
        return -1;
    }
    snprintf(seed_text, sizeof seed_text, "%llu", (unsigned long long)seed);
    char *argv[1 + HIDDEN_MAX_ARGUMENTS + 4];
    int argc = 0;
    argv[argc++] = program;
    for (size_t i = 1; i < invocation->word_count; i++)
        argv[argc++] = (char *)invocation->words[i];
    argv[argc++] = "--seed";
    argv[argc++] = seed_text;
    argv[argc++] = (char *)dir;
    argv[argc] = NULL;
    /* A kit program, trusted: it runs as the grader, without a shell, but with a time limit. */
    struct run_limits limits = {
        .wall_seconds = GENERATOR_SECONDS, .cpu_seconds = GENERATOR_SECONDS,
        .file_bytes = UINT64_C(1) << 30, .nofile = 64, .as_nobody = 0,
    };
    struct run_outcome outcome;
    if (run_untrusted(argv, NULL, &limits, &outcome) != 0) {
        fprintf(stderr, "grade: %s: hidden: '%s': cannot start %s: %s\n", g->rubric.path, text, program,
                strerror(errno));
        return -1;
    }
    int status = 0;
    if (!outcome.exited || outcome.exit_status != 0) {
        char how[256];
        run_describe(&outcome, &limits, how, sizeof how);
        mask(outcome.output, seed_text);
        fprintf(stderr, "grade: %s: hidden: invocation %zu, '%s': the generator %s; it printed:\n%s%s",
                g->rubric.path, number, text, how, outcome.output ? outcome.output : "(nothing)\n",
                strcmp(how, "ended with exit status 2") == 0
                    ? "    (a hidden trace needs a generator that takes --seed, and arguments it knows)\n" : "");
        status = -1;
    }
    run_outcome_free(&outcome);
    wipe(seed_text, sizeof seed_text);
    return status;
}

static int ends_with(const char *text, const char *end)
{
    size_t length = strlen(text), end_length = strlen(end);
    return length > end_length && strcmp(text + length - end_length, end) == 0;
}

/* Copy the trace at `from` to `to` as hidden trace `number` (rule 4). */
static int copy_as_hidden(const char *from, const char *to, size_t number)
{
    FILE *in = fopen(from, "re");
    int fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    int status = in != NULL && out != NULL ? 0 : -1;
    char *line = NULL;
    size_t capacity = 0;
    ssize_t length;
    while (status == 0 && (length = getline(&line, &capacity, in)) > 0) {
        if (strncmp(line, "# name:", 7) == 0)
            fprintf(out, "# name: hidden-%zu\n", number);
        else if (strncmp(line, "# source:", 9) == 0)
            fprintf(out, "# source: hidden trace %zu, made for this grading from the instructor's secret\n", number);
        else
            fwrite(line, 1, (size_t)length, out);
    }
    free(line);
    if (in != NULL && ferror(in))
        status = -1;
    if (in != NULL)
        fclose(in);
    if (out != NULL && fclose(out) != 0)
        status = -1;
    else if (out == NULL && fd >= 0)
        close(fd);
    if (status != 0)
        fprintf(stderr, "grade: cannot write the hidden trace %s: %s\n", to, strerror(errno));
    return status;
}

static int is_trace(const struct dirent *entry)
{
    return ends_with(entry->d_name, ".rep");
}

/* By name, byte by byte: the same order whatever the locale. */
static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Copy the traces the generator wrote into dir to hidden-N.rep (rule 4) and append each to
 * g->traces. Returns 0, or -1 after saying why. */
static int adopt_traces(struct grading *g, const char *dir, const char *text, size_t *number)
{
    struct dirent **entries;
    int count = scandir(dir, &entries, is_trace, by_name);
    if (count < 0) {
        fprintf(stderr, "grade: cannot read %s: %s\n", dir, strerror(errno));
        return -1;
    }
    int status = 0;
    if (count == 0) {
        fprintf(stderr, "grade: %s: hidden: '%s': the generator wrote no trace\n", g->rubric.path, text);
        status = -1;
    } else if ((size_t)count > GRADE_MAX_TRACES - g->trace_count) {
        fprintf(stderr, "grade: %s: hidden: more traces than the grader takes (%d in all, the public ones "
                "included)\n", g->rubric.path, GRADE_MAX_TRACES);
        status = -1;
    }
    for (int i = 0; i < count; i++) {
        char from[GRADE_PATH * 3 + 256];
        snprintf(from, sizeof from, "%s/%s", dir, entries[i]->d_name);
        if (status == 0) {
            struct trace_entry *t = &g->traces[g->trace_count];
            ++*number;
            snprintf(t->path, sizeof t->path, "%s/hidden-%zu.rep", HIDDEN_DIR, *number);
            snprintf(t->name, sizeof t->name, "hidden-%zu", *number);
            t->hidden = 1;
            char to[GRADE_PATH * 3];
            snprintf(to, sizeof to, "%s/%s", g->work, t->path);
            status = copy_as_hidden(from, to, *number);
            if (status == 0)
                g->trace_count++;
        }
        unlink(from); /* it names its generator and seed */
        free(entries[i]);
    }
    free(entries);
    rmdir(dir);
    return status;
}

/* ---- the one entry point ------------------------------------------------------------------ */

/* The key (rule 1): from HEAPKIT_SECRET's value when there is one, else from the secret file. */
static int secret_key(const struct grading *g, const char *environment_secret, uint8_t key[SHA256_DIGEST_BYTES])
{
    if (environment_secret != NULL && environment_secret[0] == '\0') {
        fprintf(stderr, "grade: HEAPKIT_SECRET is set but empty: give it the secret (any text), or unset it "
                "to use the secret file\n");
        return -1;
    }
    if (environment_secret != NULL) {
        hmac_sha256(KEY_LABEL, strlen(KEY_LABEL), environment_secret, strlen(environment_secret), key);
        return 0;
    }
    char path[GRADE_PATH * 2], make_secret[GRADE_PATH + 64];
    const char *file = g->rubric.secret_file;
    if (file[0] == '/')
        snprintf(path, sizeof path, "%s", file);
    else
        snprintf(path, sizeof path, "%s/%s", g->kit, file);
    /* (make runs in the kit's root, as the rubric's path is read.) */
    if (strcmp(file, "grader/secret") == 0)
        snprintf(make_secret, sizeof make_secret, "make secret");
    else
        snprintf(make_secret, sizeof make_secret, "make secret SECRET_FILE=%s", file);
    return key_from_file(path, make_secret, key);
}

int hidden_traces_add(struct grading *g)
{
    char *environment_secret = take_environment_secret();
    static struct invocations invocations;
    char error[640];
    uint8_t key[SHA256_DIGEST_BYTES], seed[SHA256_DIGEST_BYTES];
    int status = -1;
    if (parse_invocations(g->rubric.hidden, &invocations, error, sizeof error) != 0)
        fprintf(stderr, "grade: %s: %s\n", g->rubric.path, error);
    else if (invocations.count == 0)
        status = 0; /* no hidden traces: no secret needed */
    else if (secret_key(g, environment_secret, key) == 0 && submission_seed(g, key, seed) == 0)
        status = 1; /* go on */
    if (environment_secret != NULL) {
        wipe(environment_secret, strlen(environment_secret));
        free(environment_secret);
    }
    wipe(key, sizeof key);
    if (status <= 0)
        return status;

    char hidden[GRADE_PATH * 2];
    snprintf(hidden, sizeof hidden, "%s/%s", g->work, HIDDEN_DIR);
    status = make_private_dir(hidden);
    size_t number = 0;
    for (size_t i = 0; status == 0 && i < invocations.count; i++) {
        char dir[GRADE_PATH * 3], text[512];
        snprintf(dir, sizeof dir, "%s/.invocation-%zu", hidden, i + 1);
        invocation_text(&invocations.list[i], text, sizeof text);
        uint64_t trace_seed = invocation_seed(seed, (uint32_t)(i + 1));
        /* (After a failure what is left goes with the work directory.) */
        status = make_private_dir(dir);
        if (status == 0)
            status = run_generator(g, &invocations.list[i], i + 1, trace_seed, dir);
        if (status == 0)
            status = adopt_traces(g, dir, text, &number);
    }
    wipe(seed, sizeof seed);
    return status;
}
