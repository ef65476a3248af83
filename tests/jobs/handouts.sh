# tests/jobs/handouts.sh: the HTML handouts, laid out in a real browser (sourced by tests/run.sh).
#
#   handouts/PAGE   $BUILD/handouts/PAGE.html, as make handouts builds it from handouts/PAGE.md
#                   (figures from a real run), laid out by headless Chromium in windows 1280 and
#                   480 px wide (tests/pages/check_pages.sh): no code block wraps a line (a chunk
#                   picture torn apart) or is wider than its room, no table widens the page
#   handouts        (a failure only) make handouts itself failed
#
# One job builds the handouts and checks every page: make handouts replays the whole suite once
# (a minute or two), and only this job writes $BUILD/handouts. What it runs was built before any
# job starts (make test builds it; add_handouts_jobs makes sure), so no other job's program is
# rebuilt under it. Skipped, with one line each: without chromium, pandoc or python3; in a
# sanitizer or coverage build; in the student kit.
# shellcheck shell=bash

HANDOUT_WIDTHS="1280 480"

job_handouts() {
    local output status source page name pages=()
    # The programs were made before any job started: out of date now, a source changed since,
    # and making them again would replace them under the other jobs.
    if ! make -q --no-print-directory BUILD="$BUILD" all "$BUILD/gen/freelist" >/dev/null 2>&1; then
        fail handouts "a source changed while the tests ran: $BUILD's programs are out of date (run the tests again)"
        return
    fi
    # The limits: the suite's replay, timed, on a machine busy with the other tests; then one
    # browser run per width, which check_pages.sh bounds (BROWSER_SECONDS, 120 s) as well.
    if ! output=$(limited 1200 make -s --no-print-directory BUILD="$BUILD" handouts 2>&1); then
        fail handouts "make BUILD=$BUILD handouts failed" "$output"
        return
    fi
    for source in handouts/*.md; do
        [ -f "$source" ] && pages+=("$BUILD/handouts/$(basename "$source" .md).html")
    done
    output=$(limited 300 bash tests/pages/check_pages.sh -w "$HANDOUT_WIDTHS" "${pages[@]}" 2>&1)
    status=$?
    if [ "$status" -ne 0 ] && [ "$status" -ne 1 ] && [ "$status" -ne 2 ]; then
        fail handouts "tests/pages/check_pages.sh was stopped after 300 s, or crashed (status $status)" "$output"
        return
    fi
    local line problems failures unchecked measured widths
    read -r -a widths <<<"$HANDOUT_WIDTHS"
    for page in "${pages[@]}"; do
        name=handouts/$(basename "$page" .html)
        # This page's lines, without its name (the test's name says it); those that only say
        # what was measured are counted: one for each width, or the page was not checked.
        problems="" failures=0 unchecked="" measured=0
        while IFS= read -r line; do
            case $line in
            "$page at "*" px: checked "*) measured=$((measured + 1)) ;;
            "$page at "*" px: "code\ block* | "$page at "*" px: "table* | "$page at "*" px: page:"*)
                problems+="at ${line#"$page at "}"$'\n'
                failures=$((failures + 1))
                ;;
            "$page at "*) unchecked+=" at ${line#"$page at "}"$'\n' ;;
            "$page: "*) unchecked+=": ${line#"$page: "}"$'\n' ;;
            *) ;; # another page's line, or the summary
            esac
        done <<<"$output"
        if [ -n "$unchecked" ]; then
            fail "$name" "the page could not be checked${unchecked%%$'\n'*}" "$(printf '%s' "$unchecked" | sed 's/^[ :]*//')"
        elif [ "$measured" -ne ${#widths[@]} ]; then
            fail "$name" "tests/pages/check_pages.sh measured it at $measured of ${#widths[@]} widths (exit status $status)" "$output"
        elif [ "$failures" -gt 0 ]; then
            fail "$name" "$failures problems; the first: ${problems%%$'\n'*}" "${problems%$'\n'}"
        else
            pass "$name"
        fi
    done
}

add_handouts_jobs() {
    local tool missing=()
    if [ ! -f student/make-kit.sh ]; then
        # The student kit: its skeleton stages stop the replay that fills in the figures.
        skipped_lines+="SKIP handouts/*: this is a student kit: its skeleton stages cannot fill in the handouts' figures"$'\n'
        return
    fi
    if [ -n "$SANITIZED$COVERED" ]; then
        skipped_lines+="SKIP handouts/*: $BUILD is a sanitizer or coverage build: its figures would be the instrumented stages' (a plain build checks the handouts)"$'\n'
        return
    fi
    for tool in pandoc python3 chromium; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        skipped_lines+="SKIP handouts/*: needs ${missing[*]}: the handouts were not built and laid out in a browser (apt-get install ${missing[*]})"$'\n'
        return
    fi
    # shellcheck disable=SC2154 # count: tests/run.sh's number of jobs added so far
    local before=$count
    add handouts
    [ "$count" -gt "$before" ] || return 0 # not chosen
    # Built now, before any job starts: make handouts in the job then rebuilds no program that
    # other jobs run, and makes no scaling workload while another job makes it too.
    # (The replay remakes the workloads when one is missing or older than their generator.)
    make -s --no-print-directory BUILD="$BUILD" all "$BUILD/gen/freelist" >/dev/null 2>&1
    local workload stale=yes
    for workload in "$BUILD"/scaling/freelist-*.rep; do
        [ "$workload" -nt "$BUILD/gen/freelist" ] || { stale=yes; break; }
        stale=
    done
    if [ -n "$stale" ]; then
        mkdir -p "$BUILD/scaling" && "$BUILD/gen/freelist" "$BUILD/scaling" >/dev/null 2>&1
    fi
}
