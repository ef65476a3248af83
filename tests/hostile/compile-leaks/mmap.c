/*
 * hostile submission "compile-leaks", stage mmap: a classmate's submission, included through the
 * working directory of one of the classmate's build tools (/proc/PID/cwd), which run as the
 * same user as this compiler (nobody) in their grading's work directory. The test starts such a
 * tool itself, as nobody, in a directory holding the classmate's list.c (@CLASSMATE_PID@); a
 * real attacker would try the process numbers around its own (#include "/proc/self/stat").
 * Stopped by: nothing today; the build jail (branch jail) runs each grading's tools as that
 * grading's user, in a process namespace of their own.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-expect: mmap.c does not compile:
// hostile-jail-stops: hostile-classmate-source-77d1
#include "/proc/@CLASSMATE_PID@/cwd/list.c"
