#!/bin/bash
# Disk (issue 5): 10,000 sector writes by the bench_disk guest
# (guest/programs/bench_disk.c) with (a) the naive emulated ATA driver, one
# outw per 16 bits, (b) rep outsw, (c) PV one sector per DISK_WRITE,
# (c') PV disk queue, one sector per request, each waited for, (d) PV one
# DISK_WRITE for all 10,000, plus (a) in QEMU with the same guest and image. Method and results: docs/benchmarks.md, "Disk".
#
# vmm rows: time measured by the guest around its write loop (kvmclock, via
# GET_TIMESTAMP), exits from -stats minus those of a run that writes nothing.
# vmm vs QEMU: both timed from outside (process wall time minus the same
# guest's start-up-only run), since QEMU has no GET_TIMESTAMP.
# Env: RUNS (repetitions of the fast variants, default 3), DISK_BENCH_PNG
# (plot file, default $BUILD/bench/disk_bench.png; gnuplot is optional).
set -u
BUILD=${BUILD:-build}
RUNS=${RUNS:-3}
VMM=$BUILD/vmm
KERNEL=$BUILD/guest/bench_disk-multiboot.elf
QEMU=$(command -v qemu-system-x86_64 || true)
SECTORS=10000
PNG=${DISK_BENCH_PNG:-$BUILD/bench/disk_bench.png}
if [ ! -x "$VMM" ] || [ ! -f "$KERNEL" ]; then
	echo "disk: needs $VMM and $KERNEL (make bench builds them)"; exit 1
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
IMG=$TMP/disk.img
truncate -s 5M "$IMG" # 10,240 sectors

now() { echo "$EPOCHREALTIME"; }
# vmm_run VARIANT: sets ns (guest-timed), exits (-stats total), wall (s).
# VARIANT is the guest's mode word, "-slow" appended for -no-io-fastpath.
vmm_run() {
	local t0 t1 out mode=${1%-slow} flags=()
	[ "$mode" != "$1" ] && flags=(-no-io-fastpath)
	t0=$(now)
	out=$("$VMM" -guest "$KERNEL" -append "$mode" -disk "$IMG" -stats "${flags[@]}" 2>&1)
	t1=$(now)
	if ! grep -q "^bench_disk: $mode rc=0 " <<<"$out"; then
		echo "disk: vmm run '$1' failed: $(head -c 300 <<<"$out")" >&2; exit 1
	fi
	ns=$(grep -oP 'ns=\K[0-9]+' <<<"$out")
	exits=$(grep -oP 'total exits \K[0-9]+' <<<"$out")
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
}
# qemu_run MODE: sets wall (s)
qemu_run() {
	local t0 t1 out
	t0=$(now)
	out=$(timeout 300 "$QEMU" -enable-kvm -nodefaults -display none -no-reboot -monitor none \
		-serial none -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=4 \
		-drive file="$IMG",format=raw,if=ide -kernel "$KERNEL" -append "$1" 2>&1)
	t1=$(now)
	if ! grep -q "^bench_disk: $1 rc=0 " <<<"$out"; then
		echo "disk: QEMU run '$1' failed: $(head -c 300 <<<"$out")" >&2; exit 1
	fi
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Baselines: start-up, IDENTIFY and printing, no writes.
for _ in $(seq "$RUNS"); do vmm_run none; echo "$exits" >>"$TMP/none.exits"; echo "$wall" >>"$TMP/none.wall"; done
base_exits=$(median <"$TMP/none.exits")
base_wall=$(median <"$TMP/none.wall")

declare -A NS EXITS
VARIANTS="outw outw-slow outsw pv1 pvq pvq-slow pvn"
for mode in $VARIANTS; do
	runs=$RUNS
	case $mode in outw*|outsw) runs=1 ;; esac # 5 to 25 s each: once
	: >"$TMP/$mode.ns"; : >"$TMP/$mode.exits"
	for _ in $(seq "$runs"); do
		vmm_run $mode
		echo "$ns" >>"$TMP/$mode.ns"; echo $((exits - base_exits)) >>"$TMP/$mode.exits"
		[ "$mode" = outw ] && vmm_outw_wall=$wall
	done
	NS[$mode]=$(median <"$TMP/$mode.ns")
	EXITS[$mode]=$(median <"$TMP/$mode.exits")
done

echo "== disk: $SECTORS sector writes, bench_disk guest (Multiboot, 32-bit), 5 MiB raw image =="
echo "| variant | time (s) | VM exits | exits/sector | µs/sector | MB/s | speed-up over (a) | over (a0) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
: >"$TMP/plot.dat"
i=0
for mode in $VARIANTS; do
	case $mode in
	outw) label="(a) emulated, outw loop"; short="(a) outw" ;;
	outw-slow) label="(a0) emulated, outw loop, -no-io-fastpath"; short="(a0) outw, all exit" ;;
	outsw) label="(b) emulated, rep outsw"; short="(b) rep outsw" ;;
	pv1) label="(c) PV hypercall, 1 sector per call"; short="(c) PV call" ;;
	pvq) label="(c') PV queue, 1 sector per request"; short="(c') PV queue" ;;
	pvq-slow) label="(c'') PV queue, 1 sector per request, -no-io-fastpath"; short="(c'') queue, exits" ;;
	pvn) label="(d) PV, 10,000 sectors in 1 call" ; short="(d) PV batch" ;;
	esac
	awk -v l="$label" -v ns="${NS[$mode]}" -v a="${NS[outw]}" -v a0="${NS[outw-slow]}" \
		-v e="${EXITS[$mode]}" -v n=$SECTORS 'BEGIN {
		printf "| %s | %.4f | %d | %.2f | %.2f | %.2f | " (a / ns < 10 ? "%.2f" : "%.0f") "× | " \
			(a0 / ns < 10 ? "%.2f" : "%.0f") "× |\n", l,
			ns / 1e9, e, e / n, ns / 1e3 / n, n * 512 / (ns / 1e9) / 1e6, a / ns, a0 / ns }'
	echo "$i \"$short\" $(awk -v ns="${NS[$mode]}" -v n=$SECTORS 'BEGIN { print ns / 1e3 / n }')" >>"$TMP/plot.dat"
	i=$((i + 1))
done

awk -v a="${NS[outw]}" -v a0="${NS[outw-slow]}" -v c="${NS[pv1]}" -v q="${NS[pvq]}" \
	-v d="${NS[pvn]}" 'BEGIN {
	printf "goal PV single >= 100x (a): hypercall %.0fx, queue %.0fx (%s)\n", a / c, a / q,
		(a / q >= 100 || a / c >= 100) ? "met" : "not met"
	printf "  the same against (a0), every port write an exit: hypercall %.0fx, queue %.0fx (%s)\n",
		a0 / c, a0 / q, (a0 / q >= 100 || a0 / c >= 100) ? "met" : "not met"
	printf "goal PV batched >= 1000x (a): %.0fx (%s)\n", a / d, (a / d >= 1000) ? "met" : "not met" }'

echo
echo "vmm vs QEMU, (a) outw loop, process wall time minus the start-up-only run of the same guest:"
vmm_a=$(awk -v w="$vmm_outw_wall" -v b="$base_wall" 'BEGIN { printf "%.3f", w - b }')
if [ -z "$QEMU" ]; then
	echo "| vmm | $vmm_a s |"
	echo "(QEMU not installed: no comparison)"
else
	: >"$TMP/qnone.wall"
	for _ in $(seq "$RUNS"); do qemu_run none; echo "$wall" >>"$TMP/qnone.wall"; done
	qemu_run outw
	qemu_a=$(awk -v w="$wall" -v b="$(median <"$TMP/qnone.wall")" 'BEGIN { printf "%.3f", w - b }')
	echo "| emulator | (a) time (s) | µs/sector | vmm/QEMU |"
	echo "|---|---:|---:|---:|"
	awk -v v="$vmm_a" -v q="$qemu_a" -v n=$SECTORS 'BEGIN {
		printf "| vmm | %.3f | %.1f | %.2f× |\n", v, v * 1e6 / n, v / q
		printf "| QEMU 7.2 (-enable-kvm, default CPU) | %.3f | %.1f | 1.00× |\n", q, q * 1e6 / n
		printf "goal vmm (a) <= 0.5x QEMU (a): %.2fx (%s)\n", v / q, (v / q <= 0.5) ? "met" : "not met" }'
	echo "$i \"QEMU (a) outw\" $(awk -v q="$qemu_a" -v n=$SECTORS 'BEGIN { print q * 1e6 / n }')" >>"$TMP/plot.dat"
fi

# The plot (docs/img/disk_bench.png): bench/disk_plot.sh, dated today.
if command -v gnuplot >/dev/null; then
	bash "$(dirname "$0")/disk_plot.sh" "$TMP/plot.dat" "$PNG"
fi
