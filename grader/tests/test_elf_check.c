/*
 * test_elf_check.c: grader/elf_check.h as a specification.
 *
 * Programs are linked here with the machine's cc (as the build jail would link them): a static
 * one, a dynamic one, and ones that ask for static memory under names no section count would
 * know: a writable .mydata of zeros, a read-only one, a thread-local block. And files that are
 * no program at all.
 */
#include "elf_check.h"
#include "unit.h"

#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const unsigned long long MAX_BYTES = UINT64_C(64) << 20;
static const unsigned long long GIB = UINT64_C(1) << 30;

static char dir[256];
static char problem[256];

/* Write SOURCE to NAME.c and link it with `cc FLAGS`; the program's path, or NULL. */
static const char *link_program(const char *name, const char *flags, const char *source)
{
    static char path[512];
    char command[2048];
    snprintf(path, sizeof path, "%s/%s.c", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(source, f) < 0 || fclose(f) != 0)
        return NULL;
    snprintf(command, sizeof command, "${CC:-cc} %s '%s/%s.c' -o '%s/%s' 2>&1", flags, dir, name, dir, name);
    if (system(command) != 0) {
        printf("#   could not link: %s\n", command);
        return NULL;
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

static const char MAIN[] = "int main(void) { return 0; }\n";

static void test_a_static_program_is_accepted(void)
{
    const char *path = link_program("small", "-static", MAIN);
    struct elf_program elf = { 0 };
    expect(path != NULL && elf_check_program(path, MAX_BYTES, 1, &elf, problem, sizeof problem) == 0);
    expect(elf.is_static);
    expect(elf.static_memory_bytes > 0 && elf.static_memory_bytes < (UINT64_C(1) << 20));
}

static void test_a_dynamic_program_is_not_static(void)
{
    const char *path = link_program("dynamic", "", MAIN);
    struct elf_program elf = { 0 };
    expect(path != NULL && elf_check_program(path, MAX_BYTES, 0, &elf, problem, sizeof problem) == 0);
    expect(!elf.is_static);
    expect(elf_check_program(path, MAX_BYTES, 1, &elf, problem, sizeof problem) == -1);
    expect_text(problem, "not a static executable"); /* a PIE: ET_DYN */
    path = link_program("dynamic-exec", "-no-pie", MAIN);
    expect(path != NULL && elf_check_program(path, MAX_BYTES, 1, &elf, problem, sizeof problem) == -1);
    expect_text(problem, "dynamically linked (it has PT_INTERP)");
}

/* Zeros under a name no one would count, as a submission could declare them. (Linked static,
 * 3 GiB of them before the C library's own data make its 32-bit relocations overflow: then the
 * linker refuses; 1 GiB links.) */
static void test_static_memory_is_counted_whatever_the_section(void)
{
    struct elf_program elf = { 0 };
    const char *path = link_program("mydata", "",
                                    "__asm__(\".pushsection .mydata,\\\"aw\\\",@nobits\\n.skip 3221225472\\n.popsection\");\n"
                                    "int main(void) { return 0; }\n");
    expect(path != NULL && elf_check_program(path, MAX_BYTES, 0, &elf, problem, sizeof problem) == 0);
    expect(elf.static_memory_bytes >= 3 * GIB && elf.static_memory_bytes < 3 * GIB + (UINT64_C(1) << 20));

    path = link_program("mydata-static", "-static",
                        "__asm__(\".pushsection .mydata,\\\"aw\\\",@nobits\\n.skip 1073741824\\n.popsection\");\n"
                        "int main(void) { return 0; }\n");
    expect(path != NULL && elf_check_program(path, MAX_BYTES, 1, &elf, problem, sizeof problem) == 0);
    expect(elf.static_memory_bytes >= GIB && elf.static_memory_bytes < GIB + (UINT64_C(1) << 20));

    path = link_program("myrodata", "-static",
                        "__asm__(\".pushsection .myrodata,\\\"a\\\",@nobits\\n.skip 1073741824\\n.popsection\");\n"
                        "int main(void) { return 0; }\n");
    expect(path != NULL && elf_check_program(path, MAX_BYTES, 1, &elf, problem, sizeof problem) == 0);
    expect(elf.static_memory_bytes >= GIB);

    path = link_program("tls", "-static",
                        "static _Thread_local char block[1 << 30];\n"
                        "int main(void) { return block[7]; }\n");
    expect(path != NULL && elf_check_program(path, MAX_BYTES, 1, &elf, problem, sizeof problem) == 0);
    expect(elf.static_memory_bytes >= GIB);
}

static void test_what_is_no_program_is_refused(void)
{
    struct elf_program elf = { 0 };
    char path[512], target[512];
    snprintf(path, sizeof path, "%s/text", dir);
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fputs("#!/bin/sh\necho not a program\n", f);
        fclose(f);
    }
    expect(elf_check_program(path, MAX_BYTES, 1, &elf, problem, sizeof problem) == -1);
    expect_text(problem, "not an ELF file");

    snprintf(target, sizeof target, "%s/small", dir);
    snprintf(path, sizeof path, "%s/link", dir);
    expect(symlink(target, path) == 0);
    expect(elf_check_program(path, MAX_BYTES, 1, &elf, problem, sizeof problem) == -1);
    expect_text(problem, "cannot be opened");

    snprintf(path, sizeof path, "%s/fifo", dir);
    expect(mkfifo(path, 0600) == 0);
    expect(elf_check_program(path, MAX_BYTES, 1, &elf, problem, sizeof problem) == -1);
    expect_text(problem, "not a regular file");

    expect(elf_check_program(target, 1000, 1, &elf, problem, sizeof problem) == -1);
    expect_text(problem, "larger than the grader reads");

    /* A real program whose program headers are said to lie past its end. */
    snprintf(path, sizeof path, "%s/broken", dir);
    char command[1200];
    snprintf(command, sizeof command, "cp '%s' '%s'", target, path);
    expect(system(command) == 0);
    int fd = open(path, O_RDWR);
    Elf64_Ehdr header;
    expect(fd >= 0 && pread(fd, &header, sizeof header, 0) == (ssize_t)sizeof header);
    header.e_phoff = UINT64_C(1) << 40;
    expect(pwrite(fd, &header, sizeof header, 0) == (ssize_t)sizeof header);
    close(fd);
    expect(elf_check_program(path, MAX_BYTES, 1, &elf, problem, sizeof problem) == -1);
    expect_text(problem, "program headers are not inside the file");
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    snprintf(dir, sizeof dir, "%s/heapkit-test-elf.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(dir) == NULL)
        return 2;
    RUN(test_a_static_program_is_accepted);
    RUN(test_a_dynamic_program_is_not_static);
    RUN(test_static_memory_is_counted_whatever_the_section);
    RUN(test_what_is_no_program_is_refused);
    char command[512];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    (void)!system(command);
    return unit_exit_status();
}
