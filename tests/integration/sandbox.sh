#!/bin/bash
# The seccomp sandbox from the command line (issue 9; the library side is
# tests/integration/test_sandbox.c): on by default once the guest runs, off
# and log on request, and a forbidden call made by vmm itself (an LD_PRELOAD
# shim standing in for a bug) stops it with status 122, the call named and
# the guest's disk write kept.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

SHIM=$BUILD/tests/tools/forbidden_call.so
OUTPUT_GUEST=$BUILD/tests/guests/output_guest.bin # writes sector 1 of its disk, exits 41
LOOPER=(-guest "$G/test_vga_emul-multiboot.elf" -append loop -display none -timeout 120)

# status_field PID FIELD: a line of /proc/PID/status, e.g. "Seccomp: 2".
status_field() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null; }

# filter_of NAME ARGS...: starts vmm on a guest that runs until stopped, waits
# until the guest has printed (the sandbox is in place before the guest runs),
# reads Seccomp and NoNewPrivs, then stops vmm with SIGTERM.
filter_of() {
	local name=$1; shift
	"$VMM" "${LOOPER[@]}" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null &
	local pid=$! i
	for i in $(seq 1 300); do
		[ -s "$TMP/$name.out" ] && break
		sleep 0.1
	done
	seccomp=$(status_field $pid Seccomp) nnp=$(status_field $pid NoNewPrivs)
	kill -TERM $pid 2>/dev/null
	wait $pid
	rc=$?
}

# The build's default, as --help states it: on, or off in sanitizer builds
# (make test-asan: LeakSanitizer's exit-time check needs ptrace).
default=$("$VMM" --help | sed -n 's/.*-sandbox MODE.*(default: \([a-z]*\)).*/\1/p')
filter_of default
if [ "$default" = on ]; then
	if [ "$seccomp" = 2 ] && [ "$nnp" = 1 ] && [ $rc -eq 143 ]; then pass sandbox-on-by-default
	else fail sandbox-on-by-default "Seccomp '$seccomp' NoNewPrivs '$nnp' status $rc: $(head -c 200 "$TMP/default.err")"; fi
elif [ "$default" = off ] && [ "$seccomp" = 0 ]; then
	skip sandbox-on-by-default "this build (sanitizers) runs without the sandbox unless asked"
else
	fail sandbox-on-by-default "--help gives default '$default', Seccomp '$seccomp'"
fi

# Sanitizer runtimes make calls of their own (sched_getaffinity for a new
# thread, ptrace at exit) that the list does not have: there, "on" is not run.
SANITIZER_SKIP="the sanitizer runtime makes calls the list does not have; this build runs without the sandbox"
if [ "$default" = off ]; then skip sandbox-on-installs-the-filter "$SANITIZER_SKIP"
else
	filter_of on -sandbox on
	if [ "$seccomp" = 2 ] && [ "$nnp" = 1 ]; then pass sandbox-on-installs-the-filter
	else fail sandbox-on-installs-the-filter "Seccomp '$seccomp' NoNewPrivs '$nnp' status $rc"; fi
fi

filter_of off -sandbox off
if [ "$seccomp" = 0 ] && [ $rc -eq 143 ]; then pass sandbox-off-installs-nothing
else fail sandbox-off-installs-nothing "Seccomp '$seccomp' status $rc"; fi

filter_of log -sandbox log
if [ "$seccomp" = 2 ] && [ $rc -eq 143 ]; then pass sandbox-log-installs-a-filter
else fail sandbox-log-installs-a-filter "Seccomp '$seccomp' status $rc"; fi

expect_error sandbox-bad-mode "unknown -sandbox 'maybe'" "$VMM" -sandbox maybe -guest "$G/hello-long.bin"
run sandbox-help "$VMM" --help
grep -q -- '-sandbox MODE' "$TMP/sandbox-help.out" && pass sandbox-in-help || fail sandbox-in-help "no -sandbox line"

# A forbidden call after a disk write: status 122, one line naming it, and
# the sector written before it is in the image.
violation() { # NAME EXPECTED_STATUS ARGS...
	local name=$1 want=$2; shift 2
	truncate -s 64K "$TMP/$name.img"
	LD_PRELOAD=$SHIM run "$name" "$VMM" -guest "$OUTPUT_GUEST" -disk "$TMP/$name.img" "$@"
	sector=$(dd if="$TMP/$name.img" bs=512 skip=1 count=1 status=none | tr -d '\0')
	if [ "$rc" -ne "$want" ]; then
		fail "$name" "exit status $rc, expected $want; stderr: $(head -c 300 "$TMP/$name.err")"
	elif [ "$sector" != "written after the output" ]; then
		fail "$name" "sector 1 is '$sector'"
	else
		pass "$name"
	fi
}
if [ "$default" = off ]; then skip sandbox-violation-stops-vmm "$SANITIZER_SKIP"
else
	violation sandbox-violation-stops-vmm 122 -sandbox on
	if [ "$(grep -c . "$TMP/sandbox-violation-stops-vmm.err")" -eq 1 ] &&
		grep -q '^vmm: sandbox: forbidden system call socket (41)' "$TMP/sandbox-violation-stops-vmm.err"; then
		pass sandbox-violation-names-the-call
	else
		fail sandbox-violation-names-the-call "stderr: $(head -c 300 "$TMP/sandbox-violation-stops-vmm.err")"
	fi
fi
violation sandbox-off-allows-the-call 41 -sandbox off
violation sandbox-log-allows-the-call 41 -sandbox log
