/* elf_check.c: a linked program's ELF headers, read with pread and checked (see elf_check.h). */
#include "elf_check.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The machine the grader runs on, which is the one a stage program runs on. */
#if defined(__x86_64__)
enum { MACHINE_HERE = EM_X86_64 };
#elif defined(__aarch64__)
enum { MACHINE_HERE = EM_AARCH64 };
#elif defined(__riscv) && __riscv_xlen == 64
enum { MACHINE_HERE = EM_RISCV };
#else
#error "elf_check.c: name this machine's e_machine here"
#endif

/* A linked program has about a dozen program headers; far more is not one the linker made. */
enum { MAX_PROGRAM_HEADERS = 256 };

static unsigned long long add_saturating(unsigned long long a, unsigned long long b)
{
    return a > ~0ULL - b ? ~0ULL : a + b;
}

static int refuse(char *problem, size_t size, const char *text)
{
    snprintf(problem, size, "%s", text);
    return -1;
}

/* Check the headers read from a file of file_bytes bytes. */
static int check_headers(int fd, unsigned long long file_bytes, int require_static, struct elf_program *out,
                         char *problem, size_t size)
{
    Elf64_Ehdr header;
    if (pread(fd, &header, sizeof header, 0) != (ssize_t)sizeof header ||
        memcmp(header.e_ident, ELFMAG, SELFMAG) != 0)
        return refuse(problem, size, "the linked program is not an ELF file");
    if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB ||
        header.e_ident[EI_VERSION] != EV_CURRENT || header.e_machine != MACHINE_HERE)
        return refuse(problem, size, "the linked program is not a 64-bit little-endian program for this machine");
    if (header.e_type != ET_EXEC && (require_static || header.e_type != ET_DYN))
        return refuse(problem, size, require_static ? "the linked program is not a static executable (ET_EXEC)"
                                                    : "the linked program is not an executable");
    if (header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phnum == 0 || header.e_phnum > MAX_PROGRAM_HEADERS ||
        header.e_phoff > file_bytes || (unsigned long long)header.e_phnum * sizeof(Elf64_Phdr) > file_bytes - header.e_phoff)
        return refuse(problem, size, "the linked program's program headers are not inside the file");
    Elf64_Phdr segments[MAX_PROGRAM_HEADERS];
    size_t bytes = (size_t)header.e_phnum * sizeof(Elf64_Phdr);
    if (pread(fd, segments, bytes, (off_t)header.e_phoff) != (ssize_t)bytes)
        return refuse(problem, size, "the linked program's program headers cannot be read");

    int interpreter = 0, dynamic = 0;
    unsigned long long memory = 0;
    for (size_t i = 0; i < header.e_phnum; i++) {
        const Elf64_Phdr *s = &segments[i];
        if (s->p_type == PT_INTERP)
            interpreter = 1;
        else if (s->p_type == PT_DYNAMIC)
            dynamic = 1;
        else if (s->p_type == PT_TLS)
            memory = add_saturating(memory, s->p_memsz);
        if (s->p_type != PT_LOAD)
            continue;
        if (s->p_filesz > s->p_memsz || s->p_offset > file_bytes || s->p_filesz > file_bytes - s->p_offset)
            return refuse(problem, size, "a loadable segment of the linked program is not inside the file");
        memory = add_saturating(memory, (s->p_flags & PF_W) ? s->p_memsz : s->p_memsz - s->p_filesz);
    }
    out->is_static = header.e_type == ET_EXEC && !interpreter && !dynamic;
    out->static_memory_bytes = memory;
    if (require_static && interpreter)
        return refuse(problem, size, "the linked program is dynamically linked (it has PT_INTERP), not static");
    if (require_static && dynamic)
        return refuse(problem, size, "the linked program has a dynamic section (PT_DYNAMIC): it is not static");
    return 0;
}

int elf_check_program(const char *path, unsigned long long max_file_bytes, int require_static,
                      struct elf_program *out, char *problem, size_t problem_size)
{
    memset(out, 0, sizeof *out);
    /* O_NONBLOCK: a FIFO put in its place must not hang the grader; it is refused below. */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(problem, problem_size, "the linked program cannot be opened: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    int status;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        status = refuse(problem, problem_size, "the linked program is not a regular file");
    else if ((unsigned long long)st.st_size > max_file_bytes)
        status = refuse(problem, problem_size, "the linked program is larger than the grader reads");
    else
        status = check_headers(fd, (unsigned long long)st.st_size, require_static, out, problem, problem_size);
    close(fd);
    return status;
}
