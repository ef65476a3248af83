# grader/sandbox.mk: the grader's run-time sandbox (included by the Makefile).
#
#   make sandbox    build/grader/sandboxed_main.o and build/grader/libsandbox.a
#
# A graded stage is linked as a sandboxed runner:
#   $(CC) STAGE.o $(SANDBOXED_MAIN) $(HARNESS_LIB) $(SANDBOX_LIB) $(SANDBOX_LIBS) -lm -o RUNNER
# It takes the options of any stage runner (harness/runner.c); every replay of the stage runs
# confined (grader/sandbox.h). libseccomp's headers come from Debian's libseccomp-dev.
#
# For make test: sandboxed runners of the reference stages, of the test allocators and of the
# hostile submissions in tests/hostile/, and the unit tests in grader/tests/ (the sandbox's, and
# the build side's: jail.h, slots.h, elf_check.h, in libbuildside.a); the jobs that
# run them are in tests/jobs/sandbox.sh. Without libseccomp-dev none is built, and the jobs
# say so.

SANDBOX_LIBS   := -lseccomp
SANDBOXED_MAIN := $(BUILD)/grader/sandboxed_main.o
SANDBOX_LIB    := $(BUILD)/grader/libsandbox.a
SANDBOX_CFLAGS := -Igrader

.PHONY: sandbox sandbox-tests
sandbox: $(SANDBOXED_MAIN) $(SANDBOX_LIB)

$(BUILD)/grader/%.o: grader/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(SANDBOX_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(SANDBOX_LIB): $(BUILD)/grader/sandbox.o $(BUILD)/grader/privileges.o
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# ---- what make test runs --------------------------------------------------------------

# The hostile submissions are compiled as the kit compiles a stage, less -Werror: some of them
# do on purpose what the warnings are there to stop.
HOSTILE_SOURCES := $(wildcard tests/hostile/*/*.c)
HOSTILE_RUNNERS := $(HOSTILE_SOURCES:tests/hostile/%.c=$(BUILD)/grader/hostile/%)
SANDBOXED_STAGES := $(STAGE_NAMES:%=$(BUILD)/grader/stages/%)
SANDBOXED_TEST_STAGES := $(TEST_STAGES:%=$(BUILD)/grader/tests/stages/%)
SANDBOX_UNIT_TESTS := $(patsubst grader/tests/%.c,$(BUILD)/grader/tests/unit/%,$(wildcard grader/tests/*.c))
SANDBOX_RUNNER_PARTS := $(SANDBOXED_MAIN) $(HARNESS_LIB) $(SANDBOX_LIB)

$(BUILD)/grader/hostile/%.o: tests/hostile/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/hostile $(filter-out -Werror,$(CFLAGS)) $(STAGE_CFLAGS) -MMD -MP -c $< -o $@

$(HOSTILE_RUNNERS): $(BUILD)/grader/hostile/%: $(BUILD)/grader/hostile/%.o $(SANDBOX_RUNNER_PARTS)
	$(CC) $(LDFLAGS) $^ $(SANDBOX_LIBS) $(LDLIBS) -o $@

$(SANDBOXED_STAGES): $(BUILD)/grader/stages/%: $(BUILD)/obj/stages/%.o $(SANDBOX_RUNNER_PARTS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(SANDBOX_LIBS) $(LDLIBS) -o $@

$(SANDBOXED_TEST_STAGES): $(BUILD)/grader/tests/stages/%: $(BUILD)/obj/tests/allocators/%.o $(SANDBOX_RUNNER_PARTS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(SANDBOX_LIBS) $(LDLIBS) -o $@

# The grader's build side that grader/tests/ test too: the build jail, the slots, the ELF check.
BUILD_SIDE_LIB := $(BUILD)/grader/libbuildside.a
$(BUILD_SIDE_LIB): $(BUILD)/grader/jail.o $(BUILD)/grader/slots.o $(BUILD)/grader/elf_check.o
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(SANDBOX_UNIT_TESTS): $(BUILD)/grader/tests/unit/%: grader/tests/%.c $(SANDBOX_LIB) $(BUILD_SIDE_LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(SANDBOX_CFLAGS) -Itests/unit $(CFLAGS) $(LDFLAGS) $^ $(SANDBOX_LIBS) $(LDLIBS) -o $@

# The constructor case linked as a plain runner, to show what the graded runner prevents.
CONSTRUCTOR_DEMO := $(BUILD)/grader/plain/constructor/list
$(CONSTRUCTOR_DEMO): $(BUILD)/grader/hostile/constructor/list.o $(RUNNER_OBJ) $(HARNESS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# The attacks on the timed replay ("// hostile-timed:") linked as plain runners too: there no
# sandbox helps, and the runner's checkpoints alone must stop them.
TIMED_HOSTILE_SOURCES := $(shell grep -l '^// hostile-timed: ' $(HOSTILE_SOURCES) /dev/null)
PLAIN_TIMED_HOSTILE := $(TIMED_HOSTILE_SOURCES:tests/hostile/%.c=$(BUILD)/grader/plain/%)
$(PLAIN_TIMED_HOSTILE): $(BUILD)/grader/plain/%: $(BUILD)/grader/hostile/%.o $(RUNNER_OBJ) $(HARNESS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

sandbox-tests: sandbox $(HOSTILE_RUNNERS) $(SANDBOXED_STAGES) $(SANDBOXED_TEST_STAGES) $(SANDBOX_UNIT_TESTS) \
               $(CONSTRUCTOR_DEMO) $(PLAIN_TIMED_HOSTILE)

# make test builds them when libseccomp's header is there; tests/jobs/sandbox.sh skips them
# with the reason when it is not.
SECCOMP_HEADER := $(shell echo '\#include <seccomp.h>' | $(CC) -E -x c - >/dev/null 2>&1 && echo yes)
ifeq ($(SECCOMP_HEADER),yes)
test: sandbox-tests
endif

# The headers each grader object was built from (the Makefile includes those under obj/ only).
-include $(shell find $(BUILD)/grader -name '*.d' 2>/dev/null)
