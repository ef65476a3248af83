#!/usr/bin/env bash
# .ci/fresh-root.sh COMPILER: the README's two commands, `make compare` and `make test`, on a
# fresh Debian 12 (debootstrap --variant=minbase) that has only COMPILER (gcc or clang) and make:
# what a newcomer's machine has. Prints what it did, the test run's last lines, and last of all
# "N passed, N failed" (a failed `make compare`, or a root that cannot be made, counts 1 failed).
#
# The roots are kept outside the clone, in $HEAPKIT_CI_CACHE (default /var/cache/heapkit-ci):
# bookworm-minbase, and COMPILER-root made from it with the compiler installed. Each run copies
# COMPILER-root, clones the repository into the copy, runs there and removes the copy. Needs
# root, debootstrap (apt-get install debootstrap) and Debian's mirror.
set -uo pipefail
compiler=${1:?usage: .ci/fresh-root.sh gcc|clang}
case $compiler in
gcc) packages="gcc make libc6-dev" ;;
clang) packages="clang make" ;;
*) echo "fresh-root: no such compiler '$compiler' (gcc or clang)"; exit 2 ;;
esac
repository=$(cd "$(dirname "$0")/.." && pwd)
cache=${HEAPKIT_CI_CACHE:-/var/cache/heapkit-ci}
mirror=${HEAPKIT_CI_MIRROR:-http://deb.debian.org/debian}
base=$cache/bookworm-minbase
ready=$cache/$compiler-root

given_up() { # WHY: one failed check, said so
    echo "fresh-root $compiler: $1"
    echo "0 passed, 1 failed"
    exit 1
}

[ "$(id -u)" -eq 0 ] || given_up "needs root (debootstrap and chroot)"
command -v debootstrap >/dev/null || given_up "needs debootstrap: apt-get install debootstrap"
mkdir -p "$cache" || given_up "cannot make $cache"

# The roots, made once: each in a scratch folder renamed when complete, so that a run that
# stops half-way leaves nothing that looks ready.
if [ ! -f "$base/.heapkit-ready" ]; then
    echo "fresh-root: debootstrap --variant=minbase bookworm into $base (once)"
    rm -rf "$base.partial" "$base"
    debootstrap --variant=minbase bookworm "$base.partial" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
        given_up "debootstrap failed (see $cache/debootstrap.log): $(tail -n 1 "$cache/debootstrap.log")"
    touch "$base.partial/.heapkit-ready" && mv "$base.partial" "$base"
fi
if [ ! -f "$ready/.heapkit-ready" ]; then
    echo "fresh-root: $ready: the minimal root with only $packages (once)"
    rm -rf "$ready.partial" "$ready"
    cp -a "$base" "$ready.partial" && cp /etc/resolv.conf "$ready.partial/etc/resolv.conf" &&
        chroot "$ready.partial" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
            sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $packages && apt-get clean" \
            >"$cache/$compiler-install.log" 2>&1 ||
        given_up "could not install $packages (see $cache/$compiler-install.log)"
    rm -f "$ready.partial/.heapkit-ready"
    touch "$ready.partial/.heapkit-ready" && mv "$ready.partial" "$ready"
fi

# This run's root: a copy, with the repository cloned in (what is committed, nothing built).
root=$(mktemp -d "$cache/run-$compiler.XXXXXX") || given_up "cannot make a scratch root in $cache"
cleanup() {
    umount "$root/dev/pts" 2>/dev/null
    umount "$root/proc" 2>/dev/null
    umount "$root" 2>/dev/null
    if mountpoint -q "$root/proc" || mountpoint -q "$root/dev/pts" || mountpoint -q "$root"; then
        echo "fresh-root: $root is still mounted: left in place"
    else
        rm -rf --one-file-system "$root"
    fi
}
trap cleanup EXIT
cp -a "$ready/." "$root/" || given_up "cannot copy $ready"
git clone -q "$repository" "$root/heapkit" 2>/dev/null || given_up "cannot clone $repository"
# The root a mount point of its own, as a machine's is: the build jail's pivot_root needs one.
mount --bind "$root" "$root" && mount --make-private "$root" || given_up "cannot bind-mount the root onto itself"
mount -t proc proc "$root/proc" || given_up "cannot mount /proc in the root"
mount --bind /dev/pts "$root/dev/pts" || given_up "cannot mount /dev/pts in the root" # terminals, for script
echo "fresh-root $compiler: $(chroot "$root" sh -c 'cc --version | head -n 1'); $(chroot "$root" sh -c 'make --version | head -n 1')"
for tool in gcc clang python3 valgrind strace pandoc; do
    if chroot "$root" sh -c "command -v $tool" >/dev/null; then
        [ "$tool" = "$compiler" ] || given_up "the root has $tool, which it must not"
    fi
done

log=$(mktemp)
inside() { # COMMAND: run in the root as a newcomer would, with a clean environment
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb \
        sh -c "cd /heapkit && $1"
}
failed_compare=0
echo "fresh-root $compiler: make compare"
if ! inside "timeout 1200 make compare" >"$log" 2>&1; then
    echo "fresh-root $compiler: make compare FAILED; its last lines:"
    tail -n 30 "$log"
    failed_compare=1
fi
echo "fresh-root $compiler: make test"
inside "timeout 2400 make test" >"$log" 2>&1
code=$?
grep -E '^(FAIL|SKIP) ' "$log" | cut -c 1-300
tail -n 1 "$log"
counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
rm -f "$log"
if [ -z "$counts" ]; then
    echo "fresh-root $compiler: make test printed no 'N passed, N failed' line (exit $code)"
    echo "0 passed, $((1 + failed_compare)) failed"
    exit 1
fi
passed=$(echo "$counts" | sed -E 's/^([0-9]+) passed.*/\1/')
failed=$(echo "$counts" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
echo "$((passed + 1 - failed_compare)) passed, $((failed + failed_compare)) failed"
[ "$code" -eq 0 ] && [ "$failed_compare" -eq 0 ]
