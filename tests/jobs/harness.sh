# tests/jobs/harness.sh: the tests of the harness, the traces and build/replay (sourced by
# tests/run.sh, which runs the jobs these functions add and prints what they report).

# A unit program: one test per test name it reports; it must end cleanly.
job_unit() {
    local program=$1 name=unit/${1##*/} output status
    output=$(limited 300 "$program" 2>&1)
    status=$?
    # TAP: diagnostics ("# ...") and any other output come before the test line they explain.
    local notes="" line test planned="" points=0 not_ok_lines=0
    while IFS= read -r line; do
        case $line in
        "ok "*" # SKIP "*)
            test=${line#ok * - }
            skip "$name/${test%% # SKIP *}" "${line#* # SKIP }"
            points=$((points + 1)) notes=""
            ;;
        "ok "*)
            pass "$name/${line#ok * - }"
            points=$((points + 1)) notes=""
            ;;
        "not ok "*)
            notes=$(printf '%s' "$notes" | sed 's/^#   //')
            fail "$name/${line#not ok * - }" "${notes%%$'\n'*}" "$(printf '%s\n' "$notes" | tail -n +2)"
            points=$((points + 1)) not_ok_lines=$((not_ok_lines + 1)) notes=""
            ;;
        1..*) planned=${line#1..} ;;
        *) notes+="$line"$'\n' ;;
        esac
    done <<<"$output"
    if [ "$status" -gt 128 ] || [ "$status" -eq 124 ]; then
        fail "$name" "crashed or timed out (status $status)" "$(printf '%s\n' "$output" | tail -n 20)"
    elif [ "$status" -ne 0 ] && [ "$not_ok_lines" -eq 0 ]; then
        fail "$name" "exit status $status, yet no \"not ok\" line" "$(printf '%s\n' "$output" | tail -n 20)"
    elif [ "$points" -eq 0 ]; then
        fail "$name" "ran no tests" "$output"
    elif [ "$planned" != "$points" ]; then
        fail "$name" "its TAP plan says ${planned:-nothing (no 1..N line)}, yet it reported $points tests" \
            "$(printf '%s\n' "$output" | tail -n 20)"
    fi
}

# A malformed trace: refused before anything runs, with exactly the line in its .expect.
job_bad() {
    local trace=$1 name=bad/$(basename "$1" .rep) expect=${1%.rep}.expect errors status
    if [ ! -f "$expect" ]; then
        fail "$name" "no $expect beside it"
        return
    fi
    errors=$(limited 60 "$REPLAY" -s libc --no-time "$trace" 2>&1 >/dev/null)
    status=$?
    if [ "$status" -ne 2 ]; then
        fail "$name" "exit status $status, expected 2" "$errors"
    elif [ "$errors" != "$(cat "$expect")" ]; then
        fail "$name" "the message differs from $expect" "$(printf 'expected: %s\nseen:     %s' "$(cat "$expect")" "$errors")"
    else
        pass "$name"
    fi
}

# The cases of a test allocator, one a line: trace, options, expected texts, separated by
# the unit separator (\x1f: a tab would merge an empty options field with the next).
allocator_cases() {
    local line cases="" current="" us=$'\x1f'
    while IFS= read -r line; do
        case $line in
        "// test-trace: "*)
            [ -n "$current" ] && cases+="$current"$'\n'
            current=${line#// test-trace: }$us
            ;;
        "// test-options: "*) current+=${line#// test-options: } ;;
        "// test-expect: "*) current+=$us${line#// test-expect: } ;;
        esac
    done <"$1"
    [ -n "$current" ] && cases+="$current"$'\n'
    printf '%s' "$cases"
}

# timing_option OPTIONS: --no-time, unless the options ask for timed runs (-n RUNS): most
# rules are the checked replay's, and timed runs would only slow their tests.
timing_option() {
    [[ " $1 " == *" -n "* ]] || echo --no-time
}

# One case of a test allocator: the replay fails (exit 1) with every expected text, and the
# command on its "reproduce:" line names this stage, every option given (but -n RUNS: any
# number of runs fails the same way) and the trace, and fails the same way when it is run.
job_allocator() {
    local source=$1 index=$2 apart=${3:-} stage name output status case trace options expect missing=""
    stage=$(basename "$source" .c)
    case=$(allocator_cases "$source" | sed -n "${index}p")
    IFS=$'\x1f' read -r -a fields <<<"$case"
    trace=${fields[0]}
    options=${fields[1]}
    name=allocator/$stage
    local stage_path=$STAGES/$stage
    if [ -n "$apart" ]; then # the same message when the stage runs behind the fence (fence/fence.h)
        [[ " $options " == *" --separate "* ]] || options+=" --separate"
        name=allocator-separate/$stage
    fi
    # (A case whose own options hold --separate tests the fence: always its stage program.)
    if [[ " $options " == *" --separate "* ]]; then
        apart=yes
        stage_path=$BUILD/fence/tests/stages/$stage
    fi
    [ "$(allocator_cases "$source" | wc -l)" -gt 1 ] && name+=/$(basename "$trace" .rep)
    if [ -n "$apart" ] && [ ! -x "$BUILD/fence/runner" ]; then
        skip "$name" "no fence in this build (sanitizer and coverage builds cannot link static stage programs)"
        return
    fi
    if [ ! -e "$stage_path" ]; then
        fail "$name" "$stage_path is not built (run make test)"
        return
    fi
    # shellcheck disable=SC2086,SC2046 # the options are words
    output=$(limited 120 "$REPLAY" -s "$stage_path" --no-shrink $(timing_option "$options") $options "$trace" 2>&1)
    status=$?
    local compared=$output # an expected reproduce: command names the linked stage, without --separate
    if [ -n "$apart" ]; then
        compared=${output// --separate/}
        compared=${compared//$stage_path/$STAGES/$stage}
    fi
    for expect in "${fields[@]:2}"; do
        [[ $compared == *"$expect"* ]] || missing+="    missing: $expect"$'\n'
    done
    if [ "$status" -ne 1 ]; then
        fail "$name" "exit status $status, expected 1" "$missing$output"
        return
    elif [ -n "$missing" ]; then
        fail "$name" "the output lacks an expected text" "$missing$output"
        return
    fi

    local reproduce word first_error again
    reproduce=$(printf '%s\n' "$output" | sed -n 's/^    reproduce: //p' | head -n 1)
    local runs_it="$REPLAY -s $STAGES/$stage"
    [ -n "$apart" ] && runs_it="$REPLAY --separate -s $stage_path"
    if [[ $reproduce != "$runs_it "* || $reproduce != *" $trace" ]]; then
        fail "$name" "the reproduce: line does not run $runs_it ... $trace" "$output"
        return
    fi
    local named_options
    named_options=$(sed -E 's/(^| )-n [0-9]+//' <<<"$options")
    for word in $named_options; do
        if [[ " $reproduce " != *" $word "* ]]; then
            fail "$name" "the reproduce: line lacks the option \"$word\" that the replay was given" "$output"
            return
        fi
    done
    # Run it (not when a time limit was given: the reproduce line may lack it). Real addresses,
    # such as the stack's, differ from run to run: compare the line without them.
    if [[ " $options " != *" -t "* ]]; then
        local real_address='s/0x[0-9a-f]\{8,\}/0x.../g'
        first_error=$(printf '%s\n' "$output" | grep -m 1 -F "$stage: $trace" | sed "$real_address")
        # shellcheck disable=SC2086 # the command is words, as a shell would split it
        again=$(limited 120 $reproduce 2>&1 | sed "$real_address")
        if [[ $again != *"$first_error"* ]]; then
            fail "$name" "the reproduce: command does not fail the same way" "$reproduce"$'\n'"$again"
            return
        fi
    fi
    pass "$name"
}

# A correct stage (or the C library) replays a trace with every check and hm_check, and with
# the options given (a memory limit: its NULL results are right, and must pass).
job_replay() {
    local stage=$1 trace=$2 label=$3 options=${4:-} runner output
    runner=$stage
    [ "$stage" = correct ] && runner=$STAGES/correct
    if [[ " $options " == *" --separate "* ]]; then # through the fence: the stage's program
        runner=$BUILD/fence/tests/stages/$stage
        if [ ! -x "$BUILD/fence/runner" ]; then
            skip "replay/$stage/$label" "no fence in this build (sanitizer and coverage builds cannot link static stage programs)"
            return
        fi
    fi
    # shellcheck disable=SC2086 # the options are words
    output=$(limited 300 "$REPLAY" -s "$runner" --no-time -c -t 120 $options "$trace" 2>&1)
    passes_if_zero "replay/$stage/$label" $? "$output"
}

# limit-SIZE/STAGE: a reference stage on every bundled trace under a memory limit (1M), every
# result and hm_check checked: where the memory runs out, the stage returns NULL and goes on.
job_limit() {
    local limit=$1 stage=$2 output
    output=$(limited 300 "$REPLAY" -s "$stage" --no-time -c -t 120 --limit "$limit" traces/*.rep 2>&1)
    passes_if_zero "limit-$limit/$stage" $? "$output"
}

# passes_if_zero NAME STATUS OUTPUT [WHAT-ZERO-MEANS]: a replay that must pass.
passes_if_zero() {
    if [ "$2" -eq 0 ]; then
        pass "$1"
    else
        fail "$1" "exit status $2, expected 0${4:+ $4}" "$3"
    fi
}

# Giant requests (10^9 to 10^14 bytes): every reference stage and the C library replay them
# with every check and timed, each replay within 10 s (the harness checks giant blocks at
# fixed places only: harness/payload.h).
job_giant() {
    local stage=$1 trace=$2 label=$3 timing=${4:--n 1} output
    # shellcheck disable=SC2086 # the timing option is words
    output=$(limited 60 "$REPLAY" -s "$stage" -c $timing -t 10 "$trace" 2>&1)
    passes_if_zero "giant/$stage/$label" $? "$output" "(each replay within 10 s)"
}

# `make traces` into a scratch directory: the same bytes as the committed traces (and the
# giant trace, which lives with the test traces).
job_traces_regenerate() {
    local scratch=$WORK/regenerate generator output
    mkdir -p "$scratch/new" "$scratch/committed"
    cp traces/*.rep tests/traces/good/giant-mix.rep "$scratch/committed/"
    for generator in "$BUILD"/gen/*; do
        [ -f "$generator" ] && [ -x "$generator" ] || continue # the generators are the programs there
        [ "$(basename "$generator")" = freelist ] && continue # scaling workloads, not bundled
        if ! output=$("$generator" "$scratch/new" 2>&1); then
            fail traces-regenerate "$generator failed" "$output"
            return
        fi
    done
    if output=$(diff -r "$scratch/new" "$scratch/committed" 2>&1); then
        pass traces-regenerate
    else
        fail traces-regenerate "the generators do not write the committed traces (run make traces)" \
            "$(printf '%s\n' "$output" | head -n 20)"
    fi
}

# cli NAME EXPECTED-TEXT ARGUMENTS...: exit 2, the text on stderr, nothing on stdout.
job_cli() {
    local name=cli/$1 expected=$2 status
    shift 2
    limited 60 "$REPLAY" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
    status=$?
    local errors
    errors=$(cat "$WORK/$name.err")
    if [ "$status" -ne 2 ]; then
        fail "$name" "exit status $status, expected 2" "$errors"
    elif [[ $errors != *"$expected"* ]]; then
        fail "$name" "the message lacks: $expected" "$errors"
    elif [ -s "$WORK/$name.out" ]; then
        fail "$name" "printed on stdout as well" "$(cat "$WORK/$name.out")"
    else
        pass "$name"
    fi
}


# json NAME EXIT-STATUS MODE ERROR-TEXT ARGUMENTS...: the output is JSON with every key; MODE
# "timed": every trace timed once; "footprint": no peak footprint below its peak payload.
job_json() {
    local name=json/$1 want_status=$2 mode=$3 error_text=$4 status output
    local out=$WORK/json-$1.out err=$WORK/json-$1.err
    shift 4
    if ! command -v python3 >/dev/null; then
        skip "$name" "python3 is not installed (apt-get install python3)"
        return
    fi
    limited 120 "$REPLAY" --json "$@" >"$out" 2>"$err"
    status=$?
    if [ "$status" -ne "$want_status" ]; then
        fail "$name" "exit status $status, expected $want_status" "$(cat "$err" "$out")"
    elif ! output=$(python3 tests/json_check.py "$mode" "$error_text" <"$out" 2>&1); then
        fail "$name" "not the JSON expected" "$output"
    else
        pass "$name"
    fi
}

# --scaling: the cost of one malloc and one free at 1k, 10k and 100k free chunks, all measured.
job_scaling() {
    local name=scaling output status
    output=$(limited 300 "$REPLAY" -s "$STAGES/correct" --scaling -n 1 2>&1)
    status=$?
    if [ "$status" -ne 0 ]; then
        fail "$name" "exit status $status, expected 0" "$output"
    elif ! printf '%s\n' "$output" | grep -q 'cost of one operation as the free list grows'; then
        fail "$name" "no scaling table" "$output"
    elif ! printf '%s\n' "$output" | grep -qE '^correct +( +[0-9]+(ns|us|ms|ins|kins|Mins)){3} +(O\(1\)|grows|O\(n\)) +( +[0-9]+(ns|us|ms|ins|kins|Mins)){3} +(O\(1\)|grows|O\(n\))$'; then
        fail "$name" "the correct allocator's row lacks a measured cost" "$output"
    else
        pass "$name"
    fi
}

# --probe-checker: the table of the probes of the correct allocator's checker (base.h's tiling
# check) on calloc-mix: both points probed, the control passed (its checker says a healthy heap
# is healthy), and the tally said.
job_probes() {
    local name=probes output status
    output=$(limited 300 "$REPLAY" -s "$STAGES/correct" --probe-checker traces/calloc-mix.rep 2>&1)
    status=$?
    if [ "$status" -ne 0 ]; then
        fail "$name" "exit status $status, expected 0" "$output"
    elif ! printf '%s\n' "$output" | grep -qE '^  calloc-mix +op 1000( +[DmX.?]){11} +c$' ||
        ! printf '%s\n' "$output" | grep -qE '^ +op 2000( +[DmX.?]){11} +c$'; then
        fail "$name" "no row of probes at ops 1000 and 2000 whose control passed" "$output"
    elif ! printf '%s\n' "$output" | grep -qE '^  detected [0-9]+ of the [0-9]+ corruptions struck$'; then
        fail "$name" "no tally" "$output"
    else
        pass "$name"
    fi
}

# A student kit's stage, with hm_check after every operation on every bundled trace: its state.
# Passes when every trace does; a stage whose only failures are parts not written yet (hm_todo)
# is unfinished, which is a state, not a failure: one SKIP line says where it stops.
job_stages() {
    local stage=$1 name=stages/$1 output status
    output=$(limited 900 "$REPLAY" -s "$stage" -c --no-time 2>&1)
    status=$?
    if [ "$status" -eq 0 ]; then
        pass "$name"
    elif [ "$status" -eq 1 ] && printf '%s\n' "$output" | grep -q "^$stage: unfinished: "; then
        skip "$name" "$(printf '%s\n' "$output" | sed -n "s/^$stage: //p" | head -n 1)"
    else
        fail "$name" "stage $stage fails a trace with -c (build/replay -s $stage -c says which)" \
            "$(printf '%s\n' "$output" | grep -v '^ *$' | tail -n 20)"
    fi
}

# make compare's replay, timed once: every reference stage passes every bundled trace, timed
# replays included (a timed replay that gets other results than its checked replay fails).
job_compare() {
    local name=compare output status stage
    output=$(limited 600 "$REPLAY" -s all -n 1 2>&1)
    status=$?
    if [ "$status" -ne 0 ]; then
        fail "$name" "exit status $status, expected 0" "$output"
        return
    fi
    # A row per stage in each table: the synthetic traces', and the real programs'.
    for stage in minimal pad list dlist bins mmap hybrid libc; do
        if [ "$(printf '%s\n' "$output" | grep -cE "^$stage +([0-9]+)/\1 ")" -ne 2 ]; then
            fail "$name" "stage $stage did not pass every trace of both tables" "$output"
            return
        fi
    done
    pass "$name"
}

# The student kit: it builds; its skeleton stages stop with "not implemented yet"; no solution
# marker is left; its make compare, make test and make grade work as a student runs them; the
# reference files put back, every stage passes (the round trip).
job_student_kit() {
    local name=student-kit scratch=$WORK/student output stage
    # The kit is built as a student builds it: none of this build's make variables leak in.
    kit_make() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u SANITIZE -u OPT -u COVERAGE \
        make -C "$kit" --no-print-directory -s CC="${CC:-cc}"; }
    if [ ! -f student/make-kit.sh ]; then
        skip "$name" "this is a student kit: it has no reference stages to make a kit from"
        return
    fi
    local tool missing=()
    for tool in pandoc python3; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        skip "$name" "make student needs ${missing[*]} for the kit's HTML handouts (apt-get install ${missing[*]})"
        return
    fi
    mkdir -p "$scratch"
    # (As an instructor makes it: none of this build's make variables either.)
    if ! output=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE -u OPT -u COVERAGE BUILD="$scratch/build" \
        bash student/make-kit.sh 2>&1); then
        fail "$name" "make student failed" "$output"
        return
    fi
    local kit=$scratch/build/student/heapkit
    local skeletons
    skeletons=$(sed -nE 's/^[[:space:]]*skeleton[[:space:]]*=(.*)$/\1/p' student/kit.conf)
    if grep -q '{{' "$kit"/handouts/*.md "$kit"/handouts/*.html || [ ! -f "$kit/handouts/bins.html" ]; then
        fail "$name" "the kit's handouts are not HTML with every figure filled in" "$(grep -l '{{' "$kit"/handouts/*)"
        return
    fi
    if grep -q 'BEGIN SOLUTION\|END SOLUTION' "$kit"/stages/*; then
        fail "$name" "solution markers are left in the kit" "$(grep -l 'SOLUTION' "$kit"/stages/*)"
        return
    fi
    if ! output=$(kit_make 2>&1); then
        fail "$name" "the kit does not build" "$output"
        return
    fi
    for stage in $skeletons; do
        if cmp -s "stages/$stage.c" "$kit/stages/$stage.c"; then
            fail "$name" "the skeleton of $stage is the reference itself" ""
            return
        fi
        output=$(cd "$kit" && limited 60 build/replay -s "$stage" --no-time traces/tiny-basic.rep 2>&1)
        if [ $? -ne 1 ] || ! printf '%s\n' "$output" | grep -q "not implemented yet: $stage: "; then
            fail "$name" "the skeleton of $stage does not stop cleanly with 'not implemented yet'" "$output"
            return
        fi
    done
    # The kit's own commands, as a student runs them: make compare shows every stage, the
    # skeletons unfinished, and succeeds; make test reports each stage's state (tests/run.sh
    # stages: the job that only a kit has); make grade pre-grades a whole stage, against the
    # reference's results recorded when the kit was made, to full marks.
    output=$(cd "$kit" && unset MAKEFLAGS MFLAGS MAKELEVEL BUILD SANITIZE OPT COVERAGE && limited 600 make -s compare 2>&1)
    if [ $? -ne 0 ] || ! printf '%s\n' "$output" | grep -qE '^(dlist|bins) +unfinished ' ||
        ! printf '%s\n' "$output" | grep -q 'cost of one operation as the free list grows'; then
        fail "$name" "make compare in the kit does not show every stage, the skeletons unfinished, and succeed" "$output"
        return
    fi
    output=$(cd "$kit" && BUILD=build limited 900 bash tests/run.sh stages 2>&1)
    if [ $? -ne 0 ] || ! printf '%s\n' "$output" | grep -q '^SKIP stages/dlist: unfinished: ' ||
        ! printf '%s\n' "$output" | grep -q '^PASS stages/list$'; then
        fail "$name" "the kit's tests do not report each stage's state" "$output"
        return
    fi
    output=$(cd "$kit" && unset MAKEFLAGS MFLAGS MAKELEVEL BUILD SANITIZE OPT COVERAGE && limited 600 make -s grade STAGE=list 2>&1)
    if [ $? -ne 0 ] || ! printf '%s\n' "$output" | grep -qE '^total +20 / 20$' ||
        ! printf '%s\n' "$output" | grep -q 'heapkit PRE-GRADE of stages'; then
        fail "$name" "make grade STAGE=list in the kit does not pre-grade the whole stage to full marks" "$output"
        return
    fi
    for stage in $skeletons; do cp "stages/$stage.c" "$kit/stages/$stage.c"; done
    if ! output=$(kit_make 2>&1); then
        fail "$name" "the kit with the reference stages put back does not build" "$output"
        return
    fi
    output=$(cd "$kit" && limited 300 build/replay -s all -c --no-time 2>&1)
    if [ $? -ne 0 ]; then
        fail "$name" "the kit with the reference stages put back fails its traces" "$output"
        return
    fi
    pass "$name"
}

# No colour codes in the tables or the errors when they go to files.
job_no_escape_codes() {
    env -u NO_COLOR "$REPLAY" -s "$STAGES/misaligned,libc" --no-time -v traces/tiny-basic.rep \
        >"$WORK/escape.out" 2>"$WORK/escape.err"
    env -u NO_COLOR "$REPLAY" -s "$STAGES/correct,libc" --no-time traces/tiny-basic.rep \
        >>"$WORK/escape.out" 2>>"$WORK/escape.err"
    if ! grep -q FAIL "$WORK/escape.out" || ! grep -q 'not 16-byte aligned' "$WORK/escape.err"; then
        fail no-escape-codes "the failing replay did not report a failure" "$(cat "$WORK/escape.out" "$WORK/escape.err")"
    elif grep -q $'\033' "$WORK/escape.out" "$WORK/escape.err"; then
        fail no-escape-codes "escape codes in output that is not a terminal" \
            "$(grep -n $'\033' "$WORK/escape.out" "$WORK/escape.err" | cat -v)"
    else
        pass no-escape-codes
    fi
}

# The other side: on a terminal the tables are coloured, unless NO_COLOR is set.
job_colour_on_terminal() {
    if ! command -v script >/dev/null; then
        skip colour-on-terminal "script is not installed: no terminal to test with (apt-get install bsdutils)"
        return
    fi
    local command="$REPLAY -s $STAGES/misaligned,libc --no-time traces/tiny-basic.rep"
    env -u NO_COLOR script -qec "$command" /dev/null >"$WORK/colour.tty" 2>&1
    NO_COLOR=1 script -qec "$command" /dev/null >"$WORK/colour.no" 2>&1
    if ! grep -q $'\033\\[3[12]m' "$WORK/colour.tty"; then
        fail colour-on-terminal "no colour on a terminal" "$(cat -v "$WORK/colour.tty")"
    elif grep -q $'\033' "$WORK/colour.no"; then
        fail colour-on-terminal "escape codes on a terminal though NO_COLOR is set" "$(cat -v "$WORK/colour.no")"
    else
        pass colour-on-terminal
    fi
}

job_valgrind() {
    local output status
    if ! command -v valgrind >/dev/null; then
        skip valgrind "valgrind is not installed (apt-get install valgrind)"
        return
    elif [ -n "$SANITIZED" ]; then
        skip valgrind "$BUILD is built with sanitizers, which valgrind cannot run"
        return
    fi
    output=$(limited 300 valgrind --error-exitcode=99 --trace-children=yes -q \
        "$REPLAY" -s "$STAGES/correct" --no-time traces/tiny-basic.rep 2>&1)
    status=$?
    if [ "$status" -eq 0 ]; then
        pass valgrind
    elif [[ $output == *"debuginfo reader"*"Giving up"* ]]; then
        skip valgrind "this valgrind cannot read the debug information of $BUILD (clang's DWARF 5?)"
    else
        fail valgrind "exit status $status, expected 0" "$output"
    fi
}

# build/replay gives back what it took: no leak at exit, found by LeakSanitizer in a sanitizer
# build, by valgrind otherwise.
job_leaks() {
    local output status
    if [ -n "$SANITIZED" ]; then
        output=$(ASAN_OPTIONS=allocator_may_return_null=1:detect_leaks=1 limited 120 \
            "$REPLAY" -s "$STAGES/correct,libc" --no-time traces/tiny-basic.rep 2>&1)
        status=$?
        if [[ $output == *"ASan doesn't fully support"* || $output == *"LeakSanitizer has encountered a fatal error"* ]]; then
            skip leaks/replay "LeakSanitizer cannot run here"
            return
        fi
    elif command -v valgrind >/dev/null; then
        output=$(limited 300 valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
            -q "$REPLAY" -s "$STAGES/correct,libc" --no-time traces/tiny-basic.rep 2>&1 >/dev/null)
        status=$?
        if [[ $output == *"debuginfo reader"*"Giving up"* ]]; then
            skip leaks/replay "this valgrind cannot read the debug information of $BUILD (clang's DWARF 5?)"
            return
        fi
    else
        skip leaks/replay "neither a sanitizer build nor valgrind (apt-get install valgrind)"
        return
    fi
    if [ "$status" -eq 0 ] && [[ $output != *"LeakSanitizer"* ]]; then
        pass leaks/replay
    else
        fail leaks/replay "memory still allocated and unreachable when build/replay exits (status $status)" \
            "$(printf '%s\n' "$output" | grep -v '^ *$' | grep -v -e '__libc_start' -e 'in _start')"
    fi
}

# warm STAGE: build/stages/STAGE --warm (harness/warm.h) on two traces: a line each, six fields,
# its figures positive numbers; then a bad pass count (exit 2, the usage) and a malformed trace
# among good ones (its FILE:LINE message, exit 1, the good ones still measured).
job_warm() {
    local stage=$1 name=warm/$1 output status
    if [ -x "$BUILD/stages/$stage" ] && ! "$BUILD/stages/$stage" --available >/dev/null 2>&1 &&
        [[ $stage == jemalloc || $stage == mimalloc || $stage == tcmalloc ]]; then
        skip "$name" "$("$BUILD/stages/$stage" --available 2>&1)"
        return
    fi
    output=$(limited 120 "$BUILD/stages/$stage" --warm 3 traces/tiny-basic.rep traces/binary-small.rep 2>&1)
    status=$?
    if [ $status -ne 0 ] || [ "$(awk 'NF == 6 && $2 > 0 && $3 > 0 && $4 > 0 && $5 > 0 && $6 > 0' <<<"$output" | wc -l)" -ne 2 ] ||
        ! grep -q '^tiny-basic 13 ' <<<"$output" || ! grep -q '^binary-small 12000 ' <<<"$output"; then
        fail "$name" "expected exit 0 and a line per trace: NAME OPERATIONS and four positive figures (status $status)" "$output"
        return
    fi
    output=$(limited 60 "$BUILD/stages/$stage" --warm 1 traces/tiny-basic.rep 2>&1)
    status=$?
    if [ $status -ne 2 ] || ! grep -q 'usage: .*--warm PASSES TRACE' <<<"$output"; then
        fail "$name" "--warm 1: expected exit 2 and the usage (status $status)" "$output"
        return
    fi
    output=$(limited 60 "$BUILD/stages/$stage" --warm 2 tests/traces/bad/a-extra-field.rep traces/tiny-basic.rep 2>&1)
    status=$?
    if [ $status -ne 1 ] || ! grep -qF "$(cat tests/traces/bad/a-extra-field.expect)" <<<"$output" ||
        ! grep -q '^tiny-basic 13 ' <<<"$output"; then
        fail "$name" "a malformed trace: expected exit 1, its message ($(cat tests/traces/bad/a-extra-field.expect)) and the good trace still measured (status $status)" "$output"
    else
        pass "$name"
    fi
}

# The harness's jobs, first in the list (add_harness_final_jobs: the slow whole-kit ones, last).
add_harness_jobs() {
    local program trace source cases i stage label
    for program in "$BUILD"/tests/unit/*; do
        [ -f "$program" ] && [ -x "$program" ] && add unit "$program"
    done
    for trace in tests/traces/bad/*.rep; do
        [ -f "$trace" ] && add bad "$trace"
    done
    for stage in hybrid libc mimalloc; do
        add warm "$stage"
    done
    # Behind the fence only when this build has one (sanitizer and coverage builds link no static
    # stage program): else one line says what was not run.
    fenced=
    if [ -x "$BUILD/fence/runner" ]; then
        fenced=yes
    else
        skipped_lines+="SKIP allocator-separate/*, replay/correct/separate/*, the allocator cases run with --separate: no fence in this build (sanitizer and coverage builds cannot link static stage programs)"$'\n'
    fi
    for source in tests/allocators/*.c; do
        grep -q '^// test-expect: ' "$source" || continue
        cases=$(allocator_cases "$source" | wc -l)
        for ((i = 1; i <= cases; i++)); do
            if [ -z "$fenced" ] && allocator_cases "$source" | sed -n "${i}p" | grep -q -- '--separate'; then
                continue
            fi
            add allocator "$source" "$i"
            [ -n "$fenced" ] && add allocator "$source" "$i" separate
        done
    done
    good_traces=(traces/*.rep)
    if [ -d "$CMU" ]; then
        good_traces+=("$CMU"/*.rep)
    elif [ -z "$HEAPKIT_STUDENT_KIT" ]; then
        skipped_lines+="SKIP replay/*/cmu, giant/*/cmu: $CMU is missing (the classic malloc-lab traces, kept beside the kit): they were not replayed"$'\n'
    fi
    good_traces+=(tests/traces/good/*.rep)
    for stage in correct libc; do
        for trace in "${good_traces[@]}"; do
            [ -f "$trace" ] || continue
            [ -n "$SANITIZED" ] && [ "$stage" = libc ] && [ "$trace" = tests/traces/good/giant-mix.rep ] && continue
            case $trace in
            "$CMU"/*) label=cmu/$(basename "$trace" .rep) ;;
            tests/traces/good/*) label=good/$(basename "$trace" .rep) ;;
            *) label=$(basename "$trace" .rep) ;;
            esac
            add replay "$stage" "$trace" "$label"
        done
    done
    for trace in traces/tiny-basic.rep traces/tiny-edge.rep tests/traces/good/realloc-fail.rep; do
        add replay correct "$trace" "limit-4K/$(basename "$trace" .rep)" "--limit 4K"
    done
    add replay correct traces/mmap-large.rep limit-1M/mmap-large "--limit 1M"
    if [ -z "$HEAPKIT_STUDENT_KIT" ]; then # the kit's skeletons are not written yet
        for source in stages/*.c; do
            add limit 1M "$(basename "$source" .c)"
        done
    fi
    for trace in traces/*.rep; do
        [ -n "$fenced" ] && add replay correct "$trace" "separate/$(basename "$trace" .rep)" "--separate -c"
    done
    # Under the sanitizers the C library's malloc is AddressSanitizer's, which takes minutes to
    # free a granted block of 10^10 bytes (its shadow memory): the stages are replayed checked only.
    local giant_stages=(libc) giant_timing="-n 1"
    if [ -n "$SANITIZED" ]; then
        giant_stages=() giant_timing=--no-time
        skipped_lines+="SKIP giant/libc/*, replay/libc/good/giant-mix, the giant traces' timed runs: under the sanitizers the C library's malloc is AddressSanitizer's, which frees a granted 10^10-byte block in minutes"$'\n'
    fi
    [ -f student/make-kit.sh ] && giant_stages+=(minimal pad list dlist bins mmap hybrid) # the instructor's kit: the references
    for stage in "${giant_stages[@]}"; do
        add giant "$stage" tests/traces/good/giant-mix.rep giant-mix "$giant_timing"
        [ -d "$CMU" ] && add giant "$stage" "$CMU/syn-giantmix-short.rep" cmu/syn-giantmix-short "$giant_timing"
    done
    add traces_regenerate
    add cli unknown-option "unknown option '--frobnicate'" --frobnicate traces/tiny-basic.rep
    add cli runs-zero "-n 0: the number of runs must be a whole number from 1 to 101" -n 0 traces/tiny-basic.rep
    add cli limit-unit "--limit 12Q: give a size from 4K to 256G, such as 64M or 1G" --limit 12Q traces/tiny-basic.rep
    add cli limit-too-small "--limit 1K: give a size from 4K to 256G" --limit 1K traces/tiny-basic.rep
    add cli time-zero "-t 0: the time limit must be a positive number of seconds" -t 0 traces/tiny-basic.rep
    add cli no-value "option --limit needs a value" --limit
    add cli probe-and-scaling "--scaling and --probe-checker are runs of their own: choose one" --scaling --probe-checker
    add cli missing-trace "tests/traces/no-such.rep: cannot read: No such file or directory" -s libc tests/traces/no-such.rep
    add cli unknown-stage "no stage 'nosuch': " -s nosuch traces/tiny-basic.rep
    add cli unknown-stage-hint "(is there a stages/nosuch.c? run make)" -s nosuch traces/tiny-basic.rep
    add cli unknown-stage-path "no stage '$STAGES/nosuch': $STAGES/nosuch is not built" -s "$STAGES/nosuch" traces/tiny-basic.rep
    add json timed 0 timed - -s "$STAGES/correct,libc" -n 1 traces/tiny-basic.rep traces/tiny-edge.rep
    add json failure 1 untimed "not 16-byte aligned" -s "$STAGES/misaligned" --no-time traces/tiny-basic.rep
    small_traces=(traces/tiny-*.rep tests/traces/good/*.rep)
    [ -d "$CMU" ] && small_traces+=("$CMU"/*short*.rep)
    # (AddressSanitizer's malloc reports no arena sizes, so libc's footprint is only measured without it.)
    footprint_stages=$STAGES/correct,libc
    [ -n "$SANITIZED" ] && footprint_stages=$STAGES/correct
    add json footprint-covers-payload 0 footprint - -s "$footprint_stages" --no-time "${small_traces[@]}"
}

add_harness_final_jobs() {
    add scaling
    add probes
    [ -f student/make-kit.sh ] && add compare # the instructor's kit: its stages are the reference solutions
    # A student's kit: each of its stages, the student's work (in the instructor's kit the
    # student-kit job replays the reference stages with -c, in the kit it makes).
    if [ ! -f student/make-kit.sh ]; then
        local source
        for source in stages/*.c; do
            [ -f "$source" ] && add stages "$(basename "$source" .c)"
        done
    fi
    add student_kit
    add no_escape_codes
    add colour_on_terminal
    add valgrind
    add leaks
}
