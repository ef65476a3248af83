# tests/jobs/pregrade.sh: make grade STAGE=NAME, the student's pre-grade (grader/grade --pre-grade,
# built as BUILD/grader/pregrade with the C library alone).
#
#   pregrade/same-points     make grade STAGE=dlist gives, kind by kind, the points grader/grade
#                            gives with the rubric's hidden traces left out, and says what the real
#                            grading adds
#   pregrade/libraries       the pre-grade links neither libcjson nor libinih, and writes no
#                            results.json (a pre-grade is not a grade)
#   pregrade/rubric-syntax   its own INI reader (grader/ini_lite.c) reads a rubric as libinih
#                            does: the same file accepted, the same line refused
#   pregrade/no-stage        make grade without STAGE says how to call it, exit 2

# The kind lines of a report: "KIND SCORE / MAX", one per line.
pregrade_kinds() {
    sed -nE 's/^  ([a-z]+)(: [0-9]+ of [0-9]+ traces passed)? +([0-9.]+ \/ [0-9.]+) .*$/\1 \3/p' "$1"
}

job_pregrade_same_points() {
    local name=pregrade/same-points dir=$WORK/pregrade-same
    mkdir -p "$dir"
    sed 's/^hidden .*$/hidden =/' grader/rubric.ini >"$dir/public.ini"
    limited 600 make -s --no-print-directory BUILD="$BUILD" grade STAGE=dlist >"$dir/pre.txt" 2>&1 ||
        { fail "$name" "make grade STAGE=dlist failed" "$(cat "$dir/pre.txt")"; return; }
    grader_run "$name" "$dir/real.txt" --no-sandbox --rubric "$dir/public.ini" --stages dlist stages || return
    if ! grep -q '^heapkit PRE-GRADE of stages' "$dir/pre.txt" ||
        ! grep -q 'The real grading adds the hidden traces (random --ops 20000' "$dir/pre.txt"; then
        fail "$name" "the report does not say it is a pre-grade, and what the real grading adds" "$(cat "$dir/pre.txt")"
    elif [ "$(pregrade_kinds "$dir/pre.txt")" != "$(pregrade_kinds "$dir/real.txt")" ] ||
        [ -z "$(pregrade_kinds "$dir/pre.txt")" ]; then
        fail "$name" "the pre-grade's points differ from the grader's" \
            "$(diff <(pregrade_kinds "$dir/pre.txt") <(pregrade_kinds "$dir/real.txt"))"$'\n'"$(cat "$dir/pre.txt")"
    else
        pass "$name"
    fi
}

job_pregrade_libraries() {
    local name=pregrade/libraries program=$BUILD/grader/pregrade output
    if [ ! -x "$program" ]; then
        fail "$name" "$program is not built (make grade builds it)"
    elif output=$(ldd "$program" 2>&1) && printf '%s\n' "$output" | grep -qE 'cjson|inih'; then
        fail "$name" "the pre-grade links a library a student kit may not have" "$output"
    elif output=$("$program" --pre-grade --build "$BUILD" --results "$WORK/pregrade.json" stages 2>&1); then
        fail "$name" "--pre-grade --results was accepted" "$output"
    elif [[ $output != *"--pre-grade writes no results.json"* ]]; then
        fail "$name" "--pre-grade --results is refused without saying why" "$output"
    else
        pass "$name"
    fi
}

# The rubric's syntax, read by libinih (grader/grade) and by ini_lite.c (the pre-grade): a rubric
# with comments, continued values and both separators is read alike, and a broken one is refused
# at the same line.
job_pregrade_rubric_syntax() {
    local name=pregrade/rubric-syntax dir=$WORK/pregrade-syntax good bad
    mkdir -p "$dir/empty"
    cat >"$dir/good.ini" <<'EOF'
; a comment
# another
[grader]
public_traces = traces/tiny-*.rep   ; an inline comment
hidden = random --ops 100;
  coalesce
checker_traces: tiny-basic
[dlist]
build = 1
correctness=10
EOF
    { head -n 8 "$dir/good.ini"; echo "this line is no key"; tail -n 2 "$dir/good.ini"; } >"$dir/bad.ini"
    for rubric in good bad; do
        "$GRADER" --no-sandbox --rubric "$dir/$rubric.ini" --stages nosuch "$dir/empty" >/dev/null 2>"$dir/$rubric.grade"
        "$BUILD/grader/pregrade" --pre-grade --rubric "$dir/$rubric.ini" --stages nosuch "$dir/empty" >/dev/null \
            2>"$dir/$rubric.pregrade"
    done
    good=$(cat "$dir/good.grade")
    bad=$(cat "$dir/bad.grade")
    if [[ $good != *"has no stage 'nosuch'"* ]] || ! cmp -s "$dir/good.grade" "$dir/good.pregrade"; then
        fail "$name" "a good rubric is not read alike" "$good"$'\n'"$(cat "$dir/good.pregrade")"
    elif [[ $bad != *"bad.ini:9: not INI syntax"* ]] || ! cmp -s "$dir/bad.grade" "$dir/bad.pregrade"; then
        fail "$name" "a broken rubric is not refused alike, at its line" "$bad"$'\n'"$(cat "$dir/bad.pregrade")"
    else
        pass "$name"
    fi
}

job_pregrade_no_stage() {
    local name=pregrade/no-stage output status
    output=$(make -s --no-print-directory BUILD="$BUILD" grade 2>&1)
    status=$?
    if [ "$status" -ne 2 ] || [[ $output != *"make grade needs a stage: make grade STAGE=NAME"* ]]; then
        fail "$name" "exit status $status, expected 2 with how to call it" "$output"
    else
        pass "$name"
    fi
}

add_pregrade_jobs() {
    if [ ! -x "${GRADER:-}" ] || [ -n "$SANITIZED" ] || [ -n "$COVERED" ]; then
        return # grader.sh says why not (a student kit has tests of its own)
    fi
    make -s --no-print-directory BUILD="$BUILD" grader "$BUILD/grader/pregrade" >/dev/null 2>&1 || return
    add pregrade_same_points
    add pregrade_libraries
    add pregrade_rubric_syntax
    add pregrade_no_stage
}
