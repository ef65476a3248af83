/* hostmem.c: the harness's own memory, from real mmap (see hostmem.h for why). */
#include "hostmem.h"

#include <sys/mman.h>

void *host_alloc(size_t bytes)
{
    if (bytes == 0)
        bytes = 1;
    void *region = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return region == MAP_FAILED ? NULL : region;
}

void *host_resize(void *region, size_t old_bytes, size_t new_bytes)
{
    if (region == NULL)
        return host_alloc(new_bytes);
    if (new_bytes == 0)
        new_bytes = 1;
    void *moved = mremap(region, old_bytes ? old_bytes : 1, new_bytes, MREMAP_MAYMOVE);
    return moved == MAP_FAILED ? NULL : moved;
}

void host_free(void *region, size_t bytes)
{
    if (region != NULL)
        munmap(region, bytes ? bytes : 1);
}
