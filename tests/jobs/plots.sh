# tests/jobs/plots.sh: make compare's plots (plots/: build/plot-data and the gnuplot scripts;
# sourced by tests/run.sh).
#
#   plots/bad/NAME       tests/plots/bad/NAME.json is refused by build/plot-data: a non-zero exit
#                        and stderr = NAME.expect, one line "FILE:LINE: problem"
#   plots/skipped        make plots with gnuplot missing (GNUPLOT names no program): exit 0 and
#                        the one line that says how to install it
#   plots/svg/NAME       a small real run (a few traces and the scaling workloads, -n 1) drawn by
#                        make plots: NAME.svg, for every plots/NAME.gp, is well-formed XML (xmllint,
#                        or a strict check of its root and balanced tags), self-contained (no
#                        script, nothing linked from outside) and names every stage and baseline
#                        of the run in its text; SKIP with the install line without gnuplot
# shellcheck shell=bash

PLOT_TRACES="traces/tiny-basic.rep traces/coalesce.rep traces/realloc-grow.rep traces/real/diff-lines.rep"

job_plots_bad() { # JSON
    local json=$1 name expected output status
    name=plots/bad/$(basename "$json" .json)
    expected=$(cat "${json%.json}.expect")
    output=$("$BUILD/plot-data" -o "$WORK/plots-bad-$(basename "$json" .json)" --suite "$json" 2>&1 >/dev/null)
    status=$?
    if [ "$status" -eq 0 ]; then
        fail "$name" "build/plot-data accepted it (exit 0)"
    elif [ "$output" != "$expected" ]; then
        fail "$name" "expected: $expected" "seen: $output"
    else
        pass "$name"
    fi
}

job_plots_skipped() {
    local name=plots/skipped dir=$WORK/plots-skipped output status
    mkdir -p "$dir"
    echo '{}' >"$dir/compare.json"
    echo '{}' >"$dir/scaling.json"
    output=$(make -s --no-print-directory BUILD="$BUILD" PLOTS="$dir" GNUPLOT=heapkit-no-such-gnuplot plots 2>&1)
    status=$?
    if [ "$status" -ne 0 ]; then
        fail "$name" "make plots without gnuplot exits $status, expected 0" "$output"
    elif [ "$output" != "plots skipped: gnuplot is missing (apt-get install gnuplot-nox)" ]; then
        fail "$name" "expected the one line that says how to install gnuplot" "$output"
    else
        pass "$name"
    fi
}

# plots_well_formed SVG: xmllint's verdict, or (without it) the root element is svg and every
# tag is closed in order. Prints what is wrong; returns 1 then.
plots_well_formed() {
    local svg=$1
    if command -v xmllint >/dev/null; then
        xmllint --noout --nonet "$svg" 2>&1 | head -n 5
        return "${PIPESTATUS[0]}"
    fi
    tr '\n' ' ' <"$svg" | awk 'BEGIN { RS = "<"; depth = 0; bad = "" }
        NR == 1 { next }   # what comes before the first tag: nothing but space
        {
            tag = $0; sub(/>.*/, "", tag)
            if (index($0, ">") == 0) { bad = "a tag is not closed: <" substr(tag, 1, 40); exit }
            if (tag ~ /^[?!]/) next                                  # <?xml ?>, comments, DOCTYPE
            if (tag ~ /^\//) {
                name = substr(tag, 2); sub(/[ \t].*/, "", name)
                if (depth == 0 || stack[depth] != name) { bad = "</" name "> closes <" stack[depth] ">"; exit }
                depth--; if (depth == 0) closed_root = 1; next
            }
            name = tag; sub(/[ \t\/].*/, "", name)
            if (name == "") { bad = "a bare <"; exit }
            if (depth == 0 && (seen_root++ || name != "svg")) { bad = "the root element is <" name ">, or there are two"; exit }
            if (tag !~ /\/$/) stack[++depth] = name
        }
        END {
            if (bad == "" && depth != 0) bad = "<" stack[depth] "> is never closed"
            if (bad == "" && !closed_root) bad = "no <svg> root element"
            if (bad != "") { print bad; exit 1 }
        }'
}

# The texts of the SVG's <text> elements, one a line.
plots_texts() {
    tr '\n' ' ' <"$1" | grep -o '<text[^>]*>[^<]*</text>' | sed -e 's/^<text[^>]*>//' -e 's/<\/text>$//' \
        -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&amp;/\&/g'
}

job_plots_draw() {
    local dir=$WORK/plots output status script svg name texts stage missing problem stages
    mkdir -p "$dir"
    # shellcheck disable=SC2086 # the traces: a list of words
    output=$(NO_COLOR=1 limited 600 "$REPLAY" -s all -n 1 --save-json "$dir/compare.json" $PLOT_TRACES 2>&1)
    status=$?
    if [ "$status" -gt 1 ] || [ ! -s "$dir/compare.json" ]; then
        fail plots/draw "build/replay -s all -n 1 --save-json exits $status" "$output"
        return
    fi
    output=$(NO_COLOR=1 limited 600 "$REPLAY" -s all -n 1 --scaling --save-json "$dir/scaling.json" 2>&1)
    status=$?
    if [ "$status" -gt 1 ] || [ ! -s "$dir/scaling.json" ]; then
        fail plots/draw "build/replay -s all -n 1 --scaling --save-json exits $status" "$output"
        return
    fi
    if ! output=$(make -s --no-print-directory BUILD="$BUILD" PLOTS="$dir" plots 2>&1); then
        fail plots/draw "make plots PLOTS=$dir failed" "$output"
        return
    fi
    # Every stage and baseline of the run, as the JSON names them (report_json's "stage").
    stages=$(grep -o '{"stage": "[^"]*"' "$dir/compare.json" "$dir/scaling.json" | sed 's/.*"stage": "//; s/"$//' | sort -u)
    for script in plots/*.gp; do
        name=$(basename "$script" .gp)
        svg=$dir/$name.svg
        if [ ! -s "$svg" ]; then
            fail "plots/svg/$name" "make plots made no $svg" "$output"
            continue
        fi
        if ! problem=$(plots_well_formed "$svg"); then
            fail "plots/svg/$name" "not well-formed XML" "$problem"
            continue
        fi
        # Links inside the file (href='#gpPt5', url(#gpPat1)) are its own; any other is not.
        outside='<script|href *= *["'"'"']?[^#"'"'"' ]|url\(["'"'"']?[^#"'"'"']|@import'
        if grep -q -i -E "$outside" "$svg"; then
            fail "plots/svg/$name" "not self-contained: it has a script or links outside itself" \
                "$(grep -n -i -E "$outside" "$svg" | head -n 5)"
            continue
        fi
        # A stage is named when a text is its name (a point's label, a key's entry), or it is a
        # word of the line that lists what was not measured.
        texts=$(plots_texts "$svg")
        missing=""
        for stage in $stages; do
            printf '%s\n' "$texts" | grep -qxF -- "$stage" && continue
            printf '%s\n' "$texts" | grep '^not measured' | grep -qw -- "$stage" && continue
            missing+=" $stage"
        done
        if [ -n "$missing" ]; then
            fail "plots/svg/$name" "its text does not name:$missing" "$(printf '%s\n' "$texts" | head -n 30)"
        else
            pass "plots/svg/$name"
        fi
    done
}

add_plots_jobs() {
    local json
    for json in tests/plots/bad/*.json; do
        [ -f "$json" ] && add plots_bad "$json"
    done
    add plots_skipped
    if ! command -v gnuplot >/dev/null; then
        skipped_lines+="SKIP plots/svg/*: gnuplot is missing: the plots were not drawn (apt-get install gnuplot-nox)"$'\n'
        return
    fi
    add plots_draw
}
