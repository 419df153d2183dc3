#!/bin/bash
# The display after the guest stops (issue 13): a window (Xvfb, xdotool) or
# terminal display (tmux) keeps the guest's last screen, says why it stopped
# and how to close it, and vmm exits with the guest's status once the user
# closes it; -no-wait and -display none do not wait. -display term keeps the
# guest's console out of the picture (its own region under the screen) and
# prints it whole after exit; a small terminal gets one warning and a cut
# picture; -display sdl with no server to draw on fails with one line.
# Waits poll with generous limits: this host emulates guests slowly.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

HALTS=$G/test_vga_emul-multiboot.elf # draws its test screen, prints VGA-TEST-DONE, halts
EXITS=$G/hello_mb-multiboot64.elf    # prints three lines, exits with its own status

# The references: both guests without a display (what they print, their
# status, the final screen).
run ref-halts "$VMM" -display none -guest "$HALTS" -screendump "$TMP/screen.txt" -timeout 120
HALTS_RC=$rc
run ref-exits "$VMM" -display none -guest "$EXITS" -timeout 120
EXITS_RC=$rc
if [ "$HALTS_RC" -eq 0 ] && grep -qx VGA-TEST-DONE "$TMP/ref-halts.out" && [ "$EXITS_RC" -ne 0 ] &&
	[ "$(wc -l <"$TMP/ref-exits.out")" -ge 2 ]; then
	pass display-none-exits-at-once
else
	fail display-none-exits-at-once "statuses $HALTS_RC, $EXITS_RC; $(head -c 200 "$TMP/ref-halts.err")"
fi

# --- -display sdl with nothing to draw on: one line, exit 1, no run ----------
run no-x-server env -u WAYLAND_DISPLAY DISPLAY=:99 "$VMM" -display sdl -guest "$EXITS"
if [ "$rc" -eq 1 ] && [ ! -s "$TMP/no-x-server.out" ] && [ "$(wc -l <"$TMP/no-x-server.err")" -eq 1 ] &&
	grep -qx "vmm: -display sdl: no window: no X server answers at DISPLAY=:99 (use -display term or -display none)" \
		"$TMP/no-x-server.err"; then
	pass display-sdl-no-x-server
else
	fail display-sdl-no-x-server "status $rc, stdout '$(head -c 100 "$TMP/no-x-server.out")', stderr '$(cat "$TMP/no-x-server.err")'"
fi
run no-wayland env -u DISPLAY WAYLAND_DISPLAY=wayland-9 XDG_RUNTIME_DIR="$TMP/none" \
	"$VMM" -display sdl -guest "$EXITS"
if [ "$rc" -eq 1 ] && [ ! -s "$TMP/no-wayland.out" ] && [ "$(wc -l <"$TMP/no-wayland.err")" -eq 1 ] &&
	grep -q "^vmm: -display sdl: no window: WAYLAND_DISPLAY=wayland-9 but XDG_RUNTIME_DIR is not a directory" \
		"$TMP/no-wayland.err"; then
	pass display-sdl-no-xdg-runtime-dir
else
	fail display-sdl-no-xdg-runtime-dir "status $rc, stderr '$(cat "$TMP/no-wayland.err")'"
fi
# The default has no window then, and runs as with -display none.
run default-no-x-server env -u WAYLAND_DISPLAY DISPLAY=:99 "$VMM" -guest "$EXITS" -timeout 120
if [ "$rc" -eq "$EXITS_RC" ] && cmp -s "$TMP/default-no-x-server.out" "$TMP/ref-exits.out" &&
	[ ! -s "$TMP/default-no-x-server.err" ]; then
	pass display-default-no-x-server-runs-headless
else
	fail display-default-no-x-server-runs-headless "status $rc, stderr '$(head -c 200 "$TMP/default-no-x-server.err")'"
fi

# --- the SDL window under Xvfb --------------------------------------------------
# window_run NAME VMM-ARGS...: vmm with the default display (a window); sets $vpid.
window_run() {
	local name=$1; shift
	"$VMM" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null &
	vpid=$!
	PIDS+=("$vpid")
}
# window_titled TITLE: vmm's window has this title now, both the one window
# managers show (_NET_WM_NAME, UTF-8) and the old one (WM_NAME); sets $wid.
window_titled() {
	wid=$(xdotool search --pid "$vpid" --name "guest" 2>/dev/null | head -1)
	[ -n "$wid" ] && [ "$(xdotool getwindowname "$wid" 2>/dev/null)" = "$1" ] || return 1
	! command -v xprop >/dev/null ||
		[ "$(xprop -id "$wid" _NET_WM_NAME 2>/dev/null)" = "_NET_WM_NAME(UTF8_STRING) = \"$1\"" ]
}
ended() { ! kill -0 "$vpid" 2>/dev/null; }
window_status() { # waits for vmm to end; its status in $vrc
	wait_until 30 ended
	wait "$vpid"; vrc=$?
}

window_tests() {
	Xvfb -displayfd 5 -screen 0 1280x1024x24 -nolisten tcp 5>"$TMP/xdisplay" >/dev/null 2>&1 &
	PIDS+=($!)
	if ! wait_until 30 test -s "$TMP/xdisplay"; then fail display-window "Xvfb did not start"; return; fi
	export DISPLAY=:$(cat "$TMP/xdisplay")

	# The guest halts: the window stays, its title says so; ESC closes it.
	local name=window-stays-after-hlt
	window_run $name -guest "$HALTS" -timeout 120
	local title="vmm: guest halted - status 0 - press ESC or close the window"
	if wait_until 120 window_titled "$title" && sleep 0.5 && ! ended; then pass $name
	else fail $name "title '$(xdotool getwindowname "$wid" 2>/dev/null)', running: $(ended && echo no || echo yes); $(head -c 300 "$TMP/$name.err")"; fi
	if grep -qx VGA-TEST-DONE "$TMP/$name.out"; then pass window-guest-output-while-waiting
	else fail window-guest-output-while-waiting "stdout '$(head -c 200 "$TMP/$name.out")'"; fi
	xdotool key --window "$wid" Escape 2>/dev/null # the window may go before the key-up
	window_status
	if [ "$vrc" -eq 0 ] && ! xdotool search --pid "$vpid" --name vmm >/dev/null 2>&1; then
		pass window-escape-closes-it
	else
		fail window-escape-closes-it "status $vrc; $(head -c 300 "$TMP/$name.err")"
	fi

	# The guest's own status: in the title, and vmm's once q closes the window.
	name=window-guest-status
	window_run $name -guest "$EXITS" -timeout 120
	if wait_until 120 window_titled "vmm: guest exited - status $EXITS_RC - press ESC or close the window"; then
		xdotool key --window "$wid" q 2>/dev/null
		window_status
		if [ "$vrc" -eq "$EXITS_RC" ] && cmp -s "$TMP/$name.out" "$TMP/ref-exits.out"; then pass $name
		else fail $name "status $vrc (want $EXITS_RC), stdout '$(head -c 200 "$TMP/$name.out")'"; fi
	else
		fail $name "title '$(xdotool getwindowname "$wid" 2>/dev/null)', running: $(ended && echo no || echo yes); $(head -c 300 "$TMP/$name.err")"
	fi

	# SIGTERM ends the wait too, with the guest's status (scripts that gave up).
	name=window-sigterm-ends-wait
	window_run $name -guest "$EXITS" -timeout 120
	if wait_until 120 window_titled "vmm: guest exited - status $EXITS_RC - press ESC or close the window"; then
		kill -TERM "$vpid"
		window_status
		if [ "$vrc" -eq "$EXITS_RC" ]; then pass $name; else fail $name "status $vrc (want $EXITS_RC)"; fi
	else
		fail $name "the window never said the guest stopped; $(head -c 300 "$TMP/$name.err")"
	fi

	# -no-wait: today's behaviour, the window closes with the guest.
	name=window-no-wait
	window_run $name -no-wait -guest "$EXITS" -timeout 120
	wait_until 120 ended
	if ended; then
		wait "$vpid"; vrc=$?
		if [ "$vrc" -eq "$EXITS_RC" ]; then pass $name; else fail $name "status $vrc (want $EXITS_RC)"; fi
	else
		fail $name "vmm still runs after the guest stopped"
	fi

	# A -screenshot that cannot be written is refused before the window
	# opens or the guest runs (issue 13 item 4).
	run window-screenshot-missing-dir "$VMM" -guest "$HALTS" -screenshot "$TMP/missing/s.png"
	if [ "$rc" -eq 2 ] && [ ! -s "$TMP/window-screenshot-missing-dir.out" ] &&
		[ "$(cat "$TMP/window-screenshot-missing-dir.err")" = "vmm: -screenshot $TMP/missing/s.png: No such file or directory" ]; then
		pass window-screenshot-missing-dir
	else
		fail window-screenshot-missing-dir "status $rc, stdout '$(head -c 100 "$TMP/window-screenshot-missing-dir.out")', stderr '$(cat "$TMP/window-screenshot-missing-dir.err")'"
	fi
	unset DISPLAY
}
if command -v Xvfb >/dev/null && command -v xdotool >/dev/null; then window_tests
else skip display-window "Xvfb or xdotool is not installed (scripts/install-deps.sh installs them)"; fi

# --- -display term in tmux --------------------------------------------------------
# term_run NAME COLS ROWS VMM-ARGS...: vmm in a tmux pane of that size, stdout
# on the pane (the terminal), stderr and status in $TMP/NAME.{err,rc}.
term_run() {
	local name=$1 cols=$2 rows=$3; shift 3
	local args=""
	for a in "$@"; do args+=" '$a'"; done
	tmux -u -L "$TMUX_SOCK" new-session -d -s "$name" -x "$cols" -y "$rows" \
		"'$VMM' -display term$args 2>'$TMP/$name.err'; echo \$? >'$TMP/$name.rc'; exec sleep 600"
}
pane() { tmux -L "$TMUX_SOCK" capture-pane -p -t "$1" >"$TMP/$1.pane" 2>/dev/null; }
pane_line() { sed -n "$2p" "$TMP/$1.pane"; }
status_line_is() { pane "$1" && [ "$(pane_line "$1" 26)" = "$2" ]; }
ended_with() { # NAME STATUS
	wait_until 30 test -s "$TMP/$1.rc" && [ "$(cat "$TMP/$1.rc")" = "$2" ]
}
# has_all_lines NAME FILE WANT-FILE: every line of WANT-FILE is a line of FILE.
has_all_lines() {
	local line
	while IFS= read -r line; do
		line=${line%"${line##*[! ]}"} # tmux drops trailing spaces
		if ! grep -qxF -- "$line" "$2"; then fail "$1" "no line '$line' in: $(grep -v '^$' "$2" | tr '\n' '|' | head -c 400)"; return; fi
	done <"$3"
	pass "$1"
}

term_tests() {
	TMUX_SOCK=vmm-display-test-$$
	# The guest halts: the picture stays whole (its bottom row is not
	# overwritten), the status line says why, the console scrolls under it.
	local name=term-stays-after-hlt
	term_run $name 100 32 -guest "$HALTS" -timeout 120
	local status=" vmm: guest halted — status 0 — press ESC or q"
	if wait_until 120 status_line_is $name "$status" && sleep 0.5 && [ ! -s "$TMP/$name.rc" ]; then pass $name
	else fail $name "status line '$(pane_line $name 26)', status '$(cat "$TMP/$name.rc" 2>/dev/null)', $(head -c 200 "$TMP/$name.err")"; fi
	pane $name
	if [ "$(pane_line $name 25)" = "$(sed -n 25p "$TMP/screen.txt" | sed 's/ *$//')" ] &&
		[ "$(pane_line $name 1)" = "$(sed -n 1p "$TMP/screen.txt" | sed 's/ *$//')" ]; then
		pass term-console-not-over-the-screen
	else
		fail term-console-not-over-the-screen "rows 1 and 25: '$(pane_line $name 1)' '$(pane_line $name 25)'"
	fi
	if sed -n '27,$p' "$TMP/$name.pane" | grep -qx VGA-TEST-DONE; then pass term-console-region
	else fail term-console-region "rows 27..32: $(sed -n '27,$p' "$TMP/$name.pane" | tr '\n' '|')"; fi
	tmux -L "$TMUX_SOCK" send-keys -t $name q
	if ended_with $name 0; then pass term-q-closes-it
	else fail term-q-closes-it "status '$(cat "$TMP/$name.rc" 2>/dev/null)'"; fi
	# Back on the normal screen: the picture is gone, the console is there.
	pane $name
	if ! grep -q 'TOP LEFT' "$TMP/$name.pane" && grep -qx VGA-TEST-DONE "$TMP/$name.pane"; then
		pass term-transcript-after-exit
	else
		fail term-transcript-after-exit "pane: $(grep -v '^$' "$TMP/$name.pane" | tr '\n' '|' | head -c 300)"
	fi

	# While the guest runs too: its console line lands in the region, not on
	# the screen's bottom row (where the terminal's cursor was).
	name=term-console-while-running
	term_run $name 100 32 -guest "$HALTS" -append loop -timeout 120
	console_shown() { pane $name && sed -n '27,$p' "$TMP/$name.pane" | grep -qx VGA-TEST-DONE; }
	if wait_until 120 console_shown && sleep 0.5 && pane $name &&
		[ "$(pane_line $name 25)" = "$(sed -n 25p "$TMP/screen.txt" | sed 's/ *$//')" ] &&
		! sed -n '1,26p' "$TMP/$name.pane" | grep -q VGA-TEST-DONE; then
		pass $name
	else
		fail $name "row 25 '$(pane_line $name 25)', rows 27..: $(sed -n '27,$p' "$TMP/$name.pane" | tr '\n' '|')"
	fi
	tmux -L "$TMUX_SOCK" send-keys -t $name Escape
	ended_with $name 0

	# The guest's own status, closed with ESC; its whole console after exit.
	name=term-guest-status
	term_run $name 100 32 -guest "$EXITS" -timeout 120
	if wait_until 120 status_line_is $name " vmm: guest exited — status $EXITS_RC — press ESC or q"; then
		tmux -L "$TMUX_SOCK" send-keys -t $name Escape
		if ended_with $name "$EXITS_RC"; then pass $name
		else fail $name "status '$(cat "$TMP/$name.rc" 2>/dev/null)' (want $EXITS_RC)"; fi
		pane $name
		has_all_lines term-transcript-has-every-console-line "$TMP/$name.pane" "$TMP/ref-exits.out"
	else
		fail $name "status line '$(pane_line $name 26)', $(head -c 200 "$TMP/$name.err")"
	fi

	# -no-wait: closes with the guest, the transcript still printed.
	name=term-no-wait
	term_run $name 100 32 -no-wait -guest "$EXITS" -timeout 120
	if wait_until 120 test -s "$TMP/$name.rc" && [ "$(cat "$TMP/$name.rc")" = "$EXITS_RC" ]; then
		pane $name
		has_all_lines $name "$TMP/$name.pane" "$TMP/ref-exits.out"
	else
		fail $name "status '$(cat "$TMP/$name.rc" 2>/dev/null)' (want $EXITS_RC)"
	fi

	# A terminal smaller than 80x26: one warning, the picture cut (not
	# wrapped: pane row N is screen row N's first 60 columns).
	name=term-small-terminal
	term_run $name 60 20 -guest "$HALTS" -timeout 120
	wait_until 120 grep -qs "warn\|smaller" "$TMP/$name.err"
	local shown=
	check_cut() {
		pane $name || return 1
		local r line want
		for r in 1 2 3 10 20; do
			line=$(sed -n "${r}p" "$TMP/screen.txt")
			want=${line:0:60}
			want=${want%"${want##*[! ]}"}
			[ "$(pane_line $name $r)" = "$want" ] || return 1
		done
	}
	if wait_until 120 check_cut; then shown=1; fi
	tmux -L "$TMUX_SOCK" send-keys -t $name Escape
	ended_with $name 0
	local want="vmm: -display term: the terminal is 60x20, smaller than the screen's 80x26 (25 rows and a status line): the picture is cut"
	if [ "$(cat "$TMP/$name.err")" = "$want" ]; then pass term-small-terminal-warns-once
	else fail term-small-terminal-warns-once "stderr '$(cat "$TMP/$name.err")'"; fi
	if [ -n "$shown" ]; then pass term-small-terminal-cuts
	else fail term-small-terminal-cuts "pane rows 1-3: $(head -3 "$TMP/$name.pane" | tr '\n' '|')"; fi
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	TMUX_SOCK=
}
if command -v tmux >/dev/null; then term_tests
else skip display-term "tmux is not installed (scripts/install-deps.sh installs it)"; fi
