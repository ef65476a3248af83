# run/run.mk: build/run, a real program on a stage (included by the Makefile; see run/run.c).
#
#   $(BUILD)/run                    the front program
#   $(BUILD)/preload/libNAME.so     each stage as a preloadable library: stages/NAME.c with the
#                                   shim (run/entry.c and the files shim.h lists), which gives the
#                                   program malloc, free, ... on the stage
#   $(BUILD)/preload/tests/libNAME.so   test allocators that break a rule (for make test)
#   $(BUILD)/tests/run/NAME         the test programs of tests/run/ (for make test)
#
# The libraries and the test programs are built without the sanitizers and coverage even when
# the rest is: a sanitizer's run-time must come first in a process and replaces malloc itself,
# so it cannot share a program with a preloaded malloc.

PRELOAD_DIR := $(BUILD)/preload
PRELOAD_CFLAGS := $(filter-out -fsanitize=% -fno-sanitize-recover=% --coverage -DHEAPKIT_COVERAGE,$(CFLAGS)) \
                  -fPIC -fvisibility=hidden -pthread
SHIM_SRC := run/entry.c run/sysmem.c run/blocks.c run/check.c run/ending.c harness/addrmap.c harness/hostmem.c
SHIM_OBJ := $(SHIM_SRC:%.c=$(PRELOAD_DIR)/obj/%.o)
PRELOAD_LIBS := $(STAGE_NAMES:%=$(PRELOAD_DIR)/lib%.so)
# The test allocators tests/jobs/run.sh runs programs on, each breaking one rule.
RUN_TEST_STAGES := overlap misaligned null-returned todo crash
PRELOAD_TEST_LIBS := $(RUN_TEST_STAGES:%=$(PRELOAD_DIR)/tests/lib%.so)
RUN_TEST_PROGRAMS := $(patsubst tests/run/%.c,$(BUILD)/tests/run/%,$(wildcard tests/run/*.c))

.PHONY: run
run: $(BUILD)/run $(PRELOAD_LIBS)
all: run
test: $(PRELOAD_TEST_LIBS) $(RUN_TEST_PROGRAMS)

$(PRELOAD_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PRELOAD_CFLAGS) -MMD -MP -c $< -o $@

$(PRELOAD_DIR)/obj/stages/%.o: stages/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PRELOAD_CFLAGS) $(STAGE_CFLAGS) -MMD -MP -c $< -o $@

# -z defs: a stage that lacks a function fails here, by name, not when a program loads it.
$(PRELOAD_DIR)/lib%.so: $(PRELOAD_DIR)/obj/stages/%.o $(SHIM_OBJ)
	$(CC) -shared -pthread -Wl,-z,defs $(filter-out -fsanitize=% --coverage,$(LDFLAGS)) $^ -o $@

$(PRELOAD_DIR)/tests/lib%.so: $(PRELOAD_DIR)/obj/tests/allocators/%.o $(SHIM_OBJ)
	@mkdir -p $(@D)
	$(CC) -shared -pthread -Wl,-z,defs $(filter-out -fsanitize=% --coverage,$(LDFLAGS)) $^ -o $@

$(BUILD)/run: $(BUILD)/obj/run/run.o $(BUILD)/obj/run/summary.o $(HARNESS_LIB)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/run/%: tests/run/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(filter-out -fPIC -fvisibility=hidden,$(PRELOAD_CFLAGS)) $< -o $@

-include $(shell find $(PRELOAD_DIR)/obj -name '*.d' 2>/dev/null)
