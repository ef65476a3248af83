# trace-speed.gp: speed against the C library on each trace, a bar per stage (log scale: 0.1x and
# 10x are as far from 1x): which workload each policy is slow on (a list walked, a call per op).
#   gnuplot -e "data_dir='build/plots'" plots/trace-speed.gp   (data: build/plot-data)
load data_dir."/stages.gp"
data = data_dir."/trace-speed.dat"
traces = synthetic_traces + real_traces
count = words(stages)
baseline(i) = word(is_baseline, i) eq "1"
width = traces * count * 5 + 360

set terminal svg size (width < 1000 ? 1000 : width), 560 font "sans,13" noenhanced background "white"
set output data_dir."/trace-speed.svg"
set datafile missing "-"
set title "Speed on each trace against the C library (libc's time / the stage's, log scale; above 1x is faster than libc)"
set ylabel "speed vs libc (log scale)"
set logscale y 10
set format y "%gx"
# Nothing measured: a fixed range, or gnuplot has none to draw in.
if (speed_shown == 0) { set yrange [0.01:10] }
set xrange [-0.6:traces - 0.4]
if (strlen(speed_missing) > 0) {
    set label 1 "not measured (no correct, timed trace): ".speed_missing at graph 0.01, graph 0.97 left tc rgb "#c0392b"
}
# As fast as the C library:
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb "#555555" front
set grid ytics lc rgb "#dddddd"
set style data histograms
set style histogram clustered gap 1
set boxwidth 0.9
set xtics rotate by 90 right scale 0 nomirror
set bmargin 9
set key outside right top title "stage (hatched: baseline)"
# build/replay puts the baselines after every stage: solid bars, then hatched ones. The data's
# first line names the columns.
stage_count = 0
do for [i = 1:count] { stage_count = stage_count + !baseline(i) }
plot for [i = 1:stage_count] data skip 1 using (column(i + 1)):xtic(1) title word(stages, i) lc i fs solid 0.85 border -1, \
     for [i = stage_count + 1:count] data skip 1 using (column(i + 1)) title word(stages, i) lc i fs pattern 2 border -1
