# The chart of bench/results.md: throughput and p99 latency per contender.
#   gnuplot -e "data='chart.dat'; out='results.png'" bench/chart.gp
# chart.dat: index, "label", requests/s, p99 in ms (bench/report.py).
set terminal pngcairo size 1000,640 font "sans,10"
set output out
set multiplot layout 2,1 title "brickgate and the alternatives on loopback (bench/run)"
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.6
set grid ytics
set logscale y
set xtics nomirror
set key off
unset xlabel
set ylabel "requests/s"
set yrange [10:*]
plot data using 0:3:xtic(2) with boxes lc rgb "#3465a4", \
     '' using 0:3:(sprintf("%.0f", $3)) with labels offset 0,0.7
set ylabel "p99 latency, ms"
set yrange [0.1:*]
plot data using 0:4:xtic(2) with boxes lc rgb "#cc0000", \
     '' using 0:4:(sprintf("%.1f", $4)) with labels offset 0,0.7
unset multiplot
