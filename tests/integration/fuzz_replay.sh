#!/bin/bash
# The fuzz targets' regression suite: every harness (tests/fuzz/fuzz_*.c),
# built with the normal compiler and a plain main (replay_main.c), runs each
# seed of tests/fuzz/corpus/<target>/ and each saved crash input of
# tests/fuzz/crashes/<target>/ once. A broken invariant aborts the replay.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
shopt -s nullglob # a target without saved crashes has an empty folder

for target in loader ata paging hypercall vga gdb_packet; do
	bin=$BUILD/tests/fuzz/replay_$target
	if [ ! -x "$bin" ]; then
		fail "replay-$target" "$bin is not built (make test-bins)"
		continue
	fi
	if [ "$target" != ata ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
		skip "replay-$target" "needs /dev/kvm"
		continue
	fi
	inputs=(tests/fuzz/corpus/$target/* tests/fuzz/crashes/$target/*)
	run "replay-$target" "$bin" "${inputs[@]}"
	if [ "$rc" -eq 0 ] && grep -q "^replayed ${#inputs[@]} inputs" "$TMP/replay-$target.out"; then
		pass "replay-$target"
	else
		fail "replay-$target" "exit status $rc: $(grep -v '^vmm: ' "$TMP/replay-$target.err" | head -c 400)"
	fi
done
