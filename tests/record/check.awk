# check.awk: a trace recorded from tests/record/calls.c, against tests/record/calls.expect.
#
#   awk -f tests/record/check.awk EXPECTED TRACE
#
# EXPECTED has PAGE and PAGES_5000 replaced already. Prints the problems found (the first ten)
# and exits 1, or prints nothing and exits 0. Checks:
#   1. the operations from the line "a ID 90001" to the free after "a ID 90002" are those of
#      EXPECTED, but for a renaming of ids that is the same throughout and one to one;
#   2. over the whole trace, every allocation (a, c, A) takes the smallest id not live, and the
#      header's id count is one more than the largest id used (ids stay compact).
function problem(text) {
    if (++problems <= 10) print text
    else if (problems == 11) print "(and more)"
    failed = 1
}
FNR == NR {
    if ($0 !~ /^[ \t]*(#|$)/)
        expected[++expected_count] = $0
    next
}
/^[ \t]*(#|$)/ { next }
{
    content++
    if (content <= 4) { header[content] = $1; next }
    # rule 2
    kind = $1; id = $2 + 0
    if (id > largest) largest = id
    if (kind == "a" || kind == "c" || kind == "A") {
        smallest = 0
        while (smallest in live) smallest++
        if (id != smallest)
            problem("line " FNR ": '" $0 "' takes id " id " where the smallest id not live is " smallest)
        live[id] = 1
    } else if (kind == "f" || (kind == "r" && $3 == 0)) {
        delete live[id]
    }
    # rule 1
    if (!inside && kind == "a" && $3 == 90001) inside = 1
    if (inside) {
        seen_count++
        if (seen_count > expected_count) {
            problem("line " FNR ": '" $0 "' is past the " expected_count " expected operations")
            inside = 0
            next
        }
        split(expected[seen_count], want, " ")
        same = want[1] == $1 && NF == split(expected[seen_count], want, " ")
        for (i = 3; i <= NF; i++) same = same && want[i] == $i
        if (same && (want[2] in to_seen) && to_seen[want[2]] != $2) same = 0
        if (same && ($2 in to_expected) && to_expected[$2] != want[2]) same = 0
        if (!same) {
            problem("line " FNR ": '" $0 "' where operation " seen_count " of the expected is '" expected[seen_count] "' (ids renamed alike throughout)")
            inside = 0
            next
        }
        to_seen[want[2]] = $2; to_expected[$2] = want[2]
        if (kind == "a" && $3 == 90002) end_id = $2
        if (kind == "f" && end_id != "" && $2 == end_id) { inside = 0; finished = 1 }
    }
}
END {
    if (!finished && !failed) problem("the operations from 'a ID 90001' to the free of 'a ID 90002' are not all there (" seen_count " of " expected_count ")")
    if (header[2] != largest + 1) problem("the header declares " header[2] " ids, the trace uses 0 to " largest)
    exit failed
}
