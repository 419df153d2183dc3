#!/bin/bash
# The vmm command: modes, loaders, exit statuses, malformed input, options.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

HELLO="Hello, world!"

# kvm-hello-world compatible flat images, each in its mode.
for m in real protected long; do
	expect "hello-$m" 0 "$HELLO" "$VMM" -mode $m -guest "$G/hello-$m.bin"
	expect "hello-$m-double-dash" 0 "$HELLO" "$VMM" --mode=$m --guest "$G/hello-$m.bin"
done
if host_runs_paged32; then
	expect hello-paged32 0 "$HELLO" "$VMM" -mode paged32 -guest "$G/hello-protected.bin"
else
	skip hello-paged32 "$PAGED32_SKIP"
fi
# A flat binary without -mode starts in real mode, as kvm-hello-world does.
expect hello-default-real 0 "$HELLO" "$VMM" -guest "$G/hello-real.bin"
# Loaded elsewhere: -load and -entry.
printf '\xb0\x4c\xe6\xe9\xf4' >"$TMP/pic.bin"            # mov al,'L'; out 0xe9,al; hlt
expect load-elsewhere 0 "L" "$VMM" -mode protected -load 0x20000 -guest "$TMP/pic.bin"
expect entry-elsewhere 0 "L" "$VMM" -mode protected -load 0x20000 -entry 0x20000 -guest "$TMP/pic.bin"
expect load-high 0 "L" "$VMM" -mode long -load 0x200000 -guest "$TMP/pic.bin"
expect real-load-above-64k 0 "L" "$VMM" -mode real -load 0x12340 -guest "$TMP/pic.bin"

# Multiboot (ELF32; and one that switches itself to long mode). hello_mb's
# main returns 16: the SDK exits with the EXIT hypercall on vmm (status 16;
# QEMU: (16 << 1) | 1 = 33 through isa-debug-exit, tests/integration/qemu.sh).
MB_OUT=$(printf '%s\n%s\n%s' "$HELLO" "multiboot magic ok" "cmdline: $G/hello_mb-multiboot.elf a b")
expect multiboot 16 "$MB_OUT" "$VMM" -guest "$G/hello_mb-multiboot.elf" -append "a b"
MB64_OUT=$(printf '%s\n%s\n%s' "$HELLO" "multiboot magic ok" "cmdline: $G/hello_mb-multiboot64.elf ")
expect multiboot64 16 "$MB64_OUT" "$VMM" -guest "$G/hello_mb-multiboot64.elf"

# The SDK's printf, in every mode the SDK builds (the guest returns its
# failure count): main's return 0 is status 0 in every mode, Multiboot too.
for m in real protected long; do
	run "printf-$m" "$VMM" -mode $m -guest "$G/printf_test-$m.bin"
	[ "$rc" -eq 0 ] && pass "printf-$m" || fail "printf-$m" "status $rc: $(tail -3 "$TMP/printf-$m.out")"
done
for f in multiboot multiboot64; do
	run "printf-$f" "$VMM" -guest "$G/printf_test-$f.elf"
	[ "$rc" -eq 0 ] && pass "printf-$f" || fail "printf-$f" "status $rc: $(tail -3 "$TMP/printf-$f.out")"
done

# Exit statuses.
printf '\xb0\x05\xe6\xf4\xf4' >"$TMP/exit5.bin"        # mov al,5; out 0xf4,al; hlt
expect debug-exit-status 11 "" "$VMM" -guest "$TMP/exit5.bin"
printf '\x0f\x0b' >"$TMP/ud2.bin"                        # ud2 with no IDT
run triple-fault "$VMM" -mode protected -guest "$TMP/ud2.bin"
[ "$rc" -eq 125 ] && grep -q "guest triple fault" "$TMP/triple-fault.err" && grep -q "rip=" "$TMP/triple-fault.err" \
	&& pass triple-fault || fail triple-fault "status $rc, stderr $(head -2 "$TMP/triple-fault.err")"
printf '\xeb\xfe' >"$TMP/loop.bin"                       # jmp .
run timeout "$VMM" -guest "$TMP/loop.bin" -timeout 0.3
[ "$rc" -eq 124 ] && grep -q timeout "$TMP/timeout.err" && pass timeout || fail timeout "status $rc"
# -timeout inf is no limit, not "stop at once" (a deadline past 2^64 ns used
# to wrap); the guest counts down a while before it prints, so a stop at
# once shows. What a 64-bit deadline cannot hold is refused.
printf '\x66\xb9\xa0\x86\x01\x00\x66\x49\x75\xfc\xb0\x4c\xe6\xe9\xf4' >"$TMP/count.bin" # mov ecx,100000; 1: dec ecx; jnz 1b; print 'L'; hlt
expect timeout-inf 0 "L" "$VMM" -guest "$TMP/count.bin" -timeout inf
expect timeout-infinity 0 "L" "$VMM" -guest "$TMP/count.bin" -timeout infinity
expect timeout-longest 0 "L" "$VMM" -guest "$TMP/count.bin" -timeout 1e9
for t in 1e20 2e10 1e400 nan 0 -inf; do
	expect_error "timeout-refused-$t" "bad timeout '$t': give seconds above 0, at most 1e9, or inf" \
		"$VMM" -guest "$TMP/count.bin" -timeout $t
done

# A signal stops the guest; vmm exits 128 + signal, having flushed output.
printf '\xb0\x21\xe6\xe9\xeb\xfe' >"$TMP/print-loop.bin" # mov al,'!'; out 0xe9,al; jmp .
"$VMM" -guest "$TMP/print-loop.bin" >"$TMP/sigterm.out" 2>&1 &
pid=$!
for _ in $(seq 50); do [ -s "$TMP/sigterm.out" ] && break; sleep 0.1; done
kill -TERM $pid; wait $pid; rc=$?
[ "$rc" -eq 143 ] && [ "$(cat "$TMP/sigterm.out")" = "!" ] && pass sigterm || fail sigterm "status $rc, out '$(cat "$TMP/sigterm.out")'"

# -stats: exits by reason and by port, and the time split.
run stats "$VMM" -mode long -guest "$G/hello-long.bin" -stats
grep -q "total exits 15" "$TMP/stats.err" && grep -qE "port 0x000e9-0x000e9 debugcon +14" "$TMP/stats.err" \
	&& grep -q "time in guest" "$TMP/stats.err" && pass stats || fail stats "$(cat "$TMP/stats.err")"

# Options.
run help "$VMM" --help
[ "$rc" -eq 0 ] && grep -q "^usage: vmm \[options\] FILE" "$TMP/help.out" && pass help || fail help "status $rc"
run help-single-dash "$VMM" -help
[ "$rc" -eq 0 ] && grep -q "Exit status" "$TMP/help-single-dash.out" && pass help-single-dash || fail help-single-dash "status $rc"
run version "$VMM" --version
[ "$rc" -eq 0 ] && grep -qE "^vmm [0-9]" "$TMP/version.out" && pass version || fail version "status $rc"
expect_error no-guest "no guest given" "$VMM"
expect_error unknown-option "unknown option '-frobnicate'" "$VMM" -frobnicate -guest "$G/hello-real.bin"
expect_error bad-mode "unknown mode 'virtual86'" "$VMM" -mode virtual86 -guest "$G/hello-real.bin"
expect_error bad-mem "bad memory size '1K'" "$VMM" -mem 1K -guest "$G/hello-real.bin"
expect_error bad-timeout "bad timeout" "$VMM" -timeout -3 -guest "$G/hello-real.bin"
expect_error missing-argument "needs an argument" "$VMM" -guest

# Malformed guests: one line naming the problem, exit 2, nothing runs.
expect_error missing-file "cannot open .*nonexistent" "$VMM" -guest "$TMP/nonexistent"
: >"$TMP/empty.bin"
expect_error empty-file "is empty" "$VMM" -guest "$TMP/empty.bin"
expect_error directory "not a regular file" "$VMM" -guest "$TMP"
head -c 100 "$G/hello_mb-multiboot.elf" >"$TMP/truncated.elf"
expect_error truncated-elf "truncated" "$VMM" -guest "$TMP/truncated.elf"
patch_elf() { # FILE OUT PYTHON-EXPR on bytearray b, struct imported
	python3 -c "import struct,sys; b=bytearray(open(sys.argv[1],'rb').read()); $3; open(sys.argv[2],'wb').write(b)" "$1" "$2"
}
# ELF32 offsets: e_machine 18, e_phoff 28; program header: p_offset 4, p_paddr 12, p_filesz 16, p_memsz 20.
PH='ph=struct.unpack_from("<I",b,28)[0]'
cp "$G/hello_mb-multiboot.elf" "$TMP/plain.elf"
patch_elf "$TMP/plain.elf" "$TMP/arm.elf" 'struct.pack_into("<H",b,18,40)'
# Without its Multiboot header the ELF is loaded as an ELF32 executable; keep
# one with the header removed to test the ELF loader itself.
patch_elf "$TMP/plain.elf" "$TMP/nomb.elf" 'i=b.find(struct.pack("<I",0x1BADB002)); b[i:i+4]=b"\0\0\0\0"'
patch_elf "$TMP/nomb.elf" "$TMP/outside.elf" "$PH; struct.pack_into('<I',b,ph+12,0x7ff00000)"
patch_elf "$TMP/nomb.elf" "$TMP/over-vga.elf" "$PH; struct.pack_into('<I',b,ph+12,0xb0000)"
patch_elf "$TMP/nomb.elf" "$TMP/segment-past-eof.elf" "$PH; struct.pack_into('<I',b,ph+16,0x100000); struct.pack_into('<I',b,ph+20,0x100000)"
patch_elf "$TMP/nomb.elf" "$TMP/badclass.elf" 'b[4]=7'
patch_elf "$TMP/nomb.elf" "$TMP/relocatable.elf" 'struct.pack_into("<H",b,16,1)'
expect_error elf-wrong-machine "not for x86" "$VMM" -guest "$TMP/arm.elf"
expect_error elf-outside-ram "does not fit in RAM" "$VMM" -guest "$TMP/outside.elf"
expect_error elf-over-vga "overlaps the VGA window 0xa0000-0xbffff" "$VMM" -guest "$TMP/over-vga.elf"
expect_error elf-segment-past-eof "past the end of the file" "$VMM" -guest "$TMP/segment-past-eof.elf"
expect_error elf-bad-class "unknown class" "$VMM" -guest "$TMP/badclass.elf"
expect_error elf-not-executable "not an executable" "$VMM" -guest "$TMP/relocatable.elf"
expect_error flat-too-big "does not fit in RAM" "$VMM" -mem 2M -load 0x1f0000 -guest "$G/hello-long.bin"
expect_error flat-over-vga "overlaps the VGA window 0xa0000-0xbffff" "$VMM" -load 0x9fffe -guest "$G/hello-long.bin"
# An entry point where no code can be is refused for every format, before
# anything runs (flat and ELF guests used to start there and fault).
expect_error entry-flat-outside-ram "entry point 0x4000000 is outside guest RAM" \
	"$VMM" -mode protected -entry 0x4000000 -guest "$TMP/pic.bin"
expect_error entry-flat-huge "entry point 0xffffffffffffffff is outside guest RAM" \
	"$VMM" -mode long -entry 0xffffffffffffffff -guest "$TMP/pic.bin"
expect_error entry-flat-vga "entry point 0xb8000 is in the VGA window 0xa0000-0xbffff" \
	"$VMM" -mode protected -entry 0xb8000 -guest "$TMP/pic.bin"
# 0xC0000-0xFFFFF is the guest's RAM too (issue 11): vmm's GDT and page
# tables, usually at 0xE0000, move out of the image's way.
expect flat-in-bios-area 0 "L" "$VMM" -mode long -load 0xe0000 -guest "$TMP/pic.bin"
expect_error entry-real-above-1m "real-mode entry 0x100000 is above 1 MiB" \
	"$VMM" -mem 4M -entry 0x100000 -guest "$TMP/pic.bin"
expect_error entry-elf-option "entry point 0x7ff00000 is outside guest RAM" \
	"$VMM" -entry 0x7ff00000 -guest "$TMP/nomb.elf"
patch_elf "$TMP/nomb.elf" "$TMP/entry-outside.elf" 'struct.pack_into("<I",b,24,0x7ff00000)'
expect_error entry-elf-header "entry point 0x7ff00000 is outside guest RAM" "$VMM" -guest "$TMP/entry-outside.elf"
expect_error entry-multiboot "entry point 0x7ff00000 is outside guest RAM" \
	"$VMM" -entry 0x7ff00000 -guest "$G/hello_mb-multiboot.elf"
# A Multiboot magic with a bad checksum is a broken kernel, not a flat binary
# (it used to run as one and die in a KVM dump) ...
patch_elf "$G/hello_mb-multiboot.elf" "$TMP/mb-badsum.elf" \
	'i=b.find(struct.pack("<I",0x1BADB002)); struct.pack_into("<I",b,i+8,struct.unpack_from("<I",b,i+8)[0]^1); open(sys.argv[2]+".off","w").write(hex(i))'
expect_error multiboot-bad-checksum "Multiboot header at offset $(cat "$TMP/mb-badsum.elf.off"): bad checksum" \
	"$VMM" -guest "$TMP/mb-badsum.elf"
# ... unless -mode says the file is a flat binary that holds the value by
# chance (here as data that the code jumps over): it then runs as one.
printf '\xeb\x06\x90\x90\x02\xb0\xad\x1b\xb0\x4c\xe6\xe9\xf4\0\0\0' >"$TMP/magic-by-chance.bin" # jmp +6; dd 0x1BADB002; print 'L'; hlt; pad
expect_error flat-magic-by-chance "Multiboot header at offset 0x4: bad checksum.*give -mode" \
	"$VMM" -guest "$TMP/magic-by-chance.bin"
expect flat-magic-by-chance-mode 0 "L" "$VMM" -mode real -guest "$TMP/magic-by-chance.bin"
# An a.out-kludge Multiboot header whose load_end_addr lies past the file.
python3 - "$TMP/kludge.bin" <<'PY'
import struct, sys
magic, flags = 0x1BADB002, 0x10003
hdr = struct.pack("<8I", magic, flags, (-(magic + flags)) & 0xffffffff,
                  0x100000, 0x100000, 0x100000 + 4096, 0, 0x100020)
open(sys.argv[1], "wb").write(hdr + b"\xf4" * 16)
PY
expect_error multiboot-truncated "truncated" "$VMM" -guest "$TMP/kludge.bin"
# The ELF loader (no Multiboot header): the same kernel starts in protected mode.
run elf32-plain "$VMM" -guest "$TMP/nomb.elf"
grep -q "$HELLO" "$TMP/elf32-plain.out" && pass elf32-plain || fail elf32-plain "status $rc: $(cat "$TMP/elf32-plain.err")"
# -mode is for flat binaries: with a Multiboot kernel it is reported and ignored.
run mode-ignored "$VMM" -mode long -guest "$G/hello_mb-multiboot.elf"
[ "$rc" -eq 16 ] && grep -q "apply to flat binaries.*Multiboot and starts in protected mode" "$TMP/mode-ignored.err" \
	&& pass mode-ignored || fail mode-ignored "status $rc: $(cat "$TMP/mode-ignored.err")"
# -v reports an unclaimed MMIO page once, however often the guest touches it.
printf '\xc7\x05\x00\x00\x0a\x00\x01\x00\x00\x00\xc7\x05\x04\x00\x0a\x00\x01\x00\x00\x00\xf4' >"$TMP/mmio.bin"
run verbose-mmio "$VMM" -mode protected -v -guest "$TMP/mmio.bin"   # two movl to 0xa0000, 0xa0004
[ "$rc" -eq 0 ] && [ "$(grep -c 'unclaimed MMIO' "$TMP/verbose-mmio.err")" -eq 1 ] \
	&& pass verbose-mmio || fail verbose-mmio "status $rc: $(cat "$TMP/verbose-mmio.err")"

# ---- QEMU users' habits (issue 13) ----
# Option names match exactly: -hda used to be taken as -h (help, status 0),
# and any unambiguous prefix as the option it began.
expect_error hda-is-not-help "no guest given" "$VMM" -hda "$TMP/pic.bin"
for abbrev in -he -gue --time=1 -disk-r -stat; do
	expect_error "abbreviation-refused$abbrev" "unknown option '${abbrev%%=*}" \
		"$VMM" $abbrev -guest "$G/hello-real.bin"
done
expect_error flag-with-value "option '-stats' takes no value" "$VMM" -stats=1 -guest "$G/hello-real.bin"
for h in -h -help --help; do
	run "help$h" "$VMM" $h
	[ "$rc" -eq 0 ] && grep -q "^usage: vmm" "$TMP/help$h.out" && pass "help$h" || fail "help$h" "status $rc"
done
# --help lists the devices every guest has, and where the docs are.
has_lines help-devices "$TMP/help--help.out" \
	"  0xE9         debug console: bytes to stdout" \
	"  0x3F8-0x3FF  COM1, 16550A UART (IRQ 4)" \
	"Docs: README.md, docs/devices.md, docs/hypercalls.md (installed: share/doc/vmm)"

# The guest file as the one positional argument; -kernel as -guest.
expect positional-guest 0 "$HELLO" "$VMM" "$G/hello-real.bin"
expect positional-guest-after-options 0 "$HELLO" "$VMM" -mode long "$G/hello-long.bin"
expect positional-after-double-dash 0 "$HELLO" "$VMM" -mode long -- "$G/hello-long.bin"
expect kernel-alias 16 "$MB_OUT" "$VMM" -kernel "$G/hello_mb-multiboot.elf" -append "a b"
expect_error two-positional "two guest files given: '$G/hello-real.bin' and '$G/hello-long.bin'" \
	"$VMM" "$G/hello-real.bin" "$G/hello-long.bin"
expect_error guest-and-positional "two guest files given" "$VMM" -guest "$G/hello-real.bin" "$G/hello-long.bin"

# -m and -mem: a bare number is MiB, as in QEMU; the kernel sees the RAM in
# its Multiboot information (mem_upper = RAM - 1 MiB, in KiB).
mem_upper() { # NAME KIB MEM-OPTIONS...
	local name=$1 kib=$2; shift 2
	run "$name" "$VMM" "$@" "$G/mbinfo-multiboot.elf" -append raw
	if [ "$rc" -eq 16 ] && grep -qx "mem_lower 640 KiB, mem_upper $kib KiB" "$TMP/$name.out"; then pass "$name"
	else fail "$name" "status $rc: $(grep mem_ "$TMP/$name.out") $(head -c 200 "$TMP/$name.err")"; fi
}
mem_upper m-64 64512 -m 64
mem_upper m-32 31744 -m 32
mem_upper mem-bare-48 48128 -mem 48
mem_upper m-size-equals 15360 -m size=16M
mem_upper m-gib 1047552 -m 1G
mem_upper mem-bytes 7168 -mem 8388608B
expect_error m-hotplug "vmm has no memory hotplug" "$VMM" -m 64,slots=2,maxmem=1G "$G/hello-real.bin"
expect_error m-too-small "bad memory size '1': give 2M..3G" "$VMM" -m 1 "$G/hello-real.bin"

# -hda and -drive open the disk (the ATA master), -drive readonly=on read-only.
truncate -s 1M "$TMP/hda.img"
run hda-opens-disk "$VMM" -hda "$TMP/hda.img" "$G/test_disk_emul-multiboot.elf" -append identify
has_lines hda-opens-disk "$TMP/hda-opens-disk.out" "identify: status 0" "identify: sectors 2048"
run drive-opens-disk "$VMM" -drive "file=$TMP/hda.img,format=raw,if=ide,index=0,media=disk" \
	-kernel "$G/test_disk_emul-multiboot.elf" -append identify
has_lines drive-opens-disk "$TMP/drive-opens-disk.out" "identify: status 0" "identify: sectors 2048"
head -c 65536 /dev/urandom >"$TMP/drive,ro.img"
sum=$(md5sum <"$TMP/drive,ro.img")
run drive-readonly "$VMM" -drive "file=$TMP/drive,,ro.img,format=raw,readonly=on" \
	"$G/test_disk_emul-multiboot.elf" -append ro
has_lines drive-readonly "$TMP/drive-readonly.out" "ro: write gives -4" "ro: read gives 0"
[ "$(md5sum <"$TMP/drive,ro.img")" = "$sum" ] && pass drive-readonly-untouched || fail drive-readonly-untouched "file changed"
expect_error drive-qcow2 "vmm: -drive format=qcow2: vmm reads raw images only" \
	"$VMM" -drive "file=$TMP/hda.img,format=qcow2" "$G/hello-real.bin"
expect_error drive-virtio "vmm: -drive if=virtio: vmm's one disk is the IDE master" \
	"$VMM" -drive "file=$TMP/hda.img,if=virtio" "$G/hello-real.bin"
expect_error drive-cache "vmm: -drive cache=: not supported by vmm" \
	"$VMM" -drive "file=$TMP/hda.img,cache=none" "$G/hello-real.bin"
expect_error two-disks "two disks given" "$VMM" -hda "$TMP/hda.img" -disk "$TMP/hda.img" "$G/hello-real.bin"

# -nographic: no window, COM1 on stdio (so a piped stdin reaches the guest).
ECHO=$G/serial_echo-multiboot64.elf
printf 'typed\004' | "$VMM" -nographic "$ECHO" -timeout 30 >"$TMP/nographic.out" 2>"$TMP/nographic.err"
rc=$?
if [ "$rc" -eq 16 ] && [ "$(cat "$TMP/nographic.out")" = "serial_echo: ready (irq)"$'\n'"typed" ]; then pass nographic
else fail nographic "status $rc, stdout '$(head -c 200 "$TMP/nographic.out")', stderr $(head -c 200 "$TMP/nographic.err")"; fi
expect_error nographic-with-display "vmm: -nographic cannot be used with -display sdl or term" \
	"$VMM" -nographic -display sdl "$G/hello-real.bin"
# Accepted: vmm always runs on KVM and never reboots.
expect qemu-accepted 0 "$HELLO" "$VMM" -enable-kvm -accel kvm -no-reboot -no-shutdown "$G/hello-real.bin"
expect_error accel-tcg "vmm: -accel tcg: vmm runs guests on KVM only" "$VMM" -accel tcg "$G/hello-real.bin"
# -d guest_errors and unimp are -v's report of unclaimed ports and MMIO.
run d-guest-errors "$VMM" -mode protected -d guest_errors,unimp "$TMP/mmio.bin"
[ "$rc" -eq 0 ] && [ "$(grep -c 'unclaimed MMIO' "$TMP/d-guest-errors.err")" -eq 1 ] \
	&& pass d-guest-errors || fail d-guest-errors "status $rc: $(cat "$TMP/d-guest-errors.err")"
expect_error d-in-asm "^vmm: -d in_asm is a QEMU option vmm does not support: " "$VMM" -d in_asm "$G/hello-real.bin"
# QEMU options vmm does not have: refused with the reason, not "unknown option".
for o in "-cdrom x.iso" "-fda x.img" "-hdb x.img" "-smp 2" "-cpu host" "-netdev user,id=n" "-device e1000" \
	"-monitor stdio" "-boot d" "-bios x.bin" "-machine q35" "-usb"; do
	set -- $o
	expect_error "qemu-refused$1" "^vmm: $1( [^ ]+)? is a QEMU option vmm does not support: .+" "$VMM" $o "$G/hello-real.bin"
done
expect_error qemu-device-debug-exit-elsewhere "^vmm: -device isa-debug-exit,iobase=0x501 is a QEMU option vmm does not support: vmm's isa-debug-exit is at iobase=0xf4" \
	"$VMM" -device isa-debug-exit,iobase=0x501 "$G/hello-real.bin"
# A QEMU test script's command line for a Multiboot kernel runs as it is.
expect qemu-command-line 16 "$MB_OUT" "$VMM" -display none -no-reboot -monitor none -serial none \
	-debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$G/hello_mb-multiboot.elf" -append "a b"
expect_error qemu-vga-std "unknown -vga 'std': use mapped or trapped" "$VMM" -vga std "$G/hello-real.bin"
