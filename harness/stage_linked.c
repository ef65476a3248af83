/* stage_linked.c: the stage linked into this runner, called directly (see stage_calls.h). */
#include "heapmgr.h"
#include "stage_calls.h"

const struct stage_calls STAGE_LINKED = {
    .name = "linked", .malloc = hm_malloc, .free = hm_free, .realloc = hm_realloc, .calloc = hm_calloc,
    .check = hm_check,
};
