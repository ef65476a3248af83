/* result.c: results as lines between the stage runner and build/replay (see result.h). */
#include "result.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char RESULT_TAG[] = "heapkit-result";

/* The line being written: a result holds at most a few KiB of text, escaped at most double. */
static struct {
    char text[2 * sizeof(((struct trace_result *)0)->error) + 2 * sizeof(((struct trace_result *)0)->probes) +
              16384];
    size_t used;
} outgoing;

__attribute__((format(printf, 1, 2)))
static void put(const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int wrote = vsnprintf(outgoing.text + outgoing.used, sizeof outgoing.text - outgoing.used, format, arguments);
    va_end(arguments);
    if (wrote > 0)
        outgoing.used += (size_t)wrote < sizeof outgoing.text - outgoing.used ? (size_t)wrote : sizeof outgoing.text - outgoing.used - 1;
}

/* Tabs, newlines and backslashes become \t, \n, \\ so the text stays one field. */
static void put_text(const char *key, const char *text)
{
    put("\t%s=", key);
    for (const char *c = text; *c != '\0' && outgoing.used + 3 < sizeof outgoing.text; c++) {
        switch (*c) {
        case '\t': put("\\t"); break;
        case '\n': put("\\n"); break;
        case '\\': put("\\\\"); break;
        default: outgoing.text[outgoing.used++] = *c; break;
        }
    }
    outgoing.text[outgoing.used] = '\0';
}

static void read_text(const char *from, const char *end, char *out, size_t out_size)
{
    size_t n = 0;
    for (const char *c = from; c < end && n + 1 < out_size; c++) {
        if (*c == '\\' && c + 1 < end) {
            c++;
            out[n++] = *c == 't' ? '\t' : *c == 'n' ? '\n' : *c;
        } else {
            out[n++] = *c;
        }
    }
    out[n] = '\0';
}

void result_write(int fd, const struct trace_result *r)
{
    outgoing.used = 0;
    put("%s", RESULT_TAG);
    put_text("stage", r->stage);
    put_text("trace", r->trace_path);
    put_text("name", r->trace_name);
    put("\tops=%" PRIu64 "\tloaded=%d\tcorrect=%d\thung=%d\ttimed=%d\ttodo=%d", r->ops, r->loaded, r->correct,
        r->hung, r->timed, r->unfinished);
    put("\tpayload=%" PRIu64 "\tfootprint=%" PRIu64 "\tnulls=%" PRIu64, r->peak_payload_bytes,
        r->peak_footprint_bytes, r->null_results);
    put("\tbrk=%" PRIu64 "\tsbrk=%" PRIu64 "\tsbrk0=%" PRIu64 "\tmmap=%" PRIu64 "\tmunmap=%" PRIu64
        "\tenomem=%" PRIu64, r->counts.brk, r->counts.sbrk, r->counts.sbrk_queries, r->counts.mmap,
        r->counts.munmap, r->counts.enomem);
    put("\truns=%u\tstage_s=%.9g\tlibc_s=%.9g\tratio=%.6g\tchecked_s=%.6g", r->runs, r->stage_seconds,
        r->libc_seconds, r->speed_ratio, r->checked_seconds);
    put("\tref_s=%.9g\tref_ratio=%.6g", r->reference_seconds, r->reference_ratio);
    put("\tsegments=");
    for (uint32_t i = 0; i < r->segment_count; i++)
        put("%s%s:%u:%.9g:%.0f", i ? "," : "", r->segments[i].name, r->segments[i].ops, r->segments[i].seconds,
            r->segments[i].instructions);
    put_text("error", r->error);
    if (r->probed) {
        put("\tprobed=1\tprobe_ops=%u,%u", r->probe_ops[0], r->probe_ops[1]);
        for (int point = 0; point < PROBE_POINTS; point++)
            for (int kind = 0; kind < PROBE_KINDS; kind++) {
                /* probeN=VERDICT:TEXT, N counting kinds within points */
                char key[32], value[sizeof r->probes[0][0].text + 8];
                snprintf(key, sizeof key, "probe%d", point * PROBE_KINDS + kind);
                snprintf(value, sizeof value, "%u:%s", r->probes[point][kind].verdict, r->probes[point][kind].text);
                put_text(key, value);
            }
    }
    put("\n");
    for (size_t written = 0; written < outgoing.used;) {
        ssize_t n = write(fd, outgoing.text + written, outgoing.used - written);
        if (n <= 0)
            return;
        written += (size_t)n;
    }
}

/* "start:3000:0.0012:-1,probes:1000:0.0004:52000" (name, operations, seconds, instructions or -1):
 * mark names hold no ':' or ',' (the reader sees to it). */
static void read_segments(const char *from, const char *end, struct trace_result *r)
{
    r->segment_count = 0;
    while (from < end && r->segment_count < REPORT_MAX_SEGMENTS) {
        struct segment_result *segment = &r->segments[r->segment_count];
        const char *colon = memchr(from, ':', (size_t)(end - from));
        if (colon == NULL)
            return;
        size_t length = (size_t)(colon - from) < sizeof segment->name - 1 ? (size_t)(colon - from)
                                                                           : sizeof segment->name - 1;
        memcpy(segment->name, from, length);
        segment->name[length] = '\0';
        char *after;
        segment->ops = (uint32_t)strtoul(colon + 1, &after, 10);
        if (*after != ':')
            return;
        segment->seconds = strtod(after + 1, &after);
        segment->instructions = *after == ':' ? strtod(after + 1, &after) : -1;
        r->segment_count++;
        from = after < end && *after == ',' ? after + 1 : end;
    }
}

/* probeN=VERDICT:TEXT (N: point * PROBE_KINDS + kind) */
static void read_probe(struct trace_result *r, const char *number, size_t number_length, const char *value,
                       const char *end)
{
    unsigned index = 0;
    for (size_t i = 0; i < number_length; i++) {
        if (number[i] < '0' || number[i] > '9' || index > PROBE_POINTS * PROBE_KINDS)
            return;
        index = index * 10 + (unsigned)(number[i] - '0');
    }
    const char *colon = memchr(value, ':', (size_t)(end - value));
    if (number_length == 0 || index >= PROBE_POINTS * PROBE_KINDS || colon == NULL)
        return;
    struct probe_result *p = &r->probes[index / PROBE_KINDS][index % PROBE_KINDS];
    p->verdict = (uint8_t)atoi(value);
    read_text(colon + 1, end, p->text, sizeof p->text);
}

static int key_is(const char *key, size_t key_length, const char *name)
{
    return strlen(name) == key_length && memcmp(key, name, key_length) == 0;
}

static void read_field(struct trace_result *r, const char *key, size_t key_length, const char *value,
                       const char *end)
{
    struct { const char *name; uint64_t *number; } counters[] = {
        { "ops", &r->ops }, { "payload", &r->peak_payload_bytes },
        { "footprint", &r->peak_footprint_bytes }, { "nulls", &r->null_results }, { "brk", &r->counts.brk },
        { "sbrk", &r->counts.sbrk }, { "sbrk0", &r->counts.sbrk_queries },
        { "mmap", &r->counts.mmap }, { "munmap", &r->counts.munmap }, { "enomem", &r->counts.enomem },
    };
    struct { const char *name; double *number; } reals[] = {
        { "stage_s", &r->stage_seconds }, { "libc_s", &r->libc_seconds },
        { "ratio", &r->speed_ratio }, { "checked_s", &r->checked_seconds },
        { "ref_s", &r->reference_seconds }, { "ref_ratio", &r->reference_ratio },
    };
    struct { const char *name; int *flag; } flags[] = {
        { "loaded", &r->loaded }, { "correct", &r->correct }, { "hung", &r->hung }, { "timed", &r->timed },
        { "todo", &r->unfinished },
    };
    for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++)
        if (key_is(key, key_length, counters[i].name))
            *counters[i].number = strtoull(value, NULL, 10);
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
        if (key_is(key, key_length, reals[i].name))
            *reals[i].number = strtod(value, NULL);
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (key_is(key, key_length, flags[i].name))
            *flags[i].flag = atoi(value);
    if (key_is(key, key_length, "runs"))
        r->runs = (uint32_t)strtoul(value, NULL, 10);
    else if (key_is(key, key_length, "stage"))
        read_text(value, end, r->stage, sizeof r->stage);
    else if (key_is(key, key_length, "trace"))
        read_text(value, end, r->trace_path, sizeof r->trace_path);
    else if (key_is(key, key_length, "name"))
        read_text(value, end, r->trace_name, sizeof r->trace_name);
    else if (key_is(key, key_length, "segments"))
        read_segments(value, end, r);
    else if (key_is(key, key_length, "error"))
        read_text(value, end, r->error, sizeof r->error);
    else if (key_is(key, key_length, "probed"))
        r->probed = atoi(value);
    else if (key_is(key, key_length, "probe_ops"))
        sscanf(value, "%u,%u", &r->probe_ops[0], &r->probe_ops[1]);
    else if (key_length > 5 && memcmp(key, "probe", 5) == 0)
        read_probe(r, key + 5, key_length - 5, value, end);
}

int result_read(const char *line, struct trace_result *r)
{
    size_t tag_length = strlen(RESULT_TAG);
    if (strncmp(line, RESULT_TAG, tag_length) != 0 || line[tag_length] != '\t')
        return -1;
    memset(r, 0, sizeof *r);
    const char *field = line + tag_length + 1;
    while (*field != '\0' && *field != '\n') {
        const char *end = field + strcspn(field, "\t\n");
        const char *equals = memchr(field, '=', (size_t)(end - field));
        if (equals != NULL)
            read_field(r, field, (size_t)(equals - field), equals + 1, end);
        field = *end == '\t' ? end + 1 : end;
    }
    return 0;
}
