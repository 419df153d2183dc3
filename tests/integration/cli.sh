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

# Multiboot (ELF32; and one that switches itself to long mode).
MB_OUT=$(printf '%s\n%s\n%s' "$HELLO" "multiboot magic ok" "cmdline: $G/hello_mb-multiboot.elf a b")
expect multiboot 33 "$MB_OUT" "$VMM" -guest "$G/hello_mb-multiboot.elf" -append "a b"
MB64_OUT=$(printf '%s\n%s\n%s' "$HELLO" "multiboot magic ok" "cmdline: $G/hello_mb-multiboot64.elf ")
expect multiboot64 33 "$MB64_OUT" "$VMM" -guest "$G/hello_mb-multiboot64.elf"

# The SDK's printf, in every mode the SDK builds (the guest returns its
# failure count).
for m in real protected long; do
	run "printf-$m" "$VMM" -mode $m -guest "$G/printf_test-$m.bin"
	[ "$rc" -eq 0 ] && pass "printf-$m" || fail "printf-$m" "status $rc: $(tail -3 "$TMP/printf-$m.out")"
done
for f in multiboot multiboot64; do
	run "printf-$f" "$VMM" -guest "$G/printf_test-$f.elf"
	[ "$rc" -eq 1 ] && pass "printf-$f" || fail "printf-$f" "status $rc: $(tail -3 "$TMP/printf-$f.out")"
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
[ "$rc" -eq 0 ] && grep -q "usage: vmm -guest FILE" "$TMP/help.out" && pass help || fail help "status $rc"
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
[ "$rc" -eq 33 ] && grep -q "apply to flat binaries.*Multiboot and starts in protected mode" "$TMP/mode-ignored.err" \
	&& pass mode-ignored || fail mode-ignored "status $rc: $(cat "$TMP/mode-ignored.err")"
# -v reports an unclaimed MMIO page once, however often the guest touches it.
printf '\xc7\x05\x00\x00\x0a\x00\x01\x00\x00\x00\xc7\x05\x04\x00\x0a\x00\x01\x00\x00\x00\xf4' >"$TMP/mmio.bin"
run verbose-mmio "$VMM" -mode protected -v -guest "$TMP/mmio.bin"   # two movl to 0xa0000, 0xa0004
[ "$rc" -eq 0 ] && [ "$(grep -c 'unclaimed MMIO' "$TMP/verbose-mmio.err")" -eq 1 ] \
	&& pass verbose-mmio || fail verbose-mmio "status $rc: $(cat "$TMP/verbose-mmio.err")"
