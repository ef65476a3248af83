#!/usr/bin/env bash
# make bench: the speed figures, measured here and now (never part of make test).
#  1. checked replay speed on a 1,000,000-operation trace (target: 2 million checked ops/s), and
#     behind the fence as the grader runs it, idle and with the other core busy (target: 250,000)
#  2. the timed replay's overhead: libc through the harness against a bare malloc loop (target: 5%)
#  3. the bundled suite, every stage side by side, and how long that takes
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
big="$BUILD/bench/random-1m.rep"
mkdir -p "$BUILD/bench"
[ -f "$big" ] || "$BUILD/gen/random" --ops 1000000 --seed 1 --out "$big" >/dev/null

echo "== 1. checked replay of a 1,000,000-operation trace ($big)"
# best_checked CASE...: the fastest of 3 checked replays, in seconds (fork to exit).
best_checked() {
    local best="" seconds run
    for run in 1 2 3; do
        seconds=$("$BUILD/replay" "$@" --no-time --json "$big" | sed -nE 's/.*"checked_seconds": ([0-9.]+).*/\1/p')
        best=$(awk -v a="$seconds" -v b="${best:-$seconds}" 'BEGIN { print (a < b ? a : b) }')
    done
    echo "$best"
}
report_checked() { # NAME SECONDS
    awk -v s="$2" -v name="$1" 'BEGIN {
        printf "  %-34s %.3f s (best of 3), %.0f thousand checked ops/s, %.2f us per operation\n", name, s, 1000 / s, s }'
}
# The stage linked in (the kit's default), the C library, then behind the fence (as graded).
report_checked "correct, linked in" "$(best_checked -s "$BUILD/tests/stages/correct")"
report_checked "libc" "$(best_checked -s libc)"
if [ -x "$BUILD/fence/runner" ]; then
    report_checked "correct, behind the fence" "$(best_checked --separate -s "$BUILD/fence/tests/stages/correct")"
    # The grader's target: at least 250,000 checked operations per second with the other core
    # busy (a loop of the shell's, on whichever core the scheduler gives it).
    ( while :; do :; done ) &
    busy=$!
    report_checked "correct, behind the fence, core busy" "$(best_checked --separate -s "$BUILD/fence/tests/stages/correct")"
    kill "$busy" 2>/dev/null
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
"$BUILD/replay" -s all -n 11 --save-json "$BUILD/bench/suite.json"
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "(the whole comparison took %.1f s)\n", e - s }'

echo
echo "== 4. how malloc and free cost grows with the free list"
"$BUILD/replay" -s all --scaling --save-json "$BUILD/bench/scaling.json" | tee "$BUILD/bench/scaling.txt"

echo
echo "== 5. the lectures' claims beside the figures"
if command -v python3 >/dev/null; then
    "$BUILD/replay" -s all -n 1 --no-time >"$BUILD/bench/compare.txt" 2>&1 || true
    python3 handouts/fill.py "$BUILD/bench/suite.json" "$BUILD/bench/scaling.json" \
        "$BUILD/bench/compare.txt" "$BUILD/bench/scaling.txt" tests/bench/lectures.md "$BUILD/bench/lectures.md"
    cat "$BUILD/bench/lectures.md"
else
    echo "(needs python3 to fill the table: apt-get install python3)"
fi

echo
echo "== 6. the grader: the reference stages as one submission"
if [ -x "$BUILD/grader/grade" ] || make -s --no-print-directory BUILD="$BUILD" grader >/dev/null 2>&1; then
    submission=$BUILD/bench/reference-submission
    rm -rf "$submission" && mkdir -p "$submission"
    cp stages/minimal.c stages/pad.c stages/list.c stages/dlist.c stages/bins.c stages/mmap.c "$submission/"
    start=$(date +%s.%N)
    score=$(BUILD=$BUILD grader/grade "$submission" | sed -nE 's/^total +([0-9.]+ \/ [0-9.]+).*/\1/p')
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" -v score="$score" \
        'BEGIN { printf "  one grading, six stages: %.1f s (target: at most 30 s), score %s\n", e - s, score }'
    echo "  five gradings with both cores kept busy (target: at most 60 s each, the same score each time):"
    ( while :; do :; done ) &
    busy=$!
    ( while :; do :; done ) &
    busy_too=$!
    for run in 1 2 3 4 5; do
        start=$(date +%s.%N)
        score=$(BUILD=$BUILD grader/grade "$submission" | sed -nE 's/^total +([0-9.]+ \/ [0-9.]+).*/\1/p')
        end=$(date +%s.%N)
        awk -v s="$start" -v e="$end" -v score="$score" -v run="$run" \
            'BEGIN { printf "    run %d: %s in %.1f s\n", run, score, e - s }'
    done
    kill "$busy" "$busy_too" 2>/dev/null
    wait "$busy" "$busy_too" 2>/dev/null || true
else
    echo "  (make grader failed: it needs libcjson-dev, libinih-dev and libseccomp-dev)"
fi
