# tests/jobs/maps.sh: build/replay --map, the heap as text (harness/heap_map.c).
#
#   map/STAGE/TRACE-LINE   the map of each reference stage (its hm_walk) after chosen lines of
#                          the tiny traces, exactly as tests/maps/STAGE/TRACE-LINE.txt has it
#                          (after a change to a stage: bash tests/maps/update.sh, and read the diff)
#   map/drawn/...          the same of a stage without hm_walk (the harness draws the map)
#   map-fail/...           --map fail on a stage that breaks a rule: the heap after the failing line
#   map-walk/...           a stage whose hm_walk crashes, is not written or lies: the harness draws
#   map-refused/...        what --map refuses, with its message and exit status 2

# The cases: TRACE:LINE, lines of operations chosen to show growth, a hole, reuse, realloc and
# coalescing (tiny-basic) and the corner cases (tiny-edge).
MAP_CASES="tiny-basic:12 tiny-basic:14 tiny-basic:16 tiny-basic:19 tiny-basic:21 tiny-basic:27 tiny-basic:30 tiny-edge:16 tiny-edge:33"
MAP_STAGES="minimal pad list dlist bins mmap hybrid"

# job_map STAGE RUNNER TRACE LINE: the map, compared with its file.
job_map() {
    local stage=$1 runner=$2 trace=$3 line=$4 name expect output status
    name=map/$stage/$trace-$line
    expect=tests/maps/$stage/$trace-$line.txt
    output=$(limited 60 "$REPLAY" -s "$runner" --map "$line" "traces/$trace.rep" 2>&1)
    status=$?
    if [ "$status" -ne 0 ]; then
        fail "$name" "exit status $status, expected 0" "$output"
    elif [ ! -f "$expect" ]; then
        fail "$name" "no $expect: bash tests/maps/update.sh writes it" "$output"
    elif [ "$output" != "$(cat "$expect")" ]; then
        fail "$name" "the map differs from $expect" "$(diff <(printf '%s\n' "$output") "$expect" | head -n 30)"
    else
        pass "$name"
    fi
}

# job_map_fail ALLOCATOR TRACE LINE: --map fail draws the heap after the line that failed.
job_map_fail() {
    local allocator=$1 trace=$2 line=$3 name=map-fail/$1 output status
    output=$(limited 60 "$REPLAY" -s "$STAGES/$allocator" --map fail "$trace" 2>/dev/null)
    status=$?
    if [ "$status" -ne 1 ]; then
        fail "$name" "exit status $status, expected 1 (a check failed; the map was drawn)" "$output"
    elif [[ $(printf '%s\n' "$output" | head -n 1) != "$trace:$line: "*"heap after it" ]]; then
        fail "$name" "the map is not of line $line" "$output"
    elif ! grep -q '^  chunks: ' <<<"$output"; then
        fail "$name" "no chunk count in the map" "$output"
    else
        pass "$name"
    fi
}

# job_map_walk ALLOCATOR TEXT: a stage whose hm_walk fails still gets its map, drawn, and TEXT.
job_map_walk() {
    local allocator=$1 text=$2 name=map-walk/$1 output status
    output=$(limited 60 "$REPLAY" -s "$STAGES/$allocator" --map 19 traces/tiny-basic.rep 2>&1)
    status=$?
    if [ "$status" -ne 0 ]; then
        fail "$name" "exit status $status, expected 0" "$output"
    elif [[ $output != *"drawn by the harness: $text"* ]] || ! grep -q '^  chunks: 7 (3 used' <<<"$output"; then
        fail "$name" "no map drawn by the harness saying \"$text\"" "$output"
    else
        pass "$name"
    fi
}

# job_map_silent: a walk that reports nothing is believed, and the bytes it left out are named.
job_map_silent() {
    local name=map-walk/walk-silent output status
    output=$(limited 60 "$REPLAY" -s "$STAGES/walk-silent" --map 19 traces/tiny-basic.rep 2>&1)
    status=$?
    if [ "$status" -ne 0 ]; then
        fail "$name" "exit status $status, expected 0" "$output"
    elif [[ $output != *"the chunks as the stage's hm_walk reports them"* ||
            $output != *"(hm_walk left heap+0x0 to heap+0x"*" out (shown as the stage's))"* ]] ||
        ! grep -q '^  chunks: 1 (0 used, 0 free, 1 the stage' <<<"$output"; then
        fail "$name" "not the walk's map with the whole heap left out and named" "$output"
    else
        pass "$name"
    fi
}

# job_map_refused NAME MESSAGE ARGS...: exit status 2 and MESSAGE on stderr.
job_map_refused() {
    local name=map-refused/$1 message=$2 errors status
    shift 2
    errors=$(limited 60 "$REPLAY" "$@" 2>&1 >/dev/null)
    status=$?
    if [ "$status" -ne 2 ]; then
        fail "$name" "exit status $status, expected 2" "$errors"
    elif [[ $errors != *"$message"* ]]; then
        fail "$name" "the message lacks \"$message\"" "$errors"
    else
        pass "$name"
    fi
}

add_maps_jobs() {
    local stage case
    for stage in $MAP_STAGES; do
        for case in $MAP_CASES; do
            add map "$stage" "$stage" "${case%%:*}" "${case##*:}"
        done
    done
    for case in tiny-basic:19 tiny-edge:33; do
        add map drawn "$STAGES/correct" "${case%%:*}" "${case##*:}"
    done
    add map_walk walk-crashes "hm_walk crashed with SIGSEGV"
    add map_walk walk-todo "hm_walk is not written yet (hm_todo(\"walk-todo: hm_walk\"))"
    add map_walk walk-wrong "hm_walk reported 64 bytes at 0x"
    add map_silent
    add map_fail overlap traces/tiny-basic.rep 11
    add map_fail calloc-dirty tests/traces/good/calloc-dirty.rep 9
    add map_refused comment-line "no operation on this line" -s dlist --map 13 traces/tiny-basic.rep
    add map_refused beyond-end "no operation on this line" -s dlist --map 99 traces/tiny-basic.rep
    add map_refused not-a-line "give a trace line number" -s dlist --map x traces/tiny-basic.rep
    add map_refused nothing-failed "every check passed" -s dlist --map fail traces/tiny-basic.rep
    add map_refused all-stages "the heap of one stage" --map 12 traces/tiny-basic.rep
    add map_refused libc "the heap of one stage" -s libc --map 12 traces/tiny-basic.rep
    add map_refused two-traces "exactly one" -s dlist --map 12 traces/tiny-basic.rep traces/tiny-edge.rep
}
