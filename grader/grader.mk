# grader/grader.mk: the autograder's build rules (included by the Makefile).
#
#   make grader        $(BUILD)/grader/grade and everything it grades with
#   make autograder    $(BUILD)/autograder.zip for Gradescope
#
# Needs libcjson-dev and libinih-dev.

GRADER_SRC  := grader/grade_main.c grader/grade_rubric.c grader/grade_build.c grader/grade_run.c \
               grader/grade_score.c grader/grade_report.c grader/grade_slot.c grader/privileges.c \
               grader/jail.c grader/slots.c grader/elf_check.c
GRADER_OBJ  := $(GRADER_SRC:%.c=$(BUILD)/obj/%.o)
GRADER_LIBS := -lcjson -linih
# A stage is compiled as the kit compiles it, warnings reported but not fatal.
GRADE_STAGE_CFLAGS := $(filter-out -Werror,$(CFLAGS)) $(STAGE_CFLAGS)

.PHONY: grader autograder

grader: $(BUILD)/grader/grade $(STAGE_RUNNERS) $(RUNNER_OBJ) $(HARNESS_LIB) $(BUILD)/gen/freelist

$(BUILD)/obj/grader/grade_main.o: CPPFLAGS += -DGRADE_CC='"$(CC)"' -DGRADE_CFLAGS='"$(GRADE_STAGE_CFLAGS)"' \
                                             -DGRADE_LDFLAGS='"$(LDFLAGS)"'

$(BUILD)/grader/grade: $(GRADER_OBJ) $(HARNESS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(GRADER_LIBS) $(LDLIBS) -o $@

# Gradescope: the kit's sources with setup.sh and run_autograder at the top of the zip; Gradescope
# unpacks it into /autograder/source and runs setup.sh there once.
AUTOGRADER_DIR := $(BUILD)/autograder
autograder:
	@command -v zip >/dev/null || { echo "make autograder needs zip: apt-get install zip"; exit 1; }
	rm -rf $(AUTOGRADER_DIR) $(BUILD)/autograder.zip
	mkdir -p $(AUTOGRADER_DIR)
	cp -r Makefile harness stages traces grader $(AUTOGRADER_DIR)/
	cp grader/gradescope/setup.sh grader/gradescope/run_autograder $(AUTOGRADER_DIR)/
	cd $(AUTOGRADER_DIR) && zip -qr $(abspath $(BUILD))/autograder.zip .
	@echo "Gradescope autograder: $(BUILD)/autograder.zip"
