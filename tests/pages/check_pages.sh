#!/usr/bin/env bash
# tests/pages/check_pages.sh: lay out built handouts in a real browser (headless Chromium) at
# several window widths, and say which code block or table does not fit.
#
#   bash tests/pages/check_pages.sh [-w "1280 480"] PAGE.html...
#
# For each width, one `chromium --headless --dump-dom` shows every page in a frame of that width;
# the frame page measures each with tests/pages/measure.js (which says what it checks) and writes
# its verdicts into its DOM, which is read back from the dump. Per page and width, "PAGE at W px:
# checked N code blocks and M tables ...", then one line per problem, "PAGE at W px: code block N
# "FIRST LINE": what is wrong"; last, one line for all of it. Exit status: 0 when everything fits,
# 1 when something does not, 2 when a page could not be checked (no chromium, a page missing, the
# browser failed or hung). The browser as tests/pages/browser.sh runs it (CHROMIUM,
# BROWSER_SECONDS).
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
widths="1280 480"
if [ "${1:-}" = -w ]; then
    widths=${2:-}
    shift 2 || { echo "check_pages.sh: -w needs a list of widths, such as -w \"1280 480\"" >&2; exit 2; }
fi
if [ $# -eq 0 ]; then
    echo "usage: bash tests/pages/check_pages.sh [-w \"1280 480\"] PAGE.html..." >&2
    exit 2
fi
for width in $widths; do
    case $width in
    *[!0-9]* | 0*) echo "check_pages.sh: -w $width: give window widths in pixels, such as -w \"1280 480\"" >&2; exit 2 ;;
    esac
done
[ -n "$widths" ] || { echo "check_pages.sh: -w needs a list of widths, such as -w \"1280 480\"" >&2; exit 2; }
program=check_pages.sh
source "$here/browser.sh"
browser_available
script=$here/measure.js
[ -r "$script" ] || { echo "check_pages.sh: $script: cannot read" >&2; exit 2; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/heapkit-pages.XXXXXX") || exit 2
trap 'rm -rf "$scratch"' EXIT

# The pages, copied under names that need no escaping in a URL.
pages=("$@") copies=()
for page in "${pages[@]}"; do
    copy=$scratch/page-${#copies[@]}.html
    copies+=("$copy")
    if [ ! -r "$page" ]; then
        echo "$page: cannot read" >"$copy.error"
    elif ! cp "$page" "$copy"; then
        echo "$page: cannot copy it to $scratch" >"$copy.error"
    fi
done

# measure WIDTH: every page in a frame WIDTH px wide, all in one browser (starting one is most
# of the time); writes $scratch/page-N.html.WIDTH, the verdict on page N, or .WIDTH.error.
# Frames, because Chromium makes no window narrower than 500 px, and to a page its frame is a
# window of its own (its media queries, its scrollbar). The frame page measures every frame in
# its load event, which comes after every frame's: all of it is done when the DOM is dumped, by
# any clock. (--allow-file-access-from-files lets a file: page reach into the others.)
measure() {
    local width=$1 frames=$scratch/frames.html dom=$scratch/dom.html log=$scratch/chromium.log status copy n verdict
    {
        printf '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>check_pages.sh</title>\n<script>\n'
        cat "$script"
        cat <<'HTML'
window.addEventListener('load', () => {
    document.querySelectorAll('iframe').forEach((frame, n) => {
        const lines = frame.contentDocument ? heapkitMeasure(frame.contentWindow)
                                            : ['error: the page cannot be reached in its frame'];
        let bytes = ''; // base64 of its UTF-8, which no HTML escaping changes on the way out
        for (const byte of new TextEncoder().encode(lines.join('\n')))
            bytes += String.fromCharCode(byte);
        const verdict = document.createElement('pre');
        verdict.id = 'heapkit-verdict-' + n;
        verdict.hidden = true;
        verdict.textContent = btoa(bytes);
        document.body.appendChild(verdict);
    });
});
</script>
</head>
<body style="margin: 0">
HTML
        for copy in "${copies[@]}"; do
            printf '<iframe src="%s" style="display: block; border: 0; width: %spx; height: 900px"></iframe>\n' \
                "$(basename "$copy")" "$width"
        done
        printf '</body></html>\n'
    } >"$frames"
    browser "$scratch" --window-size="$((width > 500 ? width : 500)),900" --dump-dom "file://$frames" >"$dom" 2>"$log"
    status=$?
    for n in "${!copies[@]}"; do
        copy=${copies[n]}
        [ -f "$copy.error" ] && continue
        if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
            echo "chromium did not finish within $seconds s" >"$copy.$width.error"
            continue
        fi
        verdict=$(sed -n "s|.*<pre id=\"heapkit-verdict-$n\" hidden=\"\">\([A-Za-z0-9+/=]*\)</pre>.*|\1|p" "$dom")
        if [ -z "$verdict" ]; then
            echo "no verdict on the page (chromium's exit status $status; its last words: $(grep -v '^[[:space:]]*$' "$log" | tail -n 1))" \
                >"$copy.$width.error"
        else
            { printf '%s' "$verdict" | base64 -d && echo; } >"$copy.$width"
        fi
    done
}

for width in $widths; do
    measure "$width"
done

checked=0 broken=0 unchecked=0
for n in "${!copies[@]}"; do
    page=${pages[n]} copy=${copies[n]}
    if [ -f "$copy.error" ]; then
        cat "$copy.error"
        unchecked=$((unchecked + 1))
        continue
    fi
    page_broken='' page_unchecked=''
    for width in $widths; do
        if [ -f "$copy.$width.error" ]; then
            printf '%s at %s px: %s\n' "$page" "$width" "$(cat "$copy.$width.error")"
            unchecked=$((unchecked + 1)) page_unchecked=yes
            continue
        fi
        # The first line says what was measured (or why nothing was); every other one is a problem.
        while IFS= read -r line; do
            printf '%s at %s px: %s\n' "$page" "$width" "$line"
        done <"$copy.$width"
        if head -n 1 "$copy.$width" | grep -q '^error: '; then
            unchecked=$((unchecked + 1)) page_unchecked=yes
        elif [ "$(wc -l <"$copy.$width")" -gt 1 ]; then
            page_broken=yes
        fi
    done
    [ -z "$page_unchecked" ] && checked=$((checked + 1))
    [ -n "$page_broken" ] && broken=$((broken + 1))
done

summary="check_pages.sh: $checked of ${#pages[@]} pages checked at widths $widths: $broken with code blocks or tables that do not fit"
[ "$unchecked" -gt 0 ] && summary+=", $unchecked checks that could not run"
echo "$summary"
[ "$unchecked" -gt 0 ] && exit 2
[ "$broken" -gt 0 ] && exit 1
exit 0
