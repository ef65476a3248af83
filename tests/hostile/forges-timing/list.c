/*
 * hostile submission "forges-timing", stage list: in the timed replay (replay_kind.h tells it
 * from the checked one), hm_malloc writes the report page that the replay shares with the
 * runner, as the replay writes it at its end (finished, after the last operation), and ends
 * the process: a replay that claims it finished without the work. It calls the harness's
 * isolate_report() for the page, as a stage linked with the harness can; a submission would
 * have to search its memory for it.
 * Stopped by: the runner, which takes no result from the report page: it saw the child reach
 * none of the checkpoints after "ready". (The grader's static check refuses the calls of
 * isolate_report and exit besides.)
 */
// hostile-trace: traces/tiny-basic.rep
// hostile-timed: yes
// hostile-plain: yes
// hostile-expect: traces/tiny-basic.rep: the timed replay of the stage said it had finished, but the runner saw it reach only operation 0 of 13: a stage must not write the replay's report
#include "heapmgr.h"
#include "hostile.h"
#include "replay_kind.h"

#include <stdlib.h>

/* The head of the report page (struct child_report, harness/isolate.h), as a forger who read
 * the kit's source would copy it. */
struct report_head {
    volatile uint32_t op_position;
    volatile int finished;
};
struct report_head *isolate_report(void); /* the harness's */

void *hm_malloc(size_t size)
{
    if (in_timed_replay()) { /* the attack */
        struct report_head *report = isolate_report();
        report->op_position = 14; /* past the 13 operations of tiny-basic */
        report->finished = 1;
        exit(0);
    }
    return returned(bump(size), size);
}
