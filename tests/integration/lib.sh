# Helpers for the shell integration tests: each check prints one line,
# PASS/FAIL/SKIP plus its name, which tests/run.sh counts.
BUILD=${BUILD:-build}
VMM=${VMM:-$BUILD/vmm}
G=$BUILD/guest
TMP=$(mktemp -d)
# Processes a test starts in the background (X servers, vmm in a window) go
# in PIDS, a tmux server's socket name in TMUX_SOCK: all are stopped at exit.
PIDS=()
TMUX_SOCK=
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	[ -n "$TMUX_SOCK" ] && tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
# wait_until SECONDS COMMAND...: polls COMMAND every 0.1 s; false on timeout.
wait_until() {
	local deadline=$((SECONDS + $1)); shift
	until "$@"; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.1
	done
}
# No window unless a test starts its own X server: with a desktop's $DISPLAY,
# every run with the default display would open a window that waits for
# the user after the guest stops.
unset DISPLAY WAYLAND_DISPLAY

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "SKIP $1: $2"; }

# run NAME: runs the rest of the arguments, keeping stdout, stderr and status
# in $TMP/NAME.{out,err} and $rc.
run() {
	local name=$1; shift
	"$@" >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null
	rc=$?
}

# expect NAME STATUS EXPECTED_STDOUT_FILE_OR_TEXT COMMAND...
expect() {
	local name=$1 status=$2 want=$3; shift 3
	run "$name" "$@"
	if [ "$rc" -ne "$status" ]; then
		fail "$name" "exit status $rc, expected $status; stderr: $(head -c 300 "$TMP/$name.err")"
	elif [ "$(cat "$TMP/$name.out")" != "$want" ]; then
		fail "$name" "stdout was '$(head -c 300 "$TMP/$name.out")', expected '$want'"
	else
		pass "$name"
	fi
}

# has_lines NAME FILE LINE...: passes if FILE contains every LINE exactly.
has_lines() {
	local name=$1 file=$2 line; shift 2
	for line in "$@"; do
		if ! grep -qxF -- "$line" "$file"; then
			fail "$name" "no line '$line' in: $(head -c 400 "$file" | tr '\n' '|')"
			return
		fi
	done
	pass "$name"
}

# expect_error NAME PATTERN COMMAND...: exit 2, no stdout, a one-line error
# on stderr matching PATTERN.
expect_error() {
	local name=$1 pattern=$2; shift 2
	run "$name" "$@"
	if [ "$rc" -ne 2 ]; then
		fail "$name" "exit status $rc, expected 2; stderr: $(head -c 300 "$TMP/$name.err")"
	elif [ -s "$TMP/$name.out" ]; then
		fail "$name" "the guest ran: stdout '$(head -c 100 "$TMP/$name.out")'"
	elif [ "$(wc -l <"$TMP/$name.err")" -ne 1 ] || ! grep -qE "$pattern" "$TMP/$name.err"; then
		fail "$name" "stderr '$(cat "$TMP/$name.err")' is not one line matching /$pattern/"
	else
		pass "$name"
	fi
}

# An SDK Multiboot guest whose main returns V exits with status V on vmm (the
# EXIT hypercall: guest/sdk/debug_exit.h, guest_exit) and with (V << 1) | 1
# on QEMU (isa-debug-exit): qemu_status_of V prints the latter.
qemu_status_of() { echo $((($1 << 1) | 1)); }

# True when this host's KVM runs 32-bit paging (a probe guest, once).
host_runs_paged32() {
	if [ -z "${PAGED32_OK:-}" ]; then
		"$VMM" -mode paged32 -guest "$G/hello-protected.bin" -timeout 20 >/dev/null 2>&1
		if [ $? -eq 0 ]; then PAGED32_OK=yes; else PAGED32_OK=no; fi
	fi
	[ "$PAGED32_OK" = yes ]
}
PAGED32_SKIP="this host's KVM cannot run 32-bit paging (the probe guest triple-faults); it works on hardware KVM"

# True when this host's KVM takes an interrupt in 32-bit protected mode and
# returns with a 32-bit iret (guest/programs/int32_probe.c, once).
host_runs_int32() {
	if [ -z "${INT32_OK:-}" ]; then
		"$VMM" -mode protected -guest "$G/int32_probe-protected.bin" -timeout 20 >/dev/null 2>&1
		if [ $? -eq 0 ]; then INT32_OK=yes; else INT32_OK=no; fi
	fi
	[ "$INT32_OK" = yes ]
}
INT32_SKIP="this host's KVM cannot emulate a 32-bit iret (the probe guest stops with a KVM internal error); it works on hardware KVM"
