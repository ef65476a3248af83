#!/usr/bin/env bash
# tests/bench/record.sh: what recording a real program costs (build/record), measured here and
# now; never part of make test.
#
#   BUILD=build bash tests/bench/record.sh
#
# Two programs, each run plain and recorded, RUNS times in turn (so a busy moment of the machine
# lands on both): a compile, gcc -O2 -c of harness/checked.c recorded with --follow (the compiler
# proper is a program gcc starts), and a Python script that builds, sorts and serializes a few
# hundred thousand small objects. For each: the median wall time and CPU time (user and system,
# of every process of the run) plain and recorded (build/record from start to end: the program,
# then the trace written), their ratios (target: at most 2x), and the trace's size. On a busy
# machine the CPU times are the steadier. A program that is missing is skipped, its package named.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RUNS=${RUNS:-5}
RECORD=$BUILD/record
work=$(mktemp -d "${TMPDIR:-/tmp}/heapkit-record-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
[ -x "$RECORD" ] || { echo "tests/bench/record.sh: $RECORD is not built: run make" >&2; exit 2; }

# milliseconds COMMAND...: "WALL CPU" of one run, in milliseconds, output discarded; CPU is the
# user and system time of the command and every process it waited for (bash's time).
milliseconds() {
    local TIMEFORMAT='%R %U %S' times
    times=$({ time "$@" >/dev/null 2>&1; } 2>&1)
    awk -v t="$times" 'BEGIN { split(t, f, " "); printf "%d %d\n", f[1] * 1000, (f[2] + f[3]) * 1000 }'
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# compare NAME RECORD-OPTIONS -- COMMAND...: RUNS plain and recorded runs, in turn.
compare() {
    local name=$1 options=() plain=() recorded=() run trace=$work/$1.rep
    shift
    while [ "$1" != -- ]; do options+=("$1"); shift; done
    shift
    for ((run = 0; run < RUNS; run++)); do
        plain+=("$(milliseconds "$@")")
        recorded+=("$(milliseconds "$RECORD" -o "$trace" "${options[@]}" -- "$@")")
    done
    local plain_wall plain_cpu recorded_wall recorded_cpu ops
    plain_wall=$(printf '%s\n' "${plain[@]}" | cut -d' ' -f1 | median)
    plain_cpu=$(printf '%s\n' "${plain[@]}" | cut -d' ' -f2 | median)
    recorded_wall=$(printf '%s\n' "${recorded[@]}" | cut -d' ' -f1 | median)
    recorded_cpu=$(printf '%s\n' "${recorded[@]}" | cut -d' ' -f2 | median)
    ops=$(grep -v '^#' "$trace" | sed -n 3p)
    awk -v n="$name" -v pw="$plain_wall" -v pc="$plain_cpu" -v rw="$recorded_wall" -v rc="$recorded_cpu" -v o="$ops" 'BEGIN {
        printf "  %-7s wall: plain %6.3f s, recorded %6.3f s, %.2fx   cpu: plain %6.3f s, recorded %6.3f s, %.2fx   %d operations\n",
               n, pw / 1000, rw / 1000, rw / pw, pc / 1000, rc / 1000, rc / pc, o }'
}

echo "== recording overhead: medians of $RUNS runs each, plain and recorded in turn (target: at most 2x)"
if command -v gcc >/dev/null; then
    compare gcc --follow -- gcc -O2 -g -D_GNU_SOURCE -Iharness -Istages -Ifence -c harness/checked.c -o "$work/checked.o"
else
    echo "  SKIP gcc: not installed (apt-get install gcc)"
fi
if python=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -n "$python" ]; then
    # The interpreter itself, not a wrapper script that would exec it (pyenv's shims).
    compare python -- "$python" -c '
import json
rows = [{"id": i, "name": "row%d" % i, "tags": [str(i % 7), str(i % 11)]} for i in range(200000)]
rows.sort(key=lambda row: row["name"])
text = json.dumps(rows)
print(len(json.loads(text)))'
else
    echo "  SKIP python: python3 is not installed (apt-get install python3)"
fi
