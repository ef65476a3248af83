# scaling.gp: the cost of one malloc and one free as the free list grows (build/replay --scaling:
# workloads keeping 1k, 10k and 100k free chunks), log-log, a line per stage. A flat line is
# O(1); a line rising one decade per decade is O(n), a search that walks the whole list.
#   gnuplot -e "data_dir='build/plots'" plots/scaling.gp   (data: build/plot-data)
load data_dir."/stages.gp"
data = data_dir."/scaling.dat"
count = words(scaling_stages)
# A baseline (libc, the production allocators) dashed; every stage a colour of its own.
baseline(i) = word(scaling_is_baseline, i) eq "1"

set terminal svg size 1160, 560 font "sans,13" noenhanced background "white"
set output data_dir."/scaling.svg"
set datafile missing "-"
set logscale xy 10
set xrange [700:140000]
set xtics ("1k" 1000, "10k" 10000, "100k" 100000)
set format y "%.0s%c"
set grid xtics ytics lc rgb "#dddddd"
set xlabel "free chunks kept on the list (log scale)"

set multiplot layout 1, 2 title "Cost of one operation as the free list grows (log-log; a flat line is O(1), a slope of 1 is O(n))"
do for [panel = 2:3] {
    shown = panel == 2 ? malloc_shown : free_shown
    missing = panel == 2 ? malloc_missing : free_missing
    set title panel == 2 ? "malloc" : "free"
    set ylabel panel == 2 ? "ns per malloc (log scale)" : "ns per free (log scale)"
    # Nothing measured: a fixed range, or gnuplot has none to draw in.
    if (shown == 0) { set yrange [10:1e6] } else { set yrange [*:*] }
    unset label 1
    if (strlen(missing) > 0) {
        set label 1 "not measured: ".missing at graph 0.02, graph 0.03 left tc rgb "#c0392b"
    }
    if (panel == 2) { unset key } else { set key outside right top vertical samplen 3 title "allocator" }
    plot for [i = 1:count] data index (i - 1) using 1:panel with linespoints lc i dt 1 + baseline(i) lw 2 pt 7 title word(scaling_stages, i)
}
unset multiplot
