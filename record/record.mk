# record/record.mk: build/record, a real program's allocation calls as a trace (included by the
# Makefile; see record/record.c).
#
#   make record                      $(BUILD)/record and the library it preloads
#   $(BUILD)/record                  the front program: runs the program, writes the trace
#   $(BUILD)/recorder/librecord.so   the recorder library, preloaded into the program
#   $(BUILD)/tests/record/calls      the test program of tests/jobs/record.sh (make test)
#
# The library and the test program are built without the sanitizers and coverage even when the
# rest is: a sanitizer's run-time must come first in a process and replaces malloc itself, so
# it cannot share a program with a preloaded malloc. -fno-builtin: a compiler that knows what
# malloc does may drop or merge the calls the test program makes on purpose.

RECORD_LIBRARY := $(BUILD)/recorder/librecord.so
RECORD_PLAIN_CFLAGS := $(filter-out -fsanitize=% -fno-sanitize-recover=% --coverage -DHEAPKIT_COVERAGE,$(CFLAGS)) \
                       -fno-builtin -pthread
RECORD_PLAIN_LDFLAGS := $(filter-out -fsanitize=% --coverage,$(LDFLAGS))
RECORD_FRONT_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,record/record.c record/convert.c record/provenance.c)
RECORD_TEST_PROGRAMS := $(patsubst tests/record/%.c,$(BUILD)/tests/record/%,$(wildcard tests/record/*.c))

.PHONY: record
record: $(BUILD)/record $(RECORD_LIBRARY)
all: record
test: $(RECORD_TEST_PROGRAMS)

$(BUILD)/record: $(RECORD_FRONT_OBJ)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/recorder/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(RECORD_PLAIN_CFLAGS) -fPIC -fvisibility=hidden -MMD -MP -c $< -o $@

# -z defs: every symbol it needs is found now, not when a program loads it.
$(RECORD_LIBRARY): $(BUILD)/recorder/obj/record/recorder.o
	$(CC) -shared -pthread -Wl,-z,defs $(RECORD_PLAIN_LDFLAGS) $^ -ldl -o $@

$(BUILD)/tests/record/%: $(BUILD)/recorder/obj/tests/record/%.o
	@mkdir -p $(@D)
	$(CC) -pthread $(RECORD_PLAIN_LDFLAGS) $^ -o $@

-include $(wildcard $(BUILD)/recorder/obj/*/*.d $(BUILD)/recorder/obj/*/*/*.d)

# The converter's unit test (tests/unit/test_convert.c) links it: the Makefile's rule for unit
# tests links every prerequisite.
$(BUILD)/tests/unit/test_convert: $(BUILD)/obj/record/convert.o
$(BUILD)/obj/tests/unit/test_convert.o: override CPPFLAGS += -Irecord
