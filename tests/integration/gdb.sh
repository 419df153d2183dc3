#!/bin/bash
# The gdb stub (issue 12): Debian's gdb in batch mode against the stub's test
# guest (guest/programs/gdb_target.c, built with -g -O0 in every mode by
# tests/integration/gdb/gdb.mk), in 16-, 32- and 64-bit mode: break, step,
# next, finish, print, info registers, five breakpoints, a watchpoint, Ctrl-C,
# detach, kill, a triple fault stopped in gdb, -timeout while held, one
# client at a time, the mode rules, and the option errors. The sandbox is on
# (the default) in every run, and no run may end in a violation.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

if ! command -v gdb >/dev/null 2>&1; then
	skip gdb "gdb is not installed (apt-get install gdb)"
	exit 0
fi
SRC=guest/programs/gdb_target.c
OBJ=$G/obj
line_of() { grep -n -- "$1" "$SRC" | head -1 | cut -d: -f1; }
CALL_LINE=$(line_of 'result = add_squares(3, 4);')
SUM_LINE=$(line_of 'sum += b \* b;')

# debug NAME ELF SCRIPT VMM_ARGS...: vmm with -gdb unix:$TMP/NAME.sock and
# the rest of the arguments, gdb -batch running SCRIPT against it with ELF's
# symbols. gdb's output: $TMP/NAME.gdb; vmm's: $TMP/NAME.{out,err}; vmm's
# status: $rc. GDB_SIGINT_AFTER=FILE sends gdb a SIGINT (Ctrl-C) 1 s after
# FILE appears (the script creates it with `shell touch` before `continue`).
debug() {
	local name=$1 elf=$2 script=$3; shift 3
	local sock=$TMP/$name.sock
	timeout 120 "$VMM" -gdb "unix:$sock" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null &
	local vmm_pid=$!
	for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
	timeout 120 gdb -batch -nx -ex "set pagination off" -ex "set confirm off" \
		-ex "target remote $sock" -x "$script" "$elf" >"$TMP/$name.gdb" 2>&1 </dev/null &
	local gdb_pid=$!
	if [ -n "${GDB_SIGINT_AFTER:-}" ]; then
		for _ in $(seq 600); do [ -e "$GDB_SIGINT_AFTER" ] && break; sleep 0.1; done
		sleep 1
		# To gdb itself, once: timeout(1) would pass a SIGINT on to its
		# whole process group as well, and a second Ctrl-C makes gdb give
		# up on the target ("Disconnected from target").
		local gdb_itself
		gdb_itself=$(pgrep -P "$gdb_pid" | head -1)
		kill -INT "${gdb_itself:-$gdb_pid}" 2>/dev/null
	fi
	wait "$gdb_pid"
	wait "$vmm_pid"
	rc=$?
}

# check NAME STATUS TEXT...: vmm exited with STATUS, gdb printed every TEXT,
# and nothing went wrong that gdb or the sandbox would say.
check() {
	local name=$1 status=$2 text; shift 2
	if [ "$rc" -ne "$status" ]; then
		fail "$name" "vmm status $rc, expected $status; vmm: $(tail -c 300 "$TMP/$name.err" | tr '\n' '|'); gdb: $(tail -c 400 "$TMP/$name.gdb" | tr '\n' '|')"
		return
	fi
	for text in "$@"; do
		if ! grep -qF -- "$text" "$TMP/$name.gdb"; then
			fail "$name" "gdb did not print '$text': $(tail -c 600 "$TMP/$name.gdb" | tr '\n' '|')"
			return
		fi
	done
	if grep -qE "sandbox|Remote 'g' packet reply|Remote connection closed|Ignoring packet error" \
		"$TMP/$name.err" "$TMP/$name.gdb"; then
		fail "$name" "$(grep -hE "sandbox|Remote|packet" "$TMP/$name.err" "$TMP/$name.gdb" | head -2 | tr '\n' '|')"
		return
	fi
	pass "$name"
}

# The guest's image and vmm's arguments for a mode.
guest_args() {
	case $1 in
	real|protected|long) echo "-mode $1 $G/gdb_target-$1.bin" ;;
	*) echo "$G/gdb_target-$1.elf" ;;
	esac
}

# --- break, step, next, finish, print, info registers: 16, 32, 64 bits -------
cat >"$TMP/basic.cmd" <<EOF
break gdb_target.c:$CALL_LINE
continue
step
break gdb_target.c:$SUM_LINE
continue
print sum
next
print sum
info registers
finish
next
print result
print/x \$cs
continue
EOF
for m in real protected long multiboot; do
	# shellcheck disable=SC2046
	debug "basic-$m" "$OBJ/$m/gdb_target.elf" "$TMP/basic.cmd" -S $(guest_args $m)
	case $m in real) cs=0x0 ;; long) cs=0x18 ;; *) cs=0x8 ;; esac
	check "basic-$m" 30 "add_squares (a=3, b=4) at" "\$1 = 9" "\$2 = 25" \
		"<add_squares+" "Value returned is \$3 = 25" "\$4 = 25" "\$5 = $cs" \
		"exited with code 036"
done

# --- five breakpoints at once: the fifth served by stepping on this host ----
cat >"$TMP/five.cmd" <<'EOF'
break stage_one
break stage_two
break stage_three
break stage_four
break stage_five
continue
continue
continue
continue
continue
print counter
continue
EOF
for m in protected long; do
	# shellcheck disable=SC2046
	debug "five-breakpoints-$m" "$OBJ/$m/gdb_target.elf" "$TMP/five.cmd" -S -v $(guest_args $m)
	check "five-breakpoints-$m" 30 "Breakpoint 1, stage_one ()" "Breakpoint 2, stage_two ()" \
		"Breakpoint 3, stage_three ()" "Breakpoint 4, stage_four ()" \
		"Breakpoint 5, stage_five ()" "\$1 = 4" "exited with code 036"
done
# -v says how breakpoints are served here.
if grep -q "vmm: gdb: breakpoints: " "$TMP/five-breakpoints-long.err"; then
	pass gdb-verbose-breakpoint-support
else
	fail gdb-verbose-breakpoint-support "$(head -c 400 "$TMP/five-breakpoints-long.err")"
fi

# --- a watchpoint on a global fires at the line that writes it ---------------
cat >"$TMP/watch.cmd" <<'EOF'
break main
continue
watch counter
continue
continue
delete
continue
EOF
for m in protected long; do
	# shellcheck disable=SC2046
	debug "watch-$m" "$OBJ/$m/gdb_target.elf" "$TMP/watch.cmd" -S $(guest_args $m)
	check "watch-$m" 30 "Old value = 0" "New value = 1" "stage_one () at" \
		"Old value = 1" "New value = 2" "stage_two () at" "exited with code 036"
done

# --- Ctrl-C stops a spinning guest; kill ends vmm with 119 -------------------
cat >"$TMP/interrupt.cmd" <<EOF
break main
continue
delete
set var scenario = 1
shell touch $TMP/interrupt.go
continue
print counter > 0
info symbol \$pc
kill
EOF
GDB_SIGINT_AFTER=$TMP/interrupt.go debug interrupt "$OBJ/long/gdb_target.elf" "$TMP/interrupt.cmd" -S $(guest_args long)
check interrupt 119 "received signal SIGINT" "\$1 = 1" "in section .text"
grep -q "spin" "$TMP/interrupt.gdb" && pass interrupt-in-spin || fail interrupt-in-spin "$(tail -5 "$TMP/interrupt.gdb" | tr '\n' '|')"

# --- detach: the guest runs on and ends with its own status ----------------
cat >"$TMP/detach.cmd" <<'EOF'
break stage_three
continue
detach
EOF
debug detach "$OBJ/protected/gdb_target.elf" "$TMP/detach.cmd" -S $(guest_args protected)
check detach 30 "Breakpoint 1, stage_three ()" "(Remote target) detached]"

# --- a triple fault stops in gdb, at the faulting instruction ---------------
cat >"$TMP/triple.cmd" <<'EOF'
break main
continue
delete
set var scenario = 2
continue
x/i $pc
info symbol $pc
info registers
continue
EOF
for m in protected long; do
	# shellcheck disable=SC2046
	debug "triple-fault-$m" "$OBJ/$m/gdb_target.elf" "$TMP/triple.cmd" -S $(guest_args $m)
	check "triple-fault-$m" 125 "received signal SIGSEGV" "ud2" "crash + " "exited with code 0175"
done

# --- -timeout counts running time only: 3 s held in gdb is not running ------
cat >"$TMP/held.cmd" <<'EOF'
shell sleep 3
continue
EOF
debug timeout-held "$OBJ/long/gdb_target.elf" "$TMP/held.cmd" -S -timeout 2 $(guest_args long)
check timeout-held 30 "exited with code 036"

# --- one debugger at a time: a second one is told why -----------------------
cat >"$TMP/first.cmd" <<'EOF'
shell sleep 3
continue
EOF
(
	sleep 1.5
	timeout 30 gdb -batch -nx -ex "target remote $TMP/second-client.sock" \
		"$OBJ/long/gdb_target.elf" >"$TMP/second.gdb" 2>&1 </dev/null
) &
debug second-client "$OBJ/long/gdb_target.elf" "$TMP/first.cmd" -S $(guest_args long)
wait
check second-client 30 "exited with code 036"
if grep -qF "another debugger is already attached" "$TMP/second.gdb"; then
	pass second-client-refused
else
	fail second-client-refused "second gdb: $(head -c 300 "$TMP/second.gdb" | tr '\n' '|')"
fi

# --- mode rules: a Multiboot kernel that switches to long mode itself -------
# By default the layout fits the mode at start, 32-bit: i386, kept after the
# switch. gdb with the kernel's ELF64 symbols rejects that description and
# says so (docs/debugging.md: use -gdb-arch x86-64); every packet still
# parses, and the guest still runs to its end.
cat >"$TMP/modes.cmd" <<'EOF'
break add_squares
continue
info registers
continue
EOF
debug mode-switch-i386 "$OBJ/multiboot64/gdb_target.elf" "$TMP/modes.cmd" -S $(guest_args multiboot64)
check mode-switch-i386 30 "Architecture rejected target-supplied description" "exited with code 036"
# -gdb-arch x86-64: the 64-bit layout from the start, so the 64-bit code has
# its full registers and the ELF64 symbols fit.
debug mode-switch-x86-64 "$OBJ/multiboot64/gdb_target.elf" "$TMP/modes.cmd" -S -gdb-arch x86-64 \
	$(guest_args multiboot64)
check mode-switch-x86-64 30 "Breakpoint 1, add_squares (a=3, b=4)" "rip " "<add_squares+" \
	"exited with code 036"

# --- TCP: 127.0.0.1 unless a host is given; tcp::0 picks a free port --------
timeout 60 "$VMM" -gdb tcp::0 -S $(guest_args long) >"$TMP/tcp.out" 2>"$TMP/tcp.err" </dev/null &
vmm_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$TMP/tcp.err" && break; sleep 0.1; done
addr=$(sed -n 's/^vmm: gdb: listening on \([0-9.]*:[0-9]*\).*/\1/p' "$TMP/tcp.err")
timeout 60 gdb -batch -nx -ex "target remote $addr" -ex continue "$OBJ/long/gdb_target.elf" \
	>"$TMP/tcp.gdb" 2>&1 </dev/null
wait $vmm_pid
rc=$?
case $addr in
127.0.0.1:*) check tcp 30 "exited with code 036" ;;
*) fail tcp "not bound to 127.0.0.1: '$addr' ($(head -c 200 "$TMP/tcp.err"))" ;;
esac

# --- malformed packets get error replies; the stub and the guest live on ----
# packet TEXT: TEXT framed as $TEXT#checksum.
packet() {
	local text=$1 sum=0 i
	for ((i = 0; i < ${#text}; i++)); do
		sum=$(((sum + $(printf '%d' "'${text:i:1}")) & 255))
	done
	printf '$%s#%02x' "$text" "$sum"
}
if command -v socat >/dev/null 2>&1; then
	sock=$TMP/malformed.sock
	timeout 60 "$VMM" -gdb "unix:$sock" -S $(guest_args long) >"$TMP/malformed.out" \
		2>"$TMP/malformed.err" </dev/null &
	vmm_pid=$!
	for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
	{
		packet '?'
		sleep 0.5
		for p in 'Z9,1000,1' 'Z0,zz,1' 'm' 'm1000' 'M1000,4:zz' 'G00' 'p999' 'P0=zz' \
			'X1000,4:ab' 'qRcmd,zz' 'vCont;x'; do
			packet "$p"
		done
		packet 'mffffffffffffff00,10'                            # not mapped: E14
		packet 'qXfer:features:read:other.xml:0,10'              # no such annex: E00
		printf '$g#00'                                           # bad checksum: '-'
		printf 'noise'                                           # between packets: ignored
		printf '$%s#00' "$(head -c 5000 /dev/zero | tr '\0' m)"  # too long: '-'
		packet 'g'
		sleep 0.5
		packet 'k'
		sleep 0.5
	} | timeout 30 socat - "UNIX-CONNECT:$sock" >"$TMP/malformed.replies" 2>&1
	wait $vmm_pid
	rc=$?
	replies=$(tr '$' '\n' <"$TMP/malformed.replies")
	e01=$(grep -c '^E01#' <<<"$replies")
	if [ "$rc" -eq 119 ] && [ "$e01" -eq 11 ] && grep -q '^E14#' <<<"$replies" &&
		grep -q '^E00#' <<<"$replies" && [ "$(tr -cd - <"$TMP/malformed.replies" | wc -c)" -eq 2 ] &&
		grep -qE '^[0-9a-f]{1104}#' <<<"$replies" && ! grep -q sandbox "$TMP/malformed.err"; then
		pass malformed-packets
	else
		fail malformed-packets "status $rc, $e01 E01 replies; replies: $(head -c 300 "$TMP/malformed.replies")"
	fi
else
	skip malformed-packets "socat is not installed"
fi

# --- option errors -----------------------------------------------------------
expect_error gdb-bad-spec "^vmm: bad -gdb 'tcp:1234'" "$VMM" -gdb tcp:1234 $(guest_args long)
expect_error gdb-S-alone "^vmm: -S and -gdb-arch are for the gdb stub" "$VMM" -S $(guest_args long)
expect_error gdb-bad-arch "^vmm: unknown -gdb-arch 'arm'" "$VMM" -s -gdb-arch arm $(guest_args long)
