#!/usr/bin/env bash
# tests/bench/run_speed.sh: how much slower a real program runs on a stage (build/run) than on the
# C library's malloc: gcc -c of one C file, and of every file of harness/ in one gcc command, on
# bins (target: at most 1.5 times the C library's time). The runs alternate, so that a busy moment
# of the machine lands on both, and the best of RUNS (default 5) of each is compared: the best is
# the run the machine disturbed least.
#
#   BUILD=build [RUNS=5] [STAGE=bins] bash tests/bench/run_speed.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

BUILD=${BUILD:-build}
RUNS=${RUNS:-5}
STAGE=${STAGE:-bins}
if ! command -v gcc >/dev/null; then
    echo "  (no gcc: apt-get install gcc)"
    exit 0
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/heapkit-run-speed.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# seconds COMMAND...: the wall time of one run, in seconds; the command's output is dropped.
# Fails (and times nothing) when the command fails: a compile that stops early is no figure.
seconds() {
    local start end
    start=$(date +%s.%N)
    (cd "$scratch" && "$@" >/dev/null 2>&1) || return 1
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }'
}

# compare LABEL GCC-ARGUMENTS...: the best time of each, and their ratio.
compare() {
    local label=$1 run best_libc=999 best_stage=999 t
    shift
    # baseline_as_stage.c is built once per production allocator, with its name.
    local compile=(gcc -std=c17 -O2 -D_GNU_SOURCE '-DBASELINE_NAME="jemalloc"' -I"$PWD/stages" -I"$PWD/harness"
        -I"$PWD/fence" -c "$@")
    for ((run = 0; run < RUNS; run++)); do
        t=$(seconds "${compile[@]}") || { echo "  $label: the compile fails: ${compile[*]}"; return 0; }
        best_libc=$(awk -v a="$t" -v b="$best_libc" 'BEGIN { print (a < b ? a : b) }')
        t=$(seconds "$PWD/$BUILD/run" -s "$STAGE" -- "${compile[@]}") ||
            { echo "  $label: fails on $STAGE: $BUILD/run -s $STAGE -- ${compile[*]}"; return 0; }
        best_stage=$(awk -v a="$t" -v b="$best_stage" 'BEGIN { print (a < b ? a : b) }')
    done
    awk -v label="$label" -v l="$best_libc" -v s="$best_stage" -v stage="$STAGE" \
        'BEGIN { printf "  %-44s libc %6.2f s   %s %6.2f s   %.2fx\n", label, l, stage, s, s / l }'
}

echo "  gcc -O2 -c, best of $RUNS runs each (target: at most 1.50x):"
compare "harness/trace.c" "$PWD/harness/trace.c"
files=()
for file in harness/*.c; do files+=("$PWD/$file"); done
compare "harness/*.c, ${#files[@]} files in one gcc command" "${files[@]}"
