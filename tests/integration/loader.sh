#!/bin/bash
# The loader's hard cases (issue 11): images QEMU boots that vmm refused or
# crashed (a segment below 1 MiB, a real-mode start that keeps its stack in
# protected mode, a virtual e_entry), each run on vmm and on QEMU with the
# same output and status; -stack; -entry translation; the formats vmm refuses,
# each with its one line and status 2; and the hint for flat binaries that
# fault at once in real mode.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

QEMU=$(command -v qemu-system-x86_64)
# qemu_run NAME ARGS...: QEMU as tests/integration/qemu.sh runs it, plus ARGS.
qemu_run() {
	local name=$1 accel=-enable-kvm; shift
	[ -w /dev/kvm ] || accel=
	timeout 120 "$QEMU" $accel -nodefaults -display none -no-reboot -monitor none -serial none \
		-debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=4 "$@" \
		>"$TMP/$name.qemu.out" 2>"$TMP/$name.qemu.err" </dev/null
	qemu_rc=$?
}
# same_as_qemu NAME WANT_STATUS WANT_FIRST_LINE "QEMU ARGS" VMM ARGS...: vmm
# and QEMU exit with WANT_STATUS and print the same bytes, starting with
# WANT_FIRST_LINE (so that two identical failures do not pass).
same_as_qemu() {
	local name=$1 status=$2 first=$3 qemu_args=$4; shift 4
	run "$name" "$@"
	if [ "$rc" -ne "$status" ]; then
		fail "$name" "vmm: exit status $rc, expected $status; stderr: $(head -c 300 "$TMP/$name.err")"
		return
	elif [ "$(head -1 "$TMP/$name.out")" != "$first" ]; then
		fail "$name" "vmm printed '$(head -c 200 "$TMP/$name.out")'"
		return
	fi
	if [ -z "$QEMU" ]; then skip "$name-qemu" "qemu-system-x86_64 is not installed"; pass "$name"; return; fi
	qemu_run "$name" $qemu_args
	if [ "$qemu_rc" -ne "$status" ]; then
		fail "$name" "QEMU: exit status $qemu_rc, expected $status ($(head -c 200 "$TMP/$name.qemu.err"))"
	elif ! cmp -s "$TMP/$name.out" "$TMP/$name.qemu.out"; then
		fail "$name" "output differs from QEMU's: $(diff "$TMP/$name.out" "$TMP/$name.qemu.out" | head -5)"
	else
		pass "$name"
	fi
}
# phdr_check NAME FILE PYTHON-CONDITION: the ELF's e_entry (entry) and
# PT_LOAD (vaddr, paddr) pairs (loads) satisfy the condition: the guests are
# linked the way the cases need (a newer binutils might change that).
phdr_check() {
	if python3 - "$2" "$3" <<'PY'; then pass "$1"; else fail "$1" "$2 is not linked as the test needs: $3"; fi
import struct, sys
b = open(sys.argv[1], "rb").read()
entry, phoff = struct.unpack_from("<II", b, 24)
phentsize, phnum = struct.unpack_from("<HH", b, 42)
loads = []
for i in range(phnum):
    t, off, vaddr, paddr = struct.unpack_from("<IIII", b, phoff + i * phentsize)
    if t == 1:
        loads.append((vaddr, paddr))
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}

# 1. A segment below 1 MiB: `ld -Ttext=0x100000` puts the ELF headers in a
# read-only segment at 0xff000 (vmm used to refuse: "overlaps 0xa0000-0xfffff").
LOW=$G/low_segment.elf
phdr_check low-segment-linked "$LOW" "(0xff000, 0xff000) in loads"
same_as_qemu low-segment 15 "low segment kernel: headers at 0xff000 read ELF" "-kernel $LOW" \
	"$VMM" -guest "$LOW"

# 2. A real-mode start that switches to protected mode and calls through the
# stack pointer it was given (vmm used to give ESP = 0: the push went to
# 0xFFFFFFFC). A boot sector, so QEMU's BIOS runs it too.
RMS=$G/realmode_switch.bin
same_as_qemu realmode-switch 11 "real mode: switching to protected mode" \
	"-drive format=raw,file=$RMS,if=ide" "$VMM" -load 0x7c00 -guest "$RMS"
# The same with a stack of one's choosing, and the course's way: at the top
# of a 256 KiB RAM-like area.
expect realmode-switch-stack 11 "$(cat "$TMP/realmode-switch.out")" \
	"$VMM" -load 0x7c00 -stack 0x7000 -guest "$RMS"
expect realmode-switch-stack-course 11 "$(cat "$TMP/realmode-switch.out")" \
	"$VMM" -load 0x7c00 -stack 0x40000 -guest "$RMS"

# 3. A higher-half kernel: p_vaddr 0xC0100000, p_paddr 0x100000, e_entry
# 0xC010000C, started at its physical address (vmm used to refuse: "entry
# point 0xc010000c is outside guest RAM").
HH=$G/higher_half.elf
phdr_check higher-half-linked "$HH" "entry == 0xc010000c and (0xc0100000, 0x100000) in loads"
same_as_qemu higher-half 19 "higher-half kernel: entry 0xc010000c started at its physical address" \
	"-kernel $HH" "$VMM" -guest "$HH"
# -v says how: segments at p_paddr, the entry translated.
run higher-half-verbose "$VMM" -v -guest "$HH"
has_lines higher-half-verbose "$TMP/higher-half-verbose.err" \
	"vmm: ELF segment loaded at p_paddr 0x100000-0x1010ef (p_vaddr 0xc0100000)" \
	"vmm: ELF entry 0xc010000c is virtual: started at its physical address 0x10000c"
# -entry is physical; a virtual one inside a segment is translated the same way.
expect higher-half-entry-virtual 19 "$(cat "$TMP/higher-half.out")" "$VMM" -entry 0xc010000c -guest "$HH"
expect higher-half-entry-physical 19 "$(cat "$TMP/higher-half.out")" "$VMM" -entry 0x10000c -guest "$HH"

# -stack: the initial RSP in every mode, checked against RAM. A flat guest
# prints ESP's four bytes (mov eax,esp; 4x out 0xe9,al; shr eax,8; hlt).
printf '\x89\xe0\xe6\xe9\xc1\xe8\x08\xe6\xe9\xc1\xe8\x08\xe6\xe9\xc1\xe8\x08\xe6\xe9\xf4' >"$TMP/esp32.bin"
printf '\x66\x89\xe0\xe6\xe9\x66\xc1\xe8\x08\xe6\xe9\x66\xc1\xe8\x08\xe6\xe9\x66\xc1\xe8\x08\xe6\xe9\xf4' >"$TMP/esp16.bin"
esp_is() { # NAME HEX-BYTES VMM-ARGS...
	local name=$1 want=$2; shift 2
	run "$name" "$VMM" "$@"
	local got; got=$(od -An -tx1 "$TMP/$name.out" | tr -d ' \n')
	[ "$rc" -eq 0 ] && [ "$got" = "$want" ] && pass "$name" || fail "$name" "status $rc, ESP bytes $got, expected $want"
}
esp_is stack-real-default 00000900 -guest "$TMP/esp16.bin"
esp_is stack-protected-default 00000004 -mode protected -guest "$TMP/esp32.bin"
esp_is stack-protected-option 50341200 -mode protected -stack 0x123450 -guest "$TMP/esp32.bin"
esp_is stack-real-option 00700000 -stack 0x7000 -guest "$TMP/esp16.bin"
esp_is stack-top-of-ram 00000004 -mode protected -stack 64M -guest "$TMP/esp32.bin"
for s in 0x0 0xb0000 0x4000001 0x100000000; do
	expect_error "stack-refused-$s" "^vmm: .*: -stack $s: the stack must start in guest RAM" \
		"$VMM" -mode protected -stack $s -guest "$TMP/esp32.bin"
done
expect_error stack-bad "bad stack address 'top'" "$VMM" -stack top -guest "$TMP/esp32.bin"

# Formats vmm does not boot: one line, status 2, nothing runs.
python3 - "$TMP" <<'PY'
import struct, sys
d = sys.argv[1]
# A bzImage: "MZ" (its EFI stub), boot sector, "HdrS" at 0x202.
b = bytearray(4096); b[0:2] = b"MZ"; b[0x1fe:0x200] = b"\x55\xaa"; b[0x202:0x206] = b"HdrS"
open(d + "/bzImage", "wb").write(b)
# A PE file: "MZ", e_lfanew at 0x3c, "PE\0\0".
p = bytearray(1024); p[0:2] = b"MZ"; struct.pack_into("<I", p, 0x3c, 0x80); p[0x80:0x84] = b"PE\0\0"
open(d + "/app.exe", "wb").write(p)
PY
expect_error refuse-bzimage "^vmm: .*bzImage: Linux boot protocol image: not supported" "$VMM" -guest "$TMP/bzImage"
expect_error refuse-pe "^vmm: .*app.exe: PE/MZ executable .*: not supported" "$VMM" -guest "$TMP/app.exe"
# ELF objects that are not static executables: a PIE and a relocatable file.
cp "$HH" "$TMP/pie.elf"
python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[16]=3; open(sys.argv[1],"wb").write(b)' "$TMP/pie.elf"
expect_error refuse-pie "^vmm: .*: position-independent executable: link with -static -no-pie$" "$VMM" -guest "$TMP/pie.elf"
if command -v gcc >/dev/null && printf 'int main(void){return 0;}\n' >"$TMP/pie.c" &&
	gcc -fpie -pie -nostdlib -e main -o "$TMP/real-pie.elf" "$TMP/pie.c" 2>/dev/null; then
	expect_error refuse-pie-gcc "position-independent executable: link with -static -no-pie" \
		"$VMM" -guest "$TMP/real-pie.elf"
else
	skip refuse-pie-gcc "gcc cannot link a PIE here"
fi
expect_error refuse-relocatable "^vmm: .*: relocatable object file \(ET_REL\), not an executable" \
	"$VMM" -guest "$G/obj/loader/higher_half.o"
# -mode or -load say the file is a flat binary: "MZ" is then just two bytes
# (dec bp; pop dx), and the file runs.
printf 'MZ\xb0\x4c\xe6\xe9\xf4' >"$TMP/mz-by-chance.bin"
expect_error refuse-mz-by-chance "PE/MZ executable" "$VMM" -guest "$TMP/mz-by-chance.bin"
expect mz-by-chance-mode 0 "L" "$VMM" -mode real -guest "$TMP/mz-by-chance.bin"

# A flat binary that faults in its first instructions in real mode, started
# there only because no -mode was given: the fault, then a hint. (lidt with
# limit 0, CR0.PE on, int3: no IDT to deliver it; a triple fault, or on a
# software KVM an emulation failure.) With -mode, no hint.
printf '\x0f\x01\x1e\x10\x00\x0f\x20\xc0\x0c\x01\x0f\x22\xc0\xcc\xf4\x90\0\0\0\0\0\0' >"$TMP/fault.bin"
run flat-fault-hint "$VMM" -timeout 20 -guest "$TMP/fault.bin"
{ [ "$rc" -eq 125 ] || [ "$rc" -eq 123 ]; } &&
	[ "$(tail -1 "$TMP/flat-fault-hint.err")" = "vmm: note: flat binaries start in real mode; use -mode protected|long" ] \
	&& pass flat-fault-hint || fail flat-fault-hint "status $rc: $(tail -2 "$TMP/flat-fault-hint.err")"
run flat-fault-no-hint-with-mode "$VMM" -timeout 20 -mode real -guest "$TMP/fault.bin"
{ [ "$rc" -eq 125 ] || [ "$rc" -eq 123 ]; } && ! grep -q "note: flat binaries" "$TMP/flat-fault-no-hint-with-mode.err" \
	&& pass flat-fault-no-hint-with-mode || fail flat-fault-no-hint-with-mode "status $rc: $(tail -1 "$TMP/flat-fault-no-hint-with-mode.err")"

# vmm's own structures move out of the image's way: an image over 0xE0000-
# 0xFFFFF (the GDT and page tables' usual place) runs in long mode, and -v
# says where they went, outside the image.
python3 -c 'import sys; open(sys.argv[1],"wb").write(b"\xb0\x4c\xe6\xe9\xf4" + b"\x90" * (0x20000 - 5))' "$TMP/bios-area.bin"
run bios-area-long "$VMM" -v -mode long -load 0xe0000 -guest "$TMP/bios-area.bin"
tables=$(grep -oP "vmm's GDT and page tables at \K0x[0-9a-f]+" "$TMP/bios-area-long.err")
[ "$rc" -eq 0 ] && [ "$(cat "$TMP/bios-area-long.out")" = L ] && [ -n "$tables" ] &&
	{ [ $((tables + 0x8000)) -le $((0xe0000)) ] || [ $((tables)) -ge $((0x100000)) ]; } \
	&& pass bios-area-long || fail bios-area-long "status $rc, tables at '$tables': $(head -3 "$TMP/bios-area-long.err")"
