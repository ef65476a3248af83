# tests/jobs/shrink.sh: a failing trace is shrunk (harness/shrink.c, harness/shrink_failure.c).
#
#   shrink/ALLOCATOR         each test allocator that breaks one rule, on its first test trace:
#                            the replay names a shrunk trace in build/shrunk/; that trace is well
#                            formed (the C library replays it cleanly with -c) and fails against
#                            the allocator with the same kind of message (numbers aside)
#   shrink/most-within-6     most of them (two in three) shrink to at most 6 operations
#
# A hang is not shrunk (each try would take its time limit), nor a failure before the first
# operation, nor a rule of the timed replays; their allocators are left out.

# The kind of the first failure in replay output, as the runner judges it: how the stage ended
# (after ": the stage "), or the summary of a failed check (after its call's "): "), numbers as #.
shrink_kind() {
    local line
    line=$(grep -m 1 -E '^[^ ].*\.rep(:[0-9]+)?: ')
    case $line in
    *": the stage "*) line=${line#*: the stage } ;;
    *"): "*) line=${line#*): } ;;
    esac
    sed -E 's/[0-9][0-9a-fx]*/#/g' <<<"$line"
}

job_shrink_all() {
    local source stage case trace options output shrunk count within=0 total=0 again
    local us=$'\x1f'
    for source in tests/allocators/*.c; do
        grep -q '^// test-expect: ' "$source" || continue
        stage=$(basename "$source" .c)
        case=$(allocator_cases "$source" | head -n 1)
        trace=${case%%"$us"*}
        options=${case#*"$us"}
        options=${options%%"$us"*}
        # Hangs, and stages that fail before any operation, are not shrunk; --separate is the fence's.
        [[ " $options " == *" -t "* || " $options " == *" --separate "* ]] && continue
        # shellcheck disable=SC2086 # the options are words
        # (A rule of the timed replays, where a checked replay passes, has nothing to shrink.)
        output=$(limited 120 "$REPLAY" -s "$STAGES/$stage" --no-time $options "$trace" 2>&1) && continue
        [[ $output == *"not shrunk: it failed before the trace's first operation"* ]] && continue
        shrunk=$(sed -nE 's/^    shrunk to ([0-9]+) operations? \(.*\): (.*)$/\1 \2/p' <<<"$output" | head -n 1)
        if [ -z "$shrunk" ]; then
            fail "shrink/$stage" "no \"shrunk to N operations\" line" "$output"
            continue
        fi
        count=${shrunk%% *}
        shrunk=${shrunk#* }
        total=$((total + 1))
        [ "$count" -le 6 ] && within=$((within + 1))
        if ! again=$(limited 60 "$REPLAY" -s libc -c --no-time "$shrunk" 2>&1); then
            fail "shrink/$stage" "the shrunk trace $shrunk does not replay cleanly on the C library" "$again"
            continue
        fi
        # shellcheck disable=SC2086
        again=$(limited 60 "$REPLAY" -s "$STAGES/$stage" --no-time --no-shrink $options "$shrunk" 2>&1)
        if [ "$(shrink_kind <<<"$again")" != "$(shrink_kind <<<"$output")" ]; then
            fail "shrink/$stage" "the shrunk trace fails another way" \
                "original: $(shrink_kind <<<"$output")"$'\n'"shrunk:   $(shrink_kind <<<"$again")"
            continue
        fi
        pass "shrink/$stage"
    done
    if [ "$total" -eq 0 ]; then
        fail shrink/most-within-6 "no allocator was shrunk"
    elif [ $((within * 3)) -ge $((total * 2)) ]; then
        pass "shrink/most-within-6"
    else
        fail shrink/most-within-6 "only $within of $total shrunk to 6 operations or fewer"
    fi
}

add_shrink_jobs() {
    add shrink_all
}
