/*
 * elf_check.h: what the grader reads of a linked stage program's ELF headers itself, in C (no
 * tool runs as root on a student's output, and a tool's listing could be cut or lie).
 *
 * A program is accepted when it is a 64-bit little-endian executable for this machine, with
 * program headers that lie inside the file; when static is required, an ET_EXEC with no
 * PT_INTERP and no PT_DYNAMIC (nothing loads before it, nothing is resolved at run time).
 *
 * Its static memory is what it asks the kernel for when it is loaded, beyond what it can get
 * from the file itself, whatever the sections were called:
 *     every writable PT_LOAD segment, whole (p_memsz)
 *     the zero-filled tail of every other PT_LOAD (p_memsz - p_filesz): a read-only "bss"
 *     the thread-local block (PT_TLS p_memsz), which the C library copies for its one thread
 * A 3 GiB array in a section named .mydata is 3 GiB of it.
 */
#ifndef ELF_CHECK_H
#define ELF_CHECK_H

#include <stddef.h>

struct elf_program {
    int is_static;                          /* ET_EXEC, no PT_INTERP, no PT_DYNAMIC */
    unsigned long long static_memory_bytes; /* as above; saturates rather than wraps */
};

/*
 * Read the program at path (a regular file, no link followed, at most max_file_bytes). Returns 0
 * and fills out; -1 with one line in problem ("not an ELF file", "a dynamically linked program
 * (it has PT_INTERP)", ...) when it is not a program of this machine or, with require_static,
 * not a static one. Says nothing about limits: the caller compares static_memory_bytes.
 */
int elf_check_program(const char *path, unsigned long long max_file_bytes, int require_static,
                      struct elf_program *out, char *problem, size_t problem_size);

#endif /* ELF_CHECK_H */
