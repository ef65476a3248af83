#!/usr/bin/env bash
# setup.sh: Gradescope runs this once, as root, when it builds the autograder's image.
# It installs what the grader needs and builds the kit, the reference stages and the grader.
# (AUTOGRADER_ROOT and HEAPKIT_SKIP_APT exist for the kit's own test, which emulates the layout.)
set -euo pipefail
root=${AUTOGRADER_ROOT:-/autograder}
if [ -z "${HEAPKIT_SKIP_APT:-}" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends build-essential binutils libcjson-dev libinih-dev \
        libseccomp-dev pkg-config ca-certificates
fi
make -C "$root/source" --no-print-directory -j"$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)" grader
# The hidden traces' secret (make autograder put it in the zip): root's alone. The grader refuses
# one that others can read, and the student's code, which runs as another user, must not read it.
secret=$root/source/grader/secret
if [ ! -f "$secret" ]; then
    echo "setup.sh: no $secret: the hidden traces cannot be made (make autograder puts one in the zip)" >&2
    exit 1
fi
chown "$(id -u)" "$secret"
chmod 0600 "$secret"
# The reference stages graded as a submission, once: a check that the grader works in this
# image (full marks, or setup fails), and it keeps the references' results on the public
# traces (BUILD/grader/reference-results), which every student's grading then reads instead
# of measuring them again.
check=$(mktemp -d)
cp "$root"/source/stages/{minimal,pad,list,dlist,bins,mmap,hybrid}.c "$check/"
report=$("$root/source/grader/grade" "$check")
rm -rf "$check"
if ! grep -qE '^total +120 / 120$' <<<"$report"; then
    echo "setup.sh: the grader did not give the reference stages full marks in this image:" >&2
    echo "$report" >&2
    exit 1
fi
