/*
 * test_regions.c: padding a process to a number of memory regions (regions.h), as a
 * specification. Each test runs in a fork()ed child, so that the padding stays there.
 */
#include "regions.h"
#include "unit.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

/* The lines of /proc/self/maps, counted here independently of regions.c (with read(2): a stdio
 * stream would take memory with malloc, and so make a region of its own). */
static long regions_held(void)
{
    int maps = open("/proc/self/maps", O_RDONLY);
    if (maps < 0)
        return -1;
    char text[1024];
    long lines = 0;
    ssize_t got;
    while ((got = read(maps, text, sizeof text)) > 0)
        for (ssize_t i = 0; i < got; i++)
            lines += text[i] == '\n';
    close(maps);
    return lines;
}

/* run(check): check() in a child; its exit status (0: it held). */
static int in_child(int (*check)(void))
{
    fflush(stdout);
    pid_t child = fork();
    if (child == 0)
        _exit(check());
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

static int pads_exactly(void)
{
    long before = regions_held();
    return before < 0 || regions_pad_to(before + 101) != 0 || regions_held() != before + 101;
}

static int pads_to_the_kits_target(void)
{
    return regions_pad_to(REGIONS_AT_STAGE_START) != 0 || regions_held() != REGIONS_AT_STAGE_START;
}

static int already_there(void)
{
    long before = regions_held();
    return regions_pad_to(before) != 0 || regions_held() != before;
}

static int cannot_go_down(void)
{
    long before = regions_held();
    return regions_pad_to(before - 1) != -1 || regions_held() != before;
}

/* Padded twice to the same target, two processes hold the same number of regions. */
static void pads_to_a_count(void)
{
    expect(in_child(pads_exactly) == 0);
    expect(in_child(pads_to_the_kits_target) == 0);
}

static void pads_nothing_when_there(void)
{
    expect(in_child(already_there) == 0);
}

static void never_removes(void)
{
    expect(in_child(cannot_go_down) == 0);
}

int main(void)
{
    RUN(pads_to_a_count);
    RUN(pads_nothing_when_there);
    RUN(never_removes);
    return unit_exit_status();
}
