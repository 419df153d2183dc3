#!/bin/bash
# The disk benchmark's plot (docs/img/disk_bench.png): bar chart of the time
# per sector, log scale, vmm's variants in one colour and QEMU's bar in
# another, with the date of the measurement and the host it was made on.
#   bench/disk_plot.sh DATA PNG [DATE]
# DATA: one bar per line, `INDEX "LABEL" MICROSECONDS` (disk_bench.sh writes
# it); a label starting with "QEMU" is QEMU's bar. DATE defaults to today.
# Needs gnuplot; prints "plot: PNG" when done.
set -u
DATA=$1 PNG=$2 DATE=${3:-$(date +%F)}
HOST_NOTE="this host: software KVM (instruction emulator, about 8 µs per VM exit)"
VMM_COLOUR=0x3465A4   # blue
QEMU_COLOUR=0xCC5500  # orange
command -v gnuplot >/dev/null || { echo "disk_plot: gnuplot is not installed" >&2; exit 1; }
mkdir -p "$(dirname "$PNG")"
# A fourth column, the bar's colour.
awk -v v=$((VMM_COLOUR)) -v q=$((QEMU_COLOUR)) \
	'{ print $0, (index($0, "\"QEMU") ? q : v) }' "$DATA" >"$PNG.dat"
gnuplot <<GP && echo "plot: $PNG"
set terminal png size 900,520
set output "$PNG"
set title "Writing 10,000 sectors: time per sector (log scale, lower is better)\n{/*0.8 measured $DATE; $HOST_NOTE}"
set ylabel "µs per sector"
set logscale y
set style fill solid 0.7
set boxwidth 0.6
set xtics rotate by -30
set key top left
set yrange [0.1:100000]
set xrange [-0.6:*]
plot "$PNG.dat" using 1:3:4:xtic(2) with boxes lc rgb variable notitle, \
     "" using 1:3:(sprintf("%.1f", \$3)) with labels offset 0,1 notitle, \
     NaN with boxes lc rgb "#$(printf %06X $((VMM_COLOUR)))" title "vmm", \
     NaN with boxes lc rgb "#$(printf %06X $((QEMU_COLOUR)))" title "QEMU 7.2 (-enable-kvm)"
GP
rc=$?
rm -f "$PNG.dat"
exit $rc
