/*
 * hostile submission "compile-leaks", stage dlist: a file the student must not read, included as
 * source by its absolute path (@SECRET@: the test's world-readable secret, standing for any
 * file of the kit or the machine the instructor left readable, at a path the student learned,
 * as the link errors give away the kit's, see list.c): its lines come back quoted in the
 * compiler's errors, which the report shows.
 * Stopped by: nothing today but the file's permissions (the compiler runs as nobody); the build
 * jail (branch jail) gives the compiler a root that holds only /usr and the build directory.
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-secret: yes
// hostile-expect: dlist.c does not compile:
// hostile-jail-stops: hostile-file-secret-9c2a
#include "@SECRET@"
