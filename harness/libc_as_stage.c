/* libc_as_stage.c: the C library's allocator as a stage of its own (build/stages/libc), the
 * baseline row of every table. */
#include "heapmgr.h"
#include "libc_stage.h"
#include "runner.h"

void *hm_malloc(size_t size)
{
    return libc_malloc(size);
}

void hm_free(void *ptr)
{
    libc_free(ptr);
}

void *hm_realloc(void *ptr, size_t size)
{
    return libc_realloc(ptr, size);
}

void *hm_calloc(size_t nmemb, size_t size)
{
    return libc_calloc(nmemb, size);
}

/* The C library checks itself as it goes (and aborts when it finds a broken heap). */
int hm_check(void)
{
    return 0;
}

int main(int argc, char **argv)
{
    return runner_main(argc, argv, 1);
}
