#!/bin/bash
# Density: N = 100 VMs started at once on this machine, each running
# tiny_mb-idle (bench/tiny_mb.S: says "up" on its first instructions, then
# spins) with -display none. bench/density.c starts them, notes when each
# guest's line arrives (on a terminal of its own, so vmm does not buffer it),
# stops each VM there (SIGSTOP: an idle guest; see density.c), then reads
# every VM's private memory from /proc/PID/smaps and kills them all.
#   starts/s     N / time from the first start to the last guest's line
#   USS          Private_Clean + Private_Dirty per VM, of which "guest RAM" is
#                the part in the guest's RAM mapping; "vmm" = the rest
# Goals (issue 9): >= 500 starts/s, <= 1.5 MiB private per VM beyond the
# guest RAM it touches. Three trials per row, the median shown.
set -u
BUILD=${BUILD:-build}
N=${N:-100}
TRIALS=${TRIALS:-3}
DENSITY=$BUILD/bench/density
KERNEL=$BUILD/bench/tiny_mb-idle.elf
VMM=${VMM:-$BUILD/vmm} # another vmm to compare: VMM=path
for f in "$DENSITY" "$KERNEL" "$VMM"; do
	[ -f "$f" ] || { echo "density: needs $f (make bench-bins all)"; exit 1; }
done
rows=("vmm|$VMM -display none -guest")
"$VMM" --help 2>&1 | grep -q -- '-sandbox' && rows+=("vmm -sandbox off|$VMM -display none -sandbox off -guest")

# field NAME LINE: the value of NAME= in a density output line.
field() { sed -n "s/.*\<$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

echo "== density: $N VMs started at once, $(nproc) CPUs (median of $TRIALS trials) =="
echo "(load average before: $(cut -d' ' -f1-3 /proc/loadavg); other work on the host lowers starts/s)"
echo "| command | starts/s | first / median / last guest up, ms | USS KiB per VM | guest RAM KiB | vmm KiB |"
echo "|---|---:|---:|---:|---:|---:|"
failed=
for row in "${rows[@]}"; do
	name=${row%%|*}
	read -r -a cmd <<<"${row#*|}"
	lines=()
	for _ in $(seq 1 "$TRIALS"); do
		if ! out=$("$DENSITY" "$N" "$KERNEL" "${cmd[@]}"); then
			failed=1
			continue
		fi
		lines+=("$out")
	done
	[ ${#lines[@]} -gt 0 ] || continue
	# The trial with the median rate, whole (its times and memory together).
	best=$(for l in "${lines[@]}"; do echo "$(field starts_per_s "$l") $l"; done | sort -n |
		awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }' | cut -d' ' -f2-)
	printf '| %s | %s (%s) | %s / %s / %s | %s | %s | %s |\n' "$name" \
		"$(field starts_per_s "$best")" \
		"$(for l in "${lines[@]}"; do field starts_per_s "$l"; done | sort -n | paste -sd' ')" \
		"$(field first_ms "$best")" "$(field median_ms "$best")" "$(field last_ms "$best")" \
		"$(field uss_kib "$best")" "$(field ram_kib "$best")" "$(field rest_kib "$best")"
done
echo "(starts/s: the median trial, all trials in parentheses)"
[ -z "$failed" ] || { echo "density: a trial failed"; exit 1; }
