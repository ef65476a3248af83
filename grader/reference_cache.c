/* reference_cache.c: the reference stages' results on public traces, kept (reference_cache.h). */
#include "reference_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A result line is far shorter than this; a longer file is not one. */
enum { KEPT_LINE_MOST_BYTES = 64 * 1024 };

static const char NAME_LABEL[] = "heapkit reference result 1";

/* Add a file's bytes to the hash: 0, or -1 when it cannot be read. */
static int hash_file(struct sha256 *hash, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    static uint8_t chunk[1 << 16];
    ssize_t got;
    while ((got = read(fd, chunk, sizeof chunk)) > 0)
        sha256_update(hash, chunk, (size_t)got);
    close(fd);
    return got == 0 ? 0 : -1;
}

int reference_cache_file_digest(const char *path, uint8_t digest[SHA256_DIGEST_BYTES])
{
    struct sha256 hash;
    sha256_init(&hash);
    if (hash_file(&hash, path) != 0)
        return -1;
    sha256_final(&hash, digest);
    return 0;
}

int reference_cache_name(const uint8_t program_digest[SHA256_DIGEST_BYTES], const char *trace_file,
                         const char *trace_path, const char *limit, char name[REFERENCE_CACHE_NAME_BYTES])
{
    /* Each part with its terminating NUL, so that no two lists of parts hash alike. */
    struct sha256 hash;
    sha256_init(&hash);
    sha256_update(&hash, NAME_LABEL, sizeof NAME_LABEL);
    sha256_update(&hash, program_digest, SHA256_DIGEST_BYTES);
    sha256_update(&hash, trace_path, strlen(trace_path) + 1);
    sha256_update(&hash, limit, strlen(limit) + 1);
    uint8_t trace_digest[SHA256_DIGEST_BYTES], digest[SHA256_DIGEST_BYTES];
    if (reference_cache_file_digest(trace_file, trace_digest) != 0)
        return -1;
    sha256_update(&hash, trace_digest, sizeof trace_digest);
    sha256_final(&hash, digest);
    for (int i = 0; i < SHA256_DIGEST_BYTES; i++)
        snprintf(name + 2 * i, 3, "%02x", digest[i]);
    return 0;
}

int reference_kept_read(const char *dir, const char *name, const char *trace_path, struct trace_result *result)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return 0;
    static char line[KEPT_LINE_MOST_BYTES + 1];
    size_t used = 0;
    ssize_t got;
    while (used < KEPT_LINE_MOST_BYTES && (got = read(fd, line + used, KEPT_LINE_MOST_BYTES - used)) > 0)
        used += (size_t)got;
    close(fd);
    line[used] = '\0';
    char *end = strchr(line, '\n');
    if (end == NULL)
        return 0;
    *end = '\0';
    return result_read(line, result) == 0 && result->correct && strcmp(result->trace_path, trace_path) == 0;
}

void reference_kept_write(const char *dir, const char *name, const struct trace_result *result)
{
    if (!result->correct)
        return;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return;
    char path[4200], temporary[4300];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(temporary, sizeof temporary, "%s/.%s.%ld", dir, name, (long)getpid());
    int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return;
    result_write(fd, result);
    /* Renamed into place whole: a grading beside this one reads all of it or nothing. */
    if (close(fd) != 0 || rename(temporary, path) != 0)
        unlink(temporary);
}
