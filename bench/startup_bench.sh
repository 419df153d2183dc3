#!/bin/bash
# Start-up: whole-process time, launch to exit, of a Multiboot kernel that
# runs to its isa-debug-exit, side by side with hyperfine:
#   bare_kvm   the least a KVM program must do (bench/bare_kvm.c): the baseline
#   vmm        as users run it (sandbox on, where vmm has one), and -sandbox off
#   QEMU       -enable-kvm, default CPU model (few runs: seconds each here)
# on two kernels: tiny_mb-exit (bench/tiny_mb.S: one `out`, the smallest) and
# hello_mb (the SDK's hello: clears its 16 KiB BSS, prints three lines).
#
# This host is shared and noisy, so bare_kvm and vmm run in ROUNDS rounds of
# RUNS runs, the commands of a round one after the other (one hyperfine
# call): a row's time is the median of its round medians, and the ratio to
# bare_kvm the median of the per-round ratios (goal: vmm at most 1.5); the
# ratio of the fastest runs is printed too (what the host's noise can only
# slow down).
set -u
BUILD=${BUILD:-build}
ROUNDS=${ROUNDS:-5}
RUNS=${RUNS:-10}
QEMU_RUNS=${QEMU_RUNS:-3} # 0: no QEMU row
# More rows, in the same rounds: COMPARE="LABEL=VMM_COMMAND ..." (commas for
# spaces inside an entry), e.g. COMPARE="old=/tmp/old/vmm old-off=/tmp/old/vmm,-sandbox,off".
COMPARE=${COMPARE:-}
BARE=$BUILD/bench/bare_kvm
VMM=${VMM:-$BUILD/vmm} # another vmm to compare: VMM=path
QEMU=$(command -v qemu-system-x86_64 || true)
for f in "$BARE" "$VMM" "$BUILD/bench/tiny_mb-exit.elf" "$BUILD/guest/hello_mb-multiboot.elf"; do
	[ -f "$f" ] || { echo "startup: needs $f (make bench-bins all)"; exit 1; }
done
command -v hyperfine >/dev/null || { echo "startup: needs hyperfine"; exit 1; }
SANDBOX=
"$VMM" --help 2>&1 | grep -q -- '-sandbox' && SANDBOX=yes

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# hf RUNS COMMAND...: one hyperfine call; prints "median_ms min_ms" per
# command, in order. -N: no shell; -i: the guests' exit statuses (1, 33) are
# not failures. CSV fields are counted from the end: QEMU's command line has
# commas of its own.
hf() {
	local runs=$1; shift
	hyperfine -N -i -w 2 -r "$runs" --export-csv "$tmp/hf.csv" "$@" >/dev/null 2>&1 || return 1
	awk -F, 'NR > 1 { printf "%.3f %.3f\n", $(NF-4) * 1000, $(NF-1) * 1000 }' "$tmp/hf.csv"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "== startup: launch to exit, whole process: median of $ROUNDS rounds x $RUNS runs (QEMU: $QEMU_RUNS runs) =="
echo "(load average before: $(cut -d' ' -f1-3 /proc/loadavg); the host is shared: compare ratios, not times)"
failed=
for k in tiny_mb-exit hello_mb; do
	kernel=$BUILD/bench/tiny_mb-exit.elf
	[ $k = hello_mb ] && kernel=$BUILD/guest/hello_mb-multiboot.elf
	names=(bare_kvm vmm)
	cmds=("$BARE $kernel" "$VMM -guest $kernel")
	if [ -n "$SANDBOX" ]; then
		names+=("vmm -sandbox off")
		cmds+=("$VMM -sandbox off -guest $kernel")
	fi
	for extra in $COMPARE; do
		names+=("${extra%%=*}")
		cmd=${extra#*=}
		cmds+=("${cmd//,/ } -guest $kernel")
	done
	: >"$tmp/rounds"
	for r in $(seq 1 "$ROUNDS"); do
		hf "$RUNS" "${cmds[@]}" | awk -v r="$r" '{ print r, NR, $1, $2 }' >>"$tmp/rounds" || failed=1
	done
	echo
	echo "kernel $k:"
	echo "| command | median ms | min ms | / bare_kvm: median of rounds | / bare_kvm: min |"
	echo "|---|---:|---:|---:|---:|"
	for i in "${!names[@]}"; do
		c=$((i + 1))
		med=$(awk -v c=$c '$2 == c { print $3 }' "$tmp/rounds" | median)
		min=$(awk -v c=$c '$2 == c { print $4 }' "$tmp/rounds" | sort -g | head -1)
		ratio=$(awk -v c=$c '$2 == 1 { b[$1] = $3 } $2 == c { v[$1] = $3 }
			END { for (r in v) if (b[r] > 0) print v[r] / b[r] }' "$tmp/rounds" | median)
		[ $c = 1 ] && bare_min=$min
		printf '| %s | %.2f | %.2f | %.2f | %.2f |\n' "${names[$i]}" "$med" "$min" "$ratio" \
			"$(awk -v a="$min" -v b="$bare_min" 'BEGIN { print a / b }')"
		[ "${names[$i]}" = vmm ] && vmm_ratio=$ratio
	done
	if [ -n "$QEMU" ] && [ "$QEMU_RUNS" -gt 0 ]; then
		if q=$(hf "$QEMU_RUNS" "$QEMU -enable-kvm -nodefaults -display none -no-reboot -monitor none -serial none -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel $kernel"); then
			read -r qmed qmin <<<"$q"
			printf '| qemu-system-x86_64 | %.2f | %.2f | (%s runs) | %.0f |\n' "$qmed" "$qmin" "$QEMU_RUNS" \
				"$(awk -v a="$qmin" -v b="$bare_min" 'BEGIN { print a / b }')"
		else
			failed=1
		fi
	fi
	printf 'ratio vmm / bare_kvm (%s): %.2f (goal <= 1.5)\n' "$k" "$vmm_ratio"
done
[ -z "$failed" ] || { echo "startup: a hyperfine run failed"; exit 1; }
