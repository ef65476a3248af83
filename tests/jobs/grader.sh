# tests/jobs/grader.sh: the autograder's tests (sourced by tests/run.sh; see grader/README.md).
#
#   grader/reference          the reference stages as a submission: full marks; results.json
#                             parses and tags each test [STAGE, KIND]; --csv appends one row
#   grader/order              the same, stages in another order: the same scores
#   grader/skeletons          the student kit's skeletons score what the rubric gives for nothing
#   grader/static/NAME        a stage that does not compile, calls malloc, has a constructor,
#                             makes a system call itself, defines a global: build fails, named
#   grader/defect/NAME        tests/allocators/NAME.c as a stage: loses its correctness points
#                             with the message that check gives, and a local reproduce command
#   grader/json-escape        bytes a stage prints end up escaped in results.json
#   grader/report-escapes     bytes from student code (a stage's or the compiler's output, the
#                             folder's name) show escaped in the text report, \xNN
#   grader/grade-all          a folder of submissions: class.csv and summary; a second run resumes
#   grader/gradescope         make autograder, run in an emulated /autograder layout
#
# Each grading of a test uses a small rubric of its own (in $WORK) when it can, to stay fast.

GRADER=grader/grade

# grader_score FILE: the total score of a text report ("total ... S / M": prints "S / M").
grader_score() {
    sed -nE 's/^total +([0-9.]+ \/ [0-9.]+)$/\1/p' "$1"
}

# grader_run NAME OUTPUT ARGS...: run the grader; fail NAME and return 1 when it did not run.
grader_run() {
    local name=$1 out=$2 status
    shift 2
    limited 600 "$GRADER" "$@" >"$out" 2>"$out.err"
    status=$?
    if [ "$status" -ne 0 ]; then
        fail "$name" "grader/grade exited with status $status, expected 0" "$(cat "$out.err" "$out")"
        return 1
    fi
}

# A rubric of one stage with build and correctness points only (and throughput points, so
# that the stage is timed, when THROUGHPUT is given), on the given traces.
# grader_small_rubric FILE STAGE TRACE-GLOB [MEMORY-LIMIT] [REPLAY-SECONDS] [THROUGHPUT]
grader_small_rubric() {
    cat >"$1" <<EOF
[grader]
public_traces = $3
hidden_traces = grader/hidden/no-such-*.rep
memory_limit = ${4:-1G}
replay_seconds = ${5:-10}
runner_seconds = 60
[$2]
build = 1
correctness = 10
throughput = ${6:-0}
EOF
}

job_grader_reference() {
    local name=grader/reference dir=$WORK/grader-reference out score
    mkdir -p "$dir/submission"
    cp stages/{minimal,pad,list,dlist,bins,mmap}.c "$dir/submission/"
    out=$dir/report.txt
    grader_run "$name" "$out" --results "$dir/results.json" --csv "$dir/class.csv" "$dir/submission" || return
    score=$(grader_score "$out")
    if [ "$score" != "100 / 100" ]; then
        fail "$name" "the reference scored $score, expected 100 / 100" "$(grep -B2 -A6 LOST "$out")"
        return
    elif [ "$(wc -l <"$dir/class.csv")" -ne 2 ] || ! grep -q '^submission,100,100,10,10,20,24,24,12$' "$dir/class.csv"; then
        fail "$name" "--csv did not write a header and one row of full marks" "$(cat "$dir/class.csv")"
        return
    fi
    if ! command -v python3 >/dev/null; then
        skip "$name/json" "python3 is not installed"
    elif ! output=$(python3 - "$dir/results.json" <<'EOF' 2>&1
import json, sys
r = json.load(open(sys.argv[1]))
kinds = {"build", "correctness", "utilization", "throughput", "complexity"}
assert abs(r["score"] - 100) < 0.01, r["score"]
assert isinstance(r["execution_time"], (int, float))
assert len(r["tests"]) > 6
for t in r["tests"]:
    for key in ("name", "score", "max_score", "status", "output", "tags", "visibility"):
        assert key in t, (key, t)
    assert len(t["tags"]) == 2 and t["tags"][1] in kinds, t["tags"]
    assert t["status"] in ("passed", "failed") and t["visibility"] in ("visible", "after_published")
    if "hidden" in t["name"]:
        assert t["visibility"] == "after_published", t
assert {t["tags"][0] for t in r["tests"]} == {"minimal", "pad", "list", "dlist", "bins", "mmap"}
assert kinds == {t["tags"][1] for t in r["tests"]}
EOF
    ); then
        fail "$name" "results.json is not what Gradescope reads" "$output"
        return
    fi
    pass "$name"
}

# The order of the stages and the load of the machine (other tests run at the same time)
# change nothing: the reference still gets full marks, stage by stage.
job_grader_order() {
    local name=grader/order dir=$WORK/grader-order out
    mkdir -p "$dir/submission"
    cp stages/{pad,list,mmap}.c "$dir/submission/"
    out=$dir/report.txt
    grader_run "$name" "$out" --stages mmap,list,pad --csv "$dir/class.csv" "$dir/submission" || return
    if ! grep -q '^submission,42,42,12,20,10$' "$dir/class.csv"; then
        fail "$name" "not full marks in the order mmap, list, pad" "$(cat "$dir/class.csv"; grep -A6 LOST "$out")"
    else
        pass "$name"
    fi
}

job_grader_skeletons() {
    local name=grader/skeletons dir=$WORK/grader-skeletons out want stage
    mkdir -p "$dir/submission"
    for stage in dlist bins; do
        awk -v stage="$stage" -f student/skeleton.awk "stages/$stage.c" >"$dir/submission/$stage.c"
    done
    out=$dir/report.txt
    grader_run "$name" "$out" --stages dlist,bins "$dir/submission" || return
    # What the rubric gives for nothing: the build points of the two stages.
    want=$(awk -F= '/^\[/ { s = $0 } s ~ /^\[(dlist|bins)\]/ && $1 ~ /^build / { t += $2 } END { print t }' grader/rubric.ini)
    if [ "$(grader_score "$out" | cut -d' ' -f1)" != "$want" ]; then
        fail "$name" "the skeletons scored $(grader_score "$out"), expected $want (their build points)" "$(cat "$out")"
    elif ! grep -q 'not implemented yet: dlist: ' "$out"; then
        fail "$name" "the report does not say the skeleton is not implemented yet" "$(cat "$out")"
    else
        pass "$name"
    fi
}

# grader_static NAME TEXT: the stage file $WORK/grader-static-NAME/submission/dlist.c (written
# by the caller) fails its build with TEXT in the report, and the grader finishes.
job_grader_static() {
    local kind=$1 expect=$2 name=grader/static/$1 dir=$WORK/grader-static-$1 out
    mkdir -p "$dir/submission"
    case $kind in
    not-compiling) printf '#include "heapmgr.h"\nvoid *hm_malloc(size_t n) { return n +; }\n' ;;
    malloc) cat stages/dlist.c; printf 'void *grab(size_t n);\nvoid *grab(size_t n) { return malloc(n); }\n' ;;
    constructor) cat stages/dlist.c; printf '__attribute__((constructor)) static void early(void) { fputs("early", stderr); }\n' ;;
    syscall) cat stages/dlist.c; printf '__attribute__((used)) static int sneak(void) { long r; __asm__ volatile("syscall" : "=a"(r) : "a"(39L) : "rcx", "r11", "memory"); return (int)r; }\n' ;;
    global) cat stages/dlist.c; printf 'int result_write;\n' ;;
    preinit) cat stages/dlist.c; printf 'static void early(void) { fputs("early", stderr); }\n__attribute__((section(".preinit_array"), used)) static void (*early_entry)(void) = early;\n' ;;
    ifunc) sed 's/^void \*hm_malloc(size_t size)$/static void *real_malloc(size_t size)/' stages/dlist.c
           printf 'static void *(*resolve_malloc(void))(size_t) { return real_malloc; }\nvoid *hm_malloc(size_t size) __attribute__((ifunc("resolve_malloc")));\n' ;;
    include) printf '#include "/etc/passwd"\n' ;;
    esac >"$dir/submission/dlist.c"
    grader_small_rubric "$dir/rubric.ini" dlist traces/tiny-basic.rep
    out=$dir/report.txt
    grader_run "$name" "$out" --rubric "$dir/rubric.ini" "$dir/submission" || return
    if [ "$(grader_score "$out")" != "0 / 11" ]; then
        fail "$name" "scored $(grader_score "$out"), expected 0 / 11" "$(cat "$out")"
    elif ! grep -qF -- "$expect" "$out"; then
        fail "$name" "the report lacks: $expect" "$(cat "$out")"
    else
        pass "$name"
    fi
}

# A submission is one file per stage: a hostile stage with tests/hostile/hostile.h,
# raw_syscall.h and replay_kind.h written in place of their #include lines.
hostile_as_one_file() {
    awk '/^#include "(hostile|raw_syscall|replay_kind)\.h"$/ {
             header = "tests/hostile/" substr($2, 2, length($2) - 2)
             while ((getline line < header) > 0) print line
             close(header)
             next
         }
         { print }' "$1"
}

# A hostile submission (tests/hostile/NAME/, with the reference minimal.c put beside it): grading
# finishes; the hostile stage loses its points with the cause named; minimal.c keeps all of its points.
# An attack on the timed replay ("// hostile-timed: yes") is graded with a throughput point, so
# that its stages are timed; any speed at all earns it (this tests the attack, not speed).
job_grader_hostile() {
    local hostile=$1 name=grader/hostile/$(basename "$1") dir=$WORK/grader-hostile-$(basename "$1") out
    local folder=$dir/submission stage stages=() source
    mkdir -p "$folder"
    cp stages/minimal.c "$folder/"
    for source in "$hostile"/*.c; do hostile_as_one_file "$source" >"$folder/$(basename "$source")"; done
    for source in "$folder"/*.c; do stages+=("$(basename "$source" .c)"); done
    # The trace a hostile stage declares it needs (its hog may need more than tiny-basic).
    local trace
    trace=$(sed -n 's|^// hostile-trace: ||p' "$folder"/*.c | grep -v tiny-basic | head -n 1)
    local throughput=0 full="11 / 11"
    if grep -q '^// hostile-timed: ' "$folder"/*.c; then
        throughput=1 full="12 / 12"
    fi
    {
        printf '[grader]\npublic_traces = %s\nhidden_traces = grader/hidden/no-such-*.rep\n' "${trace:-traces/tiny-basic.rep}"
        printf 'memory_limit = 64M\nreplay_seconds = 2\nrunner_seconds = 60\n'
        printf 'throughput_low = 0.000001\nthroughput_high = 0.000002\n'
        for stage in "${stages[@]}"; do
            printf '[%s]\nbuild = 1\ncorrectness = 10\nthroughput = %s\n' "$stage" "$throughput"
        done
    } >"$dir/rubric.ini"
    out=$dir/report.txt
    grader_run "$name" "$out" --rubric "$dir/rubric.ini" "$folder" || return
    local named='may not call|system call|was stopped|crashed|did not finish|ended the process|printed more|runs outside the replay|the timed replay'
    for stage in "${stages[@]}"; do
        local score
        score=$(awk -v s="$stage" '$1 == "stage" && $2 == s { print $(NF-2), $(NF-1), $NF }' "$out")
        if [ "$stage" = minimal ] && [ "$score" != "$full" ]; then
            fail "$name" "the correct minimal.c beside the hostile stage scored $score, expected $full" "$(cat "$out")"
            return
        elif [ "$stage" != minimal ] && [ "$score" = "$full" ]; then
            fail "$name" "hostile stage $stage kept all its points" "$(cat "$out")"
            return
        fi
    done
    if ! grep -qE "$named" "$out"; then
        fail "$name" "the report does not name what stopped the hostile stage" "$(cat "$out")"
    else
        pass "$name"
    fi
}

# grader/grade --coverage: an HTML report of the submitted stage's lines that the traces ran.
job_grader_coverage() {
    local name=grader/coverage dir=$WORK/grader-coverage output
    if ! command -v gcovr >/dev/null; then
        skip "$name" "gcovr is not installed (apt-get install gcovr)"
        return
    fi
    mkdir -p "$dir/submission"
    cp stages/minimal.c "$dir/submission/"
    if ! output=$(limited 300 grader/grade --coverage --out "$dir/report" "$dir/submission" 2>&1); then
        fail "$name" "grader/grade --coverage failed" "$output"
    elif ! grep -q 'minimal.c' "$dir/report/index.html" 2>/dev/null; then
        fail "$name" "no report of minimal.c in $dir/report/index.html" "$output"
    elif ! printf '%s\n' "$output" | grep -qE '^lines: [0-9.]+% '; then
        fail "$name" "no line coverage figure" "$output"
    else
        pass "$name"
    fi
}

# A test allocator that breaks one rule, as a submitted stage: it loses the correctness points
# of its trace with the message build/replay gives, and the command that reproduces it.
job_grader_defect() {
    local source=$1 allocator name dir out trace options limit=1G seconds=10 expect missing=""
    allocator=$(basename "$source" .c)
    name=grader/defect/$allocator
    dir=$WORK/grader-defect-$allocator
    case=$(allocator_cases "$source" | sed -n 1p)
    IFS=$'\x1f' read -r -a fields <<<"$case"
    trace=${fields[0]}
    options=${fields[1]}
    if [[ $options == *-c* ]]; then
        skip "$name" "its check needs -c (the heap checker), which grading does not run"
        return
    fi
    [[ $options =~ --limit\ ([^ ]+) ]] && limit=${BASH_REMATCH[1]}
    [[ $options =~ -t\ ([^ ]+) ]] && seconds=${BASH_REMATCH[1]}
    mkdir -p "$dir/submission"
    # (A stage asks the harness for the page size: sysconf is not among what it may call.)
    { cat tests/allocators/base.h; grep -v '^#include "base.h"' "$source"; } |
        sed 's/(size_t)sysconf(_SC_PAGESIZE)/hm_page_bytes()/' >"$dir/submission/dlist.c"
    local refused=""
    case $allocator in
    exit) refused=exit ;;            # its defect, calling exit, is what the static check refuses
    pages-taken) refused=mprotect ;; # and so is the real mprotect that opens its pages
    esac
    if [ -n "$refused" ]; then
        grader_small_rubric "$dir/rubric.ini" dlist "$trace"
        grader_run "$name" "$dir/report.txt" --rubric "$dir/rubric.ini" "$dir/submission" || return
        if [ "$(grader_score "$dir/report.txt")" = "0 / 11" ] && grep -q "stage dlist calls $refused, which a stage may not call" "$dir/report.txt"; then
            pass "$name"
        else
            fail "$name" "calling $refused is not refused by the static check" "$(cat "$dir/report.txt")"
        fi
        return
    fi
    # A defect of the timed replay (its case gives -n RUNS) shows only when the stage is timed.
    local throughput=0 score_wanted="1 / 11"
    [[ " $options " == *" -n "* ]] && throughput=1 score_wanted="1 / 12"
    grader_small_rubric "$dir/rubric.ini" dlist "$trace" "$limit" "$seconds" "$throughput"
    out=$dir/report.txt
    grader_run "$name" "$out" --rubric "$dir/rubric.ini" "$dir/submission" || return
    local limit_bytes
    limit_bytes=$(numfmt --from=iec "$limit" 2>/dev/null || echo "$limit")
    for expect in "${fields[@]:2}"; do
        [[ $expect == *reproduce:* || $expect == */tests/stages/* ]] && continue
        expect=${expect//memory limit of 4294967296 bytes/memory limit of $limit_bytes bytes}
        grep -qF -- "$expect" "$out" || missing+="    missing: $expect"$'\n'
    done
    grep -qF -- "reproduce: build/replay -s dlist --limit $limit -t $seconds $trace" "$out" ||
        missing+="    missing: reproduce: build/replay -s dlist --limit $limit -t $seconds $trace"$'\n'
    if [ "$(grader_score "$out")" != "$score_wanted" ]; then
        fail "$name" "scored $(grader_score "$out"), expected $score_wanted (the build point only)" "$(cat "$out")"
    elif [ -n "$missing" ]; then
        fail "$name" "the report lacks an expected text" "$missing$(cat "$out")"
    else
        pass "$name"
    fi
}

# Whatever bytes a stage prints, results.json stays valid JSON.
job_grader_json_escape() {
    local name=grader/json-escape dir=$WORK/grader-json out output
    if ! command -v python3 >/dev/null; then
        skip "$name" "python3 is not installed"
        return
    fi
    mkdir -p "$dir/submission"
    {
        cat tests/allocators/base.h
        printf '%s\n' 'void *hm_malloc(size_t size) { fprintf(stderr, "\"}\\\\\x01\xff\xfe\t{\n"); return (char *)base_malloc(size) + 8; }' \
            'void hm_free(void *ptr) { base_free(ptr); }' \
            'void *hm_realloc(void *ptr, size_t size) { return base_realloc(ptr, size); }' \
            'void *hm_calloc(size_t nmemb, size_t size) { return base_calloc(nmemb, size); }' \
            'int hm_check(void) { return 0; }'
    } >"$dir/submission/dlist.c"
    grader_small_rubric "$dir/rubric.ini" dlist traces/tiny-basic.rep
    out=$dir/report.txt
    grader_run "$name" "$out" --rubric "$dir/rubric.ini" --results "$dir/results.json" "$dir/submission" || return
    if ! output=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1], encoding="utf-8", errors="strict")); assert r["score"] == 1, r["score"]' "$dir/results.json" 2>&1); then
        fail "$name" "results.json does not parse as UTF-8 JSON" "$output$(head -c 2000 "$dir/results.json")"
    else
        pass "$name"
    fi
}

# Bytes from student code reach the text report escaped: a folder named with an escape sequence,
# a stage that prints terminal control sequences, a forged "total" line, a carriage return,
# invalid UTF-8, a C1 control and a bidirectional override, and whose #warning puts an escape
# sequence into the compiler's output. Each shows as \xNN (grade_report.c, put_escaped), UTF-8
# that acts on nothing is kept, the report holds no control character but newline and tab, its
# only "total" line is the grader's, and results.json still parses.
job_grader_report_escapes() {
    local name=grader/report-escapes dir=$WORK/grader-escapes out output
    local folder=$dir/$'sub\033[2Jmission'
    if ! command -v python3 >/dev/null; then
        skip "$name" "python3 is not installed"
        return
    fi
    mkdir -p "$folder"
    {
        printf '#include "heapmgr.h"\n#include "hostile.h"\n#include <stdio.h>\n'
        printf '#warning "\033[31mred\033[0m from the compiler"\n'
        printf '%s\n' 'void *hm_malloc(size_t size)' '{' \
            '    fprintf(stderr, "\033[2J\033[H\ntotal 100 / 100\r\n[\xff][\xc2\x9b][\xe2\x80\xae][\xc3\xa9][\t]\n");' \
            '    return (char *)bump(size) + 8; /* misaligned: the trace fails, so what it printed is shown */' '}'
    } >"$dir/dlist.c.in"
    hostile_as_one_file "$dir/dlist.c.in" >"$folder/dlist.c"
    grader_small_rubric "$dir/rubric.ini" dlist traces/tiny-basic.rep
    out=$dir/report.txt
    grader_run "$name" "$out" --rubric "$dir/rubric.ini" --results "$dir/results.json" "$folder" || return
    if ! output=$(python3 - "$out" "$dir/results.json" <<'PYTHON' 2>&1
import json, re, sys
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8")  # strict: the report is valid UTF-8
bad = sorted({c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) < 0xa0
              or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069})
assert not bad, "characters that act on a terminal: %r" % bad
for shown in (r"heapkit grade of sub\x1b[2Jmission (rubric: ", r"\x1b[2J\x1b[H",
              r"total 100 / 100\x0d", r"[\xff][\xc2\x9b][\xe2\x80\xae][" + "\u00e9][\t]",
              r"\x1b[31mred\x1b[0m from the compiler"):
    assert shown in text, "the report lacks %r" % shown
totals = re.findall(r"(?m)^total.*$", text)
assert len(totals) == 1 and re.fullmatch(r"total +1 / 11", totals[0]), totals
assert json.load(open(sys.argv[2], encoding="utf-8"))["score"] == 1
PYTHON
    ); then
        fail "$name" "the report does not show student bytes escaped" "$output
$(cat -v "$out")"
    else
        pass "$name"
    fi
}

# A class: a good submission, a broken one, a hanging one, an empty folder. Every one gets a
# row; a second run grades nothing again; --force grades again.
job_grader_grade_all() {
    local name=grader/grade-all dir=$WORK/grader-class output
    mkdir -p "$dir/class/good" "$dir/class/broken" "$dir/class/hangs" "$dir/class/empty"
    cp stages/pad.c "$dir/class/good/"
    printf 'this is not C\n' >"$dir/class/broken/pad.c"
    { cat tests/allocators/base.h; grep -v '^#include "base.h"' tests/allocators/hang.c; } >"$dir/class/hangs/pad.c"
    grader_small_rubric "$dir/rubric.ini" pad traces/tiny-edge.rep 1G 1
    if ! output=$(limited 300 grader/grade-all -j 2 --rubric "$dir/rubric.ini" "$dir/class" 2>&1); then
        fail "$name" "grade-all failed" "$output"
        return
    fi
    local csv=$dir/class-grades/class.csv
    if [ "$(cat "$csv" 2>/dev/null)" != "submission,score,max_score,pad
broken,0,11,0
empty,0,11,0
good,11,11,11
hangs,1,11,1" ]; then
        fail "$name" "class.csv is not the one expected" "$(cat "$csv"; echo "$output")"
    elif ! grep -q '^pad  *mean  *3.00  median  *0.50' "$dir/class-grades/summary.txt"; then
        fail "$name" "summary.txt lacks the mean and median of pad" "$(cat "$dir/class-grades/summary.txt")"
    elif ! grep -q 'graded 4/4' <<<"$output"; then
        fail "$name" "no progress line" "$output"
    elif ! output=$(grader/grade-all --rubric "$dir/rubric.ini" "$dir/class" 2>&1) || [[ $output != *"(4 already graded)"* ]]; then
        fail "$name" "a second run does not resume (skip what is graded)" "$output"
    elif ! output=$(grader/grade-all --force --rubric "$dir/rubric.ini" "$dir/class" 2>&1) || [[ $output != *"(0 already graded)"* ]]; then
        fail "$name" "--force does not grade again" "$output"
    else
        pass "$name"
    fi
}

# make autograder, then Gradescope's layout emulated in $WORK: setup.sh (without apt-get), then
# run_autograder on a submission, and on a broken kit, which still writes a results.json.
job_grader_gradescope() {
    local name=grader/gradescope root=$WORK/autograder output
    if ! command -v zip >/dev/null || ! command -v unzip >/dev/null; then
        skip "$name" "zip or unzip is not installed"
        return
    fi
    mkdir -p "$root/submission/folder"
    if ! output=$(make -s --no-print-directory BUILD="$root/build" autograder 2>&1); then
        fail "$name" "make autograder failed" "$output"
        return
    fi
    unzip -q "$root/build/autograder.zip" -d "$root/source" || { fail "$name" "the zip does not unpack"; return; }
    if ! output=$(limited 600 env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u SANITIZE -u OPT -u COVERAGE AUTOGRADER_ROOT="$root" HEAPKIT_SKIP_APT=1 CC="${CC:-cc}" bash "$root/source/setup.sh" 2>&1); then
        fail "$name" "setup.sh failed" "$output"
        return
    fi
    cp stages/pad.c "$root/submission/folder/"
    output=$(limited 600 env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u SANITIZE -u OPT -u COVERAGE AUTOGRADER_ROOT="$root" bash "$root/source/run_autograder" 2>&1)
    if ! python3 - "$root/results/results.json" <<'EOF' >"$root/check.txt" 2>&1; then
import json, sys
r = json.load(open(sys.argv[1]))
pad = [t for t in r["tests"] if t["tags"][0] == "pad"]
assert pad and all(t["score"] == t["max_score"] for t in pad), pad
assert abs(r["score"] - sum(t["max_score"] for t in pad)) < 0.01, r["score"]
EOF
        fail "$name" "results.json of a submitted pad.c (in a folder) is not full marks for pad" "$(cat "$root/check.txt"; echo "$output")"
        return
    fi
    # A broken kit: the rubric does not parse. There is a results.json all the same.
    echo 'this line is not INI' >>"$root/source/grader/rubric.ini"
    output=$(limited 600 env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u SANITIZE -u OPT -u COVERAGE AUTOGRADER_ROOT="$root" bash "$root/source/run_autograder" 2>&1)
    if ! python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["score"] == 0 and "could not grade" in r["output"], r' \
        "$root/results/results.json" >"$root/check.txt" 2>&1; then
        fail "$name" "no results.json when grading fails" "$(cat "$root/check.txt" "$root/results/results.json"; echo "$output")"
        return
    fi
    pass "$name"
}

add_grader_jobs() {
    if [ ! -x "$GRADER" ]; then
        return # a student kit: no grader in it
    fi
    if [ -n "$SANITIZED" ]; then
        skipped_lines+="SKIP grader/*: $BUILD is built with sanitizers: the grader's resource limits (address space) and timings do not hold under them"$'\n'
        return
    fi
    if ! make -s --no-print-directory BUILD="$BUILD" grader >/dev/null 2>&1; then
        skipped_lines+="SKIP grader/*: make grader failed (libcjson-dev and libinih-dev installed?)"$'\n'
        return
    fi
    add grader_reference
    add grader_order
    add grader_skeletons
    add grader_static not-compiling "dlist.c does not compile:"
    add grader_static malloc "stage dlist calls malloc, which a stage may not call"
    add grader_static constructor "stage dlist has code that runs outside the replay (a constructor or destructor: section .init_array"
    add grader_static syscall "stage dlist makes a system call itself (inline assembly: syscall)"
    add grader_static global "stage dlist defines result_write outside the file"
    add grader_static preinit "stage dlist has code that runs outside the replay (a constructor or destructor: section .preinit_array"
    add grader_static ifunc "stage dlist defines hm_malloc as an indirect function (ifunc)"
    add grader_static include "dlist.c does not compile:"
    add grader_coverage
    for folder in tests/hostile/*/; do
        [ -d "$folder" ] && add grader_hostile "${folder%/}"
    done
    for source in tests/allocators/*.c; do
        grep -q '^// test-expect: ' "$source" || continue
        add grader_defect "$source"
    done
    add grader_json_escape
    add grader_report_escapes
    add grader_grade_all
    command -v python3 >/dev/null && add grader_gradescope
}
