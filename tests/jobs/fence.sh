# tests/jobs/fence.sh: the trust boundary (fence/fence.h), sourced by tests/run.sh.
#
#   fence/hostile/NAME/STAGE     each submission in tests/hostile/ as a stage program, replayed
#                                through the fence (checked only, or timed once too when it says
#                                "// hostile-timed: yes"): stopped with the message its "// hostile-expect:"
#                                lines give, and nothing outside happened: no file it tried to
#                                write ("hostile-no-file"), no forged line in the results
#                                ("hostile-no-output"), the runner alive and reporting, its
#                                output ("hostile-most-output") and memory ("hostile-most-memory")
#                                bounded; its correct stages ("hostile-passes", and every file
#                                with no "hostile-expect") pass
#   fence/constructor-forges     the constructor case linked as a plain runner: its forged line
#                                reaches build/replay there (what the fence prevents)
#   fence/plain/NAME/STAGE       each attack on the timed replay ("// hostile-timed:") linked as
#                                a plain runner, as the kit links a stage: stopped with the same
#                                message, by the runner's checkpoints alone
#   fence/reference/STAGE[/-c]   every reference stage on every bundled, classic and good trace,
#                                through the fence, with -c and timed: no false stop
#   fence/reference-fails        a reference timed in the stage's runs that hangs is dropped: the
#                                stage's result stays correct and not hung
#   fence/strace                 after the exec, a stage program makes only the calls the filter
#                                allows (needs strace)
# (Every test allocator's case through the fence is allocator-separate/ in tests/run.sh.)
#
# Skipped, each with its reason: without a fence (sanitizer and coverage builds cannot link a
# static program) and without the filter (libseccomp-dev).

FENCE_BUILD=$BUILD/fence

# Why the fence jobs cannot run here, or nothing when they can.
fence_unavailable() {
    if [ ! -x "$FENCE_BUILD/runner" ]; then
        echo "$FENCE_BUILD/runner is not built (sanitizer and coverage builds cannot link static stage programs; else: is libc6-dev there?)"
    elif ! "$FENCE_BUILD/runner" --filter-available; then
        echo "$FENCE_BUILD/runner has no system-call filter: apt-get install libseccomp-dev, then make"
    fi
}

job_fence_skipped() {
    skip fence "$1"
}

# hostile_lines FILE KEY: the values of the "// hostile-KEY: " lines of a hostile stage.
hostile_lines() {
    sed -n "s|^// hostile-$2: ||p" "$1"
}

# bytes SIZE: 64M, 256K or a number of bytes, as a number of bytes.
bytes() {
    case $1 in
    *K) echo $((${1%K} * 1024)) ;;
    *M) echo $((${1%M} * 1024 * 1024)) ;;
    *) echo "$1" ;;
    esac
}

# The most memory, in KiB, any one process of COMMAND... held (GNU time's %M); the command's
# output goes to $WORK/memory.out. Prints nothing when GNU time is missing.
peak_memory_kib() {
    if [ -x /usr/bin/time ] && /usr/bin/time -f %M true 2>/dev/null; then
        /usr/bin/time -o "$WORK/memory.$$" -f %M "$@" >"$WORK/memory.out.$$" 2>&1
        tail -n 1 "$WORK/memory.$$"
    fi
}

# One hostile stage: tests/hostile/NAME/STAGE.c.
job_fence_hostile() {
    local source=$1 case_name runner trace options status output file text problems=""
    case_name=${source#tests/hostile/}
    case_name=${case_name%.c}
    local name=fence/hostile/$case_name
    runner=$FENCE_BUILD/hostile/$case_name
    trace=$(hostile_lines "$source" trace | head -n 1)
    options=$(hostile_lines "$source" options | head -n 1)
    local seconds
    seconds=$(hostile_lines "$source" replay-seconds | head -n 1)
    [ -n "$seconds" ] && options+=" -t $seconds"
    [ -n "$trace" ] || trace=traces/tiny-basic.rep
    if [ ! -x "$runner" ]; then
        fail "$name" "$runner is not built (run make test)"
        return
    fi
    while IFS= read -r file; do rm -f "$file"; done < <(hostile_lines "$source" no-file)
    local separate=--separate

    local want_status=1 passes timing=--no-time
    passes=$(hostile_lines "$source" passes)
    [ -z "$(hostile_lines "$source" expect)$(hostile_lines "$source" expect-one-of)" ] && passes=yes
    [ -n "$passes" ] && want_status=0
    [ -n "$(hostile_lines "$source" timed)" ] && timing="-n 1" # an attack on the timed replay
    # shellcheck disable=SC2086 # the options are words
    # (The trace may be a pattern, such as traces/tiny-*.rep: left unquoted, the shell expands it.)
    # shellcheck disable=SC2086
    output=$(limited 120 "$REPLAY" $separate -s "$runner" $timing $options $trace 2>&1)
    status=$?

    if [ "$status" -ne "$want_status" ]; then
        problems+="exit status $status, expected $want_status"$'\n'
    fi
    while IFS= read -r text; do
        [ -z "$text" ] || [[ $output == *"$text"* ]] || problems+="the output lacks: $text"$'\n'
    done < <(hostile_lines "$source" expect)
    # "hostile-expect-one-of:" lines: what stops it may differ from machine to machine (one holds).
    if [ -n "$(hostile_lines "$source" expect-one-of)" ]; then
        local one_held=""
        while IFS= read -r text; do
            [ -n "$text" ] && [[ $output == *"$text"* ]] && one_held=yes
        done < <(hostile_lines "$source" expect-one-of)
        [ -n "$one_held" ] || problems+="the output holds none of its hostile-expect-one-of lines"$'\n'
    fi
    if [[ $output == *"ended before replaying it"* ]]; then
        problems+="the runner itself died"$'\n'
    fi
    while IFS= read -r file; do
        [ -z "$file" ] || [ ! -e "$file" ] || problems+="the stage wrote $file"$'\n'
        rm -f "$file"
    done < <(hostile_lines "$source" no-file)
    while IFS= read -r text; do
        [ -z "$text" ] || [[ $output != *"$text"* ]] || problems+="a forged text reached the output: $text"$'\n'
    done < <(hostile_lines "$source" no-output)
    local most
    most=$(hostile_lines "$source" most-output | head -n 1)
    if [ -n "$most" ] && [ "${#output}" -gt "$(bytes "$most")" ]; then
        problems+="${#output} bytes of output, more than $most"$'\n'
        output=$(printf '%s\n' "$output" | head -c 2000)
    fi
    most=$(hostile_lines "$source" most-memory | head -n 1)
    if [ -n "$most" ]; then
        local peak
        # shellcheck disable=SC2086 # the options are words
        peak=$(peak_memory_kib "$REPLAY" $separate -s "$runner" --no-time $options $trace)
        # The limit, and 32 MiB for the harness, the trace and the checker's tables.
        if [ -n "$peak" ] && [ "$peak" -gt $(($(bytes "$most") / 1024 + 32 * 1024)) ]; then
            problems+="a process held ${peak} KiB, more than the $most limit allows"$'\n'
        fi
    fi
    if [ -n "$passes" ]; then
        # Run directly too, results to a file descriptor of their own: every line is the runner's.
        local results=$WORK/sandbox-results.$$
        "$FENCE_BUILD/runner" --program "$runner" --results-fd 3 --no-time $trace 3>"$results" >"$results.stdout" 2>&1
        if [ "$(grep -c '^heapkit-result' "$results")" -ne 1 ] || grep -q FORGED "$results" "$results.stdout"; then
            problems+="run directly, it wrote results other than its one line: $(cat "$results" "$results.stdout")"$'\n'
        fi
        while IFS= read -r file; do
            [ -z "$file" ] || [ ! -e "$file" ] || problems+="run directly, the stage wrote $file"$'\n'
            rm -f "$file"
        done < <(hostile_lines "$source" no-file)
    fi
    if [ -n "$problems" ]; then
        fail "$name" "${problems%%$'\n'*}" "${problems#*$'\n'}$output"
    else
        pass "$name"
    fi
}

# What the constructor case does where nothing stops it: linked as a plain runner, its forged
# result line is the one build/replay reports. (Through the fence it is stopped: see above.)
job_fence_constructor_forges() {
    local name=fence/constructor-forges plain=$FENCE_BUILD/plain/constructor/list output
    output=$(limited 60 "$REPLAY" -s "$plain" --no-time traces/tiny-basic.rep 2>&1)
    rm -f /tmp/heapkit-hostile-constructor
    if [[ $output == *FORGED* ]]; then
        pass "$name"
    else
        fail "$name" "linked as a plain runner, the constructor's forged line did not reach build/replay: has the test lost its point?" "$output"
    fi
}

# A reference stage timed in the stage's runs (the grader's --reference-program) that hangs is
# dropped: the stage's result stays correct, not hung, with no reference ratio.
job_fence_reference_fails() {
    local name=fence/reference-fails output
    output=$(limited 60 "$FENCE_BUILD/runner" --program "$FENCE_BUILD/tests/stages/correct" \
        --libc-program "$FENCE_BUILD/libc" --reference-program "$FENCE_BUILD/tests/stages/hang" \
        --no-filter -n 2 -t 1 traces/tiny-edge.rep 2>&1 | tr '\t' '\n')
    if ! grep -qx 'correct=1' <<<"$output" || ! grep -qx 'hung=0' <<<"$output" ||
        ! grep -qx 'timed=1' <<<"$output" || ! grep -qx 'ref_ratio=0' <<<"$output"; then
        fail "$name" "a hanging reference changed the stage's result (expected correct=1 hung=0 timed=1 ref_ratio=0)" \
            "$(grep -E '^(correct|hung|timed|ratio|ref_ratio|error)=' <<<"$output")"
    else
        pass "$name"
    fi
}

# An attack on the timed replay, linked as a plain runner (no sandbox): the same message.
job_fence_plain_timed() {
    local source=$1 case_name runner trace output status text problems=""
    case_name=${source#tests/hostile/}
    case_name=${case_name%.c}
    local name=fence/plain/$case_name
    runner=$FENCE_BUILD/plain/$case_name
    trace=$(hostile_lines "$source" trace | head -n 1)
    [ -n "$trace" ] || trace=traces/tiny-basic.rep
    if [ ! -x "$runner" ]; then
        fail "$name" "$runner is not built (run make test)"
        return
    fi
    output=$(limited 120 "$REPLAY" -s "$runner" -n 1 "$trace" 2>&1)
    status=$?
    [ "$status" -eq 1 ] || problems+="exit status $status, expected 1"$'\n'
    while IFS= read -r text; do
        [ -z "$text" ] || [[ $output == *"$text"* ]] || problems+="the output lacks: $text"$'\n'
    done < <(hostile_lines "$source" expect)
    if [ -n "$problems" ]; then
        fail "$name" "${problems%%$'\n'*}" "${problems#*$'\n'}$output"
    else
        pass "$name"
    fi
}

# A reference stage on every trace, through the fence: checked with -c, or timed once.
job_fence_reference() {
    local stage=$1 mode=$2 name=fence/reference/$1 output status
    local traces=(traces/*.rep tests/traces/good/*.rep)
    [ -d "$CMU" ] && traces+=("$CMU"/*.rep)
    if [ "$mode" = checked ]; then
        name+=/-c
        output=$(limited 900 "$REPLAY" --separate -s "$stage" -t 120 -c --no-time "${traces[@]}" 2>&1)
    else
        output=$(limited 900 "$REPLAY" --separate -s "$stage" -t 120 -n 1 "${traces[@]}" 2>&1)
    fi
    status=$?
    if [ "$status" -ne 0 ]; then
        fail "$name" "exit status $status, expected 0: the fence stopped a correct stage" \
            "$(printf '%s\n' "$output" | grep -v '^ *|' | head -n 30)"
    else
        pass "$name"
    fi
}

# After the exec, a stage program makes only the calls the filter allows (and the fence's
# runner runs it: its own calls before the exec are the kit's).
job_fence_strace() {
    local name=fence/strace log=$WORK/fence-strace.$$ calls
    if ! command -v strace >/dev/null; then
        skip "$name" "strace is not installed (apt-get install strace)"
        return
    fi
    if ! limited 300 strace -f -qq -o "$log" "$REPLAY" --separate -s mmap -c -n 1 \
        traces/tiny-basic.rep traces/mmap-large.rep traces/realloc-many.rep >/dev/null 2>&1 ||
        ! limited 300 strace -f -qq -o "$log.bins" "$REPLAY" --separate -s bins -n 1 \
            traces/tiny-edge.rep traces/coalesce.rep >/dev/null 2>&1; then
        if grep -q 'PTRACE_TRACEME\|Operation not permitted' "$log" 2>/dev/null; then
            skip "$name" "strace cannot trace here"
        else
            fail "$name" "the traced replays failed" "$(tail -n 20 "$log" 2>/dev/null)"
        fi
        return
    fi
    # Per process: every call after its execveat(...) = 0, the exec of the stage program.
    calls=$(cat "$log" "$log.bins" | awk '
        $2 ~ /^execveat\(/ && / = 0$/ { started[$1] = 1; next }
        ($1 in started) && $2 ~ /^[a-z_0-9]+\(/ { call = $2; sub(/\(.*/, "", call); seen[call] = 1 }
        END { for (call in seen) print call }' | sort | tr '\n' ' ')
    local call unexpected=""
    for call in $calls; do
        case " write mmap mprotect munmap mremap madvise brk futex exit exit_group rt_sigreturn rt_sigprocmask rt_sigaction kill tgkill tkill getpid gettid clock_gettime gettimeofday time arch_prctl set_tid_address set_robust_list rseq prlimit64 readlink getrandom sigaltstack close " in
        *" $call "*) ;;
        *) unexpected+="$call " ;;
        esac
    done
    if [ -z "$calls" ]; then
        fail "$name" "no stage program was seen in the trace" "$(head -n 20 "$log")"
    elif [ -n "$unexpected" ]; then
        fail "$name" "stage programs made calls the filter does not allow: $unexpected" "calls seen: $calls"
    else
        pass "$name"
    fi
}

add_fence_jobs() {
    local why source stage
    why=$(fence_unavailable)
    if [ -n "$why" ]; then
        add fence_skipped "$why"
        return
    fi
    for source in tests/hostile/*/*.c; do
        # (Those that must fail to build are the grader's to test: tests/jobs/grader.sh.)
        [ -f "$source" ] && ! grep -q -e 'does not compile' -e 'does not link' "$source" && add fence_hostile "$source"
    done
    add fence_constructor_forges
    add fence_reference_fails
    for source in tests/hostile/*/*.c; do
        grep -q '^// hostile-timed: ' "$source" && grep -q '^// hostile-plain: ' "$source" &&
            add fence_plain_timed "$source"
    done
    for stage in $(basename -a -s .c stages/*.c); do
        add fence_reference "$stage" checked
        add fence_reference "$stage" timed
    done
    add fence_strace
}
