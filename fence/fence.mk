# fence/fence.mk: the trust boundary's build (included by the Makefile; see fence/fence.h).
#
#   make fence    $(BUILD)/fence/runner, $(BUILD)/fence/libstageside.a, $(BUILD)/fence/libc and
#                 a stage program of every reference stage ($(BUILD)/fence/stages/NAME)
#
# A stage program is a stage linked -static with the stage side, and nothing of the checker:
#   $(CC) -static STAGE.o $(BUILD)/fence/libstageside.a -lm -o PROGRAM
# The runner is the kit's runner with the stage reached through the fence. It has the
# system-call filter when libseccomp's header is there (apt-get install libseccomp-dev).
# Sanitizer and coverage builds cannot link static programs: they build no fence.

FENCE_DIR := $(BUILD)/fence

# The probes compile real programs: their answers are the compiler's, never a stale object's.
# They are kept in $(FENCE_DIR)/probes.mk under a key of what they depend on (the compiler, and
# the files a package that changes them would add or take away), so that a make with nothing
# to build (every grader/grade runs one) asks the compiler nothing.
PROBE_KEY := $(CC) $(CFLAGS) $(LDFLAGS) $(wildcard /usr/include/seccomp.h /usr/include/*/seccomp.h \
               /usr/lib/libseccomp.* /usr/lib/*/libseccomp.* /usr/lib/libc.a /usr/lib/*/libc.a /usr/lib64/libc.a)
-include $(FENCE_DIR)/probes.mk
# make clean asks nothing of the compiler (and leaves no probes.mk behind it).
ifneq ($(filter-out clean,$(or $(MAKECMDGOALS),all)),)
ifneq ($(PROBED_KEY),$(PROBE_KEY))
SECCOMP_HEADER := $(shell printf '\043include <seccomp.h>\nint main(void) { return seccomp_api_get() < 0; }\n' | \
                    $(CC) -x c - -lseccomp -o /dev/null >/dev/null 2>&1 && echo yes)
STATIC_LIBC := $(shell printf 'int main(void) { return 0; }\n' | $(CC) -static -x c - -o /dev/null >/dev/null 2>&1 && echo yes)
$(shell mkdir -p $(FENCE_DIR) && printf 'PROBED_KEY := %s\nSECCOMP_HEADER := %s\nSTATIC_LIBC := %s\n' \
    '$(PROBE_KEY)' '$(SECCOMP_HEADER)' '$(STATIC_LIBC)' >$(FENCE_DIR)/probes.mk)
endif
endif

FENCE_CFLAGS :=
FENCE_LIBS :=
ifeq ($(SECCOMP_HEADER),yes)
  FENCE_CFLAGS += -DHEAPKIT_SECCOMP
  FENCE_LIBS += -lseccomp
endif

# The trusted side: linked into the fence's runner only.
FENCE_TRUSTED_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,fence/remote.c fence/spawn.c fence/timed_remote.c fence/filter.c \
                     fence/privileges.c)
FENCE_LIB := $(FENCE_DIR)/libfence.a
# The stage side: the stage program's main and the harness parts it runs.
STAGESIDE_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,fence/stage_program.c fence/channel.c fence/checkpoint.c fence/instruction_count.c \
                   harness/simmem.c harness/kept_pages.c harness/addrmap.c harness/hostmem.c harness/isolate.c harness/timed.c \
                   harness/libc_stage.c)
STAGESIDE_LIB := $(FENCE_DIR)/libstageside.a
FENCE_RUNNER := $(FENCE_DIR)/runner
LIBC_PROGRAM := $(FENCE_DIR)/libc
STAGE_PROGRAMS := $(STAGE_NAMES:%=$(FENCE_DIR)/stages/%)
TEST_STAGE_PROGRAMS := $(TEST_STAGES:%=$(FENCE_DIR)/tests/stages/%)

.PHONY: fence
ifeq ($(SANITIZE)$(COVERAGE),)
ifeq ($(STATIC_LIBC),yes)
fence: $(FENCE_RUNNER) $(STAGESIDE_LIB) $(LIBC_PROGRAM) $(STAGE_PROGRAMS)
all: fence
test: $(TEST_STAGE_PROGRAMS)
else
fence:
	@echo "fence: $(CC) cannot link a static program (the C library's libc.a: apt-get install libc6-dev)"; exit 1
endif
else
fence:
	@echo "fence: not built with SANITIZE or COVERAGE (their run-times cannot be linked static)"; exit 1
endif

$(BUILD)/obj/fence/filter.o: override CPPFLAGS += $(FENCE_CFLAGS)

$(FENCE_LIB): $(FENCE_TRUSTED_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(STAGESIDE_LIB): $(STAGESIDE_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(FENCE_RUNNER): $(BUILD)/obj/fence/main_runner.o $(FENCE_LIB) $(HARNESS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(FENCE_LIBS) $(LDLIBS) -o $@

# The C library's baseline program: its hm_ functions are the C library's.
$(BUILD)/obj/fence/libc_as_stage.o: harness/libc_as_stage.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -DHEAPKIT_STAGE_PROGRAM -MMD -MP -c $< -o $@

$(LIBC_PROGRAM): $(BUILD)/obj/fence/libc_as_stage.o $(STAGESIDE_LIB)
	$(CC) -static $(LDFLAGS) $^ $(LDLIBS) -o $@

$(FENCE_DIR)/stages/%: $(BUILD)/obj/stages/%.o $(STAGESIDE_LIB)
	@mkdir -p $(@D)
	$(CC) -static $(LDFLAGS) $^ $(LDLIBS) -o $@

$(FENCE_DIR)/tests/stages/%: $(BUILD)/obj/tests/allocators/%.o $(STAGESIDE_LIB)
	@mkdir -p $(@D)
	$(CC) -static $(LDFLAGS) $^ $(LDLIBS) -o $@

# ---- what make test runs -----------------------------------------------------------------
# The hostile submissions of tests/hostile/ as stage programs, compiled as the grader compiles
# a stage (less -Werror: some do on purpose what the warnings are there to stop); and the
# attacks on the timed replay and the constructor case linked as plain runners too, to show
# what the fence prevents (tests/jobs/fence.sh).
# (Not those that must fail to build: the grader's jobs test those, tests/jobs/grader.sh.)
HOSTILE_SOURCES := $(shell grep -L -e 'does not compile' -e 'does not link' $(wildcard tests/hostile/*/*.c) /dev/null)
HOSTILE_PROGRAMS := $(HOSTILE_SOURCES:tests/hostile/%.c=$(FENCE_DIR)/hostile/%)
PLAIN_HOSTILE_SOURCES := $(shell grep -l '^// hostile-plain: ' $(HOSTILE_SOURCES) /dev/null)
PLAIN_HOSTILE := $(PLAIN_HOSTILE_SOURCES:tests/hostile/%.c=$(FENCE_DIR)/plain/%)

$(BUILD)/obj/hostile/%.o: tests/hostile/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/hostile $(filter-out -Werror,$(CFLAGS)) $(STAGE_CFLAGS) -MMD -MP -c $< -o $@

$(FENCE_DIR)/hostile/%: $(BUILD)/obj/hostile/%.o $(STAGESIDE_LIB)
	@mkdir -p $(@D)
	$(CC) -static $(LDFLAGS) $^ $(LDLIBS) -o $@

$(FENCE_DIR)/plain/%: $(BUILD)/obj/hostile/%.o $(RUNNER_OBJ) $(HARNESS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

ifeq ($(SANITIZE)$(COVERAGE),)
ifeq ($(STATIC_LIBC),yes)
test: $(HOSTILE_PROGRAMS) $(PLAIN_HOSTILE)
endif
endif
