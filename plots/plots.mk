# plots/plots.mk: the plots of make compare, drawn by gnuplot (included by the Makefile).
#
#   $(BUILD)/plot-data    the JSON that build/replay saves (--save-json) as gnuplot's data files
#   make plots            draw $(BUILD)/plots/*.svg again from the JSON the last make compare
#                         saved there ($(BUILD)/plots/compare.json, scaling.json), replaying nothing
#
# Variables: PLOTS=DIR (the folder of the JSON and the plots: make plots PLOTS=DIR draws another
# run's), GNUPLOT=PROGRAM (the gnuplot to run; the tests name a missing one to see the skip).
#
# Every plots/NAME.gp draws $(BUILD)/plots/NAME.svg from the data files of the folder it is given
# (gnuplot -e "data_dir='DIR'"). gnuplot is optional: without it one line says so and how to
# install it, and make compare succeeds all the same. A student's machine may have no python3,
# so the converter is C, and reads only what report_json (harness/report.c) writes.

PLOTS        ?= $(BUILD)/plots
GNUPLOT      ?= gnuplot
PLOT_SCRIPTS := $(wildcard plots/*.gp)
PLOT_DATA    := $(BUILD)/plot-data
PLOTS_SKIPPED := plots skipped: gnuplot is missing (apt-get install gnuplot-nox)

.PHONY: plots
all: $(PLOT_DATA)
test: $(PLOT_DATA)

$(PLOT_DATA): $(BUILD)/obj/plots/plot_data.o $(BUILD)/obj/plots/json.o $(HARNESS_LIB)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# $(call draw_plots,SUITE.json,SCALING.json,DIR): DIR/NAME.svg for every plots/NAME.gp, or the
# line that says why not. The plots of an earlier run go first: none is left beside figures
# it does not show.
define draw_plots
	@rm -f $(3)/*.svg
	@if command -v $(GNUPLOT) >/dev/null 2>&1; then \
	    $(PLOT_DATA) -o $(3) --suite $(1) --scaling $(2) || exit 1; \
	    for script in $(PLOT_SCRIPTS); do \
	        $(GNUPLOT) -e "data_dir='$(3)'" $$script || { echo "gnuplot failed on $$script"; exit 1; }; \
	    done; \
	    echo "plots: $(foreach script,$(PLOT_SCRIPTS),$(3)/$(basename $(notdir $(script))).svg)"; \
	else \
	    echo "$(PLOTS_SKIPPED)"; \
	fi
endef

plots: $(PLOT_DATA)
	@[ -f $(PLOTS)/compare.json ] && [ -f $(PLOTS)/scaling.json ] || \
	    { echo "make plots draws what make compare saved in $(PLOTS)/: run make compare first"; exit 1; }
	$(call draw_plots,$(PLOTS)/compare.json,$(PLOTS)/scaling.json,$(PLOTS))
