# tests/jobs/pages.sh: the heap pages of build/replay --html, in a real browser (sourced by
# tests/run.sh). Each page is opened by headless Chromium and stepped through with its own keys
# and slider (tests/pages/step_page.sh); a picture of each is kept in $BUILD/tests/pages/.
#
#   pages/sliding   a made-up window of 1000 operations, 2000 chunks a snapshot, that slides
#                   by a chunk at each (build/tests/unit/test_heap_page --write-page): the
#                   page is under 5 MB, opens within 2 s, and at operations on either side of
#                   its whole lists and between them draws exactly its snapshots' chunks and ids
#   pages/crowded   50 operations of 20,000 chunks of 16 bytes, most too narrow to draw apart:
#                   the runs of them drawn as one count them and their ids all the same
#   pages/moving    a window whose every chunk moves at every operation: the page keeps its
#                   last snapshots under 5 MB, opens at the failure within 2 s, draws them
#   pages/empty     the page of a trace with no operation opens without an error
#   pages/STAGE     build/replay -s STAGE --html on traces/tiny-basic.rep, for each reference
#                   stage: at three operations the page draws what build/replay --map LINE
#                   prints: "chunks: N (U used, F free, S the stage's)" and the ids, in order
#   pages/failure   the page of a stage that fails (tests/allocators/overlap.c) opens at the
#                   failed operation and says so
#
# Skipped, with one line: without chromium; the stages' pages while build/replay has no --html,
# and in the student kit (its stages may be skeletons).
# shellcheck shell=bash

PAGE_STAGES="minimal pad list dlist bins mmap hybrid"
PAGE_TRACE=traces/tiny-basic.rep
PAGE_MOST_BYTES=5000000
PAGE_MOST_MS=2000

# pages_step NAME PAGE OP...: step_page.sh on the page, a picture kept; its output in $steps, and 0,
# or having reported the failure.
pages_step() {
    local name=$1 page=$2 status
    shift 2
    steps=$(limited 300 bash tests/pages/step_page.sh -o "${page%.html}.png" "$page" "$@" 2>&1)
    status=$?
    if [ "$status" -ne 0 ]; then
        fail "$name" "$(printf '%s\n' "$steps" | grep -m 1 -E '^(error|problem|errors|console): ' ||
            echo "tests/pages/step_page.sh exit status $status")" "$steps"
        return 1
    fi
}

# pages_opened_in_time NAME PAGE OPS...: the page opened within PAGE_MOST_MS (once more if not: a
# machine busy with the other tests is not the page's fault).
pages_opened_in_time() {
    local name=$1 page=$2 ms
    shift 2
    ms=$(printf '%s\n' "$steps" | sed -n 's/^opened: .*, \([0-9]*\) ms$/\1/p')
    [ -n "$ms" ] && [ "$ms" -lt "$PAGE_MOST_MS" ] && return 0
    pages_step "$name" "$page" "$@" || return 1
    local again
    again=$(printf '%s\n' "$steps" | sed -n 's/^opened: .*, \([0-9]*\) ms$/\1/p')
    [ -n "$again" ] && [ "$again" -lt "$PAGE_MOST_MS" ] && return 0
    fail "$name" "the page took ${ms:-?} ms to open, then ${again:-?} ms (at most $PAGE_MOST_MS)" "$steps"
    return 1
}

# A made-up page: written by the unit test program, with what it must draw.
job_pages_synthetic() {
    local kind=$1 name=pages/$1 dir=$BUILD/tests/pages ops expected bytes
    case $kind in
    sliding) ops="0 1 63 64 65 500 999" ;; # a whole list every 64 snapshots: both sides of one
    crowded) ops="0 49 20" ;;
    moving) ops="250 299 280" ;;           # the last 55 are kept
    *) ops="" ;;
    esac
    mkdir -p "$dir"
    # shellcheck disable=SC2086 # the ops are words
    if ! expected=$(limited 120 "$BUILD/tests/unit/test_heap_page" --write-page "$kind" "$dir/$kind.html" $ops 2>&1); then
        fail "$name" "test_heap_page --write-page $kind failed" "$expected"
        return
    fi
    bytes=$(wc -c <"$dir/$kind.html")
    if [ "$bytes" -ge "$PAGE_MOST_BYTES" ]; then
        fail "$name" "the page is $bytes bytes, not under $PAGE_MOST_BYTES"
        return
    fi
    # shellcheck disable=SC2086
    pages_step "$name" "$dir/$kind.html" $ops || return
    # shellcheck disable=SC2086
    pages_opened_in_time "$name" "$dir/$kind.html" $ops || return
    local seen
    seen=$(printf '%s\n' "$steps" | grep '^op ')
    if [ "$seen" != "$expected" ]; then
        fail "$name" "the page draws other chunks than its snapshots hold" \
            "$(diff <(printf '%s\n' "$expected") <(printf '%s\n' "$seen") | cut -c 1-200)"
        return
    fi
    if [ "$kind" = moving ] && ! printf '%s\n' "$steps" | grep -q '^opened: op 299,'; then
        fail "$name" "the page did not open at its failure (op 299)" "$steps"
        return
    fi
    pass "$name"
}

# What build/replay --map LINE says of the heap: its "chunks:" words, and the ids of its used
# chunks in order ("ids:" and the ids, or "folded" when it folded a run of alike chunks).
pages_map_summary() {
    local stage=$1 line=$2 map
    map=$(limited 60 "$REPLAY" -s "$stage" --map "$line" "$PAGE_TRACE" 2>&1) || { printf 'error: %s\n' "$map"; return; }
    printf '%s\n' "$map" | sed -n 's/^ *\(chunks: [0-9]* (.*)\)$/\1/p'
    if printf '%s\n' "$map" | grep -q ' \.\.\. [0-9]* more '; then
        echo folded
    else
        printf 'ids:%s\n' "$(printf '%s\n' "$map" | sed -n 's/^ *[a-z]*+0x[0-9a-f]* *[0-9]*  used   id \([0-9]*\) .*/ \1/p' | tr -d '\n')"
    fi
}

# A reference stage's page against its maps.
job_pages_stage() {
    local stage=$1 name=pages/$1 dir=$BUILD/tests/pages output
    mkdir -p "$dir"
    rm -f "$dir/$stage.html"
    if ! output=$(limited 60 "$REPLAY" -s "$stage" --html "$dir/$stage.html" "$PAGE_TRACE" 2>&1) || [ ! -s "$dir/$stage.html" ]; then
        fail "$name" "build/replay -s $stage --html failed" "$output"
        return
    fi
    pages_step "$name" "$dir/$stage.html" 2 6 12 || return
    local line summary map problems=""
    while IFS= read -r line; do
        # op 2, line 12: chunks: 5 (3 used, 0 free, 2 the stage's); ids: 0 1 2
        local trace_line=${line#op *, line }
        trace_line=${trace_line%%:*}
        summary=${line#*: }
        map=$(pages_map_summary "$stage" "$trace_line")
        if [ "${summary%%;*}" != "$(printf '%s\n' "$map" | sed -n '1p')" ]; then
            problems+="line $trace_line: the page draws ${summary%%;*}; --map says $(printf '%s' "$map" | head -n 1)"$'\n'
        elif [ "$(printf '%s\n' "$map" | sed -n '2p')" != folded ] &&
            [ "ids:${summary#*; ids:}" != "$(printf '%s\n' "$map" | sed -n '2p')" ]; then
            problems+="line $trace_line: the page's ${summary#*; }; --map's $(printf '%s\n' "$map" | sed -n '2p')"$'\n'
        fi
    done < <(printf '%s\n' "$steps" | grep '^op ')
    if [ -n "$problems" ]; then
        fail "$name" "${problems%%$'\n'*}" "$problems$steps"
    else
        pass "$name"
    fi
}

# A stage that fails: the page opens at the failure, and shows its message.
job_pages_failure() {
    local name=pages/failure dir=$BUILD/tests/pages runner=$BUILD/tests/stages/overlap output page
    page=$dir/failure.html
    mkdir -p "$dir"
    rm -f "$page"
    output=$(limited 60 "$REPLAY" -s "$runner" --html "$page" "$PAGE_TRACE" 2>&1)
    if [ ! -s "$page" ]; then
        fail "$name" "build/replay -s $runner --html wrote no page" "$output"
        return
    fi
    # The line the replay names in its message is the one the page must open at.
    local failed_line
    failed_line=$(printf '%s\n' "$output" | sed -n "s|.*$PAGE_TRACE:\([0-9]*\): .*|\1|p" | head -n 1)
    pages_step "$name" "$page" 0 || return
    if ! grep -q 'the block overlaps' "$page"; then
        fail "$name" "the page does not hold the failure's message" "$output"
    elif [ -n "$failed_line" ] && ! printf '%s\n' "$steps" | grep -q "^opened: op [0-9]*, line $failed_line,"; then
        fail "$name" "the page did not open at the failure's line $failed_line" "$steps"
    else
        pass "$name"
    fi
}

add_pages_jobs() {
    if ! command -v "${CHROMIUM:-chromium}" >/dev/null; then
        skipped_lines+="SKIP pages/*: needs chromium: the heap pages were not opened in a browser (apt-get install chromium)"$'\n'
        return
    fi
    add pages_synthetic sliding
    add pages_synthetic crowded
    add pages_synthetic moving
    add pages_synthetic empty
    if [ ! -f student/make-kit.sh ]; then
        skipped_lines+="SKIP pages/STAGE: this is a student kit: its stages may be skeletons"$'\n'
        return
    fi
    if ! "$REPLAY" --help 2>&1 | grep -q -- '--html'; then
        skipped_lines+="SKIP pages/STAGE: $REPLAY has no --html (its usage names none): no stage's page was made"$'\n'
        return
    fi
    local stage
    for stage in $PAGE_STAGES; do
        add pages_stage "$stage"
    done
    add pages_failure
}
