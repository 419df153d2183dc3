#!/bin/bash
# VGA text mode (issue 4): what filling the whole 80x25 screen costs with
# each method: trapped 8-, 16- and 32-bit stores (every store a VM exit),
# stores to the mapped window (no exit), and the PV VGA_WRITE hypercall one
# cell per call or the whole screen in one call. Exits and guest time come
# from the guest itself (NUM_EXITS, GET_TIMESTAMP; best of 3), see
# guest/programs/vga_bench.c. Run by bench/run.sh, or alone:
#   BUILD=build bash bench/vga_bench.sh
set -u
BUILD=${BUILD:-build}
GUEST=$BUILD/guest/vga_bench-protected.bin
if [ ! -x "$BUILD/vmm" ] || [ ! -f "$GUEST" ]; then
	echo "vga: needs $BUILD/vmm and $GUEST (make BUILD=$BUILD)"; exit 1
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for backing in trapped mapped; do
	"$BUILD/vmm" -mode protected -guest "$GUEST" -vga $backing -display none -timeout 300 |
		sed -n "s/^vga-bench /$backing /p" >>"$out" || { echo "vga: vmm failed"; exit 1; }
done
[ "$(wc -l <"$out")" -eq 10 ] || { echo "vga: unexpected output:"; cat "$out"; exit 1; }

echo "## VGA text mode: filling the 80x25 screen (2000 cells), best of 3"
awk '
	BEGIN {
		label["trapped stores8"] = "trapped 8-bit stores"
		label["trapped stores16"] = "trapped 16-bit stores"
		label["trapped stores32"] = "trapped 32-bit stores"
		label["mapped stores16"] = "mapped 16-bit stores"
		label["trapped pv-per-cell"] = "PV, one VGA_WRITE per cell"
		label["trapped pv-one-call"] = "PV, one VGA_WRITE for the screen"
	}
	# Each line: backing method exits ns. Keep the six that mean something.
	($1 " " $2) in label {
		n++; name[n] = label[$1 " " $2]; ex[n] = $3; t[n] = $4
		if (!best || $4 < best) best = $4
	}
	END {
		printf "| method | exits | time | time / fastest |\n|---|---:|---:|---:|\n"
		for (i = 1; i <= n; i++)
			printf "| %s | %d | %.3f ms | %.1fx |\n", name[i], ex[i], t[i] / 1e6, t[i] / best
	}' "$out"
