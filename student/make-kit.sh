#!/usr/bin/env bash
# make student: the student kit, made from the reference stages as student/kit.conf says.
#   stages named `whole`:    the reference, solution markers removed
#   stages named `skeleton`: every marked region replaced by a stub, and every line marked
#                            /* skeleton: TEXT */ by TEXT (student/skeleton.awk)
# Writes $BUILD/student/heapkit/ and $BUILD/student/heapkit.tar.gz. The kit holds no reference
# answer of a skeleton stage, no solution marker, and of the grader only what its pre-grade needs
# (make grade STAGE=NAME): its sources and the rubric, with the reference stages' results recorded
# here (grader/reference/), but no secret, no test of the grader and no hostile submission.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
config=student/kit.conf
kit="$BUILD/student/heapkit"

list_of() { # the stage names after "KEY =" in the config
    sed -nE "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*(.*)$/\1/p" "$config" | tr -s ' \t' '\n' | sed '/^$/d'
}
whole=$(list_of whole)
skeleton=$(list_of skeleton)
for name in $whole $skeleton; do
    [ -f "stages/$name.c" ] || { echo "$config: stage '$name' has no stages/$name.c" >&2; exit 1; }
done
for name in $whole; do
    if echo "$skeleton" | grep -qx "$name"; then
        echo "$config: stage '$name' is listed both whole and as a skeleton" >&2; exit 1
    fi
done

rm -rf "$BUILD/student"
mkdir -p "$kit/stages"
cp -r Makefile .gitignore harness fence record run traces tests plots "$kit/"
# The grader stays with the instructor, and with it the tests of the grader and of the fence
# against hostile stages (the fence itself is the kit's: build/replay --separate runs a stage
# as the grader does).
# The expected maps are the reference stages' layouts, which a student's stage need not share.
rm -rf "$kit/tests/hostile" "$kit/tests/jobs/grader.sh" "$kit/tests/jobs/fence.sh" "$kit/tests/jobs/checker.sh" \
    "$kit/tests/jobs/pregrade.sh" "$kit/tests/jobs/maps.sh" "$kit/tests/maps"
# The handouts as a student reads them: HTML with the reference stages' figures filled in (what
# to aim for), beside the markdown they are made from, filled in too: no placeholder is left, and
# no fill.py (the kit cannot fill them: its skeletons make no figures).
if ! make -s --no-print-directory BUILD="$BUILD" handouts >"$BUILD/student-handouts.txt" 2>&1; then
    echo "make student: the handouts could not be built: $(grep -m 1 'needs\|rror' "$BUILD/student-handouts.txt" ||
        tail -n 1 "$BUILD/student-handouts.txt") (the kit's handouts are HTML: apt-get install pandoc python3)" >&2
    exit 1
fi
mkdir -p "$kit/handouts"
for page in handouts/*.md; do
    page=$(basename "$page" .md)
    cp "$BUILD/handouts/figures/$page.md" "$BUILD/handouts/$page.html" "$kit/handouts/"
done
cp handouts/style.css "$kit/handouts/"
# The plots the markdown links to ({{plot.NAME}}: plots/NAME.svg beside it; the HTML holds them).
if ls "$BUILD"/handouts/figures/plots/*.svg >/dev/null 2>&1; then
    mkdir -p "$kit/handouts/plots"
    cp "$BUILD"/handouts/figures/plots/*.svg "$kit/handouts/plots/"
fi
if grep -rl '{{' "$kit"/handouts >/dev/null; then
    echo "make student: a placeholder is left in the kit's handouts: $(grep -rl '{{' "$kit"/handouts)" >&2
    exit 1
fi
# The pre-grade: the grader's sources (built with the C library alone: grader/grader.mk), the
# rubric, and what the reference stages measured, since the kit holds no reference of a skeleton.
mkdir -p "$kit/grader/reference"
cp grader/*.c grader/*.h grader/grader.mk grader/rubric.ini grader/README.md grader/SECURITY.md "$kit/grader/"
all_stages=$(echo $whole $skeleton | tr ' ' ',')
if make -s --no-print-directory BUILD="$BUILD" pregrade >/dev/null 2>&1 &&
    "$BUILD/grader/pregrade" --pre-grade --build "$BUILD" --record-reference "$kit/grader/reference" \
        --stages "$all_stages" stages >"$BUILD/student/reference-pregrade.txt" 2>&1; then
    echo "make student: recorded the reference stages' results for the kit's make grade"
else
    rm -rf "$kit/grader/reference"
    echo "make student: could not record the reference stages' results ($BUILD/student/reference-pregrade.txt):" \
         "the kit's make grade will not grade utilization, throughput or the checker" >&2
fi
cp stages/heapmgr.h "$kit/stages/"
for name in $whole; do
    awk -v whole=1 -v stage="$name" -f student/skeleton.awk "stages/$name.c" > "$kit/stages/$name.c"
done
for name in $skeleton; do
    awk -v stage="$name" -f student/skeleton.awk "stages/$name.c" > "$kit/stages/$name.c"
done

# A skeleton's stubs leave helpers unused: that is the student's to-do list, not an error.
sed -i 's/^STAGE_CFLAGS ?=.*/STAGE_CFLAGS ?= -Wno-unused-function -Wno-unused-parameter -Wno-unused-variable/' "$kit/Makefile"
# The kit's Makefile has no use for the instructor's targets' files.
sed -e "s/@WHOLE@/$(echo $whole | sed 's/ /, /g')/" -e "s/@SKELETON@/$(echo $skeleton | sed 's/ /, /g')/" \
    student/README.md > "$kit/README.md"

markers='BEGIN SOLUTION\|END SOLUTION\|/\* skeleton: '
if grep -l "$markers" "$kit"/stages/* >/dev/null; then
    echo "make student: solution markers left in: $(grep -l "$markers" "$kit"/stages/*)" >&2
    exit 1
fi
tar -czf "$BUILD/student/heapkit.tar.gz" -C "$BUILD/student" heapkit
echo "student kit: $kit (whole: $(echo $whole)) (skeletons: $(echo $skeleton))"
echo "tarball:     $BUILD/student/heapkit.tar.gz"
