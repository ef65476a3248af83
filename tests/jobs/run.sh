# tests/jobs/run.sh: build/run, real programs on a stage (run/run.c, the library of run/shim.h).
#
#   run/STAGE/PROGRAM        each reference stage runs each test program of tests/run/ (every
#                            allocation function, threads, fork and exec, aligned blocks) under
#                            build/run --check: exit 0 and the same stdout as on the C library's
#                            malloc, and a row for the program in the report
#   run/STAGE/REAL           the same for the real programs the machine has: python3 (a script),
#                            sort (11 MB), gcc -S (a C file), sqlite3 (a small database), git log
#                            (of this repository); SKIP naming the Debian package when one is missing
#   run/broken/ALLOCATOR     a test allocator that breaks one rule (tests/allocators/), preloaded:
#                            --check stops the program with the rule's message and a non-zero exit;
#                            one that crashes is reported as a crash inside the stage; one that
#                            calls hm_todo stops it with "not implemented yet"
#   run/counts               the report counts each kind of call as the program made them
#   run/cli/...              a bad option, an unknown stage, a missing program: a clear message,
#                            a non-zero exit
# A stage that is a skeleton (it calls hm_todo: a student kit's) is skipped: it runs nothing yet.

RUN=$BUILD/run
RUN_PROGRAMS=$BUILD/tests/run

# run_skeleton STAGE: is the stage a skeleton still (a student kit's, not written yet)?
run_skeleton() {
    grep -q 'hm_todo(' "stages/$1.c"
}

# run_compare NAME STAGE PROGRAM [ARGS...]: PROGRAM on the C library, then on STAGE with --check:
# both exit 0 and print the same. Standard input, when the caller gives one, is $WORK/NAME.stdin.
run_compare() {
    local name=$1 stage=$2 dir
    shift 2
    dir=$WORK/${name//\//-}
    mkdir -p "$dir"
    local input=/dev/null
    [ -f "$dir.stdin" ] && input=$dir.stdin
    if ! limited 300 "$@" <"$input" >"$dir/libc.out" 2>"$dir/libc.err"; then
        fail "$name" "the program fails on the C library's malloc: $*" "$(tail -n 20 "$dir/libc.err")"
        return
    fi
    local status=0
    limited 300 "$RUN" -s "$stage" --check -- "$@" <"$input" >"$dir/stage.out" 2>"$dir/stage.err" || status=$?
    if [ "$status" -ne 0 ]; then
        fail "$name" "build/run -s $stage --check -- $* exits $status" "$(tail -n 30 "$dir/stage.err")"
    elif ! cmp -s "$dir/libc.out" "$dir/stage.out"; then
        fail "$name" "the output differs from the C library's" "$(diff "$dir/libc.out" "$dir/stage.out" | head -n 20)"
    elif ! grep -q "^heapkit run: stage $stage (checked), [1-9][0-9]* process" "$dir/stage.err"; then
        fail "$name" "no report of the processes on the stage" "$(tail -n 20 "$dir/stage.err")"
    else
        pass "$name"
    fi
}

job_run_program() { # STAGE PROGRAM
    local stage=$1 program=$2 name=run/$1/$2
    if run_skeleton "$stage"; then
        skip "$name" "stages/$stage.c is a skeleton (it calls hm_todo): it runs nothing yet"
        return
    fi
    run_compare "$name" "$stage" "$RUN_PROGRAMS/$program"
}

# The real programs, sized so that every stage finishes within seconds: minimal never frees,
# and mmap makes a system call for every block.
job_run_real() { # STAGE PROGRAM
    local stage=$1 program=$2 name=run/$1/$2 package=$2 command
    case $program in
    python3) command=python3 ;;
    sort) command=sort package=coreutils ;;
    gcc) command=gcc ;;
    sqlite3) command=sqlite3 ;;
    git) command=git ;;
    esac
    if run_skeleton "$stage"; then
        skip "$name" "stages/$stage.c is a skeleton (it calls hm_todo): it runs nothing yet"
        return
    fi
    if ! command -v "$command" >/dev/null; then
        skip "$name" "$command is not installed (apt-get install $package)"
        return
    fi
    local dir=$WORK/run-real-$stage-$program
    mkdir -p "$dir"
    case $program in
    python3)
        # The interpreter itself: python3 may be a wrapper script (pyenv), whose shells would be
        # all the report showed.
        local python
        python=$(python3 -c 'import sys; print(sys.executable)') || python=python3
        run_compare "$name" "$stage" "$python" tests/run/workload.py 20000
        ;;
    sort)
        awk 'BEGIN { srand(7); letters = "abcdefghijklmnopqrstuvwxyz"
                     for (i = 0; i < 300000; i++)
                         printf "%08d line %d %s\n", int(rand() * 1e8), i, substr(letters, 1 + int(rand() * 20)) }' \
            >"$dir/lines.txt"
        run_compare "$name" "$stage" sort "$dir/lines.txt"
        ;;
    gcc)
        # A copy: the source may be edited while the test runs, and both compilers must read the same.
        cp harness/trace.c harness/trace.h "$dir/"
        run_compare "$name" "$stage" gcc -std=c17 -O2 -D_GNU_SOURCE -Iharness -Istages -S -o - "$dir/trace.c"
        ;;
    sqlite3)
        cat >"$WORK/${name//\//-}.stdin" <<'EOF'
create table t(id integer primary key, name text, grp integer, payload blob);
with recursive n(i) as (select 1 union all select i + 1 from n where i < 20000)
insert into t select i, 'name' || (i * 7919 % 20000), i % 37, zeroblob(i % 200) from n;
create index t_name on t(name);
select grp, count(*), sum(length(payload)), min(name), max(name) from t group by grp order by grp limit 10;
select count(*) from t a join t b on a.grp = b.grp and a.id < b.id and a.id % 50 = 0 and b.id % 50 = 0;
update t set name = upper(name) where id % 3 = 0;
delete from t where id % 5 = 0;
select count(*), count(distinct name) from t;
EOF
        run_compare "$name" "$stage" sqlite3 :memory:
        ;;
    git)
        local commit
        if ! commit=$(git rev-parse --verify -q HEAD 2>/dev/null); then
            skip "$name" "this copy of the kit is not a git repository"
            return
        fi
        run_compare "$name" "$stage" git --no-pager log --stat -n 200 "$commit"
        ;;
    esac
}

# run_stopped NAME TEXT... : the last run (in $dir) exited non-zero and its stderr holds each TEXT.
run_expect_stopped() {
    local name=$1 status=$2 err=$3 missing=""
    shift 3
    local text
    for text in "$@"; do
        grep -qF -- "$text" "$err" || missing+="$text; "
    done
    if [ "$status" -eq 0 ]; then
        fail "$name" "the program was not stopped (exit 0)" "$(tail -n 20 "$err")"
    elif [ -n "$missing" ]; then
        fail "$name" "the message lacks: $missing" "$(cat "$err")"
    else
        pass "$name"
    fi
}

job_run_broken() { # ALLOCATOR TEXT...
    local allocator=$1 name=run/broken/$1 dir=$WORK/run-broken-$1 status=0
    shift
    mkdir -p "$dir"
    limited 60 "$RUN" -s "$BUILD/preload/tests/lib$allocator.so" --check -- "$RUN_PROGRAMS/entry_points" \
        >"$dir/out" 2>"$dir/err" || status=$?
    run_expect_stopped "$name" "$status" "$dir/err" "$@"
}

# The report of a run of entry_points, whose calls are known: 5 aligned ones (the posix_memalign
# refused for its alignment is not one), 2 malloc_usable_size that reach the heap (NULL is
# answered at once), and at least its 20,000 mallocs and frees.
job_run_counts() {
    local name=run/counts dir=$WORK/run-counts row
    mkdir -p "$dir"
    if run_skeleton bins; then
        skip "$name" "stages/bins.c is a skeleton (it calls hm_todo): it runs nothing yet"
        return
    fi
    if ! limited 60 "$RUN" -s bins -- "$RUN_PROGRAMS/entry_points" >"$dir/out" 2>"$dir/err"; then
        fail "$name" "entry_points fails on bins" "$(cat "$dir/err")"
        return
    fi
    row=$(grep -E '^  entry_points [0-9]+ ' "$dir/err")
    # process pid malloc free calloc realloc aligned usable syscalls/op footprint unit utilization
    read -r -a fields <<<"$row"
    if [ "${#fields[@]}" -ne 12 ] || [ "${fields[2]}" -lt 20000 ] || [ "${fields[3]}" -lt 20000 ] ||
        [ "${fields[4]}" -ne 2 ] || [ "${fields[6]}" -ne 5 ] || [ "${fields[7]}" -ne 2 ]; then
        fail "$name" "the row does not count the calls entry_points makes" "$(cat "$dir/err")"
    elif ! awk -v u="${fields[11]}" 'BEGIN { exit !(u > 0 && u <= 1) }'; then
        fail "$name" "utilization ${fields[11]} is not in (0, 1]" "$(cat "$dir/err")"
    else
        pass "$name"
    fi
}

# run_cli NAME STATUS TEXT ARGS...: build/run ARGS exits STATUS and says TEXT on stderr.
job_run_cli() {
    local name=run/cli/$1 want=$2 text=$3 output status=0
    shift 3
    output=$(limited 60 "$RUN" "$@" 2>&1 >/dev/null) || status=$?
    if [ "$status" -ne "$want" ]; then
        fail "$name" "exit $status, not $want: build/run $*" "$output"
    elif [[ $output != *"$text"* ]]; then
        fail "$name" "no \"$text\" in the message" "$output"
    else
        pass "$name"
    fi
}

add_run_jobs() {
    local source stage program
    for source in stages/*.c; do
        stage=$(basename "$source" .c)
        for program in tests/run/*.c; do
            add run_program "$stage" "$(basename "$program" .c)"
        done
        for program in python3 sort gcc sqlite3 git; do
            add run_real "$stage" "$program"
        done
    done
    add run_broken overlap "check failed at call" "the block overlaps a live block" \
        "expected: memory that overlaps no live block" "the stage's hm_check:" "heapkit run: the program is stopped" \
        "heapkit run: entry_points (pid"
    add run_broken misaligned "the block is not 16-byte aligned" "expected: an address that is a multiple of 16" \
        "8 bytes past a multiple of 16"
    add run_broken null-returned "returned NULL though the memory was there" \
        "no system call failed during the call"
    add run_broken crash "the stage crashed" "Segmentation fault (signal 11) touching 0xdead0010" \
        "the stage's hm_check:"
    add run_broken todo "not implemented yet: hm_realloc (the stage called hm_todo), at realloc("
    add run_counts
    add run_cli bad-option 2 "unknown option --bogus" --bogus -s bins -- true
    add run_cli no-stage 2 "which stage? -s STAGE" -- true
    add run_cli unknown-stage 2 "-s nosuch: no such stage" -s nosuch -- true
    add run_cli no-program 2 "which program?" -s bins
    add run_cli missing-program 127 "no-such-program: no such program" -s bins -- no-such-program
    add run_cli bad-limit 2 "--limit lots: not a size" -s bins --limit lots -- true
}
