# tests/jobs/baselines.sh: the production allocators measured beside the stages
# (build/stages/jemalloc, mimalloc, tcmalloc: harness/baselines.h).
#
#   baseline/NAME/checked   every bundled trace, synthetic and real, replays with every check
#                           (SKIP, naming the package, when the library is missing)
#   baseline/NAME/timed     a timed replay finishes and is measured against the C library
#   baseline/missing        a library that is missing: -s all goes on without it and names
#                           the package; -s NAME is an error with the same words

BASELINE_PACKAGES="jemalloc:libjemalloc2 mimalloc:libmimalloc2.0 tcmalloc:libtcmalloc-minimal4"

# baseline_present NAME TEST: 0 when the baseline's library loads; else TEST is a SKIP that says
# why (the package to install), and 1.
baseline_present() {
    local why
    why=$("$BUILD/stages/$1" --available 2>&1) && return 0
    skip "$2" "$why"
    return 1
}

job_baseline_checked() {
    local name=$1 output
    baseline_present "$name" "baseline/$name/checked" || return 0
    output=$(limited 600 "$REPLAY" -s "$name" --no-time -c -t 120 traces/*.rep traces/real/*.rep 2>&1)
    passes_if_zero "baseline/$name/checked" $? "$output"
}

job_baseline_timed() {
    local name=$1 output
    baseline_present "$name" "baseline/$name/timed" || return 0
    output=$(limited 300 "$REPLAY" -s "pad,$name" -n 1 traces/binary-small.rep traces/realloc-many.rep 2>&1)
    if [ $? -ne 0 ]; then
        fail "baseline/$name/timed" "exit status not 0" "$output"
    elif ! grep -Eq "^$name +2/2 +0\.[0-9]*[1-9][0-9]* +[0-9]+ +[0-9.]+x +- *$" <<<"$output" ||
        ! grep -q '^-- measured against' <<<"$output"; then
        fail "baseline/$name/timed" "no row of figures for $name among the baselines (utilization above 0, Kops/s, vs libc, no system calls)" "$output"
    else
        pass "baseline/$name/timed"
    fi
}

job_baseline_missing() {
    local output status expected="mimalloc skipped: /nonexistent/libmimalloc.so.2 is missing: apt-get install libmimalloc2.0"
    output=$(HEAPKIT_MIMALLOC_LIBRARY=/nonexistent/libmimalloc.so.2 limited 120 "$REPLAY" -s all --no-time traces/tiny-basic.rep 2>&1)
    status=$?
    if [ $status -ne 0 ] || ! grep -qF "$expected" <<<"$output" || grep -q '^mimalloc ' <<<"$output"; then
        fail baseline/missing "-s all: expected exit 0, the line \"$expected\" and no mimalloc row (status $status)" "$output"
        return
    fi
    output=$(HEAPKIT_MIMALLOC_LIBRARY=/nonexistent/libmimalloc.so.2 limited 120 "$REPLAY" -s mimalloc --no-time traces/tiny-basic.rep 2>&1)
    status=$?
    if [ $status -ne 2 ] || ! grep -qF -- "-s mimalloc: /nonexistent/libmimalloc.so.2 is missing: apt-get install libmimalloc2.0" <<<"$output"; then
        fail baseline/missing "-s mimalloc: expected exit 2 and the package named (status $status)" "$output"
    else
        pass baseline/missing
    fi
}

add_baselines_jobs() {
    local pair
    for pair in $BASELINE_PACKAGES; do
        add baseline_checked "${pair%%:*}"
        add baseline_timed "${pair%%:*}"
    done
    add baseline_missing
}
