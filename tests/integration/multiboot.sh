#!/bin/bash
# Multiboot v1 modules and information, differential with QEMU, and
# Multiboot2 kernels (vmm only: QEMU's -kernel cannot load them), checked
# against the specification by an independent parser (tests/tools/mb2_parse.py).
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

QEMU=$(command -v qemu-system-x86_64)
PARSE="python3 tests/tools/mb2_parse.py"
MB2_32=$G/mb2_info-multiboot2.elf
MB2_64=$G/mb2_info-multiboot2_64.elf
MB2_AOUT=$G/mb2_info-multiboot2-aout.bin
BOTH=$G/mb2_info-multiboot-both.elf

# Module files: text, 5000 random bytes, a name with a comma, an empty one.
printf 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' >"$TMP/a"
head -c 5000 /dev/urandom >"$TMP/b"
printf 'comma' >"$TMP/c,d"
: >"$TMP/empty"
# QEMU's syntax: ',' separates modules, ',,' is a comma in a name or argument.
INITRD="$TMP/a x y,$TMP/b,$TMP/c,,d e,$TMP/empty"

# ---- Multiboot v1: the same output on vmm and on QEMU ----------------------
qemu_run() { # NAME KERNEL MEM_MIB [-initrd SPEC]
	local name=$1 kernel=$2 mem=$3; shift 3
	# TCG: this host's software KVM takes seconds to start QEMU, TCG a
	# fraction of one, and these kernels do nothing a CPU model changes.
	timeout 120 "$QEMU" -accel tcg -m "$mem" -nodefaults -display none -no-reboot -monitor none -serial none \
		-debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=4 \
		-kernel "$kernel" -append "one two" "$@" >"$TMP/$name.qemu.out" 2>"$TMP/$name.qemu.err" </dev/null
	qemu_rc=$?
}

same_as_qemu() { # NAME KERNEL MEM_MIB [-initrd SPEC]
	local name=$1 kernel=$2 mem=$3; shift 3
	if [ -z "$QEMU" ]; then skip "$name" "qemu-system-x86_64 is not installed"; return; fi
	qemu_run "$name" "$kernel" "$mem" "$@"
	run "$name.vmm" "$VMM" -timeout 20 -mem "${mem}M" -guest "$kernel" -append "one two" "$@"
	if [ "$(qemu_status_of "$rc")" -ne "$qemu_rc" ]; then
		fail "$name" "exit status: vmm $rc, QEMU $qemu_rc (expected (vmm << 1) | 1; $(head -c 200 "$TMP/$name.vmm.err" "$TMP/$name.qemu.err"))"
	elif ! cmp -s "$TMP/$name.vmm.out" "$TMP/$name.qemu.out"; then
		fail "$name" "output differs: $(diff "$TMP/$name.vmm.out" "$TMP/$name.qemu.out" | head -6 | tr '\n' '|')"
	elif ! grep -q "mods_count" "$TMP/$name.vmm.out"; then
		fail "$name" "no Multiboot information printed: $(head -c 200 "$TMP/$name.vmm.out")"
	else
		pass "$name"
	fi
}

same_as_qemu mb1-elf-modules "$G/mbinfo-multiboot.elf" 64 -initrd "$INITRD"
same_as_qemu mb1-elf64-modules "$G/mbinfo-multiboot64.elf" 32 -initrd "$INITRD"
same_as_qemu mb1-aout-modules "$G/mbinfo-multiboot-aout.bin" 16 -initrd "$INITRD"
same_as_qemu mb1-no-modules "$G/mbinfo-multiboot.elf" 3
# The modules really are what the kernel printed (both loaders agreed on it).
has_lines mb1-module-lines "$TMP/mb1-elf-modules.vmm.out" \
	"mods_count 4" "module 0: cmdline '$TMP/a x y'" \
	"module 0: bytes 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50" \
	"module 1: bytes $(head -c 16 "$TMP/b" | od -An -tx1 -v | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')" \
	"module 2: cmdline '$TMP/c,d e'" "module 2: size 5, page-aligned yes, after the kernel yes" \
	"module 3: size 0, page-aligned yes, after the kernel yes" \
	"flags 0x24f" "boot_device 0x8000ffff" "cmdline '$G/mbinfo-multiboot.elf one two'"

# vmm's own values (they differ from QEMU's by design, README): no BIOS, so
# mem_lower is 640 KiB and mem_upper all RAM above 1 MiB; the map shows the
# BIOS area reserved (vmm's information lives there) and nothing else.
run mb1-raw "$VMM" -timeout 20 -mem 8M -guest "$G/mbinfo-multiboot.elf" -initrd "$TMP/a" -append raw
has_lines mb1-raw "$TMP/mb1-raw.out" "mem_lower 640 KiB, mem_upper 7168 KiB" \
	"mmap: 0x0-0xa0000 type 1 (entry size 20)" "mmap: 0xc0000-0x100000 type 2 (entry size 20)" \
	"mmap: 0x100000-0x800000 type 1 (entry size 20)" "boot_loader_name 'vmm'" "mmap_addr 0xe8080, mmap_length 72"

# ---- Multiboot2 -------------------------------------------------------------
M_SHIFT=20 G_SHIFT=30
mb2_check() { # NAME KERNEL MEM(nM|nG) PARSER-ARGS... -- VMM-ARGS...
	local name=$1 kernel=$2 mem=$3 parser=() ; shift 3
	while [ "$1" != "--" ]; do parser+=("$1"); shift; done
	shift
	run "$name" "$VMM" -timeout 20 -mem "$mem" -guest "$kernel" "$@"
	local bytes=$((${mem%[MG]} << ${mem//[0-9]/}_SHIFT))
	if [ "$rc" -ne 16 ]; then
		fail "$name" "exit status $rc, expected 16; stderr: $(head -c 300 "$TMP/$name.err")"
	elif ! $PARSE "$TMP/$name.out" --mem "$bytes" "${parser[@]}" >"$TMP/$name.parse" 2>&1; then
		fail "$name" "$(cat "$TMP/$name.parse")"
	else
		pass "$name"
	fi
}

MODS=(--module "26:x y" --module "5000:" --module "5:e" --module "0:")
mb2_check mb2-elf32 "$MB2_32" 5M --cmdline "one two" "${MODS[@]}" -- -append "one two" -initrd "$INITRD"
mb2_check mb2-elf64-long-mode "$MB2_64" 64M --cmdline "" "${MODS[@]}" -- -initrd "$INITRD"
mb2_check mb2-address-tag "$MB2_AOUT" 3G --cmdline "a b" --module "26:x y" -- -append "a b" -initrd "$TMP/a x y"
mb2_check mb2-both-headers "$BOTH" 2M --cmdline "" -- -multiboot2
# The kernel's own view agrees with the parser's (module bytes it read).
has_lines mb2-module-bytes "$TMP/mb2-elf64-long-mode.out" \
	"tag 4 size 16: mem_lower 640 KiB, mem_upper 64512 KiB" \
	"tag 8 size 32: framebuffer 0xb8000, pitch 160, 80x25, bpp 16, type 2" \
	"tag 5 size 20: bootdev 0x80, partition 0x0, sub-partition 0xffffffff"
grep -q "^tag 3 size 20: module 0x[0-9a-f]*000-0x[0-9a-f]* (26 bytes) 'x y', bytes 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50$" \
	"$TMP/mb2-elf32.out" && pass mb2-module-content || fail mb2-module-content "$(grep '^tag 3' "$TMP/mb2-elf32.out" | head -2)"

# Both headers: Multiboot v1 unless -multiboot2, as QEMU boots it; -v says so.
run mb2-both-default "$VMM" -timeout 20 -v -guest "$BOTH"
if [ "$rc" -eq 16 ] && grep -qx "booted as Multiboot v1" "$TMP/mb2-both-default.out" &&
	grep -q "has a Multiboot v1 and a Multiboot2 header: booting it as Multiboot v1" "$TMP/mb2-both-default.err"; then
	pass mb2-both-default
else
	fail mb2-both-default "status $rc, out '$(head -c 100 "$TMP/mb2-both-default.out")', err '$(head -c 300 "$TMP/mb2-both-default.err")'"
fi

# ---- Multiboot2 under GRUB: the same kernel, the same tags ------------------
# GRUB is the reference loader for Multiboot2 (QEMU's -kernel has none): a
# rescue CD with `multiboot2 /boot/kernel one two` and two `module2` lines,
# booted in QEMU. What both must agree on: the command line and the module
# tags (strings, sizes, bytes; not addresses), the memory map's entry format,
# and the parser's checks of the specification (GRUB's structure is parsed
# with --any-loader: it has no framebuffer tag without a VGA card and keeps
# its information in usable RAM, both allowed).
same_as_grub() { # NAME KERNEL
	local name=$1 kernel=$2 dir=$TMP/iso-$1
	if [ -z "$QEMU" ] || ! command -v grub-mkrescue >/dev/null || ! command -v xorriso >/dev/null ||
		[ ! -d /usr/lib/grub/i386-pc ]; then
		skip "$name" "needs QEMU, grub-mkrescue, xorriso and GRUB's i386-pc modules (grub-pc-bin)"
		return
	fi
	mkdir -p "$dir/boot/grub"
	cp "$kernel" "$dir/boot/kernel"
	cp "$TMP/a" "$TMP/b" "$dir/boot/"
	printf '%s\n' 'set timeout=0' 'menuentry kernel {' '	multiboot2 /boot/kernel one two' \
		'	module2 /boot/a x y' '	module2 /boot/b' '	boot' '}' >"$dir/boot/grub/grub.cfg"
	if ! grub-mkrescue -o "$TMP/$name.iso" "$dir" >"$TMP/$name.mkrescue" 2>&1; then
		fail "$name" "grub-mkrescue: $(tail -c 300 "$TMP/$name.mkrescue")"
		return
	fi
	timeout 120 "$QEMU" -accel tcg -m 64 -nodefaults -display none -no-reboot -monitor none -serial none \
		-debugcon "file:$TMP/$name.grub.out" -device isa-debug-exit,iobase=0xf4,iosize=4 \
		-cdrom "$TMP/$name.iso" -boot d >/dev/null 2>"$TMP/$name.grub.err" </dev/null
	local grub_rc=$?
	run "$name.vmm" "$VMM" -timeout 20 -guest "$kernel" -append "one two" -initrd "$TMP/a x y,$TMP/b"
	agreed() { grep -E '^tag (1|3) ' "$1" | sed 's/0x[0-9a-f]*-0x[0-9a-f]* //'; grep -o 'mmap entry_size.*' "$1"; }
	if [ "$grub_rc" -ne 33 ] || [ "$rc" -ne 16 ]; then # main returns 16: (16 << 1) | 1 on QEMU
		fail "$name" "exit status: vmm $rc, GRUB $grub_rc ($(head -c 200 "$TMP/$name.grub.err"))"
	elif ! $PARSE "$TMP/$name.grub.out" --mem $((64 << 20)) --cmdline "one two" --module "26:x y" \
		--module "5000:" --any-loader >"$TMP/$name.parse" 2>&1; then
		fail "$name" "GRUB's information: $(cat "$TMP/$name.parse")"
	elif [ "$(agreed "$TMP/$name.vmm.out")" != "$(agreed "$TMP/$name.grub.out")" ] ||
		[ "$(agreed "$TMP/$name.vmm.out" | wc -l)" -ne 4 ]; then
		fail "$name" "tags differ: $(diff <(agreed "$TMP/$name.vmm.out") <(agreed "$TMP/$name.grub.out") | head -6 | tr '\n' '|')"
	else
		pass "$name"
	fi
}
same_as_grub mb2-same-as-grub "$MB2_32"
same_as_grub mb2-same-as-grub-elf64 "$MB2_64"

# ---- Refusals: one line, exit 2, nothing runs -------------------------------
# mb2_patch IN OUT ACTION: a copy of IN whose Multiboot2 header is changed.
mb2_patch() {
	python3 - "$@" <<'PY'
import struct, sys
src, dst, action = sys.argv[1:4]
data = bytearray(open(src, "rb").read())
h = next(o for o in range(0, 32768, 8) if data[o:o + 4] == b"\xd6\x50\x52\xe8")
def fix_checksum():
    magic, arch, length = struct.unpack_from("<III", data, h)
    struct.pack_into("<I", data, h + 12, (-(magic + arch + length)) & 0xFFFFFFFF)
def tags():
    off = h + 16
    while True:
        t, flags, size = struct.unpack_from("<HHI", data, off)
        yield off, t, flags, size
        if t == 0:
            return
        off += (size + 7) & ~7
tag = {t: off for off, t, _, _ in tags()}
if action == "bad-checksum":
    data[h + 12] ^= 1
elif action == "arch-mips":
    struct.pack_into("<I", data, h + 4, 4)
    fix_checksum()
elif action == "request-acpi":          # ask for tag 14 (ACPI old RSDP)
    struct.pack_into("<I", data, tag[1] + 8, 14)
elif action == "request-load-base":     # ask for tag 21 without being relocatable
    struct.pack_into("<I", data, tag[1] + 8, 21)
elif action == "request-acpi-optional":
    struct.pack_into("<I", data, tag[1] + 8, 14)
    struct.pack_into("<H", data, tag[1] + 2, 1)
elif action == "unknown-tag":           # the console flags tag becomes type 99
    struct.pack_into("<H", data, tag[4], 99)
elif action == "efi-bs":                # ... or EFI boot services, required
    struct.pack_into("<HHI", data, tag[4], 7, 0, 8)
elif action == "graphics-only":         # console required, EGA text ruled out
    struct.pack_into("<I", data, tag[4] + 8, 1)
elif action == "load-addr-minus-1":     # address tag: "load from the file's start"
    struct.pack_into("<I", data, tag[2] + 12, 0xFFFFFFFF)
elif action == "relocatable":           # the framebuffer tag (24 bytes with padding) becomes
    struct.pack_into("<HHIIIII", data, tag[5], 10, 0, 24, 0x100000, 0x10000000, 4096, 0)
open(dst, "wb").write(data)
PY
}
for action in bad-checksum arch-mips request-acpi request-acpi-optional unknown-tag efi-bs graphics-only \
	load-addr-minus-1 relocatable request-load-base; do
	mb2_patch "$MB2_AOUT" "$TMP/mb2-$action.bin" "$action"
done
expect_error mb2-bad-checksum "^vmm: .*: Multiboot2 header at offset 0x0: bad checksum" \
	"$VMM" -timeout 10 -guest "$TMP/mb2-bad-checksum.bin"
expect_error mb2-arch-mips "Multiboot2 header is for architecture 4, not i386" \
	"$VMM" -timeout 10 -guest "$TMP/mb2-arch-mips.bin"
expect_error mb2-required-tag "Multiboot2 kernel requires boot information tag 14 \(ACPI old RSDP\), which vmm does not provide" \
	"$VMM" -timeout 10 -guest "$TMP/mb2-request-acpi.bin"
mb2_check mb2-optional-tag-ignored "$TMP/mb2-request-acpi-optional.bin" 64M --cmdline "" --
mb2_check mb2-load-addr-minus-1 "$TMP/mb2-load-addr-minus-1.bin" 8M --cmdline "" --
mb2_check mb2-relocatable "$TMP/mb2-relocatable.bin" 8M --cmdline "" -- -v
has_lines mb2-relocatable-load-base "$TMP/mb2-relocatable.out" "tag 21 size 12: load base 0x100000"
mb2_check mb2-load-base-requested "$TMP/mb2-request-load-base.bin" 8M --cmdline "" --
has_lines mb2-load-base-requested-tag "$TMP/mb2-load-base-requested.out" "tag 21 size 12: load base 0x100000"
grep -q "relocatable (0x100000-0x10000000): loaded at its linked address 0x100000" "$TMP/mb2-relocatable.err" &&
	pass mb2-relocatable-verbose || fail mb2-relocatable-verbose "$(head -c 300 "$TMP/mb2-relocatable.err")"
expect_error mb2-unknown-header-tag "Multiboot2 kernel requires header tag 99, which vmm does not know" \
	"$VMM" -timeout 10 -guest "$TMP/mb2-unknown-tag.bin"
expect_error mb2-efi-boot-services "requires EFI boot services" "$VMM" -timeout 10 -guest "$TMP/mb2-efi-bs.bin"
expect_error mb2-graphics-only "requires a graphics console .*: vmm provides only the 80x25 EGA text console" \
	"$VMM" -timeout 10 -guest "$TMP/mb2-graphics-only.bin"
expect_error mb2-option-without-header ": -multiboot2: no Multiboot2 header" \
	"$VMM" -multiboot2 -guest "$G/mbinfo-multiboot.elf"

expect_error module-missing "^vmm: .*: cannot open module file '$TMP/nothing': No such file or directory$" \
	"$VMM" -guest "$G/mbinfo-multiboot.elf" -initrd "$TMP/a,$TMP/nothing arg"
expect_error module-directory "module file '$TMP' is not a regular file" \
	"$VMM" -guest "$MB2_32" -initrd "$TMP"
chmod 000 "$TMP/b"
if [ -r "$TMP/b" ]; then
	skip module-unreadable "running as root: a mode-000 file is readable"
else
	expect_error module-unreadable "cannot open module file '$TMP/b': Permission denied" \
		"$VMM" -guest "$G/mbinfo-multiboot.elf" -initrd "$TMP/b"
fi
chmod 644 "$TMP/b"
head -c $((1536 * 1024)) /dev/zero >"$TMP/big"
expect_error modules-too-big "modules do not fit in RAM: '$TMP/big' \(1572864 bytes\)" \
	"$VMM" -mem 2M -guest "$G/mbinfo-multiboot.elf" -initrd "$TMP/big"
# -stack's range is the guest's too, but not the kernel's: modules still go
# right after the kernel.
run modules-with-stack "$VMM" -timeout 20 -stack 0x3f00000 -guest "$G/mbinfo-multiboot.elf" -initrd "$TMP/a" -append raw
grep -q "^module 0: at 0x10[0-9a-f]\{4\}-" "$TMP/modules-with-stack.out" && pass modules-with-stack ||
	fail modules-with-stack "status $rc: $(grep '^module 0: at' "$TMP/modules-with-stack.out") $(head -c 200 "$TMP/modules-with-stack.err")"
expect_error module-no-name ": -initrd: module '' has no file name" \
	"$VMM" -guest "$MB2_32" -initrd "$TMP/a,"
expect_error initrd-not-multiboot ": -initrd gives modules to a Multiboot kernel, and this is not one" \
	"$VMM" -mode protected -guest "$G/hello-protected.bin" -initrd "$TMP/a"
