#!/usr/bin/env bash
# tests/run.sh: the kit's own tests. `make test` builds everything, then runs this.
#
#   BUILD=build bash tests/run.sh [NAME...]   (BUILD: the build directory; JOBS=N: tests at once)
#   make test TESTS='NAME...'                 (the same through make; make check is make test)
#   prove -e bash tests/run.sh                (after make test: the same as TAP, for any TAP
#                                              harness; TAP=1 asks for TAP without one)
#
# The jobs are the functions of tests/jobs/*.sh (harness.sh: the harness, the traces and
# build/replay; fence.sh and grader.sh: the instructor's parts); xargs -P runs them, JOBS at once
# (findutils is on every Debian; prove, in perl, is not on a minimal one).
#
# NAME chooses tests by name, as printed: giant, unit/test_trace, allocator-separate/overlap,
# grader/hostile/classmates (a shell pattern may stand for parts: 'giant/*/cmu*'). Only what is
# needed for them runs, and only their lines are printed and counted.
#
# Each test prints one line, "PASS name", "FAIL name: why" with the output that shows it
# indented below, or "SKIP name: why"; the last line is "N passed, N failed[, N skipped]".
# The exit status is 1 when any test failed. The tests, in the order they print:
#
#   unit/PROGRAM/TEST       each TAP line ("ok N - TEST", "not ok N - TEST", "# SKIP") of every
#                           $BUILD/tests/unit program, whose plan must count them all
#   bad/NAME                tests/traces/bad/NAME.rep is refused: exit 2, stderr = NAME.expect
#   allocator/NAME[/TRACE]  tests/allocators/NAME.c breaks one rule and gets its message: the
#                           replay exits 1 and its output holds every "// test-expect:" line
#   allocator-separate/...  the same with --separate: the stage in a program of its own, confined,
#                           behind the fence (fence/fence.h)
#   replay/STAGE/TRACE      correct and libc pass every bundled, classic and tests/traces/good
#                           trace with -c; correct passes some under a memory limit too, and
#                           every bundled trace with --separate (replay/correct/separate/...)
#   giant/STAGE/TRACE       requests of 10^9 to 10^14 bytes: the C library and every reference
#                           stage replay them checked and timed, each replay within 10 s
#   traces-regenerate       the generators write the committed traces/*.rep byte for byte
#   cli/...                 build/replay's command-line errors: exit 2 and a clear message
#   json/...                --json parses and holds every key; no peak footprint below its payload
#   compare                 every reference stage passes every bundled trace, timed once too (the
#                           instructor's kit only: a student's stages are skeletons)
#   no-escape-codes         no colour codes when the output is not a terminal (colour-on-terminal:
#                           and colour when it is, unless NO_COLOR is set)
#   valgrind, leaks/replay  no memory error under valgrind; build/replay frees what it takes
#
# A test allocator's head holds the lines read here, one case per "test-trace":
#   // test-trace: traces/tiny-basic.rep          the trace to replay
#   // test-options: -c                           options for build/replay (optional; the
#                                                 replay is checked only, unless they hold
#                                                 -n RUNS: then it is timed too)
#   // test-expect: the block is not 16-byte aligned      a text the output must hold
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

BUILD=${BUILD:-build}
REPLAY=$BUILD/replay
STAGES=$BUILD/tests/stages
CMU=../shared/cmu-traces
# A student's kit (no student/make-kit.sh): the instructor's shared folder is not beside it, and
# its tests say nothing of it (tests/unit/test_trace.c reads HEAPKIT_STUDENT_KIT too).
HEAPKIT_STUDENT_KIT=
[ -f student/make-kit.sh ] || HEAPKIT_STUDENT_KIT=yes
export HEAPKIT_STUDENT_KIT
# A sanitizer build: the variable make passes, or the runtime found in the program (once:
# the jobs inherit the answer).
if [ -z "${SANITIZED+set}" ]; then
    if [ -n "${SANITIZE:-}" ] || grep -qa -e __asan_init -e __ubsan_handle "$REPLAY" 2>/dev/null; then
        SANITIZED=1
    else
        SANITIZED=
    fi
fi
# A coverage build (make coverage): the variable make passes, or gcov's runtime in the program.
if [ -z "${COVERED+set}" ]; then
    if [ -n "${COVERAGE:-}" ] || grep -qa __gcov_ "$REPLAY" 2>/dev/null; then
        COVERED=1
    else
        COVERED=
    fi
fi
export BUILD SANITIZED COVERED
# Under AddressSanitizer: the C library stage must get NULL for a request too big (as glibc
# returns it), not an abort; leaks are looked for by one test of their own (leaks/replay),
# not by every test that runs build/replay. Options given by the caller come last and win.
export ASAN_OPTIONS="allocator_may_return_null=1:detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

# ---- reporting ---------------------------------------------------------------------------

indent() {
    sed -e 's/^/    /' -e '40{s/.*/    [...]/;q}'
}
pass() { printf 'PASS %s\n' "$1"; }
skip() { printf 'SKIP %s: %s\n' "$1" "$2"; }
# fail NAME WHY [OUTPUT]
fail() {
    printf 'FAIL %s: %s\n' "$1" "$2"
    if [ -n "${3:-}" ]; then printf '%s\n' "$3" | indent; fi
}

# limited SECONDS COMMAND...: the command, stopped after SECONDS if `timeout` exists.
limited() {
    local seconds=$1
    shift
    if command -v timeout >/dev/null; then
        timeout -k 5 "$seconds" "$@"
    else
        "$@"
    fi
}

# ---- the tests: each job_KIND prints its PASS/FAIL/SKIP lines -------------------------------

# Parts of the kit with tests of their own (the grader) keep them in tests/jobs/NAME.sh: the
# file defines job_KIND functions, and add_NAME_jobs, which calls `add KIND ARGUMENTS...`.
for extra in tests/jobs/*.sh; do
    [ -f "$extra" ] && source "$extra"
done

# ---- running them -----------------------------------------------------------------------

# One job, as xargs starts it: its line of the job list, fields split at tabs.
if [ "${1:-}" = --job ]; then
    IFS=$'\t' read -r -a job <<<"$2"
    "job_${job[1]}" "${job[@]:2}" >"$WORK/${job[0]}.result" 2>&1
    exit 0
fi

if [ ! -x "$REPLAY" ]; then
    echo "tests/run.sh: $REPLAY is not built: run make test (or make BUILD=$BUILD test)" >&2
    exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/heapkit-tests.XXXXXX") || exit 2
export WORK
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/cli"

# The tests chosen by name (none: every test).
chosen=("$@")

# Could the job KIND ARGS... report a test of the chosen name? Its kind's first word names the
# family (unit, grader, allocator...); every later word of the name but the last (split at "/"
# and "-") must appear in the job's line; the last may be a test inside the job (a unit test's).
job_may_report() { # NAME KIND ARGS...
    local name=$1 kind=$2 line word words last
    shift
    line="$*"
    IFS='/-' read -r -a words <<<"$name"
    [ "${words[0]}" = "${kind%%_*}" ] || [[ ${kind%%_*} == ${words[0]} ]] || return 1
    [ $# -eq 1 ] && return 0 # a job of no arguments: the names it reports are its own business
    last=$((${#words[@]} - 1))
    for ((word = 1; word < ${#words[@]}; word++)); do
        [[ $line == *${words[word]}* ]] && continue
        [ "$word" -eq "$last" ] && [ "$last" -gt 1 ] && return 0
        return 1
    done
    return 0
}

# Is a printed test (its name) one of the chosen?
chosen_name() {
    local name=$1 pattern
    [ ${#chosen[@]} -eq 0 ] && return 0
    for pattern in "${chosen[@]}"; do
        # shellcheck disable=SC2053 # the pattern is a pattern
        [[ $name == $pattern || $name == $pattern/* || $name == $pattern* ]] && return 0
    done
    return 1
}

# The job list, one job a line: ID, KIND and the arguments, separated by tabs.
jobs_file=$WORK/jobs
: >"$jobs_file"
count=0
add() {
    if [ ${#chosen[@]} -gt 0 ]; then
        local pattern wanted=
        for pattern in "${chosen[@]}"; do
            job_may_report "$pattern" "$@" && wanted=yes
        done
        [ -n "$wanted" ] || return 0
    fi
    count=$((count + 1))
    local IFS=$'\t'
    printf '%04d\t%s\n' "$count" "$*" >>"$jobs_file"
}
skipped_lines=""

add_harness_jobs
for extra in tests/jobs/*.sh; do
    [ -f "$extra" ] && [ "$extra" != tests/jobs/harness.sh ] && "add_$(basename "$extra" .sh)_jobs"
done
add_harness_final_jobs

# The slow jobs first, so that they do not finish last; then everything, JOBS at once.
parallel=${JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
slow=$'\t(replay\t.*(firstfit-worst|realloc-bal|binary)|scaling|plots_draw|student_kit|valgrind|leaks|handouts|pages_|shrink_all|pregrade_same_points|allocator\t.*/hang\.c)|test_simmem'
{
    grep -E "$slow" "$jobs_file"
    grep -v -E "$slow" "$jobs_file"
} | xargs -r -d '\n' -n 1 -P "$parallel" bash "${BASH_SOURCE[0]}" --job

# Print in the order of the list (only the chosen tests, when some are), then count.
results=$WORK/results
{
    printf '%s' "$skipped_lines"
    for ((i = 1; i <= count; i++)); do
        result=$WORK/$(printf '%04d' "$i").result
        if [ -f "$result" ]; then
            cat "$result"
        else
            printf 'FAIL job %s: it reported nothing: %s\n' "$i" "$(sed -n "${i}p" "$jobs_file" | tr '\t' ' ')"
        fi
    done
} | {
    keep=yes
    while IFS= read -r line; do
        case $line in
        PASS\ * | FAIL\ * | SKIP\ *)
            name=${line#* }
            name=${name%%: *}
            if chosen_name "$name"; then keep=yes; else keep=; fi
            ;;
        esac
        [ -n "$keep" ] && printf '%s\n' "$line"
    done
} >"$results"
if [ ${#chosen[@]} -gt 0 ] && ! grep -q -E '^(PASS|FAIL|SKIP) ' "$results"; then
    echo "tests/run.sh: no test is named ${chosen[*]} (names as printed: giant, unit/test_trace, ...)" >&2
    exit 2
fi
passed=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
skipped=$(grep -c '^SKIP ' "$results")
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary+=", $skipped skipped"
if [ -n "${HARNESS_ACTIVE:-}${TAP:-}" ]; then
    # Under a TAP harness (prove sets HARNESS_ACTIVE), or with TAP=1: the same results as TAP.
    awk '/^PASS / { n++; print "ok " n " - " substr($0, 6); next }
         /^(SKIP|FAIL) / {
             n++; line = substr($0, 6); at = index(line, ": ")
             name = at ? substr(line, 1, at - 1) : line; why = at ? substr(line, at + 2) : ""
             if ($1 == "SKIP") print "ok " n " - " name " # SKIP " why
             else { print "not ok " n " - " name; print "# " why }
             next
         }
         { print "# " $0 }
         END { print "1.." n }' "$results"
    echo "# $summary"
else
    cat "$results"
    echo "$summary"
fi
[ "$failed" -eq 0 ]
