# tests/jobs/checker.sh: the checker entry of the grader (grader/grade_checker.c), by the
# checkers it must tell apart. Each grades one submitted dlist.c (the small test allocator of
# tests/allocators/base.h, with the checker under test) against the reference dlist's checker,
# on calloc-mix, with a rubric of build, correctness and checker points:
#
#   checker/returns-zero      hm_check always 0: no checker points, the misses named
#   checker/free-lists-only   checks the free lists, not the heap: a share in between
#   checker/moment            says "broken" at the moment a probe would come, whatever
#                                    the heap: caught by the control, no points
#   checker/false-alarm       fails a healthy heap in the -c replay: no points
# (The reference's full checker points are grader/reference's.)

# checker_submission DIR CHECK-BODY: DIR/submission/dlist.c, the base allocator whose hm_check
# is CHECK-BODY (C statements); calls are counted in base_calls, for checkers that watch them.
checker_submission() {
    mkdir -p "$1/submission"
    {
        cat tests/allocators/base.h
        cat <<EOF
static unsigned long base_calls;
void *hm_malloc(size_t size) { base_calls++; return base_malloc(size); }
void hm_free(void *ptr) { base_calls++; base_free(ptr); }
void *hm_realloc(void *ptr, size_t size) { base_calls++; return base_realloc(ptr, size); }
void *hm_calloc(size_t nmemb, size_t size) { base_calls++; return base_calloc(nmemb, size); }
int hm_check(void)
{
$2
}
EOF
    } | sed 's/(size_t)sysconf(_SC_PAGESIZE)/hm_page_bytes()/' >"$1/submission/dlist.c"
    cat >"$1/rubric.ini" <<EOF
[grader]
public_traces = traces/calloc-mix.rep
hidden =
checker_traces = calloc-mix
runner_seconds = 120
[dlist]
build = 1
correctness = 10
checker = 2
EOF
}

# checker_score REPORT: "1.2 / 2" of the report's checker line.
checker_score() {
    sed -nE 's/^  checker +([0-9.]+ \/ [0-9.]+) .*$/\1/p' "$1" | head -n 1
}

# job_checker NAME CHECK-BODY WANTED TEXT...: WANTED is "none", "some" (more than none, less
# than all) or "all"; each TEXT must be in the report.
job_checker() {
    local name=checker/$1 body=$2 wanted=$3 dir=$WORK/checker-$1 out score missing=""
    shift 3
    checker_submission "$dir" "$body"
    out=$dir/report.txt
    grader_run "$name" "$out" --rubric "$dir/rubric.ini" "$dir/submission" || return
    score=$(checker_score "$out")
    local got=${score%% *} most=${score##* } verdict
    verdict=$(awk -v got="$got" -v most="$most" 'BEGIN { print (got == 0 ? "none" : got == most ? "all" : "some") }')
    for text in "$@"; do
        grep -qF -- "$text" "$out" || missing+="    missing: $text"$'\n'
    done
    if [ -z "$score" ]; then
        fail "$name" "the report has no checker line" "$(cat "$out")"
    elif [ "$verdict" != "$wanted" ]; then
        fail "$name" "the checker scored $score: expected $wanted of the points" "$(cat "$out")"
    elif [ -n "$missing" ]; then
        fail "$name" "the report lacks an expected text" "$missing$(cat "$out")"
    elif ! grep -qE '^  correctness: .* 10 / 10 ' "$out"; then
        fail "$name" "the allocator lost its correctness points: the checker alone is under test" "$(cat "$out")"
    else
        pass "$name"
    fi
}

add_checker_jobs() {
    if [ ! -x "${GRADER:-}" ] || [ -n "$SANITIZED" ] || [ -n "$COVERED" ]; then
        return # no grader here (a student kit), or grader.sh says why not
    fi
    make -s --no-print-directory BUILD="$BUILD" grader >/dev/null 2>&1 || return # grader.sh says why
    add checker returns-zero 'return 0;' none \
        "hm_check saw 0 of the" "missed: calloc-mix at op 1000" "hm_check returned 0" \
        "reproduce: build/replay -s dlist --probe-checker traces/calloc-mix.rep"
    add checker free-lists-only 'return base_check_free_lists();' some \
        "corruptions that the reference's hm_check sees" "missed: calloc-mix at op"
    # The moment a probe would come: the first call to hm_check, late in the trace (in the -c
    # replay the first call comes after the first operation).
    add checker moment 'static int calls; return ++calls == 1 && base_calls > 100;' none \
        "the control (the heap as the harness found it, correct, nothing changed): hm_check said it was broken"
    add checker false-alarm 'return base_heap_start != NULL && base_free_lists[5] != NULL;' none \
        "hm_check said the heap was broken in the -c replay of calloc-mix, whose every result the harness found correct"
}
