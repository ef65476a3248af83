#!/usr/bin/env bash
# make student: the student kit, made from the reference stages as student/kit.conf says.
#   stages named `whole`:    the reference, solution markers removed
#   stages named `skeleton`: every marked region replaced by a stub (student/skeleton.awk)
# Writes $BUILD/student/heapkit/ and $BUILD/student/heapkit.tar.gz. The kit holds no reference
# answer of a skeleton stage, no solution marker, and not the grader.
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
cp -r Makefile .gitignore harness fence traces tests "$kit/"
# The grader stays with the instructor, and with it the tests of the grader and of the fence
# against hostile stages (the fence itself is the kit's: build/replay --separate runs a stage
# as the grader does).
rm -rf "$kit/tests/hostile" "$kit/tests/jobs/grader.sh" "$kit/tests/jobs/fence.sh"
[ -d handouts ] && cp -r handouts "$kit/"
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

if grep -l 'BEGIN SOLUTION\|END SOLUTION' "$kit"/stages/* >/dev/null; then
    echo "make student: solution markers left in: $(grep -l 'BEGIN SOLUTION\|END SOLUTION' "$kit"/stages/*)" >&2
    exit 1
fi
tar -czf "$BUILD/student/heapkit.tar.gz" -C "$BUILD/student" heapkit
echo "student kit: $kit (whole: $(echo $whole)) (skeletons: $(echo $skeleton))"
echo "tarball:     $BUILD/student/heapkit.tar.gz"
