/*
 * reference_cache.h: the reference stages' results on the public traces, kept from one grading
 * to the next.
 *
 * A reference stage's untimed result on a trace (its utilization; never a time, which belongs
 * to the moment it was measured) follows from three things alone: the reference's program,
 * the trace's bytes and the memory limit. So the grader keeps each one it measures in
 * BUILD/grader/reference-results/, a file named by the SHA-256 of those three, and reads it
 * back instead of replaying: the first grading of a class measures, the others read. A kit
 * rebuilt, a trace changed or another limit is another name, so nothing stale is ever read.
 * Hidden traces are made for one grading and are never kept. Only the grader writes there (as
 * root when it grades for real); no student code ever runs with a right to it.
 */
#ifndef REFERENCE_CACHE_H
#define REFERENCE_CACHE_H

#include "result.h"
#include "sha256.h"

enum { REFERENCE_CACHE_NAME_BYTES = 2 * SHA256_DIGEST_BYTES + 1 };

/* The SHA-256 of a file's bytes: 0, or -1 when it cannot be read. */
int reference_cache_file_digest(const char *path, uint8_t digest[SHA256_DIGEST_BYTES]);

/* The name of the result of the program whose digest is given, on the trace in trace_file
 * (its bytes), named trace_path in results, under the limit (as the runner's --limit is
 * given): 0, or -1 when the trace cannot be read. */
int reference_cache_name(const uint8_t program_digest[SHA256_DIGEST_BYTES], const char *trace_file,
                         const char *trace_path, const char *limit, char name[REFERENCE_CACHE_NAME_BYTES]);

/* The kept result called `name` in directory `dir`, for the trace named trace_path in results:
 * 1 when there is one, correct (read into result), else 0. Whoever reads it checks it is of
 * the kind it wants (untimed, probed: grade_reference_kept). */
int reference_kept_read(const char *dir, const char *name, const char *trace_path, struct trace_result *result);

/* Keep a correct result under `name` in `dir` (made when missing); whole or not at all. */
void reference_kept_write(const char *dir, const char *name, const struct trace_result *result);

#endif /* REFERENCE_CACHE_H */
