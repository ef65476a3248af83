#!/usr/bin/env bash
# tests/maps/update.sh: write the expected maps of tests/jobs/maps.sh from the stages as they
# are now. Run it after changing a reference stage's layout, and read `git diff tests/maps`:
# each change there is a change students will see.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
source tests/jobs/maps.sh
for stage in $MAP_STAGES drawn; do
    runner=$stage
    [ "$stage" = drawn ] && runner=$BUILD/tests/stages/correct
    mkdir -p "tests/maps/$stage"
    for case in $MAP_CASES; do
        [ "$stage" = drawn ] && [[ " tiny-basic:19 tiny-edge:33 " != *" $case "* ]] && continue
        "$BUILD/replay" -s "$runner" --map "${case##*:}" "traces/${case%%:*}.rep" \
            >"tests/maps/$stage/${case%%:*}-${case##*:}.txt" 2>&1
    done
done
echo "tests/maps: written; see git diff tests/maps"
