# trace-utilization.gp: utilization on each trace, a bar per stage: which workload costs each
# policy its memory (coalesce and realloc-grow break the stages that never reuse a block).
#   gnuplot -e "data_dir='build/plots'" plots/trace-utilization.gp   (data: build/plot-data)
load data_dir."/stages.gp"
data = data_dir."/trace-utilization.dat"
traces = synthetic_traces + real_traces
count = words(stages)
baseline(i) = word(is_baseline, i) eq "1"
width = traces * count * 5 + 360

set terminal svg size (width < 1000 ? 1000 : width), 560 font "sans,13" noenhanced background "white"
set output data_dir."/trace-utilization.svg"
set datafile missing "-"
set title "Utilization on each trace (peak live payload / peak footprint; higher is better)"
set ylabel "utilization"
set yrange [0:1.05]
set ytics 0.1
# Cluster N is centred on N: a fixed range draws even a run where nothing was measured.
set xrange [-0.6:traces - 0.4]
if (strlen(utilization_missing) > 0) {
    set label 1 "not measured (no correct trace): ".utilization_missing at graph 0.01, graph 0.97 left tc rgb "#c0392b"
}
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
