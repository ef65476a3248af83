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
# The sandbox, when the kit has it (make sandbox).
if make -C "$root/source" -n sandbox >/dev/null 2>&1; then
    make -C "$root/source" --no-print-directory sandbox
fi
# The hidden traces' secret (make autograder put it in the zip): root's alone. The grader refuses
# one that others can read, and the student's code, which runs as another user, must not read it.
secret=$root/source/grader/secret
if [ ! -f "$secret" ]; then
    echo "setup.sh: no $secret: the hidden traces cannot be made (make autograder puts one in the zip)" >&2
    exit 1
fi
chown "$(id -u)" "$secret"
chmod 0600 "$secret"
