/*
 * isolate.h: run one replay in a fresh child process and say how it ended.
 *
 * The child shares one page-rounded report with its parent (MAP_SHARED): the replay writes
 * which operation it is on before each call into the stage, and its results at the end.
 * When the stage crashes, hangs, overflows the stack, calls exit or hm_todo, the parent still
 * knows where: the report survives the child. A fault handler on its own stack records the
 * signal and the faulting address before the child dies of it.
 *
 * The report is written in the child, where the stage's code runs and could write it too
 * (grader/SECURITY.md, "Claims, not results"). So no time is taken from it: a child run with
 * isolate_run_checkpointed stops at checkpoints, where the parent reads the child's CPU time
 * from the kernel and checks its work (checkpoint.h, timed_proof.h).
 *
 * The fence's runner sets a hook that confines each child before it runs the stage's code
 * (fence/spawn.h, fence/filter.h); the kit's own runners set none, and run the stage as they
 * always did.
 */
#ifndef ISOLATE_H
#define ISOLATE_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "simmem.h"

enum { REPORT_TEXT_BYTES = 8192, REPORT_MAX_SEGMENTS = 9 /* TRACE_MAX_MARKS + 1 */ };

/* What the child tells its parent. Written by the child only; read after it has ended. */
struct child_report {
    volatile uint32_t op_position; /* 0 before the first operation, i + 1 during operation i,
                                      op_count + 1 after the last */
    volatile int finished;       /* the replay reached its end and wrote its results */
    volatile int todo_called;    /* the stage called hm_todo */
    char todo_what[256];
    volatile int hung;           /* the replay stopped the stage as a hang of another kind */
    char hang_reason[256];       /* (written by the kit's side only: fence/remote.c) */

    /* Set by the fault handler. */
    volatile int fault_signal;
    volatile int fault_code;
    volatile uintptr_t fault_address;
    volatile int fault_area;         /* enum simmem_area */
    volatile int fault_on_stack;     /* the address lies just below the stack: an overflow */
    volatile uint64_t fault_offset;  /* from the heap start or the mapping area start */
    volatile uint64_t break_offset;  /* the break, from the heap start, at the fault */
    volatile int fault_syscall;      /* SIGSYS from a system-call filter: the call's number, */
    volatile uint32_t fault_syscall_arch; /* its AUDIT_ARCH_* calling convention, */
    volatile uint64_t fault_syscall_argument; /* and its first argument (0 when unknown) */

    /* Set when the stage could not be confined (isolate_setup_failed). */
    volatile int setup_failed;
    char setup_error[256];

    /* Results of a checked replay. */
    int failed;                        /* a check failed: error holds the message */
    char error[REPORT_TEXT_BYTES];
    uint64_t ops_done;
    uint64_t peak_payload_bytes;
    uint64_t peak_footprint_bytes;
    uint64_t null_results;             /* NULL for a request of bytes, where it was allowed */
    struct simmem_counts counts;

    /* Results of a checker probe (checker_probe.h). */
    int probe_verdict;                 /* enum probe_verdict */
    int probe_struck;                  /* the heap was corrupted: an end after this is hm_check's */
    char probe_text[512];              /* what was struck, or why nothing was */

    /* A timed replay reports no time here: the runner measures it (timed_proof.h). */
};

enum child_end {
    CHILD_FINISHED,  /* reached the end: read the report */
    CHILD_TODO,      /* hm_todo */
    CHILD_SIGNALED,  /* killed by a signal: fault_* tell more when it was a fault */
    CHILD_EXITED,    /* ended the process before the end of the replay */
    CHILD_TIMED_OUT, /* killed after the time limit */
    CHILD_HUNG,      /* stopped as a hang before the time limit: it slept without using CPU */
    CHILD_NOT_STARTED,
    CHILD_NOT_ISOLATED, /* the child setup hook failed: the stage was never called */
};

struct child_outcome {
    enum child_end end;
    int signal;       /* CHILD_SIGNALED */
    int exit_status;  /* CHILD_EXITED */
    double seconds;   /* wall-clock time of the whole child */
    /* The checkpoint server refused a checkpoint (isolate_run_checkpointed): the runner killed
     * the child there (end CHILD_SIGNALED, signal SIGKILL), and the server knows why. */
    int checkpoint_refused;
    uint32_t refused_checkpoint; /* its number */
};

/* The report shared with the child, made once per process; reset before every child. */
struct child_report *isolate_report(void);

/* The report's memory file and its size in bytes (whole pages), to hand to a stage program
 * that a replay child execs (fence.h); in that program, isolate_use_report(its mapping). */
int isolate_report_file(void);
size_t isolate_report_bytes(void);
void isolate_use_report(struct child_report *mapped);

/* In a stage program: record faults in the report, as a replay child does. */
void isolate_install_fault_handler(void);

/* A stage may print this much to stderr in one replay; past it the file size limit stops it. */
#define ISOLATE_OUTPUT_LIMIT_BYTES (16u << 20)

/*
 * Run body(argument) in a fresh child process, in its own process group, with the fault
 * handler installed; kill the group after time_limit_seconds. The child's other file
 * descriptors stay open except close_in_child (-1: none). Its stderr goes to stderr_fd
 * (-1: the parent's own), limited to ISOLATE_OUTPUT_LIMIT_BYTES. body's return is ignored:
 * it must set report->finished when it reached its end.
 */
struct child_outcome isolate_run(void (*body)(void *argument), void *argument,
                                 double time_limit_seconds, int close_in_child, int stderr_fd);

/* The same, with the child's checkpoints served as it reaches them (checkpoint.h): while the
 * child runs, the runner wakes at each one, reads the child's CPU time from the kernel and
 * calls checkpoints->serve, the child asleep meanwhile. The time limit, the kill of the group
 * and every outcome are as isolate_run's; a refused checkpoint kills the child at once. */
struct checkpoint_server;
struct child_outcome isolate_run_checkpointed(void (*body)(void *argument), void *argument,
                                              double time_limit_seconds, int close_in_child,
                                              int stderr_fd, const struct checkpoint_server *checkpoints);

/* The parent's account of a child that did not finish: "crashed with SIGSEGV at heap+0x1010,
 * past the break (break at heap+0x1000)", "did not finish within 10 s", and so on. */
void isolate_describe_end(const struct child_outcome *outcome, const struct child_report *report,
                          double time_limit_seconds, char *out, size_t out_size);

/* When a replay child cannot confine the stage it is about to start (fence/spawn.h): the
 * stage is not run, and the parent reports "could not be isolated: WHY", a fault of the
 * machine, not of the stage. */
_Noreturn void isolate_setup_failed(const char *why);

/* In a replay child: run a call that may fault or stop at hm_todo without ending the child
 * (the stage's hm_walk, drawing a picture). Between isolate_guard(&landing), after
 * sigsetjmp(landing, 1) returned 0, and isolate_guard(NULL), a fault returns to the landing
 * with its signal, and hm_todo with ISOLATE_GUARD_TODO (its text in the report's todo_what). */
enum { ISOLATE_GUARD_TODO = 1000 };
void isolate_guard(sigjmp_buf *landing);

/* In a replay child: the time limit of its replay, in seconds (a stage program's CPU limit). */
double isolate_time_limit(void);

/* ---- a replay in two processes (remote.h) -------------------------------------------------
 *
 * The checked replay runs the stage in a process of its own, forked from the replay child.
 * That process reports its faults and hm_todo to a child_report of its own, in memory it
 * shares with the replay child, which then ends the way it did so that the parent sees it. */

/* In the child that becomes the stage's process (it execs the stage program, which then
 * reports to its own view of `own`): report to `own` from now on; die with the replay child. */
void isolate_become_stage_process(struct child_report *own);

/* In the replay child, when the stage's process has ended with wait status `status`: take
 * what its report says of a setup failure, hm_todo or fault (read once, as a claim: bounded,
 * and the fault's place recomputed from this process's simulated memory), then end the same
 * way: the same signal, the same exit status. */
_Noreturn void isolate_end_as_stage_ended(const struct child_report *theirs, int status);

/* Is the process asleep in the kernel (or stopped), rather than running or runnable? */
int isolate_process_asleep(pid_t pid);

/* In the replay child: the stage's process was stopped as a hang (why, in words); end the
 * replay child so that the runner reports it as one (CHILD_HUNG). */
_Noreturn void isolate_end_as_hang(const char *why);

/* End a replay child or a stage's process as the end of its work (coverage counters kept). */
_Noreturn void isolate_leave(void);

/* Names a system call for messages: `number` and `arch` (AUDIT_ARCH_*) as SIGSYS reports
 * them. Writes the name, such as "openat", and returns 0, or returns -1 when it does not know
 * it. The kit's runners set none, and messages give the number; the grader's names it with
 * libseccomp, which the kit does not need. Called in the parent only. */
typedef int (*isolate_syscall_namer)(uint32_t arch, int number, char *name, size_t name_size);
void isolate_set_syscall_namer(isolate_syscall_namer namer);

#endif /* ISOLATE_H */
