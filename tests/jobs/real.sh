# tests/jobs/real.sh: the real programs' traces (traces/real/, recorded by build/record).
#
#   replay/STAGE/real/NAME   each replays with every check and hm_check after each operation,
#                            on the C library and (in the instructor's kit, where they are the
#                            references) every reference stage
#   real/described           each one is in traces/README.md's table, with its operations

# job_real_described: every traces/real/*.rep has its row in traces/README.md, ops as in its header.
job_real_described() {
    local trace name ops grouped missing=""
    for trace in traces/real/*.rep; do
        [ -f "$trace" ] || continue
        name=$(basename "$trace")
        ops=$(grep -v '^#' "$trace" | sed -n 3p)
        grouped=$(sed -E ':a; s/([0-9])([0-9]{3})($|,)/\1,\2\3/; ta' <<<"$ops") # 31,081, as the table writes it
        if ! grep -qF "| [$name](real/$name) | $grouped |" traces/README.md; then
            missing+="    $name ($ops operations)"$'\n'
        fi
    done
    if [ -n "$missing" ]; then
        fail real/described "traces/README.md lacks these rows (or their operation counts differ)" "$missing"
    else
        pass real/described
    fi
}

add_real_jobs() {
    local stages=(libc) stage trace
    [ -f student/make-kit.sh ] && stages+=(minimal pad list dlist bins mmap hybrid)
    for stage in "${stages[@]}"; do
        for trace in traces/real/*.rep; do
            [ -f "$trace" ] && add replay "$stage" "$trace" "real/$(basename "$trace" .rep)"
        done
    done
    add real_described
}
