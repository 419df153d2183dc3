#!/bin/bash
# The hypercall demo guest (what `make run` shows) and the SDK's wrappers,
# in every flat mode: exact lines, with host addresses and timestamps
# matched by shape since they change from run to run.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

HEX='0x[0-9a-f]+'
demo_pattern() {
	cat <<EOF2
== course sequence
2048
4294967295
CS 695 Assignment 3
3
4
$HEX
Invalid GVA
0x0
$HEX
== tour
a 32-bit value: 123456789
one PRINTSTR,
two lines
exits around one PRINTSTR differ by 1
host address of the greeting: $HEX
an address outside guest RAM: Invalid GVA
its host address: 0x0
timestamps increase: yes
memory map: 3 entries
  0x00000000-0x0009ffff usable
  0x000c0000-0x000fffff reserved
  0x00100000-0x03ffffff usable
EOF2
}

for m in real protected long; do
	name=demo-$m
	run $name "$VMM" -mode $m -guest "$G/hypercall_demo-$m.bin"
	demo_pattern >"$TMP/pattern"
	if [ "$rc" -ne 0 ]; then
		fail $name "exit status $rc: $(head -3 "$TMP/$name.err")"
	elif [ "$(wc -l <"$TMP/$name.out")" -ne "$(wc -l <"$TMP/pattern")" ]; then
		fail $name "$(wc -l <"$TMP/$name.out") lines, expected $(wc -l <"$TMP/pattern")"
	elif ! paste -d '\n' "$TMP/pattern" "$TMP/$name.out" | awk 'NR % 2 { re = "^" $0 "$"; next } $0 !~ re { print "line " NR/2 ": " $0; bad = 1 } END { exit bad }' >"$TMP/$name.diff"; then
		fail $name "$(head -3 "$TMP/$name.diff")"
	else
		pass $name
	fi
done

# Every SDK wrapper once; the guest exits with 40 + its failure count.
for m in real protected long; do
	run wrappers-$m "$VMM" -mode $m -guest "$G/hypercall_test-$m.bin"
	[ "$rc" -eq 40 ] && pass wrappers-$m || fail wrappers-$m "status $rc: $(grep -i fail "$TMP/wrappers-$m.out" | head -3)"
done

# -no-hva: GVA_TO_HVA discloses no host address; it answers -EPERM (the SDK
# wrapper then returns 0) and prints nothing, valid address or not.
run demo-no-hva "$VMM" -mode long -no-hva -guest "$G/hypercall_demo-long.bin"
if [ "$rc" -ne 0 ]; then
	fail demo-no-hva "exit status $rc: $(head -3 "$TMP/demo-no-hva.err")"
elif [ "$(sed -n 7p "$TMP/demo-no-hva.out")" != 0x0 ] ||
     ! grep -qx 'host address of the greeting: 0x0' "$TMP/demo-no-hva.out"; then
	fail demo-no-hva "a host address was disclosed: $(sed -n 7p "$TMP/demo-no-hva.out")"
elif grep -q 'Invalid GVA' "$TMP/demo-no-hva.out"; then
	fail demo-no-hva "GVA_TO_HVA still looked the address up"
else
	pass demo-no-hva
fi
