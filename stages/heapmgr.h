/*
 * heapmgr.h: the one header every stage implements, and the system calls it may use.
 *
 * A stage is one C file in stages/ that defines the five hm_ functions of part 1 with the
 * C library's contracts (and, if it likes, hm_walk of part 1b, which draws its heap). It gets
 * memory only through the four simulated system calls of part 2, which the harness provides,
 * counts and limits. Nothing else that allocates is
 * allowed: no malloc, no real brk, sbrk or mmap. What a stage may call, exactly as the
 * grader's static check enforces it (README.md, "What a stage may call"):
 *   - part 2: hm_brk, hm_sbrk, hm_mmap, hm_munmap, hm_page_bytes, hm_todo;
 *   - memcpy, memset, memmove;
 *   - output to stderr: fprintf, vfprintf, fputs, fputc, putc, fwrite, snprintf, vsnprintf
 *     (a compiler turns fprintf into fwrite or fputc by itself);
 *   - assert, abort and errno.
 *
 * A stage has no init function: like a real malloc it sets itself up on its first call.
 * Every replay runs in a fresh process, so a stage's static variables start at zero each time.
 *
 * Units: every size here is in bytes.
 */
#ifndef HEAPMGR_H
#define HEAPMGR_H

#include <stddef.h>    /* size_t */
#include <stdint.h>    /* intptr_t */
#include <sys/mman.h>  /* PROT_*, MAP_*, MAP_FAILED for hm_mmap */
#include <sys/types.h> /* off_t */

/* Every pointer a stage returns is a multiple of this. */
enum { HM_ALIGNMENT = 16 };

/* ---- Part 1: what a stage implements ------------------------------------------------ */

/*
 * hm_malloc: a block of at least `size` bytes, HM_ALIGNMENT-aligned, inside the heap or a
 * live mapping, overlapping no other live block. The block is the caller's until hm_free.
 * malloc(0) may return NULL or a unique pointer that can be passed to hm_free.
 * Returns NULL only when the memory cannot be had: a system call failed with ENOMEM, or
 * the request is larger than what is left under the memory limit. errno is then ENOMEM, as
 * the C library leaves it: the failed system call set it, and a request too large for any
 * heap (the stage sees it before calling anything) sets it itself.
 * Example: char *s = hm_malloc(6); memcpy(s, "hello", 6);
 */
void *hm_malloc(size_t size);

/*
 * hm_free: give back a block that hm_malloc, hm_calloc or hm_realloc returned and that has
 * not been freed since. The caller must not touch it afterwards. free(NULL) does nothing.
 */
void hm_free(void *ptr);

/*
 * hm_realloc: resize a block, keeping its first min(old size, new size) bytes.
 * May return the same pointer (resized in place) or a new one (the old block is then freed).
 *   realloc(NULL, n) is malloc(n).
 *   realloc(p, 0) frees p and returns NULL.
 * When the memory cannot be had it returns NULL (errno = ENOMEM, as hm_malloc) and leaves
 * the old block untouched and live.
 */
void *hm_realloc(void *ptr, size_t size);

/*
 * hm_calloc: a block for `nmemb` elements of `size` bytes each, every byte zero.
 * Returns NULL with errno = ENOMEM when nmemb * size overflows size_t (test it without
 * dividing by zero: calloc(0, n) is legal), and where hm_malloc would.
 */
void *hm_calloc(size_t nmemb, size_t size);

/*
 * hm_check: the heap consistency checker. Walks the stage's data structures and checks
 * every invariant the stage relies on. Returns 0 when all hold, and before the stage's first
 * call (no heap yet: nothing is broken); otherwise prints what broke to stderr and returns
 * non-zero. It must not change the heap, and it must survive a corrupted one without a crash
 * or an endless loop: check that a pointer lies inside the heap, aligned, where a chunk can
 * start, before following it; check that a size leads no further than the heap before
 * stepping by it; bound every walk by the number of chunks.
 * `build/replay -c` calls it after every operation: write it first, it finds your bugs early;
 * the grader also calls it on a heap it corrupted on purpose (build/replay --probe-checker).
 */
int hm_check(void);

/* ---- Part 1b (optional): the stage describes its heap ------------------------------- */

/*
 * hm_walk draws the pictures of build/replay --map and --html: it reports every chunk of the
 * heap, in address order, to visit(chunk, context). A stage without it still gets maps, drawn
 * from what the harness knows (live payloads, and the bytes between them as the stage's); the
 * grader neither requires it nor believes it.
 *
 * A chunk is a run of bytes the stage manages as one: a block the caller holds (with its
 * header and footer), a free chunk, or the stage's own bytes (a prologue, an epilogue,
 * padding, a table of list heads). The chunks it reports should tile the heap from its start
 * to the break; mapped chunks (the mmap stage's large blocks) come after the heap's, in any
 * order. For a free chunk, `list` says which free list or bin holds it (0 with one list;
 * -1: on none) and `next` where the next chunk of that list starts (NULL at its end).
 *
 * The walk is the checker's walk and has its care: it must not change the heap, and it must
 * survive a corrupted one (stop where a size or a link leads outside the heap). Before the
 * stage's first call there is no heap: visit nothing. To tile the heap from its start, a stage
 * keeps where the heap began (its first sbrk(0)). The harness checks what it is told: a chunk
 * outside the heap and the live mappings, or chunks out of order, and the map is drawn
 * without the walk, saying why.
 */
enum hm_chunk_state { HM_CHUNK_USED, HM_CHUNK_FREE, HM_CHUNK_STAGE };

struct hm_chunk {
    const void *start; /* the chunk's first byte: its header, if it has one */
    size_t bytes;      /* the whole chunk, header and footer included */
    int state;         /* enum hm_chunk_state */
    int list;          /* a free chunk: its free list or bin (0 with one list); otherwise -1 */
    const void *next;  /* a free chunk: the start of the next chunk on its list; NULL: none */
};

typedef void hm_chunk_visitor(const struct hm_chunk *chunk, void *context);

void hm_walk(hm_chunk_visitor *visit, void *context);

/* ---- Part 2: what the harness provides ---------------------------------------------- */

/*
 * The system calls of the lectures, simulated: same arguments, same results, same errors.
 * The heap is one contiguous range that starts at the first sbrk(0); bytes past the break
 * are not accessible (touching the next page faults; touching the rest of the break's own
 * page is reported by `-c` as "wrote N bytes past the break"). Memory the break uncovers
 * and every new mapping read as zero. Every call counts toward "system calls per operation",
 * except sbrk(0), which only reads the break.
 *
 * A memory limit (build/replay --limit, default 4G) caps the footprint: heap bytes plus
 * page-rounded mapped bytes. A call that would pass it fails with errno = ENOMEM.
 */

/* hm_brk: set the break to `addr`. 0 on success; -1 with errno = ENOMEM when addr is below
 * the heap start or the heap would pass the limit. */
int hm_brk(void *addr);

/* hm_sbrk: move the break by `increment` bytes (may be negative, or 0 to read it).
 * Returns the old break; (void *)-1 with errno = ENOMEM on failure. */
void *hm_sbrk(intptr_t increment);

/* hm_mmap: a new anonymous mapping of `length` bytes rounded up to whole pages, zeroed,
 * page-aligned, apart from the heap. Only anonymous private read-write mappings exist:
 * prot = PROT_READ | PROT_WRITE, flags = MAP_PRIVATE | MAP_ANONYMOUS, fd = -1, offset = 0;
 * `addr` is a hint and ignored. Returns MAP_FAILED with errno = ENOMEM past the limit, or
 * EINVAL for a zero length or other arguments. */
void *hm_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);

/* hm_munmap: unmap the pages of [addr, addr + length), which must lie in live mappings and
 * start on a page boundary; a part of a mapping may be unmapped. 0 on success. Unmapping
 * memory that was never mapped returns -1 with errno = EINVAL, and the replay reports it. */
int hm_munmap(void *addr, size_t length);

/* hm_page_bytes: the size of a page, in bytes (4096 on most machines): the unit of hm_mmap
 * and hm_munmap, and of what the break exposes. */
size_t hm_page_bytes(void);

/*
 * hm_todo: for skeleton code that is not written yet. Stops the replay and reports
 * "not implemented yet: WHAT" instead of a crash. Never returns.
 * Example: void hm_free(void *ptr) { (void)ptr; hm_todo("hm_free"); }
 */
_Noreturn void hm_todo(const char *what);

#endif /* HEAPMGR_H */
