/* main_stage.c: the main of a stage runner: the stage's hm_ functions, linked in, replayed. */
#include "runner.h"

int main(int argc, char **argv)
{
    return runner_main(argc, argv, 0);
}
