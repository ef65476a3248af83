# grader/grader.mk: the autograder's build rules (included by the Makefile).
#
#   make grader        $(BUILD)/grader/grade and everything it grades with
#   make autograder    $(BUILD)/autograder.zip for Gradescope (with grader/secret, or a fresh one)
#   make secret        grader/secret: the secret the hidden traces are made from (never overwritten)
#   make grade STAGE=NAME   a pre-grade of stages/NAME.c (grader/grade --pre-grade): what the public
#                      part of the rubric gives, graded as the grader grades; a student's command,
#                      so it needs nothing but the C library (the rubric read by ini_lite.c, no
#                      results.json)
#
# make grader needs libcjson-dev and libinih-dev.

GRADER_SRC  := grader/grade_main.c grader/grade_rubric.c grader/grade_build.c grader/grade_builds.c grader/grade_run.c \
               grader/grade_score.c grader/grade_checker.c grader/grade_report.c grader/grade_slot.c fence/privileges.c \
               grader/grade_hidden.c grader/sha256.c grader/jail.c grader/slots.c grader/elf_check.c \
               grader/reference_cache.c grader/grade_reference.c grader/child_pipes.c
GRADER_OBJ  := $(GRADER_SRC:%.c=$(BUILD)/obj/%.o)
GRADER_LIBS := -lcjson -linih
# A stage is compiled as the kit compiles it, warnings reported but not fatal.
GRADE_STAGE_CFLAGS := $(filter-out -Werror,$(CFLAGS)) $(STAGE_CFLAGS)

.PHONY: grader autograder secret grade pregrade

# The generators too: the hidden traces are made with them at grading time (grade_hidden.c).
grader: $(BUILD)/grader/grade fence $(STAGE_RUNNERS) $(GEN_PROGRAMS)

# The libraries the grader is built with, asked of the compiler (never of what build/ holds):
# every missing one named at once, with the line that installs them all. Asked once: the stamp
# stays when they were all there. Without libseccomp-dev the grader builds, but official grading
# refuses to run without the system-call filter.
GRADER_HEADERS := cjson/cJSON.h:libcjson-dev ini.h:libinih-dev
$(BUILD)/grader/libraries-found:
	@missing=""; for pair in $(GRADER_HEADERS); do \
	    printf '\043include <%s>\n' "$${pair%%:*}" | $(CC) $(CPPFLAGS) -E -x c - >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "make grader needs$$missing: apt-get install$$missing libseccomp-dev" >&2; exit 1; fi
	@$(if $(filter yes,$(SECCOMP_HEADER)),,echo "make grader: no libseccomp-dev, so no system-call filter: grader/grade grades only with --no-sandbox (apt-get install libseccomp-dev, then make grader)" >&2)
	@mkdir -p $(@D) && touch $@
$(BUILD)/obj/grader/grade_report.o $(BUILD)/obj/grader/grade_rubric.o: | $(BUILD)/grader/libraries-found

$(BUILD)/obj/grader/grade_main.o: override CPPFLAGS += -DGRADE_CC='"$(CC)"' -DGRADE_CFLAGS='"$(GRADE_STAGE_CFLAGS)"' \
                                             -DGRADE_LDFLAGS='"$(LDFLAGS)"'

$(BUILD)/grader/grade: $(GRADER_OBJ) $(HARNESS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(GRADER_LIBS) $(LDLIBS) -o $@

# The pre-grade: the grader with the rubric read by ini_lite.c and no results.json, so that a
# student's kit builds it with the C library alone. Its two other objects are those of the
# files whose libraries it goes without.
PREGRADE_VARIANTS := grade_rubric grade_report
PREGRADE_OBJ := $(filter-out $(PREGRADE_VARIANTS:%=$(BUILD)/obj/grader/%.o),$(GRADER_OBJ)) \
                $(PREGRADE_VARIANTS:%=$(BUILD)/obj/pregrade/%.o) $(BUILD)/obj/grader/ini_lite.o
$(BUILD)/obj/pregrade/%.o: grader/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -DHEAPKIT_INI_LITE -DHEAPKIT_NO_JSON $(CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/grader/pregrade: $(PREGRADE_OBJ) $(HARNESS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# Everything a pre-grade runs (make student records the reference's results with it too).
pregrade: $(BUILD)/grader/pregrade fence $(STAGE_RUNNERS) $(GEN_PROGRAMS)
grade: pregrade
	@if [ -z "$(STAGE)" ]; then echo "make grade needs a stage: make grade STAGE=NAME (NAME: one of $(STAGE_NAMES))" >&2; exit 2; fi
	@$(BUILD)/grader/pregrade --pre-grade --build $(BUILD) $(if $(wildcard grader/reference),--recorded-reference grader/reference) \
	    --stages $(STAGE) stages

# Gradescope: the kit's sources with setup.sh and run_autograder at the top of the zip; Gradescope
# unpacks it into /autograder/source and runs setup.sh there once. The zip holds the secret of the
# hidden traces as grader/secret: the instructor's, or a fresh one (its traces then differ from
# those of grader/grade here).
AUTOGRADER_DIR := $(BUILD)/autograder
autograder:
	@command -v zip >/dev/null || { echo "make autograder needs zip: apt-get install zip"; exit 1; }
	rm -rf $(AUTOGRADER_DIR) $(BUILD)/autograder.zip
	mkdir -p $(AUTOGRADER_DIR)
	cp -r Makefile harness fence stages traces grader $(AUTOGRADER_DIR)/
	rm -f $(AUTOGRADER_DIR)/grader/secret
	@if [ -f $(SECRET_FILE) ]; then install -m 600 $(SECRET_FILE) $(AUTOGRADER_DIR)/grader/secret && \
	     echo "autograder: the zip holds your $(SECRET_FILE): share it with no one"; \
	else $(MAKE) --no-print-directory SECRET_FILE=$(AUTOGRADER_DIR)/grader/secret secret >/dev/null && \
	     echo "autograder: no $(SECRET_FILE): the zip holds a fresh secret (make secret first to keep one)"; fi
	cp grader/gradescope/setup.sh grader/gradescope/run_autograder $(AUTOGRADER_DIR)/
	cd $(AUTOGRADER_DIR) && zip -qr $(abspath $(BUILD))/autograder.zip .
	@echo "Gradescope autograder: $(BUILD)/autograder.zip"

# The instructor's secret: the hidden traces of a grading are derived from it and the submitted
# files (grade_hidden.c), so whoever has it can make them. 32 random bytes as 64 hex digits, no
# newline (so that HEAPKIT_SECRET=$$(cat grader/secret) gives the same traces); mode 0600, since
# the grader refuses a secret others can read. Never overwritten: a new secret means new hidden
# traces, and regrades of old submissions would no longer match their scores.
SECRET_FILE ?= grader/secret
secret:
	@if [ -e $(SECRET_FILE) ] || [ -L $(SECRET_FILE) ]; then \
	    echo "make secret: $(SECRET_FILE) exists already: not overwritten (remove it first for a new one:"; \
	    echo "             new hidden traces for every submission)"; exit 1; fi
	@set -C; umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >$(SECRET_FILE) && chmod 600 $(SECRET_FILE)
	@echo "make secret: wrote $(SECRET_FILE) (mode 0600; keep it out of the students' reach)"

# The SHA-256 unit test needs no libseccomp, so it is built and run by make test wherever the
# grader builds: as one of the kit's unit programs, which tests/run.sh runs.
SHA256_TEST := $(BUILD)/tests/unit/test_sha256
$(SHA256_TEST): grader/tests/test_sha256.c $(BUILD)/obj/grader/sha256.o grader/sha256.h tests/unit/unit.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Igrader -Itests/unit $(CFLAGS) $(LDFLAGS) grader/tests/test_sha256.c $(BUILD)/obj/grader/sha256.o \
	      $(LDLIBS) -o $@
ifneq ($(wildcard grader/tests),) # a student kit has the grader's sources for make grade, not its tests
test: $(SHA256_TEST)
endif

# The unit tests of the grader's build side (the jail, the slots, the ELF check): unit programs of
# make test, like the harness's (tests/run.sh runs every program in $(BUILD)/tests/unit/).
BUILD_SIDE_OBJ := $(BUILD)/obj/grader/jail.o $(BUILD)/obj/grader/child_pipes.o $(BUILD)/obj/grader/slots.o $(BUILD)/obj/grader/elf_check.o \
                  $(BUILD)/obj/fence/privileges.o
BUILD_SIDE_TESTS := $(patsubst grader/tests/%.c,$(BUILD)/tests/unit/%,$(wildcard grader/tests/test_jail.c \
                      grader/tests/test_slots.c grader/tests/test_elf_check.c))
$(BUILD_SIDE_TESTS): $(BUILD)/tests/unit/%: grader/tests/%.c $(BUILD_SIDE_OBJ) tests/unit/unit.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Igrader -Itests/unit $(CFLAGS) $(LDFLAGS) $(filter %.c %.o,$^) $(LDLIBS) -o $@
ifneq ($(wildcard grader/tests),)
test: $(BUILD_SIDE_TESTS)
endif
