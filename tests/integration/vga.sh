#!/bin/bash
# VGA text mode (issue 4): the test guests' screens in vmm (both backings,
# emulated and PV drivers, protected and Multiboot) must all be the same
# picture, that picture must be QEMU's (the stored reference and, when QEMU
# is installed, a live screendump), and the SDL window (under Xvfb) and the
# terminal front end (in tmux) must show it and stop on ESC.
# Waits poll with generous limits: this host emulates guests slowly.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

IMGCMP=$BUILD/tests/tools/vga_imgcmp
REF_ON=tests/fixtures/vga/qemu_cursor_on.png
MARKER=VGA-TEST-DONE

# --- vmm: every guest, backing and mode gives the same screen ---------------
REF=
for g in emul pv; do
	for b in trapped mapped; do
		for m in protected multiboot; do
			name=vga-$g-$b-$m
			img=$G/test_vga_$g-$m.bin
			[ $m = multiboot ] && img=$G/test_vga_$g-multiboot.elf
			run "$name" "$VMM" -guest "$img" -mode protected -vga $b -display none \
				-screenshot "$TMP/$name.png" -screendump "$TMP/$name.txt" -timeout 120
			if [ "$rc" -ne 0 ] || ! grep -q "$MARKER" "$TMP/$name.out"; then
				fail "$name" "status $rc, stdout '$(head -c 200 "$TMP/$name.out")', stderr '$(head -c 300 "$TMP/$name.err")'"
			elif [ ! -s "$TMP/$name.png" ]; then
				fail "$name" "no screenshot"
			else
				pass "$name"
			fi
		done
	done
done

same_png() { # NAME A B
	if "$IMGCMP" "$2" "$3" >"$TMP/$1.cmp" 2>&1; then pass "$1"; else fail "$1" "$(head -c 300 "$TMP/$1.cmp")"; fi
}
for g in emul pv; do
	for m in protected multiboot; do
		same_png vga-$g-$m-trapped-equals-mapped "$TMP/vga-$g-trapped-$m.png" "$TMP/vga-$g-mapped-$m.png"
	done
	same_png vga-$g-protected-equals-multiboot "$TMP/vga-$g-mapped-protected.png" "$TMP/vga-$g-mapped-multiboot.png"
done
same_png vga-emul-equals-pv "$TMP/vga-emul-mapped-multiboot.png" "$TMP/vga-pv-mapped-multiboot.png"
# The reference QEMU screendump stored with the renderer (same pattern).
same_png vga-equals-stored-qemu-screendump "$TMP/vga-emul-trapped-multiboot.png" "$REF_ON"

dump=$TMP/vga-emul-mapped-multiboot.txt
if [ "$(wc -l <"$dump")" -eq 25 ] && head -1 "$dump" | grep -q '^<TOP LEFT.*TOP RIGHT$' &&
	tail -1 "$dump" | grep -q '^<BOTTOM LEFT ┌─┐ .* X .*BOTTOM RIGH─$' &&
	cmp -s "$dump" "$TMP/vga-pv-trapped-protected.txt"; then
	pass vga-screendump-text
else
	fail vga-screendump-text "$(head -1 "$dump"; tail -1 "$dump")"
fi

# --- screen files that cannot be written: refused before the guest runs -----
# (opened at setup, so the run is not wasted and the sandbox never opens files)
expect_error screenshot-bad-dir "^vmm: -screenshot $TMP/missing/s.png: No such file or directory$" \
	"$VMM" -guest "$G/test_vga_emul-multiboot.elf" -display none -screenshot "$TMP/missing/s.png"
expect_error screendump-bad-dir "^vmm: -screendump $TMP/missing/s.txt: No such file or directory$" \
	"$VMM" -guest "$G/test_vga_emul-multiboot.elf" -display none -screendump "$TMP/missing/s.txt"

# --- QEMU: a live screendump of the same kernels ----------------------------
QEMU=$(command -v qemu-system-x86_64)
qemu_compare() { # NAME KERNEL VMM_PNG
	local name=$1 dir=$TMP/$1
	mkdir -p "$dir"
	local accel=-enable-kvm
	[ -w /dev/kvm ] || accel=
	# Default VGA card and CPU model; no isa-debug-exit so the guest stays.
	"$QEMU" $accel -display none -no-reboot -net none -serial none \
		-monitor unix:"$dir/mon.sock",server,nowait -debugcon file:"$dir/debugcon" \
		-kernel "$2" >"$dir/qemu.log" 2>&1 </dev/null &
	local qpid=$!
	PIDS+=("$qpid")
	if ! wait_until 180 grep -qs "$MARKER" "$dir/debugcon"; then
		fail "$name" "the guest never finished in QEMU: $(head -c 300 "$dir/qemu.log") $(head -c 100 "$dir/debugcon")"
		kill "$qpid" 2>/dev/null
		return
	fi
	# The cursor blinks (266 ms phases) and vmm's screenshot shows it on:
	# take dumps until one matches, at most ~8 s.
	local i ok=
	for i in $(seq 1 60); do
		echo "screendump $dir/d$i.ppm" | socat - unix-connect:"$dir/mon.sock" >/dev/null 2>&1
		wait_until 10 test -s "$dir/d$i.ppm" || continue
		sleep 0.05 # QEMU may still be writing the file
		if "$IMGCMP" "$3" "$dir/d$i.ppm" >"$dir/cmp" 2>&1; then ok=1; break; fi
		sleep 0.1
	done
	echo quit | socat - unix-connect:"$dir/mon.sock" >/dev/null 2>&1
	wait_until 20 bash -c "! kill -0 $qpid 2>/dev/null" || kill "$qpid" 2>/dev/null
	if [ -n "$ok" ]; then pass "$name"; else fail "$name" "no dump matched: $(head -c 300 "$dir/cmp")"; fi
}
for g in emul pv; do
	if [ -z "$QEMU" ] || ! command -v socat >/dev/null; then
		skip vga-qemu-$g "qemu-system-x86_64 or socat is not installed"
	else
		qemu_compare vga-qemu-$g "$G/test_vga_$g-multiboot.elf" "$TMP/vga-$g-trapped-multiboot.png"
	fi
done

# --- SDL window under Xvfb ----------------------------------------------------
window_test() {
	local name=vga-sdl-window
	Xvfb -displayfd 5 -screen 0 1280x1024x24 -nolisten tcp 5>"$TMP/xdisplay" >/dev/null 2>&1 &
	PIDS+=($!)
	if ! wait_until 30 test -s "$TMP/xdisplay"; then fail $name "Xvfb did not start"; return; fi
	export DISPLAY=:$(cat "$TMP/xdisplay")
	# Default front end (sdl, since DISPLAY is set), default backing (mapped).
	"$VMM" -guest "$G/test_vga_emul-multiboot.elf" -append loop >"$TMP/win.out" 2>"$TMP/win.err" </dev/null &
	local vpid=$! wid=
	PIDS+=("$vpid")
	find_window() { wid=$(xdotool search --name '^vmm$' 2>/dev/null | head -1); [ -n "$wid" ]; }
	if ! wait_until 60 find_window; then
		fail $name "no window: $(head -c 300 "$TMP/win.err")"; return
	fi
	pass vga-sdl-window-opens
	wait_until 60 grep -q "$MARKER" "$TMP/win.out"
	# The live cursor blinks; the reference shows it on: capture until equal.
	local ok=
	for i in $(seq 1 100); do
		import -window "$wid" "$TMP/cap.png" 2>/dev/null &&
			"$IMGCMP" "$TMP/cap.png" "$TMP/vga-emul-mapped-multiboot.png" >"$TMP/cap.cmp" 2>&1 && { ok=1; break; }
		sleep 0.1
	done
	if [ -n "$ok" ]; then pass vga-sdl-capture-equals-screenshot
	else fail vga-sdl-capture-equals-screenshot "$(head -c 300 "$TMP/cap.cmp")"; fi

	xdotool windowfocus "$wid" 2>/dev/null
	local t0=$EPOCHREALTIME
	xdotool key --window "$wid" Escape
	wait_until 10 bash -c "! kill -0 $vpid 2>/dev/null"
	local t1=$EPOCHREALTIME
	wait "$vpid"; local vrc=$?
	local ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 1000 }')
	if [ "$vrc" -eq 0 ] && [ "$ms" -le 1000 ]; then pass vga-sdl-escape-stops
	else fail vga-sdl-escape-stops "exit status $vrc after $ms ms (want 0 within 1000 ms)"; fi
	unset DISPLAY
}
if command -v Xvfb >/dev/null && command -v xdotool >/dev/null && command -v import >/dev/null; then
	window_test
else
	skip vga-sdl-window "Xvfb, xdotool or ImageMagick's import is not installed"
fi

# --- terminal front end in tmux ---------------------------------------------
term_test() {
	TMUX_SOCK=vmm-vga-test-$$
	local t="tmux -u -L $TMUX_SOCK"
	$t new-session -d -s vga -x 100 -y 30 \
		"'$VMM' -guest '$G/test_vga_emul-multiboot.elf' -append loop -display term -vga trapped >/dev/null 2>'$TMP/term.err'; echo \$? >'$TMP/term.rc'; exec sleep 600"
	screen_shown() { $t capture-pane -p -t vga >"$TMP/pane" 2>/dev/null &&
		grep -q '^<TOP LEFT' "$TMP/pane" && grep -q '^<BOTTOM LEFT.*BOTTOM RIGH' "$TMP/pane"; }
	if wait_until 60 screen_shown; then pass vga-term-shows-text
	else fail vga-term-shows-text "pane (last rows): $(grep -v "^$" "$TMP/pane" | tail -2) $(head -c 200 "$TMP/term.err")"; fi
	$t send-keys -t vga Escape
	if wait_until 10 test -s "$TMP/term.rc" && [ "$(cat "$TMP/term.rc")" = 0 ]; then
		pass vga-term-escape-stops
	else
		fail vga-term-escape-stops "status '$(cat "$TMP/term.rc" 2>/dev/null)' $(head -c 200 "$TMP/term.err")"
	fi
	# Restored: back on the main screen (the VGA text is gone).
	$t capture-pane -p -t vga >"$TMP/pane.after" 2>/dev/null
	if ! grep -q 'TOP LEFT' "$TMP/pane.after"; then pass vga-term-restored
	else fail vga-term-restored "the VGA screen is still on the terminal"; fi
	$t kill-server 2>/dev/null
	TMUX_SOCK=
}
if command -v tmux >/dev/null; then term_test; else skip vga-term "tmux is not installed"; fi
