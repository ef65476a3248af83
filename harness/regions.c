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
    /* One inaccessible reservation of 2n + 1 pages (n: the regions missing); then every page
     * at an odd index given back: each hole splits a region in two, one more region, and the
     * holes keep the pieces from merging again. The reservation itself may have merged with a
     * neighbour, so the count is taken again after it. */
    size_t page = (size_t)sysconf(_SC_PAGESIZE), missing = (size_t)(target - now);
    size_t pages = 2 * missing + 1;
    char *pad = mmap(NULL, pages * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (pad == MAP_FAILED || (now = regions_now()) < 0)
        return -1;
    for (size_t index = 1; now < target && index < pages - 1; index += 2, now++)
        if (munmap(pad + index * page, page) != 0)
            return -1;
    return regions_now() == target ? 0 : -1;
}
