/* regions.c: the same number of memory regions in every replay child (see regions.h). */
#include "regions.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

/* The regions the process holds: the lines of /proc/self/maps; -1 when it cannot be read. Read
 * with read(2) into the stack: no stdio stream, no malloc in a replay child. */
static long regions_now(void)
{
    int maps = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (maps < 0)
        return -1;
    char text[4096];
    long lines = 0;
    ssize_t got;
    while ((got = read(maps, text, sizeof text)) > 0)
        for (ssize_t i = 0; i < got; i++)
            lines += text[i] == '\n';
    close(maps);
    return got < 0 ? -1 : lines;
}

int regions_pad_to(long target)
{
    long now = regions_now();
    if (now < 0 || now > target)
        return -1;
    if (now == target)
        return 0;
    /* An inaccessible reservation of 2n + 3 pages (n: the regions missing). Its first and last
     * pages given back: if it merged with a neighbour, that parts them again, and the rest is
     * one region more, whatever was around it. Then n - 1 holes in the rest, two pages apart:
     * each splits a region in two, one more region, and the holes keep the pieces from merging. */
    size_t page = (size_t)sysconf(_SC_PAGESIZE), missing = (size_t)(target - now);
    size_t pages = 2 * missing + 3;
    char *pad = mmap(NULL, pages * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (pad == MAP_FAILED || munmap(pad, page) != 0 || munmap(pad + (pages - 1) * page, page) != 0)
        return -1;
    for (size_t hole = 1; hole < missing; hole++)
        if (munmap(pad + 2 * hole * page, page) != 0)
            return -1;
    return 0;
}
