/* baselines.c: production allocators loaded at run time (see baselines.h). */
#include "baselines.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

static void *library; /* the loaded allocator's handle */

/* Find a function of the loaded library into *function (the address of a function pointer):
 * POSIX gives a function's address as a void *, which C converts by copying its bytes. */
static int find(const char *name, void *function)
{
    void *address = dlsym(library, name);
    memcpy(function, &address, sizeof address);
    return address == NULL ? -1 : 0;
}

/* ---- each allocator's footprint --------------------------------------------------------- */

/* What it held before the replay's first call and cannot give to it (its start-up data), and
 * the footprint last read. */
static uint64_t start_bytes, last_bytes;

static uint64_t keep(uint64_t now_bytes)
{
    last_bytes = now_bytes > start_bytes ? now_bytes - start_bytes : 0;
    return last_bytes;
}

/* jemalloc: int mallctlbymib(const size_t *mib, size_t miblen, void *old, size_t *oldlen,
 * void *new, size_t newlen), with the names turned into numbers once. */
typedef int mallctl_by_number(const size_t *, size_t, void *, size_t *, void *, size_t);
typedef int mallctl_name_to_number(const char *, size_t *, size_t *);
static struct {
    mallctl_by_number *read;
    size_t epoch[1], epoch_length, resident[3], resident_length;
} jemalloc;

static uint64_t jemalloc_resident_bytes(void)
{
    uint64_t epoch = 1;
    size_t epoch_size = sizeof epoch, resident = 0, resident_size = sizeof resident;
    /* The statistics are a snapshot taken at each new epoch. */
    if (jemalloc.read(jemalloc.epoch, jemalloc.epoch_length, &epoch, &epoch_size, &epoch, sizeof epoch) != 0 ||
        jemalloc.read(jemalloc.resident, jemalloc.resident_length, &resident, &resident_size, NULL, 0) != 0)
        return 0;
    return resident;
}

static int jemalloc_statistics(void)
{
    mallctl_name_to_number *number;
    jemalloc.epoch_length = 1;
    jemalloc.resident_length = 3;
    return find("mallctlnametomib", &number) != 0 || find("mallctlbymib", &jemalloc.read) != 0 ||
                   number("epoch", jemalloc.epoch, &jemalloc.epoch_length) != 0 ||
                   number("stats.resident", jemalloc.resident, &jemalloc.resident_length) != 0
               ? -1 : 0;
}

static void jemalloc_start(void)
{
    start_bytes = jemalloc_resident_bytes();
    keep(start_bytes);
}

static uint64_t jemalloc_after(uint64_t request_bytes)
{
    return request_bytes == 0 ? last_bytes : keep(jemalloc_resident_bytes());
}

/* mimalloc: void mi_process_info(elapsed, user, system, current_rss, peak_rss,
 * current_commit, peak_commit, page_faults), every one a size_t *. */
typedef void mi_process_info_call(size_t *, size_t *, size_t *, size_t *, size_t *, size_t *, size_t *, size_t *);
static mi_process_info_call *mimalloc_info;

static uint64_t mimalloc_committed_bytes(void)
{
    size_t ignored[6], committed = 0, peak_committed = 0;
    mimalloc_info(&ignored[0], &ignored[1], &ignored[2], &ignored[3], &ignored[4], &committed, &peak_committed,
                  &ignored[5]);
    return committed;
}

static int mimalloc_statistics(void)
{
    return find("mi_process_info", &mimalloc_info);
}

static void mimalloc_start(void)
{
    start_bytes = mimalloc_committed_bytes();
    keep(start_bytes);
}

static uint64_t mimalloc_after(uint64_t request_bytes)
{
    return request_bytes == 0 ? last_bytes : keep(mimalloc_committed_bytes());
}

/* tcmalloc: int MallocExtension_GetNumericProperty(const char *name, size_t *value). */
typedef int tcmalloc_property_call(const char *, size_t *);
static tcmalloc_property_call *tcmalloc_property;

static uint64_t tcmalloc_mapped_bytes(void)
{
    size_t heap = 0, unmapped = 0;
    if (!tcmalloc_property("generic.heap_size", &heap) ||
        !tcmalloc_property("tcmalloc.pageheap_unmapped_bytes", &unmapped))
        return 0;
    return heap > unmapped ? heap - unmapped : 0;
}

static int tcmalloc_statistics(void)
{
    return find("MallocExtension_GetNumericProperty", &tcmalloc_property);
}

/* tcmalloc takes its first megabyte as it loads: the free pages of it serve the replay. */
static void tcmalloc_start(void)
{
    size_t free_pages = 0;
    uint64_t mapped = tcmalloc_mapped_bytes();
    tcmalloc_property("tcmalloc.pageheap_free_bytes", &free_pages);
    start_bytes = mapped > free_pages ? mapped - free_pages : 0;
    keep(mapped);
}

static uint64_t tcmalloc_after(uint64_t request_bytes)
{
    return request_bytes == 0 ? last_bytes : keep(tcmalloc_mapped_bytes());
}

/* ---- the table ------------------------------------------------------------------------ */

struct baseline {
    const char *name, *library, *package;
    const char *malloc, *free, *realloc, *calloc; /* its symbols */
    int (*statistics)(void);                      /* find its statistics' calls: 0, or -1 */
    void (*footprint_start)(void);
    uint64_t (*footprint_after)(uint64_t request_bytes);
    const char *options[2]; /* NAME=VALUE, set before it loads unless the user set NAME */
};

static const struct baseline BASELINES[] = {
    { "jemalloc", "libjemalloc.so.2", "libjemalloc2", "malloc", "free", "realloc", "calloc", jemalloc_statistics,
      jemalloc_start, jemalloc_after, { NULL, NULL } },
    { "mimalloc", "libmimalloc.so.2", "libmimalloc2.0", "mi_malloc", "mi_free", "mi_realloc", "mi_calloc",
      mimalloc_statistics, mimalloc_start, mimalloc_after,
      { "MIMALLOC_EAGER_COMMIT=0", "MIMALLOC_ARENA_EAGER_COMMIT=0" } },
    { "tcmalloc", "libtcmalloc_minimal.so.4", "libtcmalloc-minimal4", "tc_malloc", "tc_free", "tc_realloc",
      "tc_calloc", tcmalloc_statistics, tcmalloc_start, tcmalloc_after, { NULL, NULL } },
};
enum { BASELINE_COUNT = sizeof BASELINES / sizeof BASELINES[0] };

/* jemalloc keeps its thread state in static TLS, which a library loaded with dlopen gets
 * only from the little the dynamic loader keeps spare: run this program again once, with
 * more kept spare (glibc's rtld.optional_static_tls tunable, read at start-up only). */
#define STATIC_TLS_TUNABLE "glibc.rtld.optional_static_tls=16384"
#define STATIC_TLS_RERUN "HEAPKIT_STATIC_TLS_RERUN"

static void rerun_with_more_static_tls(char **argv)
{
    if (getenv(STATIC_TLS_RERUN) != NULL)
        return; /* ran again already: say why it failed */
    const char *tunables = getenv("GLIBC_TUNABLES");
    char value[1024];
    snprintf(value, sizeof value, "%s%s%s", tunables ? tunables : "", tunables ? ":" : "", STATIC_TLS_TUNABLE);
    setenv("GLIBC_TUNABLES", value, 1);
    setenv(STATIC_TLS_RERUN, "1", 1);
    /* The path it was started by, as the kernel kept it: under valgrind, /proc/self/exe is
     * valgrind's own. */
    const char *self = (const char *)getauxval(AT_EXECFN);
    execv(self != NULL ? self : "/proc/self/exe", argv);
}

const struct real_allocator *baseline_load(const char *name, char **argv, char *error, size_t error_size)
{
    const struct baseline *b = NULL;
    for (int i = 0; i < BASELINE_COUNT; i++)
        if (strcmp(BASELINES[i].name, name) == 0)
            b = &BASELINES[i];
    if (b == NULL) {
        snprintf(error, error_size, "%s is not a baseline (jemalloc, mimalloc or tcmalloc)", name);
        return NULL;
    }
    for (int i = 0; i < 2 && b->options[i] != NULL; i++) {
        char option[128];
        snprintf(option, sizeof option, "%s", b->options[i]);
        char *equals = strchr(option, '=');
        *equals = '\0';
        setenv(option, equals + 1, 0);
    }
    /* HEAPKIT_JEMALLOC_LIBRARY=PATH (and the others) measures another build of it. */
    char variable[64];
    snprintf(variable, sizeof variable, "HEAPKIT_%s_LIBRARY", b->name);
    for (char *c = variable; *c != '\0'; c++)
        *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
    const char *path = getenv(variable);
    if (path == NULL || path[0] == '\0')
        path = b->library;
    library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    const char *why = library == NULL ? dlerror() : NULL; /* dlerror answers once */
    if (library == NULL && why != NULL && strstr(why, "static TLS") != NULL) {
        rerun_with_more_static_tls(argv);
        library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        why = library == NULL ? dlerror() : NULL;
    }
    if (library == NULL) {
        if (why != NULL && strstr(why, "No such file") != NULL)
            snprintf(error, error_size, "%s is missing: apt-get install %s", path, b->package);
        else
            snprintf(error, error_size, "%s cannot be loaded: %s", path, why ? why : "unknown error");
        return NULL;
    }
    static struct real_allocator loaded;
    loaded = (struct real_allocator){
        .name = b->name, .footprint_start = b->footprint_start, .footprint_after = b->footprint_after,
    };
    if (find(b->malloc, &loaded.malloc) != 0 || find(b->free, &loaded.free) != 0 ||
        find(b->realloc, &loaded.realloc) != 0 || find(b->calloc, &loaded.calloc) != 0 || b->statistics() != 0) {
        snprintf(error, error_size, "%s lacks the calls heapkit uses (%s, %s, %s, %s and its statistics)",
                 b->library, b->malloc, b->free, b->realloc, b->calloc);
        return NULL;
    }
    return &loaded;
}
