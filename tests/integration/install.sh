#!/bin/bash
# make install / make uninstall, the man page and the out-of-tree guests:
#  - the man page vmm(1) lists every option --help lists, and no other;
#  - make install into a temporary DESTDIR puts vmm, its window module, the
#    man page, the docs and the guest SDK (headers, per-mode libraries,
#    linker scripts, pkg-config files) in place;
#  - the README's out-of-tree SDK guest (examples/hello-sdk) builds against
#    the installed SDK through pkg-config alone and runs on the installed vmm;
#  - the README's "Bring your own kernel" files are examples/bare-multiboot
#    verbatim, and that kernel builds and runs on the installed vmm;
#  - make uninstall leaves nothing behind;
#  - the docs it installs stand alone (no pointer outside the repository, no
#    broken link), and the KVM guide's ioctl table is complete and right.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

MAN=docs/vmm.1

# The options --help lists: on each line that starts with an option, the
# options named before the description (which follows a gap of two spaces):
# "-help, -version", "-enable-kvm, -accel kvm, -no-reboot", "-d LIST".
"$VMM" --help >"$TMP/help.txt" 2>&1
grep -E '^  -' "$TMP/help.txt" | sed -E 's/^  //; s/  .*//' |
	grep -oE '(^|[ ,])-{1,2}[A-Za-z0-9][A-Za-z0-9-]*' | sed -E 's/^[ ,]//' | sort -u >"$TMP/help.opts"
# The man page's option entries: the first word of the line after each .TP
# in the OPTIONS and QEMU SPELLINGS sections (troff writes a dash as \-).
if [ ! -f "$MAN" ]; then
	fail man-page-exists "no $MAN"
else
	pass man-page-exists
	awk '/^\.SH (OPTIONS|QEMU SPELLINGS)/{on=1; next} /^\.SH/{on=0} on && tp {print; tp=0} on && /^\.TP/{tp=1}' "$MAN" |
		sed -E 's/^\.[A-Z]+ +//; s/\\-/-/g; s/"//g' | awk '{print $1}' | tr -d ',' |
		grep -E '^-' | sort -u >"$TMP/man.opts"
	# The .BR "-help, -h" entry names -h too.
	grep -qE '^\.BR \\-help ", " \\-h$' "$MAN" && echo -h >>"$TMP/man.opts"
	sort -u -o "$TMP/man.opts" "$TMP/man.opts"
	missing=$(comm -23 "$TMP/help.opts" "$TMP/man.opts" | tr '\n' ' ')
	if [ "$(wc -l <"$TMP/help.opts")" -lt 10 ]; then
		fail man-page-options "could not read the options from --help: $(head -c 200 "$TMP/help.txt")"
	elif [ -n "$missing" ]; then
		fail man-page-options "in --help but not in $MAN: $missing"
	else
		pass man-page-options
	fi
	# And the man page names no option vmm does not have: each one, given
	# alone, is not "unknown" nor a QEMU option vmm refuses.
	extra=""
	while read -r o; do
		"$VMM" "$o" </dev/null >/dev/null 2>"$TMP/opt.err"
		grep -qE "unknown option|does not support" "$TMP/opt.err" && extra="$extra $o"
	done <"$TMP/man.opts"
	[ -z "$extra" ] && pass man-page-options-exist ||
		fail man-page-options-exist "in $MAN but refused by vmm:$extra"
	# Every exit status --help lists is in the man page too.
	missing=""
	sed -E 's/^\.I //; s/\\f[BIP]//g' "$MAN" >"$TMP/man.plain"
	for st in $(sed -n '/^Exit status:/,$p' "$TMP/help.txt" | grep -oE '^  [0-9N+]+' | tr -d ' '); do
		grep -qxF "$st" "$TMP/man.plain" || missing="$missing $st"
	done
	[ -z "$missing" ] && pass man-page-exit-statuses ||
		fail man-page-exit-statuses "statuses in --help but not in $MAN:$missing"
	if command -v groff >/dev/null; then
		warnings=$(groff -man -ww -z "$MAN" 2>&1)
		[ -z "$warnings" ] && pass man-page-renders || fail man-page-renders "$warnings"
	else
		skip man-page-renders "groff is not installed"
	fi
fi

# The docs (installed as they are) stand alone: no pointer to material
# outside the repository, and every relative link leads to a file in it.
outside=$(grep -nE 'host-notes|\.\./shared|/work/|(^|[^a-z_])shared/' README.md docs/*.md "$MAN" | head -3)
[ -z "$outside" ] && pass docs-self-contained || fail docs-self-contained "points outside the repository: $outside"
broken=""
for doc in README.md docs/*.md; do
	dir=$(dirname "$doc")
	for link in $(grep -oE '\]\([^)#[:space:]]+' "$doc" | cut -c3- | grep -vE '^[a-z]+:'); do
		[ -e "$dir/$link" ] || broken="$broken $doc:$link"
	done
done
[ -z "$broken" ] && pass docs-links || fail docs-links "links to missing files:$broken"

# docs/kvm-guide.md, section 1: the table of request numbers names every KVM
# ioctl vmm makes (host/), and each number is the one <linux/kvm.h> gives.
GUIDE=docs/kvm-guide.md
awk '/^## 1\. /{on=1} /^## 2\. /{on=0} on' "$GUIDE" |
	grep -oE '^\| `KVM_[A-Z0-9_]+` \| [^|]+\| `0x[0-9A-F]+`' |
	sed -E 's/^\| `(KVM_[A-Z0-9_]+)` \| [^|]+\| `(0x[0-9A-F]+)`/\1 \2/' >"$TMP/guide.ioctls"
used=$(grep -rhoE 'ioctl\([^,]+, *KVM_[A-Z0-9_]+' host | grep -oE 'KVM_[A-Z0-9_]+$' | sort -u)
missing=""
for r in $used; do grep -q "^$r " "$TMP/guide.ioctls" || missing="$missing $r"; done
[ -n "$used" ] && [ -z "$missing" ] && pass kvm-guide-ioctl-table ||
	fail kvm-guide-ioctl-table "section 1 of $GUIDE lacks:$missing"
{
	echo '#include <linux/kvm.h>'
	echo '#include <stdio.h>'
	echo 'int main(void) {'
	while read -r name _; do
		echo "	printf(\"%s 0x%08lX\\n\", \"$name\", (unsigned long)$name);"
	done <"$TMP/guide.ioctls"
	echo '	return 0; }'
} >"$TMP/ioctls.c"
if gcc -o "$TMP/ioctls" "$TMP/ioctls.c" 2>"$TMP/ioctls.err" && "$TMP/ioctls" >"$TMP/ioctls.real"; then
	diff <(sort "$TMP/guide.ioctls") <(sort "$TMP/ioctls.real") >"$TMP/ioctls.diff" &&
		pass kvm-guide-ioctl-values ||
		fail kvm-guide-ioctl-values "guide vs <linux/kvm.h>: $(tr '\n' ' ' <"$TMP/ioctls.diff")"
else
	fail kvm-guide-ioctl-values "$(head -c 300 "$TMP/ioctls.err")"
fi

# make install, into a DESTDIR; a prefix with a space would break the
# Makefile's callers, not ours: keep it plain.
DEST=$TMP/dest
PREFIX=/usr/local
ROOT=$DEST$PREFIX
make -s --no-print-directory BUILD="$BUILD" DESTDIR="$DEST" PREFIX="$PREFIX" install \
	>"$TMP/install.log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	fail make-install "status $rc: $(tail -5 "$TMP/install.log")"
else
	pass make-install
fi
missing=""
for f in bin/vmm lib/vmm/vmm-display-sdl.so share/man/man1/vmm.1 share/doc/vmm/README.md \
	share/doc/vmm/docs/hypercalls.md share/doc/vmm/docs/kvm-guide.md include/vmm-sdk/hypercall.h \
	include/vmm-sdk/printf.h include/vmm-sdk/vmm/abi.h lib/vmm-sdk/sections.ld \
	lib/pkgconfig/vmm-sdk.pc; do
	[ -f "$ROOT/$f" ] || missing="$missing $f"
done
for m in real protected long multiboot multiboot64; do
	for f in lib/vmm-sdk/$m/entry.o lib/vmm-sdk/$m/libvmm-sdk.a lib/pkgconfig/vmm-sdk-$m.pc; do
		[ -f "$ROOT/$f" ] || missing="$missing $f"
	done
done
[ -z "$missing" ] && [ -x "$ROOT/bin/vmm" ] && pass install-layout ||
	fail install-layout "missing under $ROOT:$missing"
# The installed docs keep the tree's layout: their relative links still work.
broken=""
for doc in "$ROOT"/share/doc/vmm/README.md "$ROOT"/share/doc/vmm/docs/*.md; do
	for link in $(grep -oE '\]\([^)#[:space:]]+' "$doc" | cut -c3- | grep -vE '^[a-z]+:'); do
		[ -e "$(dirname "$doc")/$link" ] || broken="$broken ${doc#"$ROOT"/}:$link"
	done
done
[ -z "$broken" ] && pass installed-docs-links || fail installed-docs-links "links to missing files:$broken"
[ "$("$ROOT/bin/vmm" -version 2>&1)" = "$("$VMM" -version 2>&1)" ] && pass installed-vmm-runs ||
	fail installed-vmm-runs "$("$ROOT/bin/vmm" -version 2>&1)"

# pkg-config finds the SDK in the DESTDIR (the .pc files locate their prefix
# from their own place), and nothing it says points into the source tree.
export PKG_CONFIG_PATH=$ROOT/lib/pkgconfig
flags=$(pkg-config --cflags --libs vmm-sdk-long 2>&1)
if [ $? -ne 0 ]; then
	fail pkg-config "$flags"
elif [ "$(readlink -f "$(grep -oE -- '-I[^ ]*' <<<"$flags" | head -1 | cut -c3-)")" != \
	"$(readlink -f "$ROOT/include/vmm-sdk")" ] ||
	[ "$(readlink -f "$(grep -oE '[^ ]*/entry\.o' <<<"$flags")")" != \
	"$(readlink -f "$ROOT/lib/vmm-sdk/long/entry.o")" ]; then
	fail pkg-config "flags do not point into $ROOT: $flags"
elif [[ "$flags" == *"$PWD/"* || "$flags" == *guest/sdk* ]]; then
	fail pkg-config "flags point into the source tree: $flags"
else
	pass pkg-config
fi

# The out-of-tree SDK guest, copied away from the tree, built by its own
# Makefile with pkg-config, run by the installed vmm.
cp -r examples/hello-sdk "$TMP/hello-sdk"
WANT=$(printf '%s\n' "hello from an out-of-tree guest" "one exit" "exits for one PRINTSTR: 1")
for m in long real multiboot; do
	if ! make -s --no-print-directory -C "$TMP/hello-sdk" MODE=$m >"$TMP/sdk-$m.log" 2>&1; then
		fail "sdk-guest-$m-builds" "$(tail -5 "$TMP/sdk-$m.log")"
		continue
	fi
	pass "sdk-guest-$m-builds"
	out=$(ls "$TMP"/hello-sdk/hello-$m.bin "$TMP"/hello-sdk/hello-$m.elf 2>/dev/null | head -1)
	args=$(pkg-config --variable=vmm_args vmm-sdk-$m)
	# main's return value is the status in every mode (Multiboot: the SDK
	# ends with the EXIT hypercall on vmm).
	# shellcheck disable=SC2086 # $args is a list of options
	expect "sdk-guest-$m-runs" 0 "$WANT" "$ROOT/bin/vmm" -display none $args -guest "$out"
done

# "Bring your own kernel": the README shows examples/bare-multiboot's files
# whole, each after a <!-- file: PATH --> line, in a fenced block.
BARE=examples/bare-multiboot
for f in boot.S kernel.c linker.ld Makefile; do
	awk -v want="<!-- file: $BARE/$f -->" '
		$0 == want { found = 1; next }
		found == 1 && /^```/ { found = 2; next }
		found == 2 && /^```/ { exit }
		found == 2 { print }' README.md >"$TMP/readme-$f"
	if [ ! -s "$TMP/readme-$f" ]; then
		fail "readme-shows-$f" "README.md has no block after <!-- file: $BARE/$f -->"
	elif ! diff -u "$BARE/$f" "$TMP/readme-$f" >"$TMP/readme-$f.diff"; then
		fail "readme-shows-$f" "README.md's $f differs from $BARE/$f: $(head -c 300 "$TMP/readme-$f.diff")"
	else
		pass "readme-shows-$f"
	fi
done
mkdir -p "$TMP/bare"
cp "$BARE"/* "$TMP/bare/"
if make -s --no-print-directory -C "$TMP/bare" >"$TMP/bare.log" 2>&1 && [ ! -s "$TMP/bare.log" ]; then
	pass bare-kernel-builds
else
	fail bare-kernel-builds "errors or warnings: $(head -c 300 "$TMP/bare.log")"
fi
expect bare-kernel-runs 0 "Hello from my kernel" \
	"$ROOT/bin/vmm" -display none -guest "$TMP/bare/kernel.elf" -screendump "$TMP/bare.txt"
[ "$(head -1 "$TMP/bare.txt" 2>/dev/null | sed 's/ *$//')" = "Hello from my kernel" ] &&
	pass bare-kernel-screen || fail bare-kernel-screen "screen: $(head -1 "$TMP/bare.txt" 2>/dev/null)"

# The installed vmm finds its window module in ../lib/vmm: a window on an
# X server of its own (Xvfb), closed when the guest stops (-no-wait).
if command -v xvfb-run >/dev/null; then
	run installed-module-loads env -u VMM_MODULE_DIR xvfb-run -a \
		"$ROOT/bin/vmm" -display sdl -no-wait -timeout 60 -guest "$TMP/bare/kernel.elf"
	if [ "$rc" -ne 0 ] || grep -q "display module" "$TMP/installed-module-loads.err"; then
		fail installed-module-loads "status $rc: $(head -c 300 "$TMP/installed-module-loads.err")"
	else
		pass installed-module-loads
	fi
else
	skip installed-module-loads "xvfb-run is not installed (Debian: xvfb)"
fi

# make uninstall removes every file install put there.
make -s --no-print-directory BUILD="$BUILD" DESTDIR="$DEST" PREFIX="$PREFIX" uninstall \
	>"$TMP/uninstall.log" 2>&1
rc=$?
# Shared folders (bin, share/man/man1, lib/pkgconfig) may stay, empty.
left=$(find "$DEST" ! -type d -o -type d -name 'vmm*' 2>/dev/null | head -5 | tr '\n' ' ')
if [ $rc -ne 0 ]; then
	fail make-uninstall "status $rc: $(tail -5 "$TMP/uninstall.log")"
elif [ -n "$left" ]; then
	fail make-uninstall "left behind: $left"
else
	pass make-uninstall
fi
