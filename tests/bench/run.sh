#!/usr/bin/env bash
# make bench: the speed figures, measured here and now (never part of make test).
#  1. checked replay speed on a 1,000,000-operation trace (target: 2 million checked ops/s), and
#     behind the fence as the grader runs it, idle and with the other core busy (target: 250,000)
#  2. the timed replay's overhead: libc through the harness against a bare malloc loop (target: 5%)
#  3. the bundled suite, every stage side by side, and how long that takes
#  4. how malloc and free cost grows with the free list; 5. the lectures' claims beside them
#  6. the grader on every reference stage: once with nothing kept, once more, and five times with
#     both cores busy (targets: 30 s, 60 s, the same score each time), and once so at nice 0
#  7. a real program on a stage: build/run -s bins -- gcc -c against the C library's malloc
#     (target: 1.5 times its time at most; tests/bench/run_speed.sh)
#  8. recording a real program: build/record against the program alone, a compile and a Python
#     script (target: 2 times at most; tests/bench/record.sh)
#  9. the capstone against the production allocators, in one run over the bundled traces and the
#     classic ones (../shared/cmu-traces, where present): at least mimalloc's speed, and the
#     utilization of bins and of the C library (tests/bench/capstone_goal.py); the speed measured
#     cold, as the tables do, and warm (build/stages/NAME --warm: harness/warm.h)
set -euo pipefail
cd "$(dirname "$0")/../.."
# A step that fails says so, with its line, before set -e ends the run.
trap 'status=$?; echo "make bench: tests/bench/run.sh:$LINENO failed (exit status $status): $BASH_COMMAND" >&2' ERR
# The loops that keep cores busy end with the script, however it ends (a failed step too).
busy_loops=()
trap 'kill "${busy_loops[@]}" 2>/dev/null || true' EXIT
BUILD=${BUILD:-build}
big="$BUILD/bench/random-1m.rep"
mkdir -p "$BUILD/bench"
[ -f "$big" ] || "$BUILD/gen/random" --ops 1000000 --seed 1 --out "$big" >/dev/null

echo "== 1. checked replay of a 1,000,000-operation trace ($big)"
# best_checked CASE...: the fastest of 3 checked replays, in seconds (fork to exit). A slow
# machine may take its time (-t 300): this measures speed, it does not judge it.
best_checked() {
    local best="" seconds run output
    for run in 1 2 3; do
        if ! output=$("$BUILD/replay" "$@" -t 300 --no-time --json "$big" 2>&1); then
            echo "make bench: build/replay $* -t 300 --no-time $big failed:" >&2
            printf '%s\n' "$output" | tail -n 5 >&2
            return 1
        fi
        seconds=$(printf '%s\n' "$output" | sed -nE 's/.*"checked_seconds": ([0-9.]+).*/\1/p')
        best=$(awk -v a="$seconds" -v b="${best:-$seconds}" 'BEGIN { print (a < b ? a : b) }')
    done
    echo "$best"
}
report_checked() { # NAME SECONDS
    awk -v s="$2" -v name="$1" 'BEGIN {
        printf "  %-34s %.3f s (best of 3), %.0f thousand checked ops/s, %.2f us per operation\n", name, s, 1000 / s, s }'
}
# The stage linked in (the kit's default), the C library, then behind the fence (as graded).
seconds=$(best_checked -s "$BUILD/tests/stages/correct")
report_checked "correct, linked in" "$seconds"
seconds=$(best_checked -s libc)
report_checked "libc" "$seconds"
if [ -x "$BUILD/fence/runner" ]; then
    seconds=$(best_checked --separate -s "$BUILD/fence/tests/stages/correct")
    report_checked "correct, behind the fence" "$seconds"
    # The grader's target: at least 250,000 checked operations per second with the other core
    # busy (a loop of the shell's, on whichever core the scheduler gives it).
    ( while :; do :; done ) &
    busy=$!
    busy_loops+=("$busy")
    seconds=$(best_checked --separate -s "$BUILD/fence/tests/stages/correct") || { kill "$busy"; exit 1; }
    kill "$busy" 2>/dev/null
    report_checked "correct, behind the fence, core busy" "$seconds"
    wait "$busy" 2>/dev/null || true
    echo "  (target behind the fence with the other core busy: at least 250 thousand checked ops/s)"
else
    echo "  (no fence in this build: make fence)"
fi

echo
echo "== 2. the harness's timed replay of libc against a bare loop"
"$BUILD/bench/bare_libc" -n 21 "$big"

echo
echo "== 3. the bundled suite, every stage side by side"
start=$(date +%s.%N)
"$BUILD/replay" -s all -n 11 -t 120 --save-json "$BUILD/bench/suite.json"
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "(the whole comparison took %.1f s)\n", e - s }'

echo
echo "== 4. how malloc and free cost grows with the free list"
"$BUILD/replay" -s all --scaling -t 120 --save-json "$BUILD/bench/scaling.json" | tee "$BUILD/bench/scaling.txt"

echo
echo "== 5. the lectures' claims beside the figures"
if command -v python3 >/dev/null; then
    "$BUILD/replay" -s all -n 1 --no-time >"$BUILD/bench/compare.txt" 2>&1 || true
    python3 handouts/fill.py "$BUILD/bench/suite.json" "$BUILD/bench/scaling.json" \
        "$BUILD/bench/compare.txt" "$BUILD/bench/scaling.txt" tests/bench/lectures.md "$BUILD/bench/lectures.md"
    # The table's columns lined up again, now that the figures are in (a markdown table still).
    awk -F'|' 'NR == FNR { if (/^\|/) for (i = 2; i < NF; i++) { gsub(/^ +| +$/, "", $i)
                               if ($i !~ /^-+$/ && length($i) > w[i]) w[i] = length($i) } next }
               !/^\|/ { print; next }
               { line = "|"; for (i = 2; i < NF; i++) { gsub(/^ +| +$/, "", $i); cell = $i
                   if (cell ~ /^-+$/) { cell = ""; while (length(cell) < w[i]) cell = cell "-" }
                   line = line sprintf(" %-*s |", w[i], cell) }
                 print line }' "$BUILD/bench/lectures.md" "$BUILD/bench/lectures.md"
else
    echo "(needs python3 to fill the table: apt-get install python3)"
fi

echo
echo "== 6. the grader: the reference stages as one submission"
# A grading makes hidden traces from a secret: the instructor's when there is one, else one of
# the bench's own (its gradings are measured, never reported).
if [ -z "${HEAPKIT_SECRET:-}" ] && [ ! -f grader/secret ]; then
    export HEAPKIT_SECRET="make bench: a secret for measuring only"
fi
if [ -x "$BUILD/grader/grade" ] || make -s --no-print-directory BUILD="$BUILD" grader >/dev/null 2>&1; then
    submission=$BUILD/bench/reference-submission
    rm -rf "$submission" && mkdir -p "$submission"
    cp stages/*.c "$submission/" # every reference stage, the capstone too
    sandbox=()
    if [ "$(id -u)" -ne 0 ]; then
        sandbox=(--no-sandbox)
        echo "  (not root: graded with --no-sandbox, so without the user of its own and the empty root)"
    fi
    # grade_once LABEL [GRADER-OPTION...]: one grading of the reference stages, its score and its time.
    grade_once() {
        local start end score label=$1
        shift
        start=$(date +%s.%N)
        score=$(BUILD=$BUILD grader/grade "${sandbox[@]}" "$@" "$submission" | sed -nE 's/^total +([0-9.]+ \/ [0-9.]+).*/\1/p')
        end=$(date +%s.%N)
        awk -v s="$start" -v e="$end" -v score="$score" -v label="$label" \
            'BEGIN { printf "  %-58s %5.1f s, score %s\n", label, e - s, score }'
    }
    # The first grading measures the references' results on the public traces; later ones read
    # them (grader/reference_cache.h).
    rm -rf "$BUILD/grader/reference-results"
    grade_once "one grading, every stage, the first (references measured):"
    grade_once "one grading, every stage, again (references' results kept):"
    echo "  (target: at most 30 s)"
    echo "  five gradings with both cores kept busy (target: at most 60 s each, the same score each time):"
    ( while :; do :; done ) &
    busy=$!
    ( while :; do :; done ) &
    busy_too=$!
    busy_loops+=("$busy" "$busy_too")
    for run in 1 2 3 4 5; do
        grade_once "  run $run:"
    done
    # The same at the usual priority (the rubric's nice = 0): what the grading costs when it
    # must yield to the machine's other work.
    sed 's/^nice *=.*/nice = 0/' grader/rubric.ini >"$BUILD/bench/rubric-nice0.ini"
    grade_once "  once more at nice 0 (the rubric's nice raises it otherwise):" --rubric "$BUILD/bench/rubric-nice0.ini"
    kill "$busy" "$busy_too" 2>/dev/null
    wait "$busy" "$busy_too" 2>/dev/null || true
else
    echo "  (make grader failed: it needs libcjson-dev, libinih-dev and libseccomp-dev)"
fi

echo
echo "== 7. a real program on a stage: build/run -s bins -- gcc -c, against the C library's malloc"
BUILD=$BUILD bash tests/bench/run_speed.sh

echo
echo "== 8. recording a real program: build/record against the program alone (target: at most 2x)"
BUILD=$BUILD bash tests/bench/record.sh

echo
echo "== 9. the capstone (hybrid) against bins, the C library and the production allocators"
# One run, every stage's replays interleaved with the C library's, over the bundled traces and
# the classic ones where the kit sits beside them.
stages=bins,libc
[ -x "$BUILD/stages/hybrid" ] && stages=hybrid,$stages
for baseline in jemalloc mimalloc tcmalloc; do
    if why=$("$BUILD/stages/$baseline" --available); then
        stages+=",$baseline"
    else
        echo "  ($baseline skipped: $why)"
    fi
done
classic=()
for trace in ../shared/cmu-traces/*.rep; do
    [ -f "$trace" ] && classic+=("$trace")
done
[ ${#classic[@]} -gt 0 ] || echo "  (no classic traces beside the kit: ../shared/cmu-traces/ is missing)"
"$BUILD/replay" -s "$stages" -n 11 -t 120 --save-json "$BUILD/bench/capstone.json" \
    traces/*.rep traces/real/*.rep "${classic[@]}" || true
# The same traces warm (harness/warm.h): 15 replays in one process each, the best after the first.
warm_files=()
for stage in ${stages//,/ }; do
    "$BUILD/stages/$stage" --warm 15 traces/*.rep traces/real/*.rep "${classic[@]}" >"$BUILD/bench/warm-$stage.txt" ||
        echo "  ($stage: a warm replay failed: $BUILD/bench/warm-$stage.txt)"
    warm_files+=("$BUILD/bench/warm-$stage.txt")
done
if command -v python3 >/dev/null; then
    python3 tests/bench/capstone_goal.py "$BUILD/bench/capstone.json" hybrid "${warm_files[@]}"
else
    echo "  (needs python3 to weigh the goal: apt-get install python3)"
fi
