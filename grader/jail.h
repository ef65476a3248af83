/*
 * jail.h: run one build tool (the compiler, the assembler, the linker, readelf, objdump) on
 * a submission's files where nothing secret can be reached by path, and where no process the
 * tool starts can outlive it.
 *
 * The tool runs under a tiny init of ours, PID 1 of a PID namespace of its own; when the tool
 * ends, the init ends, and the kernel kills every other process of the namespace before the
 * init can be reaped: when jail_run returns, nothing the tool started is left. The jail also
 * has a mount, IPC, UTS and network namespace of its own (no host shared memory, no abstract
 * sockets, no network), and its root is a fresh tmpfs that holds only:
 *
 *     /usr                       the system's, read-only (the toolchain and its headers)
 *     /bin /sbin /lib /lib64 ... as on the host: symlinks into usr (Debian's merged /usr), or
 *                                read-only binds where they are directories
 *     /etc/alternatives          read-only (cc, c++ and ld are symlinks through it)
 *     /etc/ld.so.cache           read-only
 *     /dev/null
 *     /tmp                       empty, private, mode 1777, at most limits->tmp_bytes
 *     /build                     jail->build_dir, read-write: the working directory
 *
 * No /proc, /home, /etc/passwd, kit, hidden trace or other submission. The tool runs as
 * jail->uid and jail->gid with no supplementary group and no way back to root (checked), with
 * no-new-privileges, the given resource limits, stdin from /dev/null, stdout and stderr into one
 * pipe (the first limits->output_bytes kept), and a clean environment (PATH, LC_ALL=C, TMPDIR).
 * The caller keeps the wall-clock limit: past it the init is killed, and everything with it.
 *
 * Needs root (mounts and namespaces): when the caller is not root, jail_run refuses, and the
 * caller decides what to do instead.
 */
#ifndef JAIL_H
#define JAIL_H

#include <stddef.h>
#include <sys/types.h>

enum { JAIL_OUTPUT_BYTES = 64 << 10 }; /* what is kept of a tool's stdout and stderr, unless told */

struct jail {
    const char *build_dir; /* a directory of the host, seen by the tool as /build, its working
                              directory; the only place it can write outside its /tmp */
    uid_t uid;             /* the tool runs as this user and group: never 0 */
    gid_t gid;
};

struct jail_limits {
    double wall_seconds;                    /* kept by the caller: past it the jail is killed */
    double cpu_seconds;                     /* RLIMIT_CPU of each process (SIGXCPU past it) */
    unsigned long long address_space_bytes; /* RLIMIT_AS of each process: a compiler's memory */
    unsigned long long file_bytes;          /* RLIMIT_FSIZE: the largest file it may write */
    unsigned long long tmp_bytes;           /* the size of its private /tmp */
    unsigned nofile;                        /* RLIMIT_NOFILE */
    unsigned nproc;                         /* RLIMIT_NPROC: counts every process of jail->uid */
    size_t output_bytes;                    /* what is kept of stdout and stderr (0: JAIL_OUTPUT_BYTES);
                                               a listing that is checked must be kept whole */
};

/* How the tool ended. Exactly one of exited, signal and timed_out is set. */
struct jail_outcome {
    int exited, exit_status; /* it ended by itself, with this status (127: it could not be run) */
    int signal;              /* it was killed by this signal: SIGXCPU (its CPU time), SIGXFSZ (a
                                file too large), SIGSEGV ...; SIGKILL also past RLIMIT_CPU's hard limit */
    int timed_out;           /* it ran past wall_seconds: the jail was killed */
    double seconds;          /* wall-clock time from the start of the jail to the end of all of it */
    char *output;            /* stdout and stderr together, the first limits->output_bytes,
                                NUL-terminated; malloc'd, never NULL once jail_run returned 0 */
    size_t output_bytes;
    int output_cut;          /* it printed more than was kept */
    char error[256];         /* jail_run returned -1: why no tool ran */
};

/*
 * Run argv (argv[0] looked up in the jail's PATH, /usr/bin:/bin) in the jail with the limits.
 * Returns 0 when the tool ran, however it ended (see outcome); -1 when no tool ran: the caller
 * is not root, jail->uid or gid is 0, or the jail could not be set up (outcome->error names the
 * step, such as "mount /usr read-only: Operation not permitted"). Free the outcome with
 * jail_outcome_free either way.
 */
int jail_run(const struct jail *jail, char *const argv[], const struct jail_limits *limits,
             struct jail_outcome *outcome);
void jail_outcome_free(struct jail_outcome *outcome);

/* How the tool ended, for a person: "ended with exit status 1", "was stopped after 60 s (the
 * build's time limit)", "was killed by SIGXCPU: it used up its 60 s of CPU time", ... */
void jail_describe(const struct jail_outcome *outcome, const struct jail_limits *limits, char *out, size_t size);

#endif /* JAIL_H */
