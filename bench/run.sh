#!/bin/bash
# Runs every benchmark and prints its table: the shell benches
# bench/*_bench.sh and the binaries $BUILD/bench/*_bench, together in name
# order. BUILD is the build to measure (`make bench` passes its -O3 build)
# and is exported to the scripts. Exits non-zero if any bench failed.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/O3}
export BUILD

benches=()
for b in bench/*_bench.sh "$BUILD"/bench/*_bench; do
	[ -f "$b" ] || continue
	case "$b" in *.sh) ;; *) [ -x "$b" ] || continue ;; esac
	benches+=("$b")
done
# Name order, whatever the kind (disk_bench.sh, hypercall_bench, vga_bench.sh).
mapfile -t benches < <(for b in "${benches[@]}"; do
	printf '%s\t%s\n' "$(basename "$b" .sh)" "$b"; done | sort | cut -f2)

if [ ${#benches[@]} -eq 0 ]; then
	echo "bench: nothing to run (build with make bench)" >&2
	exit 1
fi

echo "bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, build $BUILD"
failed=()
for b in "${benches[@]}"; do
	name=$(basename "$b" .sh)
	echo
	start=$EPOCHREALTIME
	case "$b" in *.sh) run=(bash "$b") ;; *) run=("$b") ;; esac
	if ! "${run[@]}"; then
		failed+=("$name")
		echo "bench: $name FAILED" >&2
	fi
	awk -v n="$name" -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "bench: %s took %.1f s\n", n, b - a }'
done

echo
if [ ${#failed[@]} -ne 0 ]; then
	echo "bench: ${#benches[@]} run, failed: ${failed[*]}"
	exit 1
fi
echo "bench: ${#benches[@]} run, all completed"
