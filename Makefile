# heapkit: build everything into $(BUILD)/.
#
#   make            the replay program and every stage (stages/NAME.c becomes -s NAME)
#   make compare    replay the bundled traces against every stage, side by side; SVG plots in
#                   $(BUILD)/plots/ when gnuplot is present (make plots draws them again)
#   make test       the kit's own tests; the last line says "N passed, N failed" (make check too)
#   make bench      the speed figures (never part of make test)
#   make traces     regenerate the bundled traces from their generators
#   make handouts   handouts/*.md into $(BUILD)/handouts/*.html, figures from a real run (needs pandoc)
#   make student    the student kit in $(BUILD)/student/ (student/kit.conf says which stages are skeletons)
#   make coverage   gcovr report of what the tests run in harness/ (needs gcovr)
#   make fuzz       fuzz the trace reader with libFuzzer for FUZZ_SECONDS (needs clang)
#
# Variables: TESTS='NAME...' (make test runs only those: tests/run.sh says how), CC=clang, BUILD=dir, SANITIZE=address,undefined, OPT=-O0, WERROR= (warnings not fatal);
# CFLAGS, CPPFLAGS, LDFLAGS and LDLIBS are added to the kit's own.

BUILD    ?= build
OPT      ?= -O2
STAGE_CFLAGS ?=
WERROR   ?= -Werror
SANITIZE ?=
COVERAGE ?=
FUZZ_SECONDS ?= 60

WARNINGS := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes $(WERROR)
# The kit's flags first, then the user's: make CFLAGS=-O1 (or CFLAGS in the environment) adds to
# them and wins where they disagree, and drops none of the kit's (the standard, the warnings,
# the sanitizers). Every later change to these is an override too, or it would be ignored. Not
# exported with the kit's part: a recursive make or a script's make would add it twice.
unexport CPPFLAGS CFLAGS LDFLAGS LDLIBS
override CPPFLAGS := -D_GNU_SOURCE -Istages -Iharness -Ifence $(CPPFLAGS)
override CFLAGS   := -std=c17 $(OPT) -g -gdwarf-4 $(WARNINGS) $(CFLAGS) # DWARF 4: valgrind 3.19 reads it from clang too
override LDFLAGS  := $(LDFLAGS)
override LDLIBS   := $(LDLIBS) -lm

ifneq ($(SANITIZE),)
  override CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
  override LDFLAGS += -fsanitize=$(SANITIZE)
endif
ifneq ($(COVERAGE),)
  override CFLAGS  += --coverage -DHEAPKIT_COVERAGE
  override LDFLAGS += --coverage
endif

# ---- what there is --------------------------------------------------------------------

STAGE_NAMES   := $(filter-out libc,$(basename $(notdir $(wildcard stages/*.c))))
TEST_STAGES   := $(basename $(notdir $(wildcard tests/allocators/*.c)))
GENERATORS    := $(filter-out common,$(basename $(notdir $(wildcard traces/gen/*.c))))
# Generators of workloads that are not bundled in traces/: the free-list scaling traces, and the
# giant requests (tests/traces/good/giant-mix.rep: far past the suite's limits).
SCALING_GENERATOR := freelist
GIANT_GENERATOR := giant
UNIT_TESTS    := $(basename $(notdir $(wildcard tests/unit/*.c)))

# The harness library: everything in harness/ but the programs' main files, and the parts of
# fence/ that every runner uses (the timed replay's checkpoints and proofs).
HARNESS_MAINS := harness/replay.c harness/main_stage.c harness/libc_as_stage.c harness/baseline_as_stage.c
HARNESS_SRC   := $(filter-out $(HARNESS_MAINS),$(wildcard harness/*.c)) \
                 fence/checkpoint.c fence/instruction_count.c fence/timed_proof.c fence/channel.c
HARNESS_OBJ   := $(HARNESS_SRC:%.c=$(BUILD)/obj/%.o)
# The heap page's template (harness/page/), built in as C strings that heap_page.c writes out.
PAGE_TEMPLATE := $(BUILD)/obj/harness/page/heap_page_template
HARNESS_OBJ   += $(PAGE_TEMPLATE).o
HARNESS_LIB   := $(BUILD)/libharness.a
RUNNER_OBJ    := $(BUILD)/obj/harness/main_stage.o

# Production allocators as baselines beside the C library's, loaded at run time (harness/baselines.h):
# nothing to build against, so they are always built.
BASELINE_NAMES := jemalloc mimalloc tcmalloc
STAGE_RUNNERS := $(STAGE_NAMES:%=$(BUILD)/stages/%) $(BUILD)/stages/libc $(BASELINE_NAMES:%=$(BUILD)/stages/%)
TEST_RUNNERS  := $(TEST_STAGES:%=$(BUILD)/tests/stages/%)
GEN_PROGRAMS  := $(GENERATORS:%=$(BUILD)/gen/%)
UNIT_PROGRAMS := $(UNIT_TESTS:%=$(BUILD)/tests/unit/%)

.PHONY: all compare test check bench traces traces-real coverage fuzz student handouts clean
.DELETE_ON_ERROR:
.SECONDARY:

all: $(BUILD)/replay $(STAGE_RUNNERS)

# ---- compiling -------------------------------------------------------------------------

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/stages/%.o: stages/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(STAGE_CFLAGS) -MMD -MP -c $< -o $@

$(PAGE_TEMPLATE).c: harness/page/heap_page.html harness/page/embed.awk
	@mkdir -p $(@D)
	LC_ALL=C awk -f harness/page/embed.awk harness/page/heap_page.html > $@

$(PAGE_TEMPLATE).o: $(PAGE_TEMPLATE).c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(HARNESS_LIB): $(HARNESS_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/replay: $(BUILD)/obj/harness/replay.o $(HARNESS_LIB)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# A stage runner: one stage linked with the harness, so every call is a direct call.
$(BUILD)/stages/%: $(BUILD)/obj/stages/%.o $(RUNNER_OBJ) $(HARNESS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/stages/libc: $(BUILD)/obj/harness/libc_as_stage.o $(HARNESS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/obj/harness/baseline_as_stage-%.o: harness/baseline_as_stage.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) '-DBASELINE_NAME="$*"' -MMD -MP -c $< -o $@

$(BASELINE_NAMES:%=$(BUILD)/stages/%): $(BUILD)/stages/%: $(BUILD)/obj/harness/baseline_as_stage-%.o $(HARNESS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -ldl -o $@

$(BUILD)/tests/stages/%: $(BUILD)/obj/tests/allocators/%.o $(RUNNER_OBJ) $(HARNESS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/unit/%: $(BUILD)/obj/tests/unit/%.o $(HARNESS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/gen/%: $(BUILD)/obj/traces/gen/%.o $(BUILD)/obj/traces/gen/common.o
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
# The compiler writes those; nothing makes them (make's built-in rule for a program, % from
# %.o, would reach the baseline runners' rule: baseline_as_stage-NAME.d.o).
$(BUILD)/obj/%.d: ;

# ---- the main job ----------------------------------------------------------------------

# The plots of make compare (gnuplot, optional) and the C converter they read through; before
# the rules that name $(PLOT_DATA) and $(PLOTS). An optional include, as record/ and run/ are: a
# copy of the kit without plots/ (the grader's coverage build, the Gradescope package) compares
# and draws nothing.
PLOTS ?= $(BUILD)/plots
-include plots/plots.mk

# A stage that fails a trace, or is not written yet, is shown as such: the comparison is made all
# the same (exit status 1 of replay); a bad command or trace (2) stops it.
# The JSON of both runs is saved in $(BUILD)/plots/, and plotted there when gnuplot is present
# (plots/plots.mk; make plots draws it again without replaying).
compare: all $(BUILD)/gen/freelist $(PLOT_DATA)
	@mkdir -p $(PLOTS)
	$(BUILD)/replay -s all --save-json $(PLOTS)/compare.json || [ $$? -eq 1 ]
	@echo
	$(BUILD)/replay -s all --scaling --save-json $(PLOTS)/scaling.json || [ $$? -eq 1 ]
	@echo
	$(call draw_plots,$(PLOTS)/compare.json,$(PLOTS)/scaling.json,$(PLOTS))

# ---- tests -----------------------------------------------------------------------------

test: all $(TEST_RUNNERS) $(UNIT_PROGRAMS) $(GEN_PROGRAMS)
	@BUILD=$(BUILD) bash tests/run.sh $(TESTS)

# The GNU name for the tests.
check: test

# ---- traces ----------------------------------------------------------------------------

traces: $(GEN_PROGRAMS)
	@for g in $(filter-out %/$(SCALING_GENERATOR) %/$(GIANT_GENERATOR),$(GEN_PROGRAMS)); do $$g traces || exit 1; done
	@$(BUILD)/gen/$(GIANT_GENERATOR) tests/traces/good
	@echo "traces/: regenerated from traces/gen/"

# The real programs' traces, recorded anew by build/record where the programs are present
# (traces/real/record.sh says which it skipped, and the package that brings each).
traces-real: $(BUILD)/record
	BUILD=$(BUILD) bash traces/real/record.sh

# ---- benchmarks ------------------------------------------------------------------------

# The bench programs time the C library; the correct test allocator only fills the stage slot.
$(BUILD)/bench/%: $(BUILD)/obj/tests/bench/%.o $(BUILD)/obj/tests/allocators/correct.o $(HARNESS_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

bench: all $(GEN_PROGRAMS) $(BUILD)/bench/bare_libc $(BUILD)/tests/stages/correct $(BUILD)/gen/freelist
	@BUILD=$(BUILD) bash tests/bench/run.sh

# ---- handouts -------------------------------------------------------------------------
# Every figure a handout quotes comes from this run: fill.py puts it in place of {{...}}.

HANDOUT_SOURCES := $(wildcard handouts/*.md)
HANDOUT_PAGES   := $(HANDOUT_SOURCES:handouts/%.md=$(BUILD)/handouts/%.html)
FIGURES         := $(BUILD)/handouts/figures

ifneq ($(wildcard handouts/fill.py),)
handouts: $(HANDOUT_PAGES)
	@echo "handouts: $(BUILD)/handouts/*.html"
else # a student kit: its handouts came built, with the reference stages' figures
handouts:
	@echo "handouts: handouts/*.html (built when the kit was made)"
endif

$(FIGURES)/suite.json: $(BUILD)/replay $(STAGE_RUNNERS) $(BUILD)/gen/freelist $(wildcard traces/*.rep)
	@missing=""; for tool in pandoc python3; do command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	 if [ -n "$$missing" ]; then echo "make handouts needs$$missing: apt-get install$$missing"; exit 1; fi
	@mkdir -p $(@D)
	NO_COLOR=1 $(BUILD)/replay -s all --save-json $(FIGURES)/suite.tmp > $(FIGURES)/compare.txt
	NO_COLOR=1 $(BUILD)/replay -s all --scaling --save-json $(FIGURES)/scaling.json > $(FIGURES)/scaling.txt
	mv $(FIGURES)/suite.tmp $@

# The plots of the same run, for {{plot.NAME}} (none, and a line saying why, without gnuplot).
$(FIGURES)/plots/drawn: $(FIGURES)/suite.json $(PLOT_DATA) $(PLOT_SCRIPTS)
	@mkdir -p $(@D)
	$(call draw_plots,$(FIGURES)/suite.json,$(FIGURES)/scaling.json,$(@D))
	@touch $@

$(BUILD)/handouts/%.html: handouts/%.md handouts/fill.py handouts/style.css $(FIGURES)/suite.json \
                          $(FIGURES)/plots/drawn $(BUILD)/tests/stages/overlap $(BUILD)/run $(BUILD)/preload/libbins.so
	@mkdir -p $(FIGURES)
	HEAPKIT_REPLAY=$(BUILD)/replay HEAPKIT_TEST_STAGES=$(BUILD)/tests/stages HEAPKIT_PLOTS=$(FIGURES)/plots \
	python3 handouts/fill.py $(FIGURES)/suite.json $(FIGURES)/scaling.json $(FIGURES)/compare.txt \
	        $(FIGURES)/scaling.txt $< $(FIGURES)/$*.md
	pandoc --standalone --self-contained --toc --css handouts/style.css --resource-path=$(FIGURES) \
	       --metadata pagetitle="heapkit: $*" $(FIGURES)/$*.md -o $@

# ---- the student kit ------------------------------------------------------------------

student:
	@if [ -f student/make-kit.sh ]; then BUILD=$(BUILD) bash student/make-kit.sh; \
	 else echo "make student: this is the student kit already (the instructor's kit makes it)"; fi

# ---- coverage and fuzzing (instructor tools) -----------------------------------------

coverage:
	@command -v gcovr >/dev/null || { echo "make coverage needs gcovr: apt-get install gcovr"; exit 1; }
	rm -rf $(BUILD)/coverage-build
	$(MAKE) --no-print-directory BUILD=$(BUILD)/coverage-build COVERAGE=1 OPT=-O0 test
	@mkdir -p $(BUILD)/coverage
	gcovr --root . --filter 'harness/' --object-directory $(BUILD)/coverage-build/obj \
	      --html-details $(BUILD)/coverage/index.html --json $(BUILD)/coverage/coverage.json \
	      --print-summary
	@echo "coverage report: $(BUILD)/coverage/index.html (JSON: $(BUILD)/coverage/coverage.json)"

$(BUILD)/fuzz/fuzz_trace: tests/fuzz/fuzz_trace.c harness/trace.c harness/hostmem.c
	@command -v clang >/dev/null || { echo "make fuzz needs clang: apt-get install clang"; exit 1; }
	@mkdir -p $(@D)
	clang -std=c17 -g -O1 -D_GNU_SOURCE -Iharness -fsanitize=fuzzer,address,undefined $^ -o $@

fuzz: $(BUILD)/fuzz/fuzz_trace
	@mkdir -p $(BUILD)/fuzz/corpus
	cp -n traces/*.rep tests/traces/bad/*.rep $(BUILD)/fuzz/corpus/ 2>/dev/null || true
	$(BUILD)/fuzz/fuzz_trace -max_total_time=$(FUZZ_SECONDS) -max_len=4096 $(BUILD)/fuzz/corpus

clean:
	rm -rf $(BUILD)

# Parts with build rules of their own (the grader) keep them beside their sources.
include fence/fence.mk
# The real-program tools are not needed to replay or grade: a copy of the kit without them (the
# grader's coverage build, the Gradescope package) builds the rest.
-include record/record.mk
-include run/run.mk
-include grader/grader.mk # the instructor's kit only: the student kit has no grader/
