# tests/pages/browser.sh: headless Chromium for the page tests (sourced by check_pages.sh and
# step_page.sh, which set `program` to their name for messages).
#
# Chromium runs as root here (CI, containers), so without its sandbox; headless, it needs no
# display. CHROMIUM names another binary (chromium-browser, google-chrome); BROWSER_SECONDS
# bounds one run of it (default 120), so that a hung browser cannot hang the tests.

chromium=${CHROMIUM:-chromium}
seconds=${BROWSER_SECONDS:-120}

# browser_available: exit 2 with the install line when the browser or its tools are missing.
browser_available() {
    if ! command -v "$chromium" >/dev/null; then
        echo "$program: $chromium is not installed (apt-get install chromium)" >&2
        exit 2
    fi
    if ! command -v timeout >/dev/null || ! command -v base64 >/dev/null; then
        echo "$program: timeout and base64 are missing (apt-get install coreutils)" >&2
        exit 2
    fi
}

# browser SCRATCH ARGUMENTS...: chromium, headless, with a profile, home and temporary folder
# of its own under SCRATCH (runs at once, make -j or two test suites, never share one; Chromium
# keeps crash reports and caches in ~ whatever the profile, and a browser that was killed
# leaves its lock folder in the temporary folder), its whole process group stopped by timeout
# if it hangs (its renderer and GPU processes too).
browser() {
    local scratch=$1
    shift
    rm -rf "${scratch:?}/home"
    mkdir -p "$scratch/home/tmp"
    HOME=$scratch/home XDG_CONFIG_HOME=$scratch/home/.config XDG_CACHE_HOME=$scratch/home/.cache \
        TMPDIR=$scratch/home/tmp timeout -k 5 "$seconds" "$chromium" --headless --no-sandbox --disable-gpu \
        --disable-dev-shm-usage --no-first-run --no-default-browser-check --disable-extensions \
        --disable-breakpad --allow-file-access-from-files --user-data-dir="$scratch/home/profile" "$@"
}
