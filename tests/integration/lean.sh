#!/bin/bash
# A lean process (issue 9, section 5): vmm does not link SDL2 (the window is
# the module vmm-display-sdl.so, loaded only when a window is wanted, with a
# one-line error when it is missing), reads no render tables (font ROM, CP437
# converter) when nothing renders, and an idle VM has only its two threads.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

HELLO=$G/hello_mb-multiboot.elf

# --- vmm itself does not link SDL2 -----------------------------------------
needed=$(readelf -d "$VMM" | grep NEEDED)
if [ -z "$needed" ]; then
	fail vmm-links-no-sdl "readelf -d $VMM shows no NEEDED entries"
elif grep -qi sdl <<<"$needed"; then
	fail vmm-links-no-sdl "$(grep -i sdl <<<"$needed")"
else
	pass vmm-links-no-sdl
fi
if [ -f "$BUILD/vmm-display-sdl.so" ] && readelf -d "$BUILD/vmm-display-sdl.so" | grep NEEDED | grep -q libSDL2; then
	pass sdl-module-links-sdl
else
	fail sdl-module-links-sdl "$BUILD/vmm-display-sdl.so is missing or does not link SDL2"
fi

# --- the module missing: one line for -display sdl, a plain run otherwise ---
mkdir -p "$TMP/alone"
cp "$VMM" "$TMP/alone/vmm"
run no-module "$TMP/alone/vmm" -display sdl -guest "$HELLO"
if [ "$rc" -eq 1 ] && [ ! -s "$TMP/no-module.out" ] && [ "$(wc -l <"$TMP/no-module.err")" -eq 1 ] &&
	grep -q "^vmm: -display sdl: cannot load the sdl display module: $TMP/alone/vmm-display-sdl.so" "$TMP/no-module.err"; then
	pass display-sdl-module-missing
else
	fail display-sdl-module-missing "status $rc, stdout '$(head -c 100 "$TMP/no-module.out")', stderr '$(cat "$TMP/no-module.err")'"
fi
# The default only wants a window when there is a screen; without the module
# the guest runs with no display, as without a screen.
expect default-without-module 16 "$(printf 'Hello, world!\nmultiboot magic ok\ncmdline: %s ' "$HELLO")" \
	env DISPLAY=:nonexistent "$TMP/alone/vmm" -guest "$HELLO"
# $VMM_MODULE_DIR says where to look instead.
mkdir -p "$TMP/empty"
run module-dir env VMM_MODULE_DIR="$TMP/empty" "$VMM" -display sdl -guest "$HELLO"
if [ "$rc" -eq 1 ] && grep -q "$TMP/empty/vmm-display-sdl.so" "$TMP/module-dir.err"; then
	pass vmm-module-dir
else
	fail vmm-module-dir "status $rc, stderr '$(cat "$TMP/module-dir.err")'"
fi

# --- render tables only when something renders -------------------------------
# The font is found in a VGA BIOS ROM and CP437 comes from iconv's IBM437
# module: neither file may be opened when nothing is drawn.
if ! command -v strace >/dev/null; then
	skip tables-only-when-rendering "strace is not installed"
else
	tables_opened() { # ARGS...: the ROMs and gconv modules vmm opened (no screen)
		env -u DISPLAY -u WAYLAND_DISPLAY strace -f -qq -e trace=openat,open -o "$TMP/trace" \
			"$VMM" "$@" >/dev/null 2>&1 </dev/null
		grep -E 'vgabios|gconv|IBM437' "$TMP/trace" | grep -v ENOENT
	}
	opened=$(tables_opened -guest "$HELLO")
	opened_none=$(tables_opened -display none -guest "$HELLO")
	# The check can see them: a screenshot and a text dump need both.
	shot=$(tables_opened -display none -guest "$HELLO" -screenshot "$TMP/s.png" -screendump "$TMP/s.txt")
	if [ -n "$opened" ] || [ -n "$opened_none" ]; then
		fail tables-only-when-rendering "opened with nothing to draw: $opened $opened_none"
	elif ! grep -q vgabios <<<"$shot" || ! grep -q IBM437 <<<"$shot"; then
		fail tables-only-when-rendering "a screenshot and a screendump opened neither ROM nor IBM437: '$shot'"
	else
		pass tables-only-when-rendering
	fi
fi

# --- an idle VM: the main thread and the vCPU thread, nothing else ----------
# A guest spinning after its first disk write (no disk queue: no disk thread;
# -display none: no display thread).
blank() { head -c "$2" /dev/zero >"$1"; }
blank "$TMP/idle.img" 65536
"$VMM" -guest "$G/test_disk_emul-multiboot.elf" -append kill -disk "$TMP/idle.img" -display none \
	-timeout 60 >"$TMP/idle.out" 2>&1 </dev/null &
pid=$!
for _ in $(seq 1 300); do
	grep -q "kill: sector 7 written" "$TMP/idle.out" && break
	sleep 0.1
done
# KVM's own kernel worker (kvm-nx-lpage-recovery) shows up among the tasks.
threads=$(cat /proc/$pid/task/*/comm 2>/dev/null | grep -vc '^kvm-')
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
if ! grep -q "kill: sector 7 written" "$TMP/idle.out"; then
	fail idle-vm-two-threads "the guest never got going: $(head -c 300 "$TMP/idle.out")"
elif [ "$threads" -ne 2 ]; then
	fail idle-vm-two-threads "$threads threads, expected 2 (main and vCPU)"
else
	pass idle-vm-two-threads
fi
