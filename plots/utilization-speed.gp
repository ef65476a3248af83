# utilization-speed.gp: the lecture's trade-off as a picture, one point per stage and baseline:
# utilization (up: less memory wasted) against speed relative to the C library (right: faster).
# Easy to reduce time or space, hard to reduce both: the stages climb towards the top right
# corner one weakness at a time. A panel for the synthetic traces, one for the real programs'.
#   gnuplot -e "data_dir='build/plots'" plots/utilization-speed.gp   (data: build/plot-data)
load data_dir."/stages.gp"
data = data_dir."/summary.dat"
panels = (synthetic_traces > 0) + (real_traces > 0)

# Text as text (noenhanced: a stage named my_list keeps its underscore), fonts by family only.
set terminal svg size (panels * 560 + 40), 560 font "sans,13" noenhanced background "white"
set output data_dir."/utilization-speed.svg"
set datafile missing "-"
set logscale x 10
set format x "%gx"
set yrange [0:1.08]
set ytics 0.1
set grid xtics ytics lc rgb "#dddddd"
set xlabel "speed vs libc: libc's time / the stage's (log scale; right is faster)"
set ylabel "utilization: peak live payload / peak footprint"
# Below the panels, where it hides no point.
set key below horizontal
set offsets graph 0.08, graph 0.25, 0, 0
# As fast as the C library:
set arrow 1 from 1, graph 0 to 1, graph 1 nohead dt 2 lc rgb "#999999"

set multiplot layout 1, panels title "Utilization against speed, one point per allocator: up wastes less memory, right is faster"
do for [group = 0:1] {
    traces = group == 0 ? synthetic_traces : real_traces
    shown = group == 0 ? synthetic_shown : real_shown
    missing = group == 0 ? synthetic_missing : real_missing
    if (traces > 0) {
        set title sprintf("%s (%d traces)", group == 0 ? "synthetic traces, traces/*.rep" : "real programs, traces/real/*.rep", traces)
        # Nothing measured: a fixed range, or gnuplot has none to draw in.
        if (shown == 0) { set xrange [0.01:10] } else { set xrange [*:*] }
        unset label 1
        if (strlen(missing) > 0) {
            set label 1 "not measured (no correct, timed trace): ".missing at graph 0.02, graph 0.03 left tc rgb "#c0392b"
        }
        # Labels above and below their points in turn: neighbours in the course (minimal and
        # pad) are often neighbours in the plot too.
        plot data index group using ($2 == 0 ? $4 : 1/0):3 with points pt 7 ps 1.6 lc rgb "#1f5fa8" title "stage", \
             data index group using ($2 == 0 && int($0) % 2 == 0 ? $4 : 1/0):3:(stringcolumn(1)) with labels left offset 1, 0.6 tc rgb "#1f5fa8" notitle, \
             data index group using ($2 == 0 && int($0) % 2 == 1 ? $4 : 1/0):3:(stringcolumn(1)) with labels left offset 1, -0.8 tc rgb "#1f5fa8" notitle, \
             data index group using ($2 == 1 ? $4 : 1/0):3 with points pt 5 ps 1.6 lc rgb "#c0392b" title "baseline (libc, production allocators)", \
             data index group using ($2 == 1 ? $4 : 1/0):3:(stringcolumn(1)) with labels left offset 1, -0.8 tc rgb "#c0392b" notitle
    }
}
unset multiplot
