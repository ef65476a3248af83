#!/usr/bin/env bash
# traces/real/record.sh: record the bundled real-program traces (make traces-real).
#
#   bash traces/real/record.sh [NAME...]     (default: every one; BUILD=build)
#
# Each trace is one run of a real program under build/record, on input that is the same on
# every Debian 12 machine (the GPL's text from base-files, or made here by a fixed rule), so a
# run elsewhere records the same calls wherever the program's version is the same. Each trace's
# `# source:` line is its command and `# version:` the program's. A missing program is skipped,
# with the package that brings it.
set -u
# The system's programs, not a user's (a version manager's shim would be recorded instead).
PATH=/usr/local/bin:/usr/bin:/bin
cd "$(dirname "$0")/../.."
kit=$PWD
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$kit/$BUILD ;; esac
out=$kit/traces/real
text=/usr/share/common-licenses/GPL-3 # base-files: on every Debian
[ -x "$BUILD/record" ] || { echo "record.sh: $BUILD/record is not built: run make" >&2; exit 2; }
[ -r "$text" ] || { echo "record.sh: $text is missing (apt-get install base-files)" >&2; exit 2; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/heapkit-real.XXXXXX") || exit 2
trap 'rm -rf "$scratch"' EXIT
failed=0

# record NAME PACKAGE VERSION-COMMAND TESTS [--follow] -- COMMAND...: one trace, recorded in the
# scratch folder (its inputs are there), or a line saying why not.
record() {
    local name=$1 package=$2 version=$3 tests=$4 follow=()
    shift 4
    [ "$1" = --follow ] && follow=(--follow) && shift
    shift # --
    if [ ${#chosen[@]} -gt 0 ] && [[ " ${chosen[*]} " != *" $name "* ]]; then
        return 0
    fi
    if ! command -v "$1" >/dev/null; then
        echo "record.sh: $name skipped: $1 is missing (apt-get install $package)"
        return 0
    fi
    if ! (cd "$scratch" && "$BUILD/record" -o "$scratch/$name.rep" "${follow[@]}" --tests "$tests" -- "$@") \
        >/dev/null 2>"$scratch/$name.err"; then
        echo "record.sh: $name: build/record failed:" >&2
        tail -n 5 "$scratch/$name.err" >&2
        failed=1
        return 0
    fi
    # The program's version after the command line; the scratch folder's path as INPUT.
    { sed -n '1,/^# source:/p' "$scratch/$name.rep"
      echo "# version: $(cd "$scratch" && eval "$version" 2>&1 | head -n 1)"
      sed '1,/^# source:/d' "$scratch/$name.rep"; } | sed "s|$scratch|INPUT|g" >"$out/$name.rep"
    echo "record.sh: traces/real/$name.rep: $(grep -v '^#' "$out/$name.rep" | sed -n 3p) operations"
}
chosen=("$@")

# A compiler: gcc -O2 -c of a small C file: the driver, cc1 and as (--follow).
cat >"$scratch/area.c" <<'C'
#include <stdio.h>
struct point { double x, y; };
static double area(const struct point *p, int n)
{
    double twice = 0;
    for (int i = 0; i < n; i++)
        twice += p[i].x * p[(i + 1) % n].y - p[(i + 1) % n].x * p[i].y;
    return twice / 2;
}
int main(void)
{
    struct point p[] = { { 0, 0 }, { 4, 0 }, { 4, 3 } };
    printf("%g\n", area(p, 3));
    return 0;
}
C
record gcc-compile gcc "gcc --version" "a compiler: gcc -O2 -c of a small C file (the driver, cc1 and as)" \
    --follow -- gcc -O2 -c area.c -o area.o

# An interpreter: Python counting the GPL's words into dicts and through JSON, with Python's own
# small-object allocator off (PYTHONMALLOC=malloc), so that every object is the stage's, and
# without the site packages (-I -S), whose start-up would otherwise be most of the trace.
record python-json python3 "python3 --version" "an interpreter: Python's objects, dicts and strings (PYTHONMALLOC=malloc)" \
    --follow -- env PYTHONMALLOC=malloc PYTHONHASHSEED=0 python3 -I -S -c '
import json, re
words = re.findall(r"[a-z]+", open("'"$text"'").read().lower())
counts = {}
for word in words:
    counts[word] = counts.get(word, 0) + 1
document = [{"word": w, "count": c, "ends": [w[:2], w[-2:]]} for w, c in sorted(counts.items())]
print(len(json.loads(json.dumps(document))))'

# Another: Perl's hash of the GPL's words.
record perl-words perl-base "perl -e 'print \"perl \$^V\"'" "an interpreter: Perl's hash of every word of a text" \
    -- perl -e 'open my $f, "<", "'"$text"'" or die; my %n; while (<$f>) { $n{lc $_}++ for /(\w+)/g } print scalar(keys %n), "\n"'

# A shell: bash's associative array of the GPL's first 600 words.
record bash-words bash "bash --version" "a shell: bash's variables and arrays, word by word" \
    -- bash -c 'declare -A n; for w in $(tr -cs "A-Za-z" "\n" < "'"$text"'" | head -600); do n[$w]=$(( ${n[$w]:-0} + 1 )); done; echo ${#n[@]}'

# A database: SQLite builds a table of 8000 rows, an index, and answers a join.
cat >"$scratch/words.sql" <<'SQL'
CREATE TABLE word(id INTEGER PRIMARY KEY, text TEXT, length INTEGER, bucket INTEGER);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8000)
INSERT INTO word(text, length, bucket) SELECT printf('w%08x', (i * 2654435761) % 4294967296), i % 17, i % 97 FROM n;
CREATE INDEX word_text ON word(text);
SELECT bucket, count(*), sum(length) FROM word GROUP BY bucket ORDER BY 2 DESC LIMIT 3;
SELECT count(*) FROM word a JOIN word b ON a.bucket = b.bucket AND a.id < b.id WHERE a.id < 200;
SQL
record sqlite-index sqlite3 "sqlite3 --version" "a database: SQLite's pages, an index and a join, in memory" \
    -- sqlite3 :memory: ".read words.sql"

# A text tool: diff of two files of 20,000 lines that differ every few lines.
awk 'BEGIN { for (i = 1; i <= 24000; i++) printf "%08d %d\n", (i * 7919) % 100003, i }' /dev/null >"$scratch/lines"
awk 'NR % 7 != 0' "$scratch/lines" | head -n 20000 >"$scratch/a.txt"
awk 'NR % 5 != 0' "$scratch/lines" | head -n 20000 >"$scratch/b.txt"
record diff-lines diffutils "diff --version" "a text tool: diff's lines and its edit script" \
    --follow -- sh -c 'diff a.txt b.txt > /dev/null; [ $? -le 1 ]'

# A version-control tool: git log with file statistics of this kit's history, up to a fixed commit.
if git -C "$kit" cat-file -e f2fc827 2>/dev/null; then
    record git-log git "git --version" "a version-control tool: git log --stat of 30 commits" \
        -- git -C "$kit" log --stat -n 30 f2fc827
else
    echo "record.sh: git-log skipped: this folder is not the kit's git repository (commit f2fc827)"
fi
exit "$failed"
