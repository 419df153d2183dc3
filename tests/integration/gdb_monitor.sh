#!/bin/bash
# gdb's `monitor` commands (host/gdb/gdb_monitor.c) end to end: Debian's gdb
# in batch mode sends them through the stub (qRcmd) while the stub's test
# guest (guest/programs/gdb_target.c) is stopped at a breakpoint, and prints
# their text. The long-mode guest runs on vmm's own page tables (PML4 at
# 0xE0000, PDPT at 0xE1000, 2 MiB pages from the PD at 0xE2000: layout.h),
# so `monitor translate` of a global's address has a known walk. The sandbox
# is on (the default) in every run.
cd "$(dirname "$0")/../.." || exit
. tests/integration/lib.sh

if ! command -v gdb >/dev/null 2>&1; then
	skip gdb-monitor "gdb is not installed (apt-get install gdb)"
	exit 0
fi
OBJ=$G/obj

# session NAME ELF SCRIPT VMM_ARGS...: vmm with -gdb unix:$TMP/NAME.sock -S,
# gdb -batch running SCRIPT with ELF's symbols; gdb's output in
# $TMP/NAME.gdb, vmm's stderr in $TMP/NAME.err, vmm's status in $rc.
session() {
	local name=$1 elf=$2 script=$3; shift 3
	local sock=$TMP/$name.sock
	timeout 120 "$VMM" -gdb "unix:$sock" -S "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null &
	local vmm_pid=$!
	for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
	timeout 120 gdb -batch -nx -ex "set pagination off" -ex "set confirm off" \
		-ex "target remote $sock" -x "$script" "$elf" >"$TMP/$name.gdb" 2>&1 </dev/null
	wait "$vmm_pid"
	rc=$?
}

# lines NAME STATUS REGEX...: vmm exited with STATUS, gdb's output has a line
# matching each REGEX (grep -E, whole line), and the sandbox said nothing.
lines() {
	local name=$1 status=$2 re; shift 2
	if [ "$rc" -ne "$status" ]; then
		fail "$name" "vmm status $rc, expected $status; vmm: $(tail -c 300 "$TMP/$name.err" | tr '\n' '|')"
		return
	fi
	for re in "$@"; do
		if ! grep -qxE -- "$re" "$TMP/$name.gdb"; then
			fail "$name" "no line matching '$re' in: $(tail -c 800 "$TMP/$name.gdb" | tr '\n' '|')"
			return
		fi
	done
	if grep -q sandbox "$TMP/$name.err"; then
		fail "$name" "$(grep sandbox "$TMP/$name.err" | head -1)"
		return
	fi
	pass "$name"
}

# --- long mode: regs, translate, phys, stats, help, errors, quit -------------
ELF=$OBJ/long/gdb_target.elf
COUNTER=$(nm "$ELF" | awk '$3 == "counter" { print $1 }')
if [ -z "$COUNTER" ]; then
	fail gdb-monitor-long "no symbol 'counter' in $ELF"
else
	COUNTER=$(printf '0x%x' "0x$COUNTER")
	cat >"$TMP/long.cmd" <<EOF
break stage_three
continue
monitor regs
monitor translate $COUNTER
monitor phys 0xe0000 16
monitor stats
monitor help
monitor bogus
monitor phys 0xa0000 16
monitor translate 0x800000000000
monitor quit
EOF
	session gdb-monitor-long "$ELF" "$TMP/long.cmd" -mode long "$G/gdb_target-long.bin"
	# ( A)?, ( D)?: the accessed and dirty bits, set by the CPU as it runs.
	lines gdb-monitor-long 119 \
		'mode   long mode, 64-bit code \(EFER.LMA=1, CS.L=1\); paging 4-level' \
		'cr0    0x0000000080010033  PE MP ET NE WP PG' \
		'cr3    0x00000000000e0000  \(page-table root 0xe0000\)' \
		'efer   0x0000000000000500  LME LMA' \
		'gdtr   base 0x00000000000e7000  limit 0x001f \(4 entries\)' \
		'cs   sel 0x0018  base 0x0000000000000000  limit 0xffffffff  type 0xb code exec/read accessed  dpl 0 \(rpl 0\)  P S L G' \
		"$COUNTER: 4-level paging, CR3 0xe0000" \
		"  PML4E\[   0\] at 0x00000000000e0000 = 0x00000000000e10[02]3  P RW S( A)?  -> table at 0xe1000" \
		"  PDPTE\[   0\] at 0x00000000000e1000 = 0x00000000000e20[02]3  P RW S( A)?  -> table at 0xe2000" \
		"  PDE  \[   0\] at 0x00000000000e2000 = 0x00000000000000[8aec]3  P RW S( A)?( D)? PS  -> 2 MiB page at 0x0" \
		"  = physical $COUNTER" \
		'0x000e0000: [02]3 10 0e 00 00 00 00 00  00 00 00 00 00 00 00 00  \|[#.]\.\.\.\.\.\.\.\.\.\.\.\.\.\.\.\|' \
		'vmm: exit statistics' \
		'  time in guest .* held in gdb .*' \
		'  translate ADDR       the page walk of virtual ADDR, level by level' \
		'unknown monitor command "bogus"; try "monitor help"' \
		'phys: 0xa0000..0xa000f is not all guest RAM \(RAM: 0x0-0x9ffff and 0xc0000-0x3ffffff\)' \
		'  not canonical \(the bits above the top one used must copy it\): not mapped' \
		'vmm: quitting at gdb.s request \(monitor quit\)'
fi

# --- real mode and 32-bit protected mode: what each says -------------------
cat >"$TMP/modes.cmd" <<'EOF'
break add_squares
continue
monitor regs
monitor translate 0x1000
monitor translate 0x110000
kill
EOF
session gdb-monitor-real "$OBJ/real/gdb_target.elf" "$TMP/modes.cmd" -mode real "$G/gdb_target-real.bin"
lines gdb-monitor-real 119 \
	'mode   real mode \(CR0.PE=0\); paging none \(real mode\)' \
	'0x1000: real mode, no paging: physical = linear \(segment base \+ offset\)' \
	'  = physical 0x1000' \
	'  beyond 0x10ffef, the last byte real mode reaches'
session gdb-monitor-protected "$OBJ/protected/gdb_target.elf" "$TMP/modes.cmd" -mode protected "$G/gdb_target-protected.bin"
lines gdb-monitor-protected 119 \
	'mode   protected mode, 32-bit code \(CS.D=1\); paging off \(CR0.PG=0\)' \
	'0x1000: paging is off \(CR0.PG=0\): physical = linear' \
	'  = physical 0x110000'
