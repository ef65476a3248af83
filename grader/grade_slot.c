/*
 * grade_slot.c: where one grading starts and ends: its slot (slots.h), the user its untrusted
 * processes run as, and whether its builds are jailed (jail.h). See grade.h.
 */
#include "grade.h"

#include "jail.h"
#include "slots.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Can the build jail be set up here? Root in a container without CAP_SYS_ADMIN cannot mount:
 * better to stop before grading than to fail every build. Runs `true` in an empty directory. */
static int jail_works(const struct grading *g, char *error, size_t error_size)
{
    const char *tmp = getenv("TMPDIR");
    char dir[GRADE_PATH];
    snprintf(dir, sizeof dir, "%s/heapkit-jail-probe.XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL || chmod(dir, 0755) != 0) {
        snprintf(error, error_size, "cannot make a directory to try it in: %s", strerror(errno));
        return -1;
    }
    const struct jail jail = { .build_dir = dir, .uid = g->slot.uid, .gid = (gid_t)g->slot.uid };
    const struct jail_limits limits = {
        .wall_seconds = 30, .cpu_seconds = 5, .address_space_bytes = UINT64_C(256) << 20,
        .file_bytes = 1 << 20, .tmp_bytes = 1 << 20, .nofile = 16, .nproc = 4,
    };
    char *argv[] = { "true", NULL };
    struct jail_outcome outcome;
    int status = jail_run(&jail, argv, &limits, &outcome);
    if (status != 0)
        snprintf(error, error_size, "%s", outcome.error);
    else if (!outcome.exited || outcome.exit_status != 0) {
        snprintf(error, error_size, "'true' did not succeed in it: %s", outcome.output);
        status = -1;
    }
    jail_outcome_free(&outcome);
    rmdir(dir);
    return status;
}

int grading_slot_begin(struct grading *g)
{
    g->slot = SLOT_NONE;
    g->jailed = 0;
    if (!run_as_root())
        return 0;
    char error[512];
    if (slot_acquire(NULL, g->rubric.sandbox_uid_base, g->rubric.sandbox_slots, &g->slot, error, sizeof error) != 0) {
        fprintf(stderr, "grade: cannot take a grading slot: %s\n", error);
        return -1;
    }
    if (jail_works(g, error, sizeof error) != 0) {
        fprintf(stderr, "grade: the build jail cannot be set up here (%s): the grader, run as root, builds "
                        "submissions only in it\n", error);
        slot_release(&g->slot, error, sizeof error);
        return -1;
    }
    g->jailed = 1;
    return 0;
}

void grading_slot_end(struct grading *g)
{
    if (g->slot.index < 0)
        return;
    char error[512];
    /* Nothing of the slot's user may run while its files are handed over. */
    if (slot_kill_all(g->slot.uid, error, sizeof error) != 0)
        fprintf(stderr, "grade: warning: %s\n", error);
    if (g->work[0] != '\0' && access(g->work, F_OK) == 0 && slot_disown(g->work, g->slot.uid, error, sizeof error) < 0)
        fprintf(stderr, "grade: warning: user %lu's files in the work directory %s: %s\n", (unsigned long)g->slot.uid,
                g->work, error);
    if (slot_release(&g->slot, error, sizeof error) != 0)
        fprintf(stderr, "grade: warning: %s\n", error);
}
