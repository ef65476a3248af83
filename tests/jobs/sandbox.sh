# tests/jobs/sandbox.sh: the grader's run-time sandbox (grader/sandbox.h), sourced by tests/run.sh.
#
#   unit/test_sandbox            grader/tests/test_sandbox.c: what is allowed, what is refused,
#                                the limits, the names, dropping root
#   sandbox/hostile/NAME/STAGE   each submission in tests/hostile/ linked as a graded runner and
#                                replayed (checked only, or timed once too when it says
#                                "// hostile-timed: yes"): stopped with the message its "// hostile-expect:"
#                                lines give, and nothing outside happened: no file it tried to
#                                write ("hostile-no-file"), no forged line in the results
#                                ("hostile-no-output"), the runner alive and reporting, its
#                                output ("hostile-most-output") and memory ("hostile-most-memory")
#                                bounded; its correct stages ("hostile-passes", and every file
#                                with no "hostile-expect") pass
#   sandbox/constructor-forges   the constructor case linked as a plain runner: its forged line
#                                reaches build/replay there (what the graded runner prevents)
#   sandbox/plain/NAME/STAGE     each attack on the timed replay ("// hostile-timed:") linked as
#                                a plain runner, as the kit links a stage: stopped with the same
#                                message, by the runner's checkpoints alone
#   sandbox/allocator/NAME       every test allocator's case, sandboxed: the same message as
#                                without the sandbox (a crash, a hang, a failed assert, exit...)
#   sandbox/reference/STAGE[/-c] every reference stage on every bundled, classic and good trace,
#                                sandboxed, with -c and timed: no false stop
#   sandbox/strace               the system calls a sandboxed replay makes once its filter is
#                                loaded are only those the filter allows (needs strace)
#
# Skipped, each with its reason: in a student kit (no grader/), without libseccomp-dev (nothing
# was built), and in sanitizer and coverage builds, whose run-times make system calls at exit
# (sigaltstack, munmap, open) that the sandbox refuses.

SANDBOX_BUILD=$BUILD/grader

# Why the sandbox jobs cannot run here, or nothing when they can.
sandbox_unavailable() {
    if [ ! -f grader/sandbox.c ]; then
        echo "this is a student kit: it has no grader"
    elif [ ! -f "$SANDBOX_BUILD/sandboxed_main.o" ]; then
        echo "$SANDBOX_BUILD/sandboxed_main.o is not built: is libseccomp-dev installed? (apt-get install libseccomp-dev)"
    elif [ -n "$SANITIZED" ]; then
        echo "$BUILD is built with sanitizers, whose run-time makes system calls at exit (sigaltstack, munmap) that the sandbox refuses; the plain builds test it"
    elif grep -qa __gcov_dump "$SANDBOX_BUILD/sandboxed_main.o" "$BUILD/libharness.a" 2>/dev/null; then
        echo "$BUILD is a coverage build, whose replay children write their counters to files, which the sandbox refuses"
    fi
}

job_sandbox_skipped() {
    skip sandbox "$1"
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
job_sandbox_hostile() {
    local source=$1 case_name runner trace options status output file text problems=""
    case_name=${source#tests/hostile/}
    case_name=${case_name%.c}
    local name=sandbox/hostile/$case_name
    runner=$SANDBOX_BUILD/hostile/$case_name
    trace=$(hostile_lines "$source" trace | head -n 1)
    options=$(hostile_lines "$source" options | head -n 1)
    [ -n "$trace" ] || trace=traces/tiny-basic.rep
    if [ ! -x "$runner" ]; then
        fail "$name" "$runner is not built (run make test)"
        return
    fi
    while IFS= read -r file; do rm -f "$file"; done < <(hostile_lines "$source" no-file)

    local want_status=1 passes timing=--no-time
    passes=$(hostile_lines "$source" passes)
    [ -z "$(hostile_lines "$source" expect)" ] && passes=yes
    [ -n "$passes" ] && want_status=0
    [ -n "$(hostile_lines "$source" timed)" ] && timing="-n 1" # an attack on the timed replay
    # shellcheck disable=SC2086 # the options are words
    output=$(limited 120 "$REPLAY" -s "$runner" $timing $options "$trace" 2>&1)
    status=$?

    if [ "$status" -ne "$want_status" ]; then
        problems+="exit status $status, expected $want_status"$'\n'
    fi
    while IFS= read -r text; do
        [ -z "$text" ] || [[ $output == *"$text"* ]] || problems+="the output lacks: $text"$'\n'
    done < <(hostile_lines "$source" expect)
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
        peak=$(peak_memory_kib "$REPLAY" -s "$runner" --no-time $options "$trace")
        # The limit, and 32 MiB for the harness, the trace and the checker's tables.
        if [ -n "$peak" ] && [ "$peak" -gt $(($(bytes "$most") / 1024 + 32 * 1024)) ]; then
            problems+="a process held ${peak} KiB, more than the $most limit allows"$'\n'
        fi
    fi
    if [ -n "$passes" ]; then
        # Run directly too, results to a file descriptor of their own: every line is the runner's.
        local results=$WORK/sandbox-results.$$
        "$runner" --results-fd 3 --no-time "$trace" 3>"$results" >"$results.stdout" 2>&1
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
# result line is the one build/replay reports. (The graded runner never runs it: see above.)
job_sandbox_constructor_forges() {
    local name=sandbox/constructor-forges plain=$SANDBOX_BUILD/plain/constructor/list output
    output=$(limited 60 "$REPLAY" -s "$plain" --no-time traces/tiny-basic.rep 2>&1)
    rm -f /tmp/heapkit-hostile-constructor
    if [[ $output == *FORGED* ]]; then
        pass "$name"
    else
        fail "$name" "linked as a plain runner, the constructor's forged line did not reach build/replay: has the test lost its point?" "$output"
    fi
}

# An attack on the timed replay, linked as a plain runner (no sandbox): the same message.
job_sandbox_plain_timed() {
    local source=$1 case_name runner trace output status text problems=""
    case_name=${source#tests/hostile/}
    case_name=${case_name%.c}
    local name=sandbox/plain/$case_name
    runner=$SANDBOX_BUILD/plain/$case_name
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

# A test allocator's case, sandboxed: exit 1 and every expected text (as job_allocator).
job_sandbox_allocator() {
    local source=$1 index=$2 stage output status case expect missing=""
    stage=$(basename "$source" .c)
    case=$(allocator_cases "$source" | sed -n "${index}p")
    IFS=$'\x1f' read -r -a fields <<<"$case"
    local trace=${fields[0]} options=${fields[1]} name=sandbox/allocator/$stage
    [ "$(allocator_cases "$source" | wc -l)" -gt 1 ] && name+=/$(basename "$trace" .rep)
    # shellcheck disable=SC2086,SC2046 # the options are words
    output=$(limited 120 "$REPLAY" -s "$SANDBOX_BUILD/tests/stages/$stage" $(timing_option "$options") $options "$trace" 2>&1)
    status=$?
    for expect in "${fields[@]:2}"; do
        [[ $output == *"$expect"* ]] || missing+="    missing: $expect"$'\n'
    done
    if [ "$status" -ne 1 ]; then
        fail "$name" "exit status $status, expected 1" "$missing$output"
    elif [ -n "$missing" ]; then
        fail "$name" "sandboxed, the message is not the one it gets without the sandbox" "$missing$output"
    else
        pass "$name"
    fi
}

# A reference stage on every trace, sandboxed: checked with -c, or timed once.
job_sandbox_reference() {
    local stage=$1 mode=$2 name=sandbox/reference/$1 output status
    local traces=(traces/*.rep tests/traces/good/*.rep)
    [ -d "$CMU" ] && traces+=("$CMU"/*.rep)
    if [ "$mode" = checked ]; then
        name+=/-c
        output=$(limited 600 "$REPLAY" -s "$SANDBOX_BUILD/stages/$stage" -c --no-time "${traces[@]}" 2>&1)
    else
        output=$(limited 600 "$REPLAY" -s "$SANDBOX_BUILD/stages/$stage" -n 1 "${traces[@]}" 2>&1)
    fi
    status=$?
    if [ "$status" -ne 0 ]; then
        fail "$name" "exit status $status, expected 0: the sandbox stopped a correct stage" \
            "$(printf '%s\n' "$output" | grep -v '^ *|' | head -n 30)"
    else
        pass "$name"
    fi
}

# Once the filter is loaded, a replay makes only the calls the filter allows.
job_sandbox_strace() {
    local name=sandbox/strace log=$WORK/sandbox-strace.$$ calls
    if ! command -v strace >/dev/null; then
        skip "$name" "strace is not installed"
        return
    fi
    if ! limited 300 strace -f -qq -o "$log" "$SANDBOX_BUILD/stages/mmap" -c -n 1 \
        traces/tiny-basic.rep traces/mmap-large.rep traces/realloc-many.rep >/dev/null 2>&1 ||
        ! limited 300 strace -f -qq -o "$log.bins" "$SANDBOX_BUILD/stages/bins" -n 1 \
            traces/tiny-edge.rep traces/coalesce.rep >/dev/null 2>&1; then
        if grep -q 'PTRACE_TRACEME\|Operation not permitted' "$log" 2>/dev/null; then
            skip "$name" "strace cannot trace here"
        else
            fail "$name" "the traced replays failed" "$(tail -n 20 "$log" 2>/dev/null)"
        fi
        return
    fi
    # Per process: every call after its seccomp(SECCOMP_SET_MODE_FILTER, ...) = 0.
    calls=$(cat "$log" "$log.bins" | awk '
        /seccomp\(SECCOMP_SET_MODE_FILTER, [A-Z_|0]+, \{/ && / = 0$/ { loaded[$1] = 1; next }
        ($1 in loaded) && $2 ~ /^[a-z_0-9]+\(/ { call = $2; sub(/\(.*/, "", call); seen[call] = 1 }
        END { for (call in seen) print call }' | sort | tr '\n' ' ')
    local call unexpected=""
    for call in $calls; do
        case " write mprotect madvise futex exit exit_group rt_sigreturn rt_sigprocmask rt_sigaction kill tgkill tkill getpid gettid clock_gettime gettimeofday time " in
        *" $call "*) ;;
        *) unexpected+="$call " ;;
        esac
    done
    if [ -z "$calls" ]; then
        fail "$name" "no sandboxed replay was seen in the trace" "$(head -n 20 "$log")"
    elif [ -n "$unexpected" ]; then
        fail "$name" "sandboxed replays made calls the filter does not allow: $unexpected" "calls seen: $calls"
    else
        pass "$name"
    fi
}

add_sandbox_jobs() {
    local why source cases i stage
    why=$(sandbox_unavailable)
    if [ -n "$why" ]; then
        add sandbox_skipped "$why"
        return
    fi
    for program in "$SANDBOX_BUILD"/tests/unit/*; do
        [ -f "$program" ] && [ -x "$program" ] && add unit "$program"
    done
    for source in tests/hostile/*/*.c; do
        [ -f "$source" ] && add sandbox_hostile "$source"
    done
    add sandbox_constructor_forges
    for source in tests/hostile/*/*.c; do
        grep -q '^// hostile-timed: ' "$source" && add sandbox_plain_timed "$source"
    done
    for source in tests/allocators/*.c; do
        grep -q '^// test-expect: ' "$source" || continue
        cases=$(allocator_cases "$source" | wc -l)
        for ((i = 1; i <= cases; i++)); do add sandbox_allocator "$source" "$i"; done
    done
    for stage in $(basename -a -s .c stages/*.c); do
        add sandbox_reference "$stage" checked
        add sandbox_reference "$stage" timed
    done
    add sandbox_strace
}
