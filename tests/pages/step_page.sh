#!/usr/bin/env bash
# tests/pages/step_page.sh: open a heap page (build/replay --html) in a real browser (headless
# Chromium), step through it with its own controls, and say what it draws.
#
#   bash tests/pages/step_page.sh [-o SHOT.png] PAGE.html OP...
#
# The page is shown in a frame 1280 px wide; tests/pages/step.js, in the frame page, goes to
# each OP (an operation, from 0) by the page's keys and slider in turn and writes what it sees
# into the frame page's DOM, which `chromium --dump-dom` gives back. Printed, a line each:
#
#   opened: op 11, line 16, 84 ms
#   op 3, line 8: chunks: 7 (3 used, 2 free, 2 the stage's); ids: 0 1 2
#   step: op 3 by keys (ArrowRight x3)
#   controls: Home, End, the buttons: ok
#   errors: none
#
# (build/replay --map LINE prints the same "chunks:" words.) With -o, the same run of the
# browser takes a picture of the page, back where it opened, 1280 x 1800 px, into SHOT.png.
#
# Exit status: 0 when the page drew every step and raised no error; 1 when its script raised an
# error, a control did not do its job, or the browser logged an uncaught error; 2 when it could
# not be checked (no chromium, no page, the browser failed or hung). The browser as
# tests/pages/browser.sh runs it (CHROMIUM, BROWSER_SECONDS).
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
shot=
if [ "${1:-}" = -o ]; then
    shot=${2:-}
    shift 2 || { echo "step_page.sh: -o needs a file for the picture" >&2; exit 2; }
fi
if [ $# -lt 1 ]; then
    echo "usage: bash tests/pages/step_page.sh [-o SHOT.png] PAGE.html OP..." >&2
    exit 2
fi
page=$1
shift
for op in "$@"; do
    case $op in
    '' | *[!0-9]*) echo "step_page.sh: $op: give operations as numbers from 0" >&2; exit 2 ;;
    esac
done
program=step_page.sh
source "$here/browser.sh"
browser_available
[ -r "$page" ] || { echo "step_page.sh: $page: cannot read" >&2; exit 2; }
[ -r "$here/step.js" ] || { echo "step_page.sh: $here/step.js: cannot read" >&2; exit 2; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/heapkit-step.XXXXXX") || exit 2
trap 'rm -rf "$scratch"' EXIT
cp "$page" "$scratch/page.html" || { echo "step_page.sh: cannot copy $page to $scratch" >&2; exit 2; }

# The frame page: the heap page in a frame, stepped through in the frame page's load event,
# which comes after the frame's: the page has drawn itself by then, by any clock.
{
    printf '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>step_page.sh</title>\n<script>\n'
    cat "$here/step.js"
    printf 'const heapkitOps = [%s];\n' "$(IFS=,; echo "$*")"
    cat <<'HTML'
window.addEventListener('load', () => {
    const frame = document.querySelector('iframe');
    let lines;
    try {
        lines = frame.contentDocument ? heapkitStep(frame.contentWindow, heapkitOps)
                                      : ['error: the page cannot be reached in its frame'];
    } catch (error) {
        lines = ['error: step.js failed: ' + error.message];
    }
    let bytes = ''; // base64 of its UTF-8, which no HTML escaping changes on the way out
    for (const byte of new TextEncoder().encode(lines.join('\n')))
        bytes += String.fromCharCode(byte);
    const verdict = document.createElement('pre');
    verdict.id = 'heapkit-steps';
    verdict.hidden = true;
    verdict.textContent = btoa(bytes);
    document.body.appendChild(verdict);
});
</script>
</head>
<body style="margin: 0">
<iframe src="page.html" style="display: block; border: 0; width: 1280px; height: 1800px"></iframe>
</body></html>
HTML
} >"$scratch/frame.html"

picture=()
[ -n "$shot" ] && picture=(--hide-scrollbars --screenshot="$scratch/shot.png")
browser "$scratch" --enable-logging=stderr --v=0 --window-size=1280,1800 "${picture[@]}" \
    --dump-dom "file://$scratch/frame.html" >"$scratch/dom.html" 2>"$scratch/chromium.log"
status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "error: chromium did not finish within $seconds s"
    exit 2
fi
verdict=$(sed -n 's|.*<pre id="heapkit-steps" hidden="">\([A-Za-z0-9+/=]*\)</pre>.*|\1|p' "$scratch/dom.html")
if [ -z "$verdict" ]; then
    echo "error: nothing came back from the page (chromium's exit status $status; its last words: $(grep -v '^[[:space:]]*$' "$scratch/chromium.log" | tail -n 1))"
    exit 2
fi
printf '%s' "$verdict" | base64 -d >"$scratch/steps" && echo >>"$scratch/steps"
cat "$scratch/steps"
# What the browser's console got: an error the page's own catcher missed is there too.
uncaught=$(grep -E 'CONSOLE.*(Uncaught|Error)' "$scratch/chromium.log" | grep -F 'page.html' | head -n 3)
[ -n "$uncaught" ] && printf 'console: %s\n' "$uncaught"

result=0
grep -q '^error: ' "$scratch/steps" && result=2
if [ "$result" -eq 0 ] && { grep -q '^problem: ' "$scratch/steps" || ! grep -qx 'errors: none' "$scratch/steps" ||
    [ -n "$uncaught" ]; }; then
    result=1
fi

if [ -n "$shot" ]; then
    if [ -s "$scratch/shot.png" ] && cp "$scratch/shot.png" "$shot"; then
        echo "picture: $shot"
    else
        echo "error: no picture taken (chromium's last words: $(grep -v '^[[:space:]]*$' "$scratch/chromium.log" | tail -n 1))"
        [ "$result" -eq 0 ] && result=2
    fi
fi
exit "$result"
