# tests/jobs/record.sh: build/record, a real program's allocation calls as a trace (record/).
#
#   record/calls                tests/record/calls.c recorded: the operations between its two
#                               markers are exactly tests/record/calls.expect (ids renamed alike
#                               throughout), every allocation takes the smallest id not live, the
#                               header counts the ids used, the workers' concurrent calls are all
#                               there, the forked and exec'd children's are not, and the four
#                               failed calls are counted in the "# recorded:" line
#   record/calls/replay/STAGE   that trace replays cleanly with -c --no-time on libc and on every
#                               stage of stages/ (the instructor's kit: the reference stages)
#   record/follow               with --follow, the exec'd child's calls are in the trace too, the
#                               forked child's still not, and the trace replays on libc
#   record/status/...           the program's exit status is build/record's; a program killed by a
#                               signal still leaves its trace, and the status says the signal
#   record/cli/...              a bad command line: exit 2 and one clear message, nothing run
#   record/real/NAME            a real program (python3, sort, gcc -c with --follow) recorded and
#                               replayed with -c on libc (and dlist in the instructor's kit); SKIP,
#                               naming the package, when it is not installed

RECORD=$BUILD/record

# The absolute path of an existing file, for jobs that run their program in a folder of their own.
absolute_path() {
    printf '%s/%s\n' "$(cd "$(dirname "$1")" && pwd)" "$(basename "$1")"
}

# The stages a recorded trace replays on: the C library, and every stage of the instructor's
# kit (in a student's kit the stages are the student's work, maybe unwritten yet).
record_stages() {
    echo libc
    if [ -f student/make-kit.sh ]; then
        local source
        for source in stages/*.c; do
            [ -f "$source" ] && basename "$source" .c
        done
    fi
}

# record_replay NAME TRACE STAGE...: one test per stage, the trace replayed with -c --no-time.
record_replay() {
    local name=$1 trace=$2 stage output
    shift 2
    for stage in "$@"; do
        if output=$(limited 120 "$REPLAY" -s "$stage" -c --no-time "$trace" 2>&1); then
            pass "$name/$stage"
        else
            fail "$name/$stage" "the recorded trace does not replay cleanly" "$output"
        fi
    done
}

# record_run DIR NAME OPTIONS... -- PROGRAM...: build/record into DIR/NAME.rep, the program run
# in DIR; build/record's output in DIR/NAME.out, its exit status in $recorded_status.
record_run() {
    local dir=$1 name=$2 record
    shift 2
    record=$(absolute_path "$RECORD")
    (cd "$dir" && limited 120 "$record" -o "$name.rep" "$@" >"$name.out" 2>&1)
    recorded_status=$?
}

job_record_calls() {
    local name=record/calls dir=$WORK/record-calls trace page pages problems="" size count line stages
    mkdir -p "$dir"
    trace=$dir/calls.rep
    if [ ! -x "$BUILD/tests/record/calls" ]; then
        fail "$name" "$BUILD/tests/record/calls is not built (make test builds it)"
        return
    fi
    record_run "$dir" calls -- "$(absolute_path "$BUILD/tests/record/calls")"
    if [ "$recorded_status" -ne 0 ] || [ ! -f "$trace" ]; then
        fail "$name" "exit status $recorded_status, expected 0 and a trace" "$(cat "$dir/calls.out")"
        return
    fi
    page=$(getconf PAGESIZE)
    pages=$(((5000 + page - 1) / page * page))
    sed -e "s/PAGES_5000/$pages/" -e "s/PAGE/$page/" tests/record/calls.expect >"$dir/expected"
    problems=$(awk -f tests/record/check.awk "$dir/expected" "$trace")
    [ -n "$problems" ] && problems+=$'\n'
    for size in 6000 6001 6002; do
        count=$(grep -c "^a [0-9]* $size\$" "$trace")
        [ "$count" -eq 1000 ] || problems+="the worker that allocates $size bytes: $count mallocs in the trace, expected 1000"$'\n'
    done
    grep -qE '^[acA] [0-9]+ ([0-9]+ )?(77777|66666|55555)$' "$trace" &&
        problems+="a child's calls are in the trace (77777 forked, 66666 and 55555 exec'd): expected none"$'\n'
    for line in '^# name: calls$' '^# source: recorded on [0-9-]+ by build/record -- .*/calls$' \
        '^# tests: ' '^# recorded: [0-9]+ calls by 1 program; 4 failed calls \(NULL\) left out$'; do
        grep -qE "$line" "$trace" || problems+="no line matching /$line/"$'\n'
    done
    if [ -n "$problems" ]; then
        fail "$name" "the trace is not the calls made" "$problems"
    else
        pass "$name"
    fi
    mapfile -t stages < <(record_stages)
    record_replay record/calls/replay "$trace" "${stages[@]}"
}

job_record_follow() {
    local name=record/follow dir=$WORK/record-follow trace problems=""
    mkdir -p "$dir"
    trace=$dir/follow.rep
    record_run "$dir" follow --follow -- "$(absolute_path "$BUILD/tests/record/calls")"
    if [ "$recorded_status" -ne 0 ] || [ ! -f "$trace" ]; then
        fail "$name" "exit status $recorded_status, expected 0 and a trace" "$(cat "$dir/follow.out")"
        return
    fi
    grep -qE '^a [0-9]+ 66666$' "$trace" && grep -qE '^a [0-9]+ 55555$' "$trace" ||
        problems+="the exec'd child's malloc(66666) and malloc(55555) are not in the trace"$'\n'
    grep -qE '^a [0-9]+ 77777$' "$trace" && problems+="the forked child's malloc(77777) is in the trace"$'\n'
    grep -qE '^# recorded: [0-9]+ calls by 2 programs \(--follow\)' "$trace" ||
        problems+="the '# recorded:' line does not say 2 programs: $(grep '^# recorded:' "$trace")"$'\n'
    if [ -n "$problems" ]; then
        fail "$name" "--follow did not record the exec'd program alone" "$problems"
    elif ! problems=$(limited 120 "$REPLAY" -s libc -c --no-time "$trace" 2>&1); then
        fail "$name" "the trace does not replay cleanly on libc" "$problems"
    else
        pass "$name"
    fi
}

# record/status/exit-code and record/status/signal.
job_record_status() {
    local dir=$WORK/record-status
    mkdir -p "$dir"
    record_run "$dir" exit -- sh -c 'exit 3'
    if [ "$recorded_status" -ne 3 ] || [ ! -s "$dir/exit.rep" ]; then
        fail record/status/exit-code "exit status $recorded_status, expected the program's 3, and a trace" "$(cat "$dir/exit.out")"
    else
        pass record/status/exit-code
    fi
    record_run "$dir" killed -- sh -c 'kill -KILL $$'
    if [ "$recorded_status" -ne 137 ] || [ ! -s "$dir/killed.rep" ] ||
        ! grep -q 'ended by signal 9' "$dir/killed.out" || ! "$REPLAY" -s libc -c --no-time "$dir/killed.rep" >/dev/null 2>&1; then
        fail record/status/signal "exit status $recorded_status, expected 137 (128 + SIGKILL), a trace that replays, and a word on the signal" \
            "$(cat "$dir/killed.out")"
    else
        pass record/status/signal
    fi
}

# job_record_cli NAME EXPECTED ARGUMENTS...: exit 2, a message holding EXPECTED, nothing run.
job_record_cli() {
    local name=record/cli/$1 expected=$2 dir=$WORK/record-cli-$1 output status record
    shift 2
    mkdir -p "$dir"
    record=$(absolute_path "$RECORD")
    output=$(cd "$dir" && limited 30 "$record" "$@" 2>&1)
    status=$?
    if [ "$status" -ne 2 ]; then
        fail "$name" "exit status $status, expected 2" "$output"
    elif [[ $output != *"$expected"* ]]; then
        fail "$name" "the message lacks: $expected" "$output"
    elif [ -e "$dir/ran" ]; then
        fail "$name" "the program ran" "$output"
    elif [ -n "$(ls -A "$dir")" ]; then
        fail "$name" "files were left behind: $(ls -A "$dir")" "$output"
    else
        pass "$name"
    fi
}

# job_record_real NAME OPTIONS... -- COMMAND...: a real program recorded (run in a folder of its
# own) and replayed.
job_record_real() {
    local name=record/real/$1 dir=$WORK/record-real-$1 trace=$WORK/record-real-$1/$1.rep stages=(libc)
    mkdir -p "$dir"
    record_run "$dir" "$@"
    if [ "$recorded_status" -ne 0 ] || [ ! -s "$trace" ]; then
        fail "$name" "exit status $recorded_status, expected 0 and a trace" "$(cat "$dir/$1.out")"
        return
    fi
    pass "$name"
    [ -f student/make-kit.sh ] && stages+=(dlist)
    record_replay "$name/replay" "$trace" "${stages[@]}"
}

add_record_jobs() {
    if [ ! -x "$RECORD" ]; then
        skipped_lines+="SKIP record/*: $RECORD is not built (make builds it)"$'\n'
        return
    fi
    add record_calls
    add record_follow
    add record_status
    add record_cli unknown-option "unknown option '--frobnicate'" -o t.rep --frobnicate -- touch ran
    add record_cli no-output "no trace to write: give -o FILE.rep" -- touch ran
    add record_cli no-program "no program to record: give it after --" -o t.rep --
    add record_cli missing-program "no program 'heapkit-no-such-program' in PATH" -o t.rep -- heapkit-no-such-program
    add record_cli output-folder "-o . is a folder: give the trace's file name" -o . -- touch ran
    add record_cli output-unwritable "cannot write no-such-folder/t.rep: No such file or directory" \
        -o no-such-folder/t.rep -- touch ran
    add record_cli tests-too-long "--tests: one line of at most 900 characters" -o t.rep --tests "$(printf 'x%.0s' {1..901})" -- touch ran
    local python
    if python=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -x "$python" ]; then
        # The interpreter itself: python3 may be a wrapper script that execs it (pyenv's shims).
        add record_real python -- "$python" -c \
            'import json; rows = [{"n": i, "s": str(i)} for i in range(20000)]; print(len(json.dumps(sorted(rows, key=lambda r: r["s"]))))'
    else
        skipped_lines+="SKIP record/real/python: python3 is not installed (apt-get install python3)"$'\n'
    fi
    if command -v sort >/dev/null && command -v seq >/dev/null; then
        # A file, then sort of it: with --follow, as sh starts them.
        add record_real sort --follow -- sh -c 'seq 30000 >numbers && sort -r numbers >reversed && sort -n reversed >sorted'
    else
        skipped_lines+="SKIP record/real/sort: sort is not installed (apt-get install coreutils)"$'\n'
    fi
    if command -v gcc >/dev/null; then
        add record_real gcc --follow -- gcc -O2 -c "$PWD/tests/record/calls.c" -o /dev/null
    else
        skipped_lines+="SKIP record/real/gcc: gcc is not installed (apt-get install gcc)"$'\n'
    fi
}
