#!/bin/bash
# COM1's receiver and -serial (docs/devices.md, "COM1"): the serial echo guest
# gets piped input, a large input whole and in order, a terminal's keys
# (tmux) with QEMU's Ctrl-A escape; the terminal's mode comes back however vmm
# ends; file: and unix: backends; bad specs; the same output as QEMU.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

ECHO=$G/serial_echo-multiboot64.elf
READY_IRQ="serial_echo: ready (irq)"
EOT=$'\004'

# echo_pipe NAME INPUT ARGS...: pipes INPUT into vmm -serial stdio ARGS.
echo_pipe() {
	local name=$1 input=$2; shift 2
	printf '%s' "$input" | "$VMM" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
	rc=$?
}

check() { # NAME WANT_STATUS WANT_STDOUT
	if [ "$rc" -ne "$2" ]; then
		fail "$1" "exit status $rc, expected $2; stderr: $(head -c 300 "$TMP/$1.err")"
	elif [ "$(cat "$TMP/$1.out")" != "$3" ]; then
		fail "$1" "stdout '$(head -c 300 "$TMP/$1.out" | od -c | head -5)', expected '$3'"
	else
		pass "$1"
	fi
}

# --- piped input -------------------------------------------------------------
echo_pipe serial-stdio-pipe-irq "hello${EOT}" -serial stdio -guest "$ECHO" -timeout 30
check serial-stdio-pipe-irq 16 "$READY_IRQ"$'\n'"hello"
echo_pipe serial-stdio-pipe-kernel-irqchip "hello${EOT}" -irqchip kernel -serial stdio -guest "$ECHO" -timeout 30
check serial-stdio-pipe-kernel-irqchip 16 "$READY_IRQ"$'\n'"hello"
echo_pipe serial-stdio-pipe-poll "hello"$'\n'"${EOT}" -serial stdio -guest "$ECHO" -append poll -timeout 30
check serial-stdio-pipe-poll 16 "serial_echo: ready (poll)"$'\n'"hello"

# 64 KiB of text (every byte but EOT would do; base64 keeps it printable):
# the receiver takes it at its own pace, nothing lost, nothing reordered.
head -c 49152 /dev/urandom | base64 -w 64 | head -c 65536 >"$TMP/big.in"
{ cat "$TMP/big.in"; printf '\004'; } |
	"$VMM" -serial stdio -guest "$ECHO" -timeout 120 >"$TMP/big.out" 2>"$TMP/big.err"
rc=$?
if [ "$rc" -ne 16 ]; then
	fail serial-64k-in-order "exit status $rc; stderr: $(head -c 300 "$TMP/big.err")"
elif ! tail -n +2 "$TMP/big.out" | cmp -s - "$TMP/big.in"; then
	fail serial-64k-in-order "echo differs: $(tail -n +2 "$TMP/big.out" | cmp - "$TMP/big.in" 2>&1)"
else
	pass serial-64k-in-order
fi

# Without -serial a piped stdin is not vmm's: the guest gets nothing (and
# waits until -timeout), the next command gets every byte.
printf 'for the next command\n' |
	{ "$VMM" -guest "$ECHO" -timeout 1 2>/dev/null; echo "status $?"; cat; } >"$TMP/keep.out"
want="$READY_IRQ"$'\n'"status 124"$'\n'"for the next command"
if [ "$(cat "$TMP/keep.out")" = "$want" ]; then pass serial-default-leaves-piped-stdin
else fail serial-default-leaves-piped-stdin "got '$(cat "$TMP/keep.out")'"; fi

# End of input: the reader stops; vmm does not spin on it (a spinning reader
# would burn a core for the whole second).
if [ ! -x /usr/bin/time ]; then
	skip serial-eof-does-not-spin "/usr/bin/time (GNU time) is not installed"
else
	cputime=$( { /usr/bin/time -f '%U %S' "$VMM" -serial stdio -guest "$ECHO" -timeout 1 \
		</dev/null >/dev/null 2>/dev/null; } 2>&1 | awk '{ print $1 + $2 }')
	if awk -v t="$cputime" 'BEGIN { exit !(t < 0.5) }'; then pass serial-eof-does-not-spin
	else fail serial-eof-does-not-spin "vmm used $cputime s of CPU in a 1 s run after end of input"; fi
fi

# --- other backends ------------------------------------------------------------
run serial-file "$VMM" -serial "file:$TMP/com1.txt" -guest "$ECHO" -append exit
if [ "$rc" -ne 16 ] || [ -s "$TMP/serial-file.out" ]; then
	fail serial-file "status $rc, stdout '$(head -c 100 "$TMP/serial-file.out")'"
elif [ "$(cat "$TMP/com1.txt")" != "serial_echo: ready (exit)" ]; then
	fail serial-file "file holds '$(head -c 100 "$TMP/com1.txt")'"
else
	pass serial-file
fi
expect serial-null 16 "" "$VMM" -serial null -guest "$ECHO" -append exit
# No COM1 at all: the guest's loopback self-test reads 0xFF (status 17).
expect serial-none-has-no-uart 17 "" "$VMM" -serial none -guest "$ECHO" -append exit

if command -v socat >/dev/null; then
	# ,server: vmm waits for one client, then talks to it.
	"$VMM" -serial "unix:$TMP/srv.sock,server" -guest "$ECHO" -timeout 30 \
		>"$TMP/srv.out" 2>"$TMP/srv.err" &
	pid=$!
	for _ in $(seq 100); do [ -S "$TMP/srv.sock" ] && break; sleep 0.05; done
	printf 'over the socket\n\004' | socat -t 30 - "UNIX-CONNECT:$TMP/srv.sock" >"$TMP/srv.got" 2>/dev/null
	wait "$pid"; rc=$?
	if [ "$rc" -ne 16 ]; then fail serial-unix-server "status $rc; stderr: $(cat "$TMP/srv.err")"
	elif [ "$(cat "$TMP/srv.got")" != "$READY_IRQ"$'\n'"over the socket" ]; then
		fail serial-unix-server "client got '$(cat "$TMP/srv.got")'"
	elif [ -e "$TMP/srv.sock" ] || ! grep -q "waiting for a connection on unix:" "$TMP/srv.err"; then
		fail serial-unix-server "socket left behind or no waiting message: $(cat "$TMP/srv.err")"
	else pass serial-unix-server; fi

	# unix:PATH: vmm connects to a listener.
	printf 'to the listener\n\004' | socat -t 30 "UNIX-LISTEN:$TMP/cli.sock" - >"$TMP/cli.got" 2>/dev/null &
	spid=$!
	for _ in $(seq 100); do [ -S "$TMP/cli.sock" ] && break; sleep 0.05; done
	run serial-unix-client "$VMM" -serial "unix:$TMP/cli.sock" -guest "$ECHO" -timeout 30
	wait "$spid"
	if [ "$rc" -ne 16 ]; then fail serial-unix-client "status $rc; stderr: $(cat "$TMP/serial-unix-client.err")"
	elif [ "$(cat "$TMP/cli.got")" != "$READY_IRQ"$'\n'"to the listener" ]; then
		fail serial-unix-client "listener got '$(cat "$TMP/cli.got")'"
	else pass serial-unix-client; fi
else
	skip serial-unix "socat is not installed"
fi

# --- bad specs: one line, status 2, the guest never runs -----------------------
expect_error serial-bad-kind "^vmm: unknown -serial 'tty'" "$VMM" -serial tty -guest "$ECHO"
expect_error serial-bad-file "^vmm: -serial file:$TMP/no/such/dir: No such file" \
	"$VMM" -serial "file:$TMP/no/such/dir" -guest "$ECHO"
expect_error serial-unix-nobody "^vmm: -serial unix:$TMP/nobody: connect: " \
	"$VMM" -serial "unix:$TMP/nobody" -guest "$ECHO"
expect_error serial-unix-nowait "^vmm: bad -serial 'unix:" \
	"$VMM" -serial "unix:$TMP/x,server,nowait" -guest "$ECHO"
expect_error serial-stdio-and-term "^vmm: -serial stdio and -display term" \
	"$VMM" -serial stdio -display term -guest "$ECHO"

# --- a terminal (tmux) ---------------------------------------------------------
if ! command -v tmux >/dev/null; then
	skip serial-terminal "tmux is not installed"
else
	SOCK="vmm-serial-$$"
	tmx() { tmux -L "$SOCK" "$@"; }
	# term_run NAME COMMAND: runs COMMAND in a tmux pane, keeping the
	# terminal's mode before and after and the status. A script, not an
	# interactive shell: bash would put the terminal back itself after a job
	# that a signal killed, and hide what vmm did.
	term_run() {
		local name=$1; shift
		printf 'stty -g >%s.before\n%s\necho $? >%s.rc\nstty -g >%s.after\n' \
			"$TMP/$name" "$*" "$TMP/$name" "$TMP/$name" >"$TMP/$name.sh"
		tmx kill-server 2>/dev/null
		tmx new-session -d -x 120 -y 40 "sh $TMP/$name.sh"
	}
	wait_for() { # FILE TEXT: until FILE contains TEXT (10 s at most)
		for _ in $(seq 200); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
		return 1
	}
	term_done() { # NAME: waits for the status file, then ends tmux
		for _ in $(seq 200); do [ -s "$TMP/$1.rc" ] && break; sleep 0.05; done
		sleep 0.1
		tmx kill-server 2>/dev/null
		rc=$(cat "$TMP/$1.rc" 2>/dev/null || echo none)
	}
	restored() { cmp -s "$TMP/$1.before" "$TMP/$1.after"; }

	# The default on a terminal is stdio: keys reach the guest; Ctrl-C is a
	# byte for it (0x03), Ctrl-A Ctrl-A one Ctrl-A, Ctrl-A x quits (status 0).
	term_run keys "$VMM -guest $ECHO | tee $TMP/keys.raw | od -An -c >$TMP/keys.out"
	wait_for "$TMP/keys.raw" "$READY_IRQ"
	tmx send-keys "ab" C-c "cd" C-a C-a "e"
	sleep 0.3
	tmx send-keys C-a x
	term_done keys
	got=$(tr -s ' \n' ' ' <"$TMP/keys.out")
	case "$got" in
	*"a b 003 c d 001 e"*) keys_ok=yes ;;
	*) keys_ok=no ;;
	esac
	if [ "$rc" != 0 ]; then fail serial-terminal-keys "status $rc, expected 0 (Ctrl-A x)"
	elif [ "$keys_ok" != yes ]; then fail serial-terminal-keys "the guest echoed: $got"
	elif ! restored keys; then fail serial-terminal-keys "terminal mode not restored"
	else pass serial-terminal-keys; fi

	# Restored after a signal, a fatal signal, and a sandbox violation.
	# as_pid NAME ARGS: vmm ARGS in the foreground, its pid in $TMP/NAME.pid
	as_pid() { local name=$1; shift; echo "bash -c 'echo \$\$ >$TMP/$name.pid; exec $VMM $*'"; }
	term_run sigterm "$(as_pid sigterm -serial stdio -guest "$ECHO") >$TMP/sigterm.out"
	wait_for "$TMP/sigterm.out" "$READY_IRQ" && sleep 0.2
	kill -TERM "$(cat "$TMP/sigterm.pid")"
	term_done sigterm
	if [ "$rc" = 143 ] && restored sigterm; then pass serial-terminal-restored-sigterm
	else fail serial-terminal-restored-sigterm "status $rc, restored: $(restored sigterm && echo yes || echo no)"; fi

	term_run sigsegv "ulimit -c 0; $(as_pid sigsegv -serial stdio -guest "$ECHO") >$TMP/sigsegv.out"
	wait_for "$TMP/sigsegv.out" "$READY_IRQ" && sleep 0.2
	kill -SEGV "$(cat "$TMP/sigsegv.pid")"
	term_done sigsegv
	# 139: killed by SIGSEGV; a sanitizer build's own handler (chained after
	# vmm's) reports and exits 1 instead.
	sanitized=no
	"$VMM" --help | grep -q -- '-sandbox MODE.*(default: off)' && sanitized=yes
	if { [ "$rc" = 139 ] || { [ $sanitized = yes ] && [ "$rc" = 1 ]; }; } && restored sigsegv; then
		pass serial-terminal-restored-sigsegv
	else fail serial-terminal-restored-sigsegv "status $rc, restored: $(restored sigsegv && echo yes || echo no)"; fi

	# A setup error after COM1 took the terminal (the disk is opened later).
	term_run setup-error "$VMM -serial stdio -guest $ECHO -disk $TMP/no/such.img 2>$TMP/setup-error.err"
	term_done setup-error
	if [ "$rc" = 2 ] && restored setup-error; then pass serial-terminal-restored-setup-error
	else fail serial-terminal-restored-setup-error "status $rc, restored: $(restored setup-error && echo yes || echo no)"; fi

	SHIM=$BUILD/tests/tools/forbidden_call.so
	OUTPUT_GUEST=$BUILD/tests/guests/output_guest.bin
	if [ ! -f "$SHIM" ] || [ ! -f "$OUTPUT_GUEST" ]; then
		skip serial-terminal-restored-violation "test-bins not built"
	else
		truncate -s 64K "$TMP/violation.img"
		term_run violation "LD_PRELOAD=$SHIM $VMM -serial stdio -guest $OUTPUT_GUEST -disk $TMP/violation.img >/dev/null 2>$TMP/violation.err"
		term_done violation
		if [ "$rc" = 122 ] && restored violation; then pass serial-terminal-restored-violation
		elif [ "$rc" = 41 ]; then skip serial-terminal-restored-violation "this build runs without the sandbox"
		else fail serial-terminal-restored-violation "status $rc, restored: $(restored violation && echo yes || echo no)"; fi
	fi
fi

# --- the same as QEMU ----------------------------------------------------------
# Both get the input only once the guest said it is ready: QEMU delivers a
# byte that is waiting from the start before the guest resets its FIFOs,
# which drops it (vmm holds input until the guest reads or enables it).
QEMU=$(command -v qemu-system-x86_64)
if [ -z "$QEMU" ]; then
	skip serial-qemu-same "qemu-system-x86_64 is not installed"
else
	converse() { # NAME COMMAND...: waits for the ready line, then types
		local name=$1; shift
		mkfifo "$TMP/$name.fifo"
		"$@" <"$TMP/$name.fifo" >"$TMP/$name.out" 2>"$TMP/$name.err" &
		local pid=$!
		exec 7>"$TMP/$name.fifo"
		wait_ready "$TMP/$name.out"
		printf 'same bytes\n\004' >&7
		wait "$pid"; rc=$?
		exec 7>&-
	}
	wait_ready() { for _ in $(seq 600); do grep -qF "$READY_IRQ" "$1" && return; sleep 0.05; done; }
	converse vmm-side "$VMM" -serial stdio -guest "$ECHO" -timeout 30
	vmm_rc=$rc
	accel=-enable-kvm
	[ -w /dev/kvm ] || accel=
	converse qemu-side timeout 60 "$QEMU" $accel -display none -serial stdio -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$ECHO"
	if [ "$rc" -ne "$(qemu_status_of "$vmm_rc")" ]; then
		fail serial-qemu-same "status: vmm $vmm_rc, QEMU $rc, expected (vmm << 1) | 1; QEMU stderr: $(head -c 200 "$TMP/qemu-side.err")"
	elif ! cmp -s "$TMP/vmm-side.out" "$TMP/qemu-side.out"; then
		fail serial-qemu-same "output differs: vmm '$(cat "$TMP/vmm-side.out")', QEMU '$(cat "$TMP/qemu-side.out")'"
	else
		pass serial-qemu-same
	fi
fi
