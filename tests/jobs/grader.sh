# tests/jobs/grader.sh: the autograder's tests (sourced by tests/run.sh; see grader/README.md).
#
#   grader/reference          the reference stages as a submission: full marks; results.json
#                             parses and tags each test [STAGE, KIND]; --csv appends one row
#   grader/order              the same, stages in another order: the same scores
#   grader/reference-kept     the reference's results on public traces are kept between gradings
#                             (BUILD/grader/reference-results): the next grading scores the same,
#                             and a kept file that is not a result is measured again and replaced
#   grader/skeletons          the student kit's skeletons score what the rubric gives for nothing
#   grader/static/NAME        a stage that does not compile, calls malloc, has a constructor,
#                             makes a system call itself, defines a global (even one whose name
#                             holds a space): build fails, named
#   grader/defect/NAME        tests/allocators/NAME.c as a stage: loses its correctness points
#                             with the message that check gives, and a local reproduce command;
#                             a defect of its checker (found with -c) loses the checker's points
#   grader/hostile/NAME       a hostile submission (tests/hostile/NAME/, beside the reference
#                             minimal.c): stopped, graded or scored as the fence says, the cause
#                             named, nothing outside touched (see job_grader_hostile)
#   grader/hostile-fence/NAME the same with the static checks off (the test switch
#                             HEAPKIT_TEST_NO_STATIC_CHECKS=1): the fence holds by itself
#   grader/bump-everywhere    a bump allocator as every stage, with the kit's rubric: at most 35 / 120,
#                             each stage's promise named; prints the score
#   grader/no-root            without root, grading refuses unless --no-sandbox, whose report says
#                             NOT SANDBOXED
#   grader/json-escape        bytes a stage prints end up escaped in results.json
#   grader/hidden             the hidden traces: the same for the same secret and files, others
#                             when either changes; named hidden-N, no seed in them, private; made
#                             by the seed rule of grader/grade_hidden.c
#   grader/hidden-refused/NAME  a missing or readable secret, or a rubric naming what is not a
#                             seeded generator: exit status 2 and a message that says why
#   grader/report-escapes     bytes from student code (a stage's or the compiler's output, the
#                             folder's name) show escaped in the text report, \xNN
#   grader/grade-all          a folder of submissions: class.csv and summary; a second run resumes
#   grader/grade-all-hostile  an honest submission among hostile ones, two at a time: it scores
#                             what it scores alone, and no process of a slot's user outlives it
#   grader/gradescope         make autograder, run in an emulated /autograder layout, graded with the
#                             secret the zip holds
#   grader/jail/NAME          the build side (grader/jail.h, slots.h, elf_check.h): a stage that
#                             #includes a secret, /proc or a kit file by its path fails to build
#                             and the report holds none of its text (the jail: root only); one
#                             that #includes /dev/zero fails within the build time limit; 3 GiB
#                             in a section named .mydata is refused by the ELF check; with a
#                             stand-in libstageside.a a stage becomes a static program of its
#                             own; the test switch that turns the static checks off says so
#
# Each grading of a test uses a small rubric of its own (in $WORK) when it can, to stay fast.

GRADER=grader/grade
# The secret of the hidden traces for every grading of these tests (the rubric's hidden = ...):
# a fixed one, so that a test never depends on an instructor's grader/secret, nor on its absence.
export HEAPKIT_SECRET="heapkit's own tests: not a grading secret"

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
hidden =
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
    cp stages/{minimal,pad,list,dlist,bins,mmap,hybrid}.c "$dir/submission/"
    out=$dir/report.txt
    grader_run "$name" "$out" --results "$dir/results.json" --csv "$dir/class.csv" "$dir/submission" || return
    score=$(grader_score "$out")
    if [ "$score" != "120 / 120" ]; then
        fail "$name" "the reference scored $score, expected 120 / 120" "$(grep -B2 -A6 LOST "$out")"
        return
    elif [ "$(wc -l <"$dir/class.csv")" -ne 2 ] || ! grep -q '^submission,120,120,10,10,20,24,24,12,20$' "$dir/class.csv"; then
        fail "$name" "--csv did not write a header and one row of full marks" "$(cat "$dir/class.csv")"
        return
    fi
    if ! command -v python3 >/dev/null; then
        skip "$name/json" "python3 is not installed (apt-get install python3)"
    elif ! output=$(python3 - "$dir/results.json" <<'EOF' 2>&1
import json, sys
r = json.load(open(sys.argv[1]))
kinds = {"build", "correctness", "utilization", "throughput", "complexity", "checker"}
assert abs(r["score"] - 120) < 0.01, r["score"]
assert isinstance(r["execution_time"], (int, float))
assert len(r["tests"]) > 6
for t in r["tests"]:
    for key in ("name", "score", "max_score", "status", "output", "tags", "visibility"):
        assert key in t, (key, t)
    assert len(t["tags"]) == 2 and t["tags"][1] in kinds, t["tags"]
    assert t["status"] in ("passed", "failed") and t["visibility"] in ("visible", "after_published")
    if "hidden" in t["name"]:
        assert t["visibility"] == "after_published", t
assert {t["tags"][0] for t in r["tests"]} == {"minimal", "pad", "list", "dlist", "bins", "mmap", "hybrid"}
assert kinds == {t["tags"][1] for t in r["tests"]}
EOF
    ); then
        fail "$name" "results.json is not what Gradescope reads" "$output"
        return
    fi
    pass "$name"
}

job_grader_reference_kept() {
    local name=grader/reference-kept dir=$WORK/grader-reference-kept kept first files file
    mkdir -p "$dir/submission"
    cp stages/mmap.c "$dir/submission/"
    # mmap's utilization is scored against the reference's, on one public trace
    printf '[grader]\npublic_traces = traces/tiny-edge.rep\nhidden =\nmemory_limit = 1G\n[mmap]\nbuild = 1\ncorrectness = 1\nutilization = 1\n' >"$dir/rubric.ini"
    kept=$BUILD/grader/reference-results
    # Results kept for an older build of the reference (another digest) are none of this test's:
    # gone, so that the one the first grading keeps is the only one. (A grading that reads one
    # meanwhile measures the reference again: the cache is only ever a shortcut.)
    grep -l $'stage=mmap-linked\ttrace=traces/tiny-edge.rep\t' "$kept"/* 2>/dev/null | xargs -r rm -f
    grader_run "$name" "$dir/first.txt" --rubric "$dir/rubric.ini" "$dir/submission" || return
    first=$(grep -A1 '^  utilization' "$dir/first.txt")
    # The reference's result on that trace is kept, as a result line of the linked reference.
    files=$(grep -l $'stage=mmap-linked\ttrace=traces/tiny-edge.rep\t' "$kept"/* 2>/dev/null)
    if [ -z "$files" ] || [ "$(grader_score "$dir/first.txt")" != "3 / 3" ]; then
        fail "$name" "no kept result of the reference on traces/tiny-edge.rep in $kept, or not full marks" \
            "$(cat "$dir/first.txt"; ls -l "$kept" 2>&1 | head)"
        return
    fi
    grader_run "$name" "$dir/second.txt" --rubric "$dir/rubric.ini" "$dir/submission" || return
    # A kept file that is not a result is ignored: measured again, and replaced.
    for file in $files; do printf 'not a result\n' >"$file"; done
    grader_run "$name" "$dir/third.txt" --rubric "$dir/rubric.ini" "$dir/submission" || return
    if [ "$(grep -A1 '^  utilization' "$dir/second.txt")" != "$first" ] ||
        [ "$(grep -A1 '^  utilization' "$dir/third.txt")" != "$first" ]; then
        fail "$name" "gradings with kept results scored utilization otherwise" \
            "$first"$'\n'"$(grep -A1 '^  utilization' "$dir/second.txt" "$dir/third.txt")"
        return
    elif grep -q 'not a result' $files 2>/dev/null; then
        fail "$name" "a kept file that is not a result was not replaced" "$files"
        return
    fi
    pass "$name"
}

# The rubric's nice: a value out of range is refused with its line; a grading runs at the one
# given, its runners too (seen from outside while one runs). Other tests' gradings run at once at
# the kit's nice, -10, far above this one's: so time to spare (first fit's worst case takes the
# list stage about a second alone, long enough to be seen running).
job_grader_nice() {
    local name=grader/nice dir=$WORK/grader-nice niceness="" pid tries
    mkdir -p "$dir/submission"
    cp stages/list.c "$dir/submission/"
    grader_small_rubric "$dir/rubric.ini" list traces/firstfit-worst.rep 1G 50
    sed 's/^\[grader\]$/[grader]\nnice = 42/' "$dir/rubric.ini" >"$dir/bad.ini"
    if "$GRADER" --rubric "$dir/bad.ini" "$dir/submission" >"$dir/bad.out" 2>&1 ||
        ! grep -q 'nice = 42' "$dir/bad.out"; then
        fail "$name" "a rubric with nice = 42 was not refused with a message naming it" "$(cat "$dir/bad.out")"
        return
    fi
    sed -i 's/^\[grader\]$/[grader]\nnice = 3/' "$dir/rubric.ini"
    limited 300 "$GRADER" --rubric "$dir/rubric.ini" "$dir/submission" >"$dir/report.txt" 2>&1 &
    pid=$!
    # The runner is a descendant of this grading (a few generations down: timeout, the script,
    # the grader): other tests' gradings run at once.
    descendants() {
        local parents=$1 children all=""
        while [ -n "$parents" ]; do
            children=$(pgrep -d, -P "$parents" 2>/dev/null)
            all+=${children:+,$children}
            parents=$children
        done
        echo "${all#,}"
    }
    for ((tries = 0; tries < 300; tries++)); do
        niceness=$(ps -o ni= -o args= -p "$(descendants "$pid")" 2>/dev/null | awk '/runner/ { print $1; exit }')
        [ -n "$niceness" ] && break
        sleep 0.05
    done
    wait "$pid"
    if [ -z "$niceness" ]; then
        skip "$name/running" "no runner was seen while the grading ran (too fast to watch here)"
    elif [ "$niceness" != 3 ]; then
        fail "$name" "a runner ran at nice $niceness, the rubric says 3" "$(cat "$dir/report.txt")"
        return
    fi
    if [ "$(grader_score "$dir/report.txt")" != "11 / 11" ]; then
        fail "$name" "the reference list did not get full marks at nice 3" "$(cat "$dir/report.txt")"
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
    spaced) cat stages/dlist.c; printf '__asm__(".text\\n.globl \\"hm_free later\\"\\n\\"hm_free later\\": ret");\n' ;;
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

# A submission is one file per stage: a hostile stage with the headers of tests/hostile/ written
# in place of their #include lines, and @KIT@, @SECRET@ and @CLASSMATE_PID@ replaced by the kit's
# root, a secret file's path and a classmate's process (what the student is taken to know).
hostile_as_one_file() {
    awk -v kit="$PWD" -v secret="${HOSTILE_SECRET_FILE:-}" -v classmate="${HOSTILE_CLASSMATE_PID:-}" '
         /^#include "(hostile|raw_syscall|replay_kind|hidden_syscall)\.h"$/ {
             header = "tests/hostile/" substr($2, 2, length($2) - 2)
             while ((getline line < header) > 0) print line
             close(header)
             next
         }
         { gsub(/@KIT@/, kit); gsub(/@SECRET@/, secret); gsub(/@CLASSMATE_PID@/, classmate); print }' "$1"
}

# grader_hostile_lines KEY FILE...: the values of the files' "// hostile-KEY: " lines.
grader_hostile_lines() {
    local key=$1
    shift
    sed -n "s|^// hostile-$key: ||p" "$@"
}

# The processes that outlived their grading: a stage program (a program in a grading's bin/) of
# a grading slot's user (64100 up) whose parent is no longer a runner. Prints one line each.
slot_escapees() {
    local pid uid ppid exe parent
    grep -H -E '^(Uid|PPid):' /proc/[0-9]*/status 2>/dev/null |
        awk -F '[:\t]+' '{ split($1, path, "/"); pid = path[3] }
                          $2 == "PPid" { ppid[pid] = $3 } $2 == "Uid" { uid[pid] = $3 }
                          END { for (p in uid) if (uid[p] >= 64100 && uid[p] < 64300) print p, uid[p], ppid[p] }' |
        while read -r pid uid ppid; do
            exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || continue
            parent=$(readlink "/proc/$ppid/exe" 2>/dev/null)
            [[ $exe == */heapkit-grade.*/bin/* ]] || continue
            [[ $parent == */runner || $parent == *"/runner (deleted)" ]] && continue
            printf 'process %s of user %s, a stage program (%s), its parent %s (%s)\n' "$pid" "$uid" "$exe" "$ppid" "${parent:-gone}"
        done
}

# Is the build jail there (branch jail: the compiler and the tools in namespaces of their own,
# on a root that holds only /usr and the build directory)?
build_jail_merged() {
    [ -f grader/jail.h ] && grep -q '#include "jail.h"' grader/grade_build.c
}

# What refused a stage at build time, when it was one of the static checks of its object file.
STATIC_CHECKS='which a stage may not call|makes a system call itself|outside the file|runs outside the replay|indirect function|of static memory'

# A hostile submission (tests/hostile/NAME/, the reference minimal.c put beside it, or its own):
# grading finishes; each hostile stage loses its points, with every "// hostile-expect:" text in
# the report, unless a static check of its object refused it (then the report names that), or
# it is "// hostile-passes: yes" (graded on its merits: all its points); minimal.c keeps all of
# its points. Then what it tried did not happen: no "// hostile-no-file:" exists, no
# "// hostile-no-output:" text is in the report or results.json, no stage program outlived the
# grading, the report holds no character that acts on a terminal and results.json parses; and
# the grading took at most "// hostile-most-seconds:" (printed). More lines of a stage file:
#   // hostile-expect-one-of: TEXT    the report holds at least one of these (what stops it
#                                     differs between machines)
#   // hostile-known-hole: WHAT       the stage should lose its points; when it keeps them, NAME/hole
#                                     says WHAT, skipped (expected until the hole is closed)
#   // hostile-trace: GLOB            the public traces (default traces/tiny-basic.rep)
#   // hostile-hidden-traces: GLOB    hidden traces too
#   // hostile-timed: yes             a throughput point: the stages are timed (any speed earns it)
#   // hostile-replay-seconds: N      the rubric's replay_seconds (default 10: the machine may be busy)
#   // hostile-environment: VAR=TEXT  in the grader's environment
#   // hostile-most-memory: SIZE      no process of the grading held more (GNU time's peak, printed);
#                                     more is a known hole, said by NAME/memory, skipped
#   // hostile-address-space: SIZE    the whole grading under RLIMIT_AS SIZE: a guard of this test,
#                                     so that what the grader leaves unbounded cannot take the machine
#   // hostile-secret: yes            a world-readable secret file whose path is @SECRET@
#   // hostile-jail-stops: TEXT       TEXT (a secret, or what shows that only this test's guard
#                                     stopped a tool) must not reach the report; until the build
#                                     jail is merged it may: then NAME/jail says so, skipped
# With "fence" as the second argument, graded with the static checks off (the test switch
# HEAPKIT_TEST_NO_STATIC_CHECKS=1, branch jail): what the fence stops by itself.
job_grader_hostile() {
    local hostile=$1 mode=${2:-} case_name
    case_name=$(basename "$hostile")
    local name=grader/hostile/$case_name dir=$WORK/grader-hostile-$case_name
    local environment=() switch=()
    if [ "$mode" = fence ]; then
        name=grader/hostile-fence/$case_name dir=$WORK/grader-hostile-fence-$case_name
        if ! grep -q HEAPKIT_TEST_NO_STATIC_CHECKS grader/grade_build.c; then
            skip "$name" "needs the test switch HEAPKIT_TEST_NO_STATIC_CHECKS (branch jail) to grade with the static checks off"
            return
        fi
        environment+=(HEAPKIT_TEST_NO_STATIC_CHECKS=1)
    fi
    local folder=$dir/submission out=$dir/report.txt results=$dir/results.json
    local sources=("$hostile"/*.c) stage stages=() source text
    mkdir -p "$folder"
    [ -f "$hostile/minimal.c" ] || cp stages/minimal.c "$folder/"
    # What the student is taken to know: a secret file readable by anyone, a classmate's tool.
    local secret_dir="" classmate=""
    if grep -q '^// hostile-secret: yes' "${sources[@]}"; then
        secret_dir=$(mktemp -d /tmp/heapkit-hostile-secret.XXXXXX)
        chmod 755 "$secret_dir"
        printf 'hostile-file-secret-9c2a: the instructor kept this file where anyone could read it\n' >"$secret_dir/secret.txt"
        chmod 644 "$secret_dir/secret.txt"
    fi
    if grep -q '@CLASSMATE_PID@' "${sources[@]}" && command -v setpriv >/dev/null; then
        [ -n "$secret_dir" ] || { secret_dir=$(mktemp -d /tmp/heapkit-hostile-secret.XXXXXX); chmod 755 "$secret_dir"; }
        mkdir -p "$secret_dir/classmate"
        printf 'hostile-classmate-source-77d1: a classmate'"'"'s list.c\n' >"$secret_dir/classmate/list.c"
        chmod -R a+rX "$secret_dir"
        # A classmate's build tool, as the grader runs its tools today (nobody, in its work directory).
        (cd "$secret_dir/classmate" && exec setpriv --reuid=65534 --regid=65534 --clear-groups sleep 300) &
        classmate=$!
    fi
    for source in "${sources[@]}"; do
        HOSTILE_SECRET_FILE=$secret_dir/secret.txt HOSTILE_CLASSMATE_PID=$classmate \
            hostile_as_one_file "$source" >"$folder/$(basename "$source")"
    done
    for source in "$folder"/*.c; do stages+=("$(basename "$source" .c)"); done
    local trace hidden seconds most guard
    trace=$(grader_hostile_lines trace "${sources[@]}" | grep -v tiny-basic | head -n 1)
    hidden=$(grader_hostile_lines hidden-traces "${sources[@]}" | head -n 1)
    seconds=$(grader_hostile_lines replay-seconds "${sources[@]}" | head -n 1)
    most=$(grader_hostile_lines most-seconds "${sources[@]}" | head -n 1)
    guard=$(grader_hostile_lines address-space "${sources[@]}" | head -n 1)
    while IFS= read -r text; do environment+=("$text"); done < <(grader_hostile_lines environment "${sources[@]}")
    local throughput=0 full="11 / 11"
    if grep -q '^// hostile-timed: ' "${sources[@]}"; then
        throughput=1 full="12 / 12"
    fi
    {
        printf '[grader]\npublic_traces = %s\nhidden =\n' "${trace:-traces/tiny-basic.rep}"
        printf 'memory_limit = 64M\nreplay_seconds = %s\nrunner_seconds = 60\n' "${seconds:-10}"
        printf 'throughput_low = 0.000001\nthroughput_high = 0.000002\n'
        for stage in "${stages[@]}"; do
            printf '[%s]\nbuild = 1\ncorrectness = 10\nthroughput = %s\n' "$stage" "$throughput"
        done
    } >"$dir/rubric.ini"
    while IFS= read -r text; do rm -f "$text"; done < <(grader_hostile_lines no-file "${sources[@]}")
    [ -n "$guard" ] && switch=(prlimit --as="$(numfmt --from=iec "$guard")")
    local memory peak=""
    memory=$(grader_hostile_lines most-memory "${sources[@]}" | head -n 1)
    if [ -n "$memory" ] && /usr/bin/time -f %M true >/dev/null 2>&1; then
        switch=(/usr/bin/time -o "$dir/peak" -f %M "${switch[@]}")
    fi
    local started ended status
    started=$(date +%s.%N)
    limited 600 env "${environment[@]}" "${switch[@]}" "$GRADER" --rubric "$dir/rubric.ini" --results "$results" \
        "$folder" >"$out" 2>"$out.err"
    status=$?
    ended=$(date +%s.%N)
    [ -f "$dir/peak" ] && peak=$(tail -n 1 "$dir/peak")
    [ -n "$classmate" ] && kill "$classmate" 2>/dev/null && wait "$classmate" 2>/dev/null
    [ -n "$secret_dir" ] && rm -rf "$secret_dir"
    if [ "$status" -ne 0 ]; then
        fail "$name" "grader/grade exited with status $status, expected 0" "$(cat "$out.err" "$out")"
        return
    fi
    local problems="" holes="" score build refused
    for stage in "${stages[@]}"; do
        source=$hostile/$stage.c
        score=$(awk -v s="$stage" '/^stage / && $2 == s { print $(NF-2), $(NF-1), $NF }' "$out")
        # The stage's build test and what it says, as the report shows it.
        build=$(awk -v s="$stage" '/^stage / { inside = $2 == s; next } inside && /^  [a-z]/ { building = $1 == "build" }
                                   inside && building' "$out")
        refused=""
        [[ $build == *"build "*"LOST"* ]] && grep -qE "$STATIC_CHECKS" <<<"$build" && refused=yes
        if [ "$stage" = minimal ] && [ ! -f "$source" ]; then
            [ "$score" = "$full" ] || problems+="the correct minimal.c beside the hostile stages scored $score, expected $full"$'\n'
        elif [ -n "$(grader_hostile_lines known-hole "$source")" ] && [ "$score" = "$full" ]; then
            holes+="stage $stage kept all its points: $(grader_hostile_lines known-hole "$source" | head -n 1)"$'\n'
        elif [ -n "$(grader_hostile_lines passes "$source")" ]; then
            [ "$score" = "$full" ] || [ -n "$refused" ] ||
                problems+="stage $stage, whose attack only touches its own program, scored $score, expected $full"$'\n'
        elif [ "$score" = "$full" ]; then
            problems+="hostile stage $stage kept all its points"$'\n'
        elif [ -z "$refused" ]; then
            while IFS= read -r text; do
                [[ -z $text || $(cat "$out") == *"$text"* ]] || problems+="stage $stage: the report lacks: $text"$'\n'
            done < <(grader_hostile_lines expect "$source")
            local alternatives found=""
            alternatives=$(grader_hostile_lines expect-one-of "$source")
            while IFS= read -r text; do
                [[ -n $text && $(cat "$out") == *"$text"* ]] && found=yes
            done <<<"$alternatives"
            [ -z "$alternatives" ] || [ -n "$found" ] ||
                problems+="stage $stage: the report lacks every one of: ${alternatives//$'\n'/ | }"$'\n'
            [ -n "$(grader_hostile_lines expect "$source")$alternatives$(grader_hostile_lines known-hole "$source")" ] ||
                problems+="stage $stage: no // hostile-expect: line"$'\n'
        fi
    done
    while IFS= read -r text; do
        [ -z "$text" ] || [ ! -e "$text" ] || problems+="a stage wrote $text"$'\n'
        rm -f "$text"
    done < <(grader_hostile_lines no-file "${sources[@]}")
    while IFS= read -r text; do
        [ -z "$text" ] || ! grep -qF -- "$text" "$out" "$results" || problems+="a forged text reached the report: $text"$'\n'
    done < <(grader_hostile_lines no-output "${sources[@]}")
    local escaped
    escaped=$(slot_escapees)
    [ -z "$escaped" ] || { sleep 1; escaped=$(slot_escapees); }
    [ -z "$escaped" ] || problems+="a stage program outlived its grading: $escaped"$'\n'
    if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$out"; then
        problems+="the report holds a control character from student code, unescaped"$'\n'
    fi
    if command -v python3 >/dev/null && ! python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$results" 2>/dev/null; then
        problems+="results.json does not parse"$'\n'
    fi
    local took
    took=$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.1f", b - a }')
    if [ -n "$most" ] && awk -v t="$took" -v m="$most" 'BEGIN { exit !(t > m) }'; then
        problems+="grading took $took s, more than $most s"$'\n'
    fi
    if [ -n "$problems" ]; then
        fail "$name" "${problems%%$'\n'*}" "${problems#*$'\n'}$(cat "$out")"
        return
    fi
    pass "$name"
    [ -n "$most" ] && printf '    graded in %s s (at most %s s allowed)\n' "$took" "$most"
    if [ -n "$holes" ]; then
        skip "$name/hole" "${holes%$'\n'}: a known hole, expected until it is closed"
    fi
    if [ -n "$memory" ] && [ -z "$peak" ]; then
        skip "$name/memory" "GNU time (/usr/bin/time) is not installed: the grading's peak memory was not measured (apt-get install time)"
    elif [ -n "$memory" ] && [ "$peak" -gt $(($(numfmt --from=iec "$memory") / 1024)) ]; then
        skip "$name/memory" "a process of the grading held $((peak / 1024)) MiB, more than $memory: a known hole (see the stage files), expected until it is closed"
    elif [ -n "$memory" ]; then
        pass "$name/memory"
        printf '    the most any process of the grading held: %s MiB (at most %s allowed)\n' "$((peak / 1024))" "$memory"
    fi
    local leaked=""
    while IFS= read -r text; do
        [ -z "$text" ] || ! grep -qF -- "$text" "$out" "$results" || leaked+="'$text' "
    done < <(grader_hostile_lines jail-stops "${sources[@]}" | sort -u)
    if [ -z "$(grader_hostile_lines jail-stops "${sources[@]}")" ]; then
        :
    elif [ -z "$leaked" ]; then
        pass "$name/jail"
    elif build_jail_merged; then
        fail "$name/jail" "the report shows what the build jail must keep out: $leaked" "$(cat "$out")"
    else
        skip "$name/jail" "the report shows ${leaked% }: until the build jail (branch jail) is merged, the build tools read what the student names, with no memory limit of their own"
    fi
}

# The honest bump allocator handed in as every stage (tests/hostile/bump-everywhere/, which says
# "// hostile-graded-by: grader_bump_everywhere"), graded with the kit's own rubric, but one timed
# run a trace instead of three (a bump allocator's speed is far below any throughput point
# either way): every stage builds; list, dlist and bins earn no correctness points (they are
# about reuse), mmap none (it must map); the whole scores at most 35 / 120; the job prints it.
job_grader_bump_everywhere() {
    local hostile=$1 name=grader/bump-everywhere dir=$WORK/grader-bump-everywhere out score source
    mkdir -p "$dir/submission"
    for source in "$hostile"/*.c; do hostile_as_one_file "$source" >"$dir/submission/$(basename "$source")"; done
    sed -E 's/^(runs *= *)[0-9]+/\11/' grader/rubric.ini >"$dir/rubric.ini"
    out=$dir/report.txt
    grader_run "$name" "$out" --rubric "$dir/rubric.ini" --csv "$dir/class.csv" "$dir/submission" || return
    score=$(grader_score "$out")
    local built
    built=$(grep -cE '^  build +([0-9.]+) / \1  ok$' "$out")
    if [ "$built" -ne 6 ]; then
        fail "$name" "not every stage built ($built did)" "$(cat "$out")"
    elif ! awk -v s="${score%% *}" 'BEGIN { exit !(s <= 35) }'; then
        fail "$name" "an allocator that never reuses memory scored $score, more than 35 / 120" "$(cat "$out")"
    elif ! grep -q 'stage list is about reusing freed memory' "$out" || ! grep -q 'the stage never called hm_mmap' "$out"; then
        fail "$name" "the report does not say that list reuses nothing and mmap maps nothing" "$(cat "$out")"
    else
        pass "$name"
        printf '    scored %s with the kit'"'"'s rubric; by stage: %s\n' "$score" \
            "$(tail -n 1 "$dir/class.csv" | cut -d, -f4- | tr ',' ' ')"
    fi
}

# Official grading needs root (a user of its own for each grading, an empty root directory, the
# filter): grader/grade run as another user (nobody, with setpriv) refuses with the reason and
# exit status 2, unless --no-sandbox, a local run whose report says NOT SANDBOXED at the top and
# at the end. (The kit and its build must be readable by nobody: else skipped.)
job_grader_no_root() {
    local name=grader/no-root dir output status grade=$BUILD/grader/grade
    local as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    if [ "$(id -u)" -ne 0 ]; then
        skip "$name" "the tests do not run as root: they cannot run the grader as another user"
        return
    elif ! command -v setpriv >/dev/null; then
        skip "$name" "setpriv is not installed (apt-get install util-linux)"
        return
    elif ! "${as_nobody[@]}" test -x "$grade" -a -r grader/rubric.ini -a -r "$BUILD/fence/runner" 2>/dev/null; then
        skip "$name" "nobody cannot read the kit or its build ($PWD, $BUILD)"
        return
    fi
    [ -f "$BUILD/scaling/freelist-100000.rep" ] || { mkdir -p "$BUILD/scaling" && "$BUILD/gen/freelist" "$BUILD/scaling" >/dev/null; }
    local build_path=$BUILD # absolute, whether BUILD is or not
    [[ $build_path == /* ]] || build_path=$PWD/$BUILD
    dir=$(mktemp -d /tmp/heapkit-no-root.XXXXXX) || return
    mkdir -p "$dir/submission"
    cp stages/minimal.c "$dir/submission/"
    grader_small_rubric "$dir/rubric.ini" minimal traces/tiny-basic.rep
    chmod -R a+rwX "$dir"
    output=$(limited 120 "${as_nobody[@]}" "$grade" --kit "$PWD" --build "$build_path" --rubric "$dir/rubric.ini" \
        "$dir/submission" 2>&1)
    status=$?
    if [ "$status" -ne 2 ] || [[ $output != *"grading runs each submission as a user of its own, which needs root"* ]]; then
        fail "$name" "run as nobody without --no-sandbox: exit status $status, expected 2 and the reason" "$output"
        rm -rf "$dir"
        return
    fi
    output=$(limited 300 "${as_nobody[@]}" env TMPDIR="$dir" "$grade" --no-sandbox --kit "$PWD" --build "$build_path" \
        --rubric "$dir/rubric.ini" "$dir/submission" 2>&1)
    status=$?
    rm -rf "$dir"
    if [ "$status" -ne 0 ]; then
        fail "$name" "run as nobody with --no-sandbox: exit status $status, expected 0" "$output"
    elif [[ $(sed -n 2p <<<"$output") != "NOT SANDBOXED (--no-sandbox)"* ]] || [[ $output != *"(NOT SANDBOXED: --no-sandbox, a local run)"* ]]; then
        fail "$name" "the report of a --no-sandbox run does not say NOT SANDBOXED at the top and at the end" "$output"
    elif ! grep -qE '^total +11 / 11$' <<<"$output"; then
        fail "$name" "minimal.c did not get full marks in a --no-sandbox run" "$output"
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
    local checked=""
    [[ " $options " == *" -c "* ]] && checked=yes # its defect is its checker's: the checker entry's
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
    local throughput=0 score_wanted="1 / 11" reproduce_flags=""
    [[ " $options " == *" -n "* ]] && throughput=1 score_wanted="1 / 12"
    grader_small_rubric "$dir/rubric.ini" dlist "$trace" "$limit" "$seconds" "$throughput"
    if [ -n "$checked" ]; then # correct without -c: it loses only the checker's points
        printf 'checker = 2\n' >>"$dir/rubric.ini"
        sed -i "s|^hidden =\$|hidden =\nchecker_traces = $(basename "$trace" .rep)|" "$dir/rubric.ini"
        score_wanted="11 / 13" reproduce_flags=" -c"
    fi
    out=$dir/report.txt
    grader_run "$name" "$out" --rubric "$dir/rubric.ini" "$dir/submission" || return
    local limit_bytes
    limit_bytes=$(numfmt --from=iec "$limit" 2>/dev/null || echo "$limit")
    for expect in "${fields[@]:2}"; do
        [[ $expect == *reproduce:* || $expect == */tests/stages/* ]] && continue
        expect=${expect//memory limit of 4294967296 bytes/memory limit of $limit_bytes bytes}
        grep -qF -- "$expect" "$out" || missing+="    missing: $expect"$'\n'
    done
    grep -qF -- "reproduce: build/replay -s dlist$reproduce_flags --limit $limit -t $seconds $trace" "$out" ||
        missing+="    missing: reproduce: build/replay -s dlist$reproduce_flags --limit $limit -t $seconds $trace"$'\n'
    if [ "$(grader_score "$out")" != "$score_wanted" ]; then
        fail "$name" "scored $(grader_score "$out"), expected $score_wanted (the build point only; with a checker's defect, all but the checker's)" "$(cat "$out")"
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
        skip "$name" "python3 is not installed (apt-get install python3)"
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

# grader_hidden_traces DIR SECRET NAME: grade DIR/submission with DIR/rubric.ini and the secret
# (HEAPKIT_SECRET), keeping the work directory; copy its hidden traces to DIR/NAME/, the grader's
# report to DIR/NAME.out and the modes of the hidden directory and traces to DIR/NAME.modes.
grader_hidden_traces() {
    local dir=$1 secret=$2 copy=$1/$3 work status
    mkdir -p "$copy"
    # (The work directory stays in the usual TMPDIR: $WORK is private, and the runners, which run
    # as nobody when the tests run as root, could not enter one inside it.)
    HEAPKIT_SECRET=$secret limited 300 "$GRADER" --keep --rubric "$dir/rubric.ini" "$dir/submission" \
        >"$copy.out" 2>"$copy.err"
    status=$?
    work=$(sed -n 's/^grade: the work directory is kept: //p' "$copy.err")
    if [ "$status" -ne 0 ] || [ -z "$work" ] || [ ! -d "$work/hidden" ]; then
        echo "grader/grade exited with status $status and kept no hidden traces"
        cat "$copy.err" "$copy.out"
        return 1
    fi
    cp "$work"/hidden/*.rep "$copy/"
    (cd "$work" && stat -c '%a %n' hidden hidden/*.rep) >"$copy.modes"
    rm -rf "$work"
}

# The seeds of the hidden traces by the rule in grader/grade_hidden.c, computed with Python's
# own HMAC-SHA256: SECRET FOLDER STAGE... (the rubric's stages, in its order), then INVOCATIONS.
GRADER_SEEDS_PY='
import hashlib, hmac, struct, sys
secret, folder, stages, count = sys.argv[1].encode(), sys.argv[2], sys.argv[3:-1], int(sys.argv[-1])
key = hmac.new(b"heapkit secret", secret, hashlib.sha256).digest()
mac = hmac.new(key, b"heapkit hidden traces v1", hashlib.sha256)
for stage in stages:
    data = open("%s/%s.c" % (folder, stage), "rb").read()
    mac.update(stage.encode() + b"\0" + struct.pack("<Q", len(data)) + data)
for i in range(1, count + 1):
    digest = hmac.new(mac.digest(), b"trace" + struct.pack("<I", i), hashlib.sha256).digest()
    print(struct.unpack("<Q", digest[:8])[0])
'

# The hidden traces of a grading: the same secret and files give the same traces, byte for
# byte; a changed stage file or another secret gives others. They are named hidden-N, their
# source lines name neither generator nor seed, only the grader (and the runners' group, when it
# is root) can reach them, and they are the generators' traces with the seeds of the rule in
# grader/grade_hidden.c (checked with Python's HMAC-SHA256 when python3 is installed).
job_grader_hidden() {
    local name=grader/hidden dir=$WORK/grader-hidden output secret="a secret of the hidden test" want_modes
    mkdir -p "$dir/submission"
    cp stages/pad.c stages/list.c "$dir/submission/"
    printf '[grader]\npublic_traces = traces/tiny-basic.rep\nhidden = random --ops 2000; realloc\n[pad]\nbuild = 1\ncorrectness = 10\n[list]\nbuild = 1\ncorrectness = 10\n' >"$dir/rubric.ini"
    output=$(grader_hidden_traces "$dir" "$secret" first) || { fail "$name" "the first grading failed" "$output"; return; }
    output=$(grader_hidden_traces "$dir" "$secret" again) || { fail "$name" "the second grading failed" "$output"; return; }
    printf '\n/* a comment: the same stage, another file */\n' >>"$dir/submission/list.c"
    output=$(grader_hidden_traces "$dir" "$secret" changed-file) || { fail "$name" "grading a changed file failed" "$output"; return; }
    output=$(grader_hidden_traces "$dir" "$secret, another" changed-secret) || { fail "$name" "grading with another secret failed" "$output"; return; }
    want_modes=$'700 hidden\n600 hidden/hidden-1.rep\n600 hidden/hidden-2.rep\n600 hidden/hidden-3.rep'
    local files
    files=$(cd "$dir/first" && ls)
    if [ "$files" != $'hidden-1.rep\nhidden-2.rep\nhidden-3.rep' ]; then
        fail "$name" "not hidden-1.rep to hidden-3.rep (random's trace, then realloc's two)" "$files"
    elif ! output=$(diff -r "$dir/first" "$dir/again" 2>&1); then
        fail "$name" "the same secret and files gave other hidden traces" "$(head -n 20 <<<"$output")"
    elif ! grep -q "correctness: 4 of 4 traces passed" "$dir/first.out"; then
        fail "$name" "the reference pad did not pass its public and hidden traces" "$(cat "$dir/first.out")"
    elif cmp -s "$dir/first/hidden-1.rep" "$dir/changed-file/hidden-1.rep" ||
        cmp -s "$dir/first/hidden-3.rep" "$dir/changed-file/hidden-3.rep"; then
        fail "$name" "a changed stage file gave the same hidden traces"
    elif cmp -s "$dir/first/hidden-1.rep" "$dir/changed-secret/hidden-1.rep"; then
        fail "$name" "another secret gave the same hidden traces"
    elif grep -q -e '^# source: .*seed' -e '^# source: .*traces/gen' "$dir"/*/hidden-*.rep; then
        fail "$name" "a hidden trace's source line names its generator or seed" "$(grep -h '^# source:' "$dir"/first/*.rep)"
    elif [ "$(sed -n 1p "$dir/first/hidden-2.rep")" != "# name: hidden-2" ]; then
        fail "$name" "hidden-2.rep is not named hidden-2 inside" "$(head -n 3 "$dir/first/hidden-2.rep")"
    elif [ "$(cat "$dir/first.modes")" != "$want_modes" ]; then
        fail "$name" "the hidden directory and traces are not mode $(echo $want_modes | cut -d' ' -f1,3)" "$(cat "$dir/first.modes")"
    elif ! command -v python3 >/dev/null; then
        skip "$name" "python3 is not installed: the seed rule was not checked (apt-get install python3)"
    elif ! output=$(python3 -c "$GRADER_SEEDS_PY" "$secret" "$dir/submission" pad list 2 2>&1); then
        fail "$name" "python3 could not compute the seeds" "$output"
    else
        local seeds made=$dir/made
        read -r -d '' -a seeds <<<"$output"
        mkdir -p "$made/1" "$made/2"
        "$BUILD/gen/random" --ops 2000 --seed "${seeds[0]}" "$made/1" >/dev/null
        "$BUILD/gen/realloc" --seed "${seeds[1]}" "$made/2" >/dev/null
        # (The first two lines, name and source, are the grader's.)
        if ! cmp -s <(sed 1,2d "$made/1/random-random.rep") <(sed 1,2d "$dir/changed-file/hidden-1.rep") ||
            ! cmp -s <(sed 1,2d "$made/2/realloc-grow.rep") <(sed 1,2d "$dir/changed-file/hidden-2.rep") ||
            ! cmp -s <(sed 1,2d "$made/2/realloc-many.rep") <(sed 1,2d "$dir/changed-file/hidden-3.rep"); then
            fail "$name" "the hidden traces are not the generators' own with the seeds of grader/grade_hidden.c's rule" \
                "seeds: ${seeds[*]}"
        else
            pass "$name"
        fi
    fi
}

# grader/hidden-refused/KIND TEXT...: a grading whose hidden traces cannot be made stops with
# exit status 2, a message that holds every TEXT, and no work directory left: a secret that is missing or
# that others can read, or a rubric that names what is not a seeded generator of traces/gen/.
job_grader_hidden_refused() {
    local kind=$1 name=grader/hidden-refused/$1 dir=$WORK/grader-hidden-refused-$1 status expect missing=""
    local hidden="random --ops 2000" key=hidden
    mkdir -p "$dir/submission"
    cp stages/pad.c "$dir/submission/"
    printf '%s' "0123456789abcdef0123456789abcdef" >"$dir/secret"
    chmod 600 "$dir/secret"
    local secret=(env -u HEAPKIT_SECRET) # the secret file, unless the case says otherwise
    case $kind in
    secret-missing) rm "$dir/secret" ;;
    secret-readable) chmod 644 "$dir/secret" ;;
    secret-link) mv "$dir/secret" "$dir/real-secret" && ln -s real-secret "$dir/secret" ;;
    secret-short) printf 'short' >"$dir/secret" ;;
    secret-variable-empty) secret=(env HEAPKIT_SECRET=) ;;
    generator-path) hidden="../../../bin/sh -c true" ;;
    generator-unknown) hidden="random --ops 2000; nosuch" ;;
    generator-unseeded) hidden="tiny" ;;
    seed-given) hidden="random --seed 5" ;;
    old-key) key=hidden_traces hidden="grader/hidden/*.rep" ;;
    esac
    printf '[grader]\npublic_traces = traces/tiny-basic.rep\n%s = %s\nsecret_file = %s\n[pad]\nbuild = 1\ncorrectness = 10\n' \
        "$key" "$hidden" "$dir/secret" >"$dir/rubric.ini"
    limited 120 "${secret[@]}" TMPDIR="$dir" "$GRADER" --rubric "$dir/rubric.ini" "$dir/submission" >"$dir/out" 2>"$dir/err"
    status=$?
    for expect in "${@:2}"; do
        grep -qF -- "$expect" "$dir/err" || missing+="    missing: $expect"$'\n'
    done
    if [ "$status" -ne 2 ]; then
        fail "$name" "exit status $status, expected 2" "$(cat "$dir/err" "$dir/out")"
    elif [ -n "$missing" ]; then
        fail "$name" "the message lacks an expected text" "$missing$(cat "$dir/err")"
    elif compgen -G "$dir/heapkit-grade.*" >/dev/null; then
        fail "$name" "the work directory was left behind" "$(ls -d "$dir"/heapkit-grade.*)"
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
        skip "$name" "python3 is not installed (apt-get install python3)"
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
              r"total 100 / 100\x0d", r"[\xff][\xc2\x9b][\xe2\x80\xae][" + "\u00e9][\t]"):
    assert shown in text, "the report lacks %r" % shown
# The compiler's warning: gcc quotes the bytes (escaped here), clang names them itself.
assert r"\x1b[31mred\x1b[0m from the compiler" in text or "<U+001B>[31mred<U+001B>[0m from the compiler" in text, \
    "the report lacks the compiler's warning"
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
        skip "$name" "zip or unzip is not installed (apt-get install zip unzip)"
        return
    fi
    mkdir -p "$root/submission/folder"
    if ! output=$(make -s --no-print-directory BUILD="$root/build" autograder 2>&1); then
        fail "$name" "make autograder failed" "$output"
        return
    fi
    unzip -q "$root/build/autograder.zip" -d "$root/source" || { fail "$name" "the zip does not unpack"; return; }
    if ! output=$(limited 600 env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u SANITIZE -u OPT -u COVERAGE -u HEAPKIT_SECRET AUTOGRADER_ROOT="$root" HEAPKIT_SKIP_APT=1 CC="${CC:-cc}" bash "$root/source/setup.sh" 2>&1); then
        fail "$name" "setup.sh failed" "$output"
        return
    fi
    # The zip's secret, which grades here (HEAPKIT_SECRET is unset): root's alone after setup.sh.
    if [ "$(stat -c %a "$root/source/grader/secret" 2>&1)" != 600 ]; then
        fail "$name" "the zip's grader/secret is not mode 0600 after setup.sh" "$(ls -l "$root/source/grader/secret" 2>&1)"
        return
    fi
    cp stages/pad.c "$root/submission/folder/"
    output=$(limited 600 env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u SANITIZE -u OPT -u COVERAGE -u HEAPKIT_SECRET AUTOGRADER_ROOT="$root" bash "$root/source/run_autograder" 2>&1)
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
    output=$(limited 600 env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u SANITIZE -u OPT -u COVERAGE -u HEAPKIT_SECRET AUTOGRADER_ROOT="$root" bash "$root/source/run_autograder" 2>&1)
    if ! python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["score"] == 0 and "could not grade" in r["output"], r' \
        "$root/results/results.json" >"$root/check.txt" 2>&1; then
        fail "$name" "no results.json when grading fails" "$(cat "$root/check.txt" "$root/results/results.json"; echo "$output")"
        return
    fi
    pass "$name"
}

# grader_jail_report DIR STAGE-SOURCE [RUBRIC-LINE]: grade DIR/submission/dlist.c (a copy of the
# file STAGE-SOURCE) with a small rubric, RUBRIC-LINE added to its [grader] section; the report
# in DIR/report.txt, results.json beside it. Fails the job $name and returns 1 when the grader
# did not run.
grader_jail_report() {
    local dir=$1
    mkdir -p "$dir/submission"
    cp "$2" "$dir/submission/dlist.c"
    grader_small_rubric "$dir/rubric.ini" dlist traces/tiny-basic.rep
    if [ -n "${3:-}" ]; then
        sed -i "s|^\[grader\]$|[grader]\n$3|" "$dir/rubric.ini"
    fi
    grader_run "$name" "$dir/report.txt" --rubric "$dir/rubric.ini" --results "$dir/results.json" "$dir/submission"
}

# A stage that #includes a secret by its path (KIND: passwd, proc, kit, secret) fails to build,
# and neither the report nor results.json holds a line of the file. Only the jail stops this:
# without it (the grader not root) the compiler reads the file.
job_grader_jail_include() {
    local kind=$1 name=grader/jail/include-$1 dir=$WORK/grader-jail-include-$1 secret line
    if [ "$(id -u)" -ne 0 ]; then
        skip "$name" "not root: the build jail needs root (without it the compiler reads any file the grader can)"
        return
    fi
    case $kind in
    passwd) secret=/etc/passwd ;;
    proc) secret=/proc/self/environ ;;
    kit) secret=$PWD/grader/rubric.ini ;;
    secret) # a file only root may read, as the instructor's secret is
        secret=$WORK/grader-jail-secret
        printf 'heapkit-secret-marker-%s\n' "$RANDOM$RANDOM" >"$secret"
        chmod 600 "$secret"
        ;;
    esac
    mkdir -p "$dir"
    printf '#include "%s"\n' "$secret" >"$dir/stage.c"
    grader_jail_report "$dir" "$dir/stage.c" || return
    if [ "$(grader_score "$dir/report.txt")" != "0 / 11" ] || ! grep -q 'dlist.c does not compile:' "$dir/report.txt"; then
        fail "$name" "an #include of $secret did not fail the build" "$(cat "$dir/report.txt")"
        return
    fi
    if [ "$kind" != proc ]; then
        while IFS= read -r line; do
            line=${line%%;*}                      # an INI comment is not the secret
            line=${line#"${line%%[![:space:]]*}"} # nor are the spaces around it
            line=${line%"${line##*[![:space:]]}"}
            [ ${#line} -ge 8 ] || continue
            if grep -qF -- "$line" "$dir/report.txt" "$dir/results.json"; then
                fail "$name" "the report holds a line of $secret: $line" "$(cat "$dir/report.txt")"
                return
            fi
        done <"$secret"
    fi
    if grep -q 'HOME=\|PATH=' "$dir/report.txt" "$dir/results.json"; then
        fail "$name" "the report holds an environment" "$(cat "$dir/report.txt")"
        return
    fi
    pass "$name"
}

# #include "/dev/zero": the build fails, and soon: within the rubric's build time limit (in the
# jail there is no /dev/zero; without it, the compiler's address space limit stops it).
job_grader_jail_dev_zero() {
    local name=grader/jail/dev-zero dir=$WORK/grader-jail-dev-zero start seconds
    mkdir -p "$dir"
    printf '#include "/dev/zero"\n' >"$dir/stage.c"
    start=$(date +%s)
    grader_jail_report "$dir" "$dir/stage.c" "build_seconds = 20" || return
    seconds=$(($(date +%s) - start))
    if [ "$(grader_score "$dir/report.txt")" != "0 / 11" ] || ! grep -q 'dlist.c does not compile:' "$dir/report.txt"; then
        fail "$name" "#include \"/dev/zero\" did not fail the build" "$(cat "$dir/report.txt")"
    elif [ "$seconds" -ge 20 ]; then
        fail "$name" "grading took $seconds s, not within the build time limit of 20 s" "$(cat "$dir/report.txt")"
    else
        pass "$name"
    fi
}

# 3 GiB of zeros in a section no name-based count knows: the linked program's segments say so.
job_grader_jail_big_section() {
    local name=grader/jail/big-section dir=$WORK/grader-jail-big-section
    mkdir -p "$dir"
    {
        cat stages/dlist.c
        printf '__asm__(".pushsection .mydata,\\"aw\\",@nobits\\n.skip 3221225472\\n.popsection");\n'
    } >"$dir/stage.c"
    grader_jail_report "$dir" "$dir/stage.c" || return
    if [ "$(grader_score "$dir/report.txt")" != "0 / 11" ]; then
        fail "$name" "scored $(grader_score "$dir/report.txt"), expected 0 / 11" "$(cat "$dir/report.txt")"
    elif ! grep -qE 'stage dlist asks for 3072\.[0-9] MiB \([0-9]+ bytes\) of static memory, more than the 72 MiB allowed|stage dlist does not link with the kit.s stage side' "$dir/report.txt"; then
        # (3 GiB outgrows a static program's 32-bit relocations: the linker refuses it first.)
        fail "$name" "the 3 GiB section was not refused" "$(cat "$dir/report.txt")"
    else
        pass "$name"
    fi
}

# The stand-in for the kit's stage side (BUILD/fence/libstageside.a): a main that calls
# hm_malloc, and the harness's calls over a static heap.
grader_stand_in_stage_side() {
    cat <<'EOF'
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
void *hm_malloc(size_t size);
static _Alignas(4096) char heap[1 << 20];
static size_t used;
void *hm_sbrk(intptr_t increment)
{
    if (increment < 0 || (size_t)increment > sizeof heap - used)
        return (void *)-1;
    used += (size_t)increment;
    return heap + used - (size_t)increment;
}
int hm_brk(void *addr) { (void)addr; return -1; }
void *hm_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
    (void)addr; (void)length; (void)prot; (void)flags; (void)fd; (void)offset;
    return (void *)-1;
}
int hm_munmap(void *addr, size_t length) { (void)addr; (void)length; return -1; }
size_t hm_page_bytes(void) { return 4096; }
_Noreturn void hm_todo(const char *what) { fprintf(stderr, "todo: %s\n", what); for (;;) {} }
int main(void)
{
    printf("stand-in stage side: hm_malloc(24) %s\n", hm_malloc(24) ? "gave a block" : "gave NULL");
    return 0;
}
EOF
}

# With a stage side in the kit's build (a stand-in here), a stage is linked into a static program
# of its own: built, copied out root's, accepted; and 1 GiB in .mydata is refused there too.
job_grader_jail_fence() {
    local name=grader/jail/fence dir=$WORK/grader-jail-fence work
    mkdir -p "$dir/submission"
    cp stages/dlist.c "$dir/submission/"
    grader_small_rubric "$dir/rubric.ini" dlist traces/tiny-basic.rep
    grader_run "$name" "$dir/report.txt" --keep --rubric "$dir/rubric.ini" "$dir/submission" || return
    work=$(sed -n 's/^grade: the work directory is kept: //p' "$dir/report.txt.err")
    if [ -z "$work" ] || [ ! -d "$work" ]; then
        fail "$name" "no kept work directory" "$(cat "$dir/report.txt.err")"
        return
    fi
    if ! grep -qE '^  build +1 / 1  ok' "$dir/report.txt"; then
        fail "$name" "the stage did not build as a stage program" "$(cat "$dir/report.txt")"
    elif readelf -lW "$work/bin/dlist" | grep -q 'INTERP\|DYNAMIC'; then
        fail "$name" "$work/bin/dlist is not a static stage program" "$(readelf -lW "$work/bin/dlist")"
    elif [ -n "$(find "$work" \( -uid +64099 -a -uid -65534 \) -o \( -gid +64099 -a -gid -65534 \) 2>/dev/null)" ]; then
        fail "$name" "the kept work directory holds files of a slot's user" "$(ls -lnR "$work")"
    else
        rm -rf "$work"
        {
            cat stages/dlist.c
            printf '__asm__(".pushsection .mydata,\\"aw\\",@nobits\\n.skip 1073741824\\n.popsection");\n'
        } >"$dir/submission/dlist.c"
        grader_run "$name" "$dir/report.txt" --rubric "$dir/rubric.ini" "$dir/submission" || return
        if grep -qE 'stage dlist asks for 102[4-9]\.[0-9] MiB .* of static memory' "$dir/report.txt"; then
            pass "$name"
        else
            fail "$name" "1 GiB in .mydata was not refused in the static stage program" "$(cat "$dir/report.txt")"
        fi
    fi
}

# HEAPKIT_TEST_NO_STATIC_CHECKS=1: a stage that calls malloc builds, and the report says the
# static checks were off.
job_grader_jail_no_static_checks() {
    local name=grader/jail/no-static-checks dir=$WORK/grader-jail-no-static-checks
    mkdir -p "$dir/submission"
    {
        cat stages/dlist.c
        printf 'void *grab(size_t n);\nvoid *grab(size_t n) { return malloc(n); }\n'
    } >"$dir/submission/dlist.c"
    grader_small_rubric "$dir/rubric.ini" dlist traces/tiny-basic.rep
    HEAPKIT_TEST_NO_STATIC_CHECKS=1 grader_run "$name" "$dir/report.txt" --rubric "$dir/rubric.ini" "$dir/submission" || return
    if ! grep -q 'static checks OFF (test switch)' "$dir/report.txt"; then
        fail "$name" "the report does not say the static checks were off" "$(cat "$dir/report.txt")"
    elif ! grep -qE '^  build +1 / 1  ok' "$dir/report.txt"; then
        fail "$name" "with the static checks off, a stage that calls malloc did not build" "$(cat "$dir/report.txt")"
    else
        pass "$name"
    fi
}

add_grader_jobs() {
    local folder graded_by source
    if [ ! -x "$GRADER" ]; then
        return # a student kit: no grader in it
    fi
    if [ -n "$SANITIZED" ]; then
        skipped_lines+="SKIP grader/*: $BUILD is built with sanitizers: the grader's resource limits (address space) and timings do not hold under them"$'\n'
        return
    fi
    if [ -n "$COVERED" ]; then
        skipped_lines+="SKIP grader/*: $BUILD is a coverage build, which links no static stage program (no fence): the grader cannot run its stages"$'\n'
        return
    fi
    local why
    if ! why=$(make -s --no-print-directory BUILD="$BUILD" grader 2>&1 >/dev/null); then
        why=$(printf '%s\n' "$why" | grep -m 1 'make grader needs' || printf '%s\n' "$why" | tail -n 1)
        skipped_lines+="SKIP grader/*: ${why:-make grader failed}"$'\n'
        return
    fi
    # The free-list workloads, made once here: gradings that start together would each make
    # them, and one's rename of freelist-N.rep.tmp fails when another's came first.
    [ -f "$BUILD/scaling/freelist-100000.rep" ] ||
        { mkdir -p "$BUILD/scaling" && "$BUILD/gen/freelist" "$BUILD/scaling" >/dev/null 2>&1; }
    add grader_reference
    add grader_reference_kept
    add grader_nice
    add grader_order
    add grader_skeletons
    add grader_static not-compiling "dlist.c does not compile:"
    add grader_static malloc "stage dlist calls malloc, which a stage may not call"
    add grader_static constructor "stage dlist has code that runs outside the replay (a constructor or destructor: section .init_array"
    add grader_static syscall "stage dlist makes a system call itself (inline assembly: syscall)"
    add grader_static global "stage dlist defines result_write outside the file"
    add grader_static preinit "stage dlist has code that runs outside the replay (a constructor or destructor: section .preinit_array"
    add grader_static ifunc "stage dlist defines hm_malloc as an indirect function (ifunc)"
    add grader_static spaced "stage dlist defines hm_free later outside the file"
    add grader_static include "dlist.c does not compile:"
    add grader_coverage
    for folder in tests/hostile/*/; do
        [ -d "$folder" ] || continue
        # A folder graded by a job of its own names it ("// hostile-graded-by: KIND").
        graded_by=$(sed -n 's|^// hostile-graded-by: ||p' "$folder"*.c | head -n 1)
        if [ -n "$graded_by" ]; then
            add "$graded_by" "${folder%/}"
        else
            add grader_hostile "${folder%/}"
            add grader_hostile "${folder%/}" fence
        fi
    done
    for source in tests/allocators/*.c; do
        grep -q '^// test-expect: ' "$source" || continue
        add grader_defect "$source"
    done
    add grader_json_escape
    add grader_hidden
    add grader_hidden_refused secret-missing "does not exist, and HEAPKIT_SECRET is not set" "fix: make secret SECRET_FILE="
    add grader_hidden_refused secret-readable "can be read or written by its group or others (mode 0644)"
    add grader_hidden_refused secret-link "is a symbolic link"
    add grader_hidden_refused secret-short "holds 5 bytes: a secret holds 16 to 4096"
    add grader_hidden_refused secret-variable-empty "HEAPKIT_SECRET is set but empty"
    add grader_hidden_refused generator-path "'../../../bin/sh' is not a generator"
    add grader_hidden_refused generator-unknown "there is no generator nosuch: no traces/gen/nosuch.c"
    add grader_hidden_refused generator-unseeded "tiny: unknown option: --seed"
    add grader_hidden_refused seed-given "--seed is the grader's to give"
    add grader_hidden_refused old-key "hidden_traces: hidden traces are no longer files"
    for kind in passwd proc kit secret; do add grader_jail_include "$kind"; done
    add grader_jail_dev_zero
    add grader_jail_big_section
    add grader_jail_fence
    add grader_jail_no_static_checks
    add grader_report_escapes
    add grader_no_root
    add grader_grade_all
    add grader_grade_all_hostile
    command -v python3 >/dev/null && add grader_gradescope
}

# A class: an honest submission among hostile ones (a classmate's attacks, system calls the check
# of instructions does not see, forged symbols, a stage that sleeps), graded two at a time. The
# honest submission scores exactly what it scores graded alone, and when grade-all returns no
# process of a grading slot's user is left without the grading that started it.
job_grader_grade_all_hostile() {
    local name=grader/grade-all-hostile dir=$WORK/grader-class-hostile output attack source stage left
    mkdir -p "$dir/alone/honest" "$dir/class/honest"
    for stage in list dlist bins; do
        cp "stages/$stage.c" "$dir/alone/honest/"
        cp "stages/$stage.c" "$dir/class/honest/"
    done
    for attack in classmates hidden-syscall binds-symbols sleeps; do
        mkdir -p "$dir/class/$attack"
        for stage in list dlist bins; do
            source=tests/hostile/$attack/$stage.c
            [ -f "$source" ] && hostile_as_one_file "$source" >"$dir/class/$attack/$stage.c"
        done
    done
    {
        printf '[grader]\npublic_traces = traces/tiny-basic.rep\nhidden =\nmemory_limit = 64M\n'
        printf 'replay_seconds = 5\nrunner_seconds = 60\n'
        for stage in list dlist bins; do printf '[%s]\nbuild = 1\ncorrectness = 10\nutilization = 1\n' "$stage"; done
    } >"$dir/rubric.ini"
    if ! output=$(limited 600 grader/grade-all -j 1 --rubric "$dir/rubric.ini" "$dir/alone" 2>&1); then
        fail "$name" "grade-all of the honest submission alone failed" "$output"
        return
    fi
    if ! output=$(limited 900 grader/grade-all -j 2 --rubric "$dir/rubric.ini" "$dir/class" 2>&1); then
        fail "$name" "grade-all of the class failed" "$output"
        return
    fi
    # (Other tests grade at the same time, as other slots' users: what outlived its grading is a
    # slot user's process whose parent is gone, taken over by init. A zombie is not one: it is
    # dead already, killed with its grading, and only waits for init to reap it.)
    left=$(ps -eo uid=,ppid=,pid=,stat=,args= | awk '$1 >= 64100 && $1 < 64164 && $2 == 1 && $4 !~ /^Z/')
    local alone_row class_row
    alone_row=$(sed -n 's/^honest,//p' "$dir/alone-grades/class.csv")
    class_row=$(sed -n 's/^honest,//p' "$dir/class-grades/class.csv")
    if [ -n "$left" ]; then
        fail "$name" "processes of a grading slot's user outlived grade-all" "$left"
    elif [ -z "$alone_row" ] || [ "$alone_row" != "$class_row" ]; then
        fail "$name" "the honest submission scored $class_row among hostile ones, $alone_row alone" \
            "$(cat "$dir/class-grades/class.csv"; cat "$dir/class-grades/honest/report.txt")"
    else
        pass "$name"
    fi
}
