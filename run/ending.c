/* ending.c: the record build/run reads, and the ways a process is stopped (see shim.h). */
#include "shim.h"

#include "blocks.h"
#include "heapmgr.h"
#include "sysmem.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void ending_print(const char *text)
{
    size_t left = strlen(text);
    while (left > 0) {
        ssize_t written = write(STDERR_FILENO, text, left);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return;
        text += written;
        left -= (size_t)written;
    }
}

void ending_write_record(enum run_ending ending, const char *summary)
{
    if (shim_settings.stats_path == NULL)
        return;
    struct run_record record = {
        .magic = RUN_RECORD_MAGIC,
        .ending = ending,
        .pid = (int32_t)getpid(),
        .parent_pid = (int32_t)getppid(),
        .forked = shim_forked,
        .unknown_frees = shim_unknown_frees,
        .limit_bytes = shim_settings.limit_bytes,
    };
    snprintf(record.program, sizeof record.program, "%s", program_invocation_short_name);
    snprintf(record.summary, sizeof record.summary, "%s", summary);
    memcpy(record.calls, shim_calls, sizeof record.calls);
    if (sysmem_heap_start() != 0) { /* the first call set the heap up */
        for (int kind = 0; kind < RUN_SYSCALL_KINDS; kind++)
            record.syscalls[kind] = sysmem_calls((enum run_syscall)kind);
        record.enomem = sysmem_enomem();
        record.peak_footprint_bytes = sysmem_peak_footprint_bytes();
        record.peak_payload_bytes = blocks_peak_payload_bytes();
    }
    /* One write on an O_APPEND descriptor: records of processes ending together do not mix. */
    int fd = open(shim_settings.stats_path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t written = write(fd, &record, sizeof record);
    (void)written; /* nothing more to do at exit: build/run says when a record is missing */
    close(fd);
}

_Noreturn void ending_stop(enum run_ending ending, const char *summary, const char *message)
{
    ending_print(message);
    ending_write_record(ending, summary);
    if (ending == ENDED_TODO)
        _exit(RUN_TODO_STATUS);
    /* The program is stopped where it is, as the C library stops a program that corrupted its
     * heap: a handler of the program's must not carry it on. */
    signal(SIGABRT, SIG_DFL);
    abort();
}

_Noreturn void hm_todo(const char *what)
{
    char call[160], summary[RUN_SUMMARY_CHARS], message[RUN_SUMMARY_CHARS + 160];
    shim_describe_call(call, sizeof call);
    snprintf(summary, sizeof summary, "not implemented yet: %s (the stage called hm_todo), at %s", what, call);
    snprintf(message, sizeof message, "heapkit run: %s: %s in %s (pid %d): the program is stopped\n",
             shim_settings.stage, summary, program_invocation_short_name, (int)getpid());
    ending_stop(ENDED_TODO, summary, message);
}

_Noreturn void ending_unknown_pointer(void)
{
    char call[160], summary[RUN_SUMMARY_CHARS], message[RUN_SUMMARY_CHARS + 200];
    shim_describe_call(call, sizeof call);
    snprintf(summary, sizeof summary, "%s: the pointer is no live block (freed already, or never given by the "
             "heap): the program's bug, or a block the stage gave twice", call);
    snprintf(message, sizeof message, "heapkit run: %s: call %llu in %s (pid %d): %s\n"
             "heapkit run: the program is stopped\n", shim_settings.stage, (unsigned long long)shim_call.number,
             program_invocation_short_name, (int)getpid(), summary);
    ending_stop(ENDED_MISUSE, summary, message);
}
