/*
 * hostile submission "dev-zero", stage dlist: #include "/dev/zero": a file that never ends. The
 * compiler reads a device until its end, doubling its buffer (8 KiB, 16 KiB, ... 16 GiB), so it
 * takes the machine's memory far sooner than the build's time limit (60 s) ends it.
 * Stopped by: the build fails ("does not compile"). Today only the test's own guard bounds the
 * compiler's memory (the whole grading under RLIMIT_AS 1 GiB: cc1 is "out of memory allocating
 * 1073741840 bytes" after about 512 MiB): the grader sets no limit on its build tools' memory,
 * and grader/hostile/dev-zero/jail says so. The build jail (branch jail) bounds each build
 * tool's time and memory, and has no /dev/zero. (clang includes nothing from a device: the
 * stage, empty, does not link.)
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect-one-of: dlist.c does not compile:
// hostile-expect-one-of: stage dlist does not link with the kit's stage side
// hostile-jail-stops: out of memory allocating 1073741840 bytes
#include "/dev/zero"
