#!/bin/bash
# The PS/2 keyboard (issue 10): keys typed into -display term (tmux
# send-keys) and into the SDL window (xdotool under Xvfb) reach the keyboard
# guest's IRQ1 handler as set-1 scan codes; ESC quits only until the guest
# takes the keyboard, the quit chords work after; the guest's view of the
# controller and the keys' bytes equal QEMU's (sendkey).
# Waits poll with generous limits: this host emulates guests slowly.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

KBD=$G/kbd_test-multiboot64.elf

# What the guest prints for the keys a, B, ESC, Up, Ctrl-C, q (typed in
# this order), after its "ready" line.
KEY_LINES=(
	"scancode 0x1e a" "scancode 0x9e"
	"scancode 0x2a shift" "scancode 0x30 B" "scancode 0xb0" "scancode 0xaa shift-"
	"scancode 0x01 esc" "scancode 0x81 esc-"
	"scancode 0xe0" "scancode 0x48 up" "scancode 0xe0" "scancode 0xc8 up-"
	"scancode 0x1d ctrl" "scancode 0x2e c" "scancode 0xae" "scancode 0x9d ctrl-"
	"scancode 0x10 q" "bye"
)

# expect_keys NAME FILE: the lines after "ready" are exactly KEY_LINES.
expect_keys() {
	local got want
	got=$(sed -n '/^ready$/,$p' "$2" | tail -n +2)
	want=$(printf '%s\n' "${KEY_LINES[@]}")
	if [ "$got" = "$want" ]; then pass "$1"
	else fail "$1" "after 'ready': $(echo "$got" | tr '\n' '|' | head -c 400)"; fi
}

# --- -display term in tmux ----------------------------------------------------
# term_run NAME VMM-ARGS...: starts vmm in a tmux pane; its stdout, stderr
# and status go to $TMP/NAME.{out,err,rc}. -no-wait: vmm ends with the guest
# (the display would otherwise stay for the user: display.sh).
term_run() {
	local name=$1; shift
	local args=""
	for a in "$@"; do args+=" '$a'"; done
	tmux -L "$TMUX_SOCK" new-session -d -s "$name" -x 100 -y 30 \
		"'$VMM' -display term -no-wait$args >'$TMP/$name.out' 2>'$TMP/$name.err'; echo \$? >'$TMP/$name.rc'; exec sleep 600"
}
keys() { tmux -L "$TMUX_SOCK" send-keys -t "$@"; }
ended_with() { # NAME STATUS
	wait_until 30 test -s "$TMP/$1.rc" && [ "$(cat "$TMP/$1.rc")" = "$2" ]
}

term_tests() {
	TMUX_SOCK=vmm-kbd-test-$$
	for chip in user kernel; do
		local name=term-keys-$chip
		term_run $name -guest "$KBD" -irqchip $chip -timeout 120
		if ! wait_until 90 grep -sqx ready "$TMP/$name.out"; then
			fail $name "the guest never got ready: $(head -c 300 "$TMP/$name.err")"; continue
		fi
		keys $name a B Escape Up C-c
		wait_until 30 grep -sqx "scancode 0x9d ctrl-" "$TMP/$name.out"
		keys $name q
		if ended_with $name 16; then expect_keys $name "$TMP/$name.out"
		else fail $name "status '$(cat "$TMP/$name.rc" 2>/dev/null)' $(head -c 300 "$TMP/$name.err")"; fi
	done

	# ESC quits while the guest has not touched the keyboard.
	name=term-escape-quits-before-guest-takes-keyboard
	term_run $name -guest "$KBD" -append idle -timeout 120
	wait_until 90 grep -sqx idle "$TMP/$name.out"
	keys $name Escape
	if ended_with $name 0; then pass $name
	else fail $name "status '$(cat "$TMP/$name.rc" 2>/dev/null)' (124: ESC did not quit)"; fi

	# Ctrl-C, too (as SIGINT: 130); after, it is a key (term-keys above).
	name=term-ctrl-c-quits-before-guest-takes-keyboard
	term_run $name -guest "$KBD" -append idle -timeout 120
	wait_until 90 grep -sqx idle "$TMP/$name.out"
	keys $name C-c
	if ended_with $name 130; then pass $name
	else fail $name "status '$(cat "$TMP/$name.rc" 2>/dev/null)'"; fi

	# Unmasking IRQ1 at the PIC takes the keyboard too, before any port
	# access (the user-space PIC reports it; KVM's in-kernel one cannot).
	name=term-unmasking-irq1-takes-keyboard
	term_run $name -guest "$KBD" -append unmask -timeout 120
	wait_until 90 grep -sqx ready "$TMP/$name.out"
	keys $name Escape
	wait_until 30 grep -sqx "scancode 0x81 esc-" "$TMP/$name.out"
	keys $name q
	if ended_with $name 16 && grep -qx "scancode 0x01 esc" "$TMP/$name.out"; then pass $name
	else fail $name "status '$(cat "$TMP/$name.rc" 2>/dev/null)' (0: ESC quit), output: $(tail -3 "$TMP/$name.out" | tr '\n' '|')"; fi

	# The guest has the keyboard: ESC is a key, Ctrl-A x quits with 0.
	name=term-ctrl-a-x-quits
	term_run $name -guest "$KBD" -timeout 120
	wait_until 90 grep -sqx ready "$TMP/$name.out"
	keys $name Escape
	wait_until 30 grep -sqx "scancode 0x81 esc-" "$TMP/$name.out"
	keys $name C-a x
	if ended_with $name 0 && grep -sqx "scancode 0x01 esc" "$TMP/$name.out" &&
		! grep -q bye "$TMP/$name.out"; then pass $name
	else fail $name "status '$(cat "$TMP/$name.rc" 2>/dev/null)', output: $(tail -3 "$TMP/$name.out" | tr '\n' '|')"; fi
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	TMUX_SOCK=
}
if command -v tmux >/dev/null; then term_tests
else skip keyboard-term "tmux is not installed (scripts/install-deps.sh installs it)"; fi

# --- the SDL window under Xvfb ------------------------------------------------
# window_run NAME VMM-ARGS...: vmm with a window; sets $vpid and $wid.
window_run() {
	local name=$1; shift
	"$VMM" -display sdl -no-wait "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null &
	vpid=$!
	PIDS+=("$vpid")
	find_window() { wid=$(xdotool search --pid "$vpid" --name '^vmm$' 2>/dev/null | head -1); [ -n "$wid" ]; }
	wait_until 60 find_window && xdotool windowfocus "$wid" 2>/dev/null
}
window_status() { # waits for vmm to end; its status in $vrc
	wait_until 30 bash -c "! kill -0 $vpid 2>/dev/null"
	wait "$vpid"; vrc=$?
}

window_tests() {
	Xvfb -displayfd 5 -screen 0 1280x1024x24 -nolisten tcp 5>"$TMP/xdisplay" >/dev/null 2>&1 &
	PIDS+=($!)
	if ! wait_until 30 test -s "$TMP/xdisplay"; then fail keyboard-window "Xvfb did not start"; return; fi
	export DISPLAY=:$(cat "$TMP/xdisplay")

	local name=window-keys
	if window_run $name -guest "$KBD" -timeout 120 && wait_until 90 grep -sqx ready "$TMP/$name.out"; then
		# One key at a time: `key shift+b` would release shift before b.
		xdotool key a keydown shift key b keyup shift key Escape Up keydown ctrl key c keyup ctrl
		wait_until 30 grep -sqx "scancode 0x9d ctrl-" "$TMP/$name.out"
		xdotool key q
		window_status
		if [ "$vrc" -eq 16 ]; then expect_keys $name "$TMP/$name.out"
		else fail $name "status $vrc: $(head -c 300 "$TMP/$name.err")"; fi
	else
		fail $name "no window or the guest never got ready: $(head -c 300 "$TMP/$name.err")"
	fi

	name=window-escape-quits-before-guest-takes-keyboard
	window_run $name -guest "$KBD" -append idle -timeout 120
	wait_until 90 grep -sqx idle "$TMP/$name.out"
	xdotool key Escape
	window_status
	if [ "$vrc" -eq 0 ]; then pass $name; else fail $name "status $vrc (124: ESC did not quit)"; fi

	name=window-ctrl-alt-q-quits
	window_run $name -guest "$KBD" -timeout 120
	wait_until 90 grep -sqx ready "$TMP/$name.out"
	xdotool key Escape
	wait_until 30 grep -sqx "scancode 0x81 esc-" "$TMP/$name.out"
	xdotool key ctrl+alt+q
	window_status
	if [ "$vrc" -eq 0 ] && ! grep -q "scancode 0x10" "$TMP/$name.out"; then pass $name
	else fail $name "status $vrc, output: $(tail -3 "$TMP/$name.out" | tr '\n' '|')"; fi
	unset DISPLAY
}
if command -v Xvfb >/dev/null && command -v xdotool >/dev/null; then window_tests
else skip keyboard-window "Xvfb or xdotool is not installed (scripts/install-deps.sh installs them)"; fi

# --- QEMU: the same answers and the same bytes for the same keys --------------
# qemu_run DIR APPEND KEY...: the keyboard guest in QEMU (KVM), each key typed
# with the monitor's sendkey once the guest is ready; output in DIR/out,
# status in $qrc.
qemu_run() {
	local dir=$1 append=$2; shift 2
	mkdir -p "$dir"
	qemu-system-x86_64 -accel kvm -display none -kernel "$KBD" -append "$append" \
		-debugcon file:"$dir/out" -device isa-debug-exit,iobase=0xf4,iosize=4 \
		-monitor unix:"$dir/mon.sock",server,nowait -no-reboot >/dev/null 2>"$dir/err" &
	local qpid=$!
	PIDS+=("$qpid")
	qrc=
	wait_until 90 grep -sqx ready "$dir/out" || { kill "$qpid"; return; }
	for k in "$@"; do
		echo "sendkey $k" | socat - unix-connect:"$dir/mon.sock" >/dev/null
		sleep 0.3 # sendkey releases after 100 ms: keep the keys apart
	done
	wait_until 60 bash -c "! kill -0 $qpid 2>/dev/null"
	wait "$qpid"; qrc=$?
}

# The keys of KEY_LINES, and the controller's answers to a driver's probe.
qemu_test() {
	local name=keyboard-qemu dir=$TMP/qemu
	qemu_run "$dir" commands a shift-b esc up ctrl-c q
	if [ "$qrc" = 33 ]; then expect_keys $name-keys "$dir/out"
	else fail $name-keys "QEMU status '$qrc': $(head -c 300 "$dir/err")"; return; fi

	# vmm: the same guest, the same keys (through the terminal), the same output.
	TMUX_SOCK=vmm-kbd-qemu-$$
	term_run vmm-commands -guest "$KBD" -append commands -timeout 120
	if wait_until 90 grep -sqx ready "$TMP/vmm-commands.out"; then
		keys vmm-commands a B Escape Up C-c
		wait_until 30 grep -sqx "scancode 0x9d ctrl-" "$TMP/vmm-commands.out"
		keys vmm-commands q
		ended_with vmm-commands 16
	fi
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	TMUX_SOCK=
	if diff "$dir/out" "$TMP/vmm-commands.out" >"$TMP/qemu.diff"; then pass $name-same-output
	else fail $name-same-output "$(head -c 400 "$TMP/qemu.diff" | tr '\n' '|')"; fi
}

# The extended keys, PrintScreen and Pause typed into the window (xdotool)
# and with sendkey: the same bytes. (Not right Ctrl/Alt: xdotool presses the
# left one with them; tests/unit/test_i8042.c covers them.)
extended_keys_test() {
	local name=keyboard-qemu-extended-keys dir=$TMP/qemu-ext
	qemu_run "$dir" "" kp_enter kp_divide home end pgup pgdn insert delete left right down \
		f11 f12 meta_l compose print pause q
	if [ "$qrc" != 33 ]; then fail $name "QEMU status '$qrc': $(head -c 300 "$dir/err")"; return; fi
	Xvfb -displayfd 5 -screen 0 1280x1024x24 -nolisten tcp 5>"$TMP/xdisplay2" >/dev/null 2>&1 &
	PIDS+=($!)
	if ! wait_until 30 test -s "$TMP/xdisplay2"; then fail $name "Xvfb did not start"; return; fi
	export DISPLAY=:$(cat "$TMP/xdisplay2")
	if window_run vmm-ext -guest "$KBD" -timeout 120 && wait_until 90 grep -sqx ready "$TMP/vmm-ext.out"; then
		xdotool key KP_Enter KP_Divide Home End Prior Next Insert Delete Left Right Down \
			F11 F12 Super_L Menu Print Pause
		wait_until 30 grep -sqx "scancode 0xc5 pause-" "$TMP/vmm-ext.out"
		xdotool key q
		window_status
		if [ "$vrc" -ne 16 ]; then fail $name "vmm status $vrc"
		elif diff "$dir/out" "$TMP/vmm-ext.out" >"$TMP/ext.diff"; then pass $name
		else fail $name "$(head -c 400 "$TMP/ext.diff" | tr '\n' '|')"; fi
	else
		fail $name "no window or the guest never got ready: $(head -c 300 "$TMP/vmm-ext.err")"
	fi
	unset DISPLAY
}
if ! command -v qemu-system-x86_64 >/dev/null || ! command -v socat >/dev/null; then
	skip keyboard-qemu "qemu-system-x86_64 or socat is not installed"
elif ! command -v tmux >/dev/null; then
	skip keyboard-qemu "tmux is not installed (vmm's side types through -display term)"
elif [ ! -w /dev/kvm ]; then
	skip keyboard-qemu "QEMU needs /dev/kvm here (TCG is too slow for this host)"
else
	qemu_test
	if command -v Xvfb >/dev/null && command -v xdotool >/dev/null; then extended_keys_test
	else skip keyboard-qemu-extended-keys "Xvfb or xdotool is not installed"; fi
fi
