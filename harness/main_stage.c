/* main_stage.c: the main of a stage runner: the stage's hm_ functions, linked in, replayed. */
#include "runner.h"
#include "stage_calls.h"
#include "timed.h"
#include "warm.h"

int main(int argc, char **argv)
{
    const struct runner_stage stage = { .calls = &STAGE_LINKED, .timed_body = timed_replay, .warm = warm_main };
    return runner_main(argc, argv, &stage);
}
