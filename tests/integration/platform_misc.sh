#!/bin/bash
# What else a kernel probes on a PC (issue 10): PCI configuration mechanism #1
# with its host bridge, guest-requested resets (port 0x92, port 0xCF9), and
# what -v and -stats tell about the devices and interrupts a guest used.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

PCI="$G/pci_scan-multiboot.elf"
DONE=16 # main's return value when the guest has finished (QEMU: (16 << 1) | 1)

# ---- PCI ----

# A kernel's bus scan (every bus, device, function) finds the host bridge only.
expect pci-scan-finds-only-the-bridge $DONE \
	"$(printf '%s\n' 'pci 00:00.0 8086:1237 class 060000 rev 02 header 00' 'pci functions found: 1')" \
	"$VMM" -guest "$PCI" -append scan

# The bridge, register by register, as QEMU's i440FX shows it to a Multiboot
# kernel with the same RAM (the RAM size is in register 0x57).
QEMU=$(command -v qemu-system-x86_64)
if [ -z "$QEMU" ]; then
	skip pci-bridge-same-as-qemu "qemu-system-x86_64 is not installed"
else
	accel=-enable-kvm
	[ -w /dev/kvm ] || accel=
	# Default CPU model: -cpu host fails on this host's KVM.
	timeout 120 "$QEMU" $accel -m 128 -nodefaults -display none -no-reboot -monitor none \
		-serial none -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=4 \
		-kernel "$PCI" -append bridge >"$TMP/bridge.qemu" 2>"$TMP/bridge.qemu.err" </dev/null
	qemu_rc=$?
	run pci-bridge "$VMM" -mem 128M -guest "$PCI" -append bridge
	if [ "$rc" -ne $DONE ] || [ "$qemu_rc" -ne "$(qemu_status_of $DONE)" ]; then
		fail pci-bridge-same-as-qemu "exit status: vmm $rc, QEMU $qemu_rc ($(head -c 200 "$TMP/bridge.qemu.err"))"
	elif ! grep -qx "00: 12378086 00000103 06000002 00000000" "$TMP/pci-bridge.out"; then
		fail pci-bridge-same-as-qemu "no bridge header in: $(head -c 300 "$TMP/pci-bridge.out")"
	elif ! cmp -s "$TMP/pci-bridge.out" "$TMP/bridge.qemu"; then
		fail pci-bridge-same-as-qemu "output differs (vmm <, QEMU >): $(diff "$TMP/pci-bridge.out" "$TMP/bridge.qemu" | head -6 | tr '\n' '|')"
	else
		pass pci-bridge-same-as-qemu
	fi
fi

# ---- resets: status 120, one line naming the port, nothing after ----

# expect_reset NAME PORT_TEXT GUEST: the guest prints R, asks for a reset,
# then spins (without the reset the run would time out: status 124).
expect_reset() {
	local name=$1 port=$2 guest=$3
	run "$name" "$VMM" -guest "$guest" -timeout 10
	local want="vmm: guest asked for a reset ($port); vmm does not reboot"
	if [ "$rc" -ne 120 ]; then
		fail "$name" "exit status $rc, expected 120; stderr: $(head -c 300 "$TMP/$name.err")"
	elif [ "$(cat "$TMP/$name.out")" != R ]; then
		fail "$name" "stdout '$(head -c 100 "$TMP/$name.out")', expected R"
	elif [ "$(cat "$TMP/$name.err")" != "$want" ]; then
		fail "$name" "stderr '$(cat "$TMP/$name.err")', expected the one line '$want'"
	else
		pass "$name"
	fi
}
# mov al,'R'; out 0xe9,al; mov al,1; out 0x92,al; jmp $
printf '\xb0\x52\xe6\xe9\xb0\x01\xe6\x92\xeb\xfe' >"$TMP/reset92.bin"
expect_reset reset-port92 "port 0x92" "$TMP/reset92.bin"
# Fast A20 alone (bit 1) is not a reset: mov al,2; out 0x92,al; in al,0x92;
# out 0xe9,al (prints 0x02); hlt
printf '\xb0\x02\xe6\x92\xe4\x92\xe6\xe9\xf4' >"$TMP/a20.bin"
expect port92-a20-is-not-a-reset 0 "$(printf '\002')" "$VMM" -guest "$TMP/a20.bin"
# Linux's reboot=pci: 0x02 then 0x06 to 0xCF9 (mov dx,0xcf9; out dx,al).
# The keyboard controller's pulse of the reset line: mov al,0xfe; out 0x64,al.
printf '\xb0\x52\xe6\xe9\xb0\xfe\xe6\x64\xeb\xfe' >"$TMP/reset8042.bin"
expect_reset reset-i8042 "keyboard controller command 0xfe" "$TMP/reset8042.bin"
printf '\xb0\x52\xe6\xe9\xb0\x02\xba\xf9\x0c\xee\xb0\x06\xee\xeb\xfe' >"$TMP/resetcf9.bin"
expect_reset reset-cf9 "port 0xcf9" "$TMP/resetcf9.bin"
# The same from long mode, and with KVM's in-kernel irqchip (the ports are
# vmm's either way).
printf '\xb0\x52\xe6\xe9\xb0\x06\x66\xba\xf9\x0c\xee\xeb\xfe' >"$TMP/resetcf9-64.bin"
run reset-cf9-long-kernel-irqchip "$VMM" -mode long -irqchip kernel -guest "$TMP/resetcf9-64.bin" -timeout 10
[ "$rc" -eq 120 ] && grep -qx "vmm: guest asked for a reset (port 0xcf9); vmm does not reboot" \
	"$TMP/reset-cf9-long-kernel-irqchip.err" && pass reset-cf9-long-kernel-irqchip \
	|| fail reset-cf9-long-kernel-irqchip "status $rc: $(head -c 300 "$TMP/reset-cf9-long-kernel-irqchip.err")"

# ---- -v names each device the guest uses, once ----

# Two writes to COM1, two to the debug console, two reads of unclaimed port
# 0x300, a PCI address write: mov dx,0x3f8; mov al,'A'; out dx,al; out dx,al;
# mov al,'B'; out 0xe9,al; out 0xe9,al; mov dx,0x300; in al,dx; in al,dx;
# mov dx,0xcf8; out dx,eax; hlt
printf '\xba\xf8\x03\xb0\x41\xee\xee\xb0\x42\xe6\xe9\xe6\xe9\xba\x00\x03\xec\xec\xba\xf8\x0c\x66\xef\xf4' \
	>"$TMP/devices.bin"
run verbose-devices "$VMM" -v -guest "$TMP/devices.bin"
grep '^vmm: guest ' "$TMP/verbose-devices.err" >"$TMP/verbose-devices.lines"
printf '%s\n' "vmm: guest uses com1 (port 0x3f8)" "vmm: guest uses debugcon (port 0xe9)" \
	"vmm: guest read unclaimed port 0x300 (reported once)" "vmm: guest uses pci (port 0xcf8)" \
	>"$TMP/verbose-devices.want"
if [ "$rc" -eq 0 ] && cmp -s "$TMP/verbose-devices.lines" "$TMP/verbose-devices.want"; then
	pass verbose-names-each-device-once
else
	fail verbose-names-each-device-once "status $rc, lines: $(tr '\n' '|' <"$TMP/verbose-devices.lines")"
fi
# MMIO devices too: the VGA text buffer when it traps (two movl to 0xb8000,
# 0xb8002 in protected mode).
printf '\xc7\x05\x00\x80\x0b\x00\x41\x07\x00\x00\xc7\x05\x02\x80\x0b\x00\x42\x07\x00\x00\xf4' >"$TMP/vga.bin"
run verbose-mmio-device "$VMM" -mode protected -vga trapped -v -guest "$TMP/vga.bin"
n=$(grep -c "^vmm: guest uses vga-text (mmio 0xb8000)$" "$TMP/verbose-mmio-device.err")
[ "$rc" -eq 0 ] && [ "$n" -eq 1 ] && pass verbose-mmio-device \
	|| fail verbose-mmio-device "status $rc, $n lines in: $(tr '\n' '|' <"$TMP/verbose-mmio-device.err")"
# Without -v, none of it.
run quiet-devices "$VMM" -guest "$TMP/devices.bin"
[ "$rc" -eq 0 ] && [ ! -s "$TMP/quiet-devices.err" ] && pass quiet-without-v \
	|| fail quiet-without-v "status $rc, stderr: $(head -c 200 "$TMP/quiet-devices.err")"

# ---- -stats ----

# A guest without interrupts has no interrupt lines in -stats.
run stats-no-irq "$VMM" -stats -guest "$TMP/devices.bin"
if [ "$rc" -eq 0 ] && grep -q "total exits" "$TMP/stats-no-irq.err" &&
	! grep -qE "^  (irq|vector|hlt waits)" "$TMP/stats-no-irq.err"; then
	pass stats-no-irq-lines
else
	fail stats-no-irq-lines "status $rc: $(tr '\n' '|' <"$TMP/stats-no-irq.err")"
fi

# The timer guest (PIT at 100 Hz, 20 ticks counted in its IRQ 0 handler,
# `sti; hlt` in between, IRQ 0 masked at the 20th): -stats shows line 0
# raised, vector 0x20 (the remapped IRQ 0) injected exactly 20 times, and hlt
# waits.
TIMER="$G/timer_test-multiboot64.elf"
run stats-irq "$VMM" -stats -guest "$TIMER" -append 20
raised=$(sed -n 's/^  irq 0  timer  *raised  *\([0-9]*\)$/\1/p' "$TMP/stats-irq.err")
injected=$(sed -n 's/^  vector 0x20 injected  *\([0-9]*\)$/\1/p' "$TMP/stats-irq.err")
halts=$(sed -n 's/^  hlt waits \([0-9]*\)$/\1/p' "$TMP/stats-irq.err")
if [ "$rc" -eq 0 ] && [ "$(cat "$TMP/stats-irq.out")" = "ticks: 20" ] && [ "${raised:-0}" -ge 20 ] &&
	[ "$injected" = 20 ] && [ "${halts:-0}" -ge 1 ] &&
	[ "$(grep -cE '^  (irq|vector) ' "$TMP/stats-irq.err")" -eq 2 ]; then
	pass stats-irq-lines
else
	fail stats-irq-lines "status $rc, raised '$raised' injected '$injected' halts '$halts': $(grep -E '^  (irq|vector|hlt)' "$TMP/stats-irq.err" | tr '\n' '|')"
fi
# With KVM's chips vmm sees none of it, and says so instead of printing zeros.
run stats-irq-kernel "$VMM" -stats -irqchip kernel -guest "$TIMER" -append 20
if [ "$rc" -eq 0 ] && grep -q "^  interrupts: KVM's chips (-irqchip kernel)" "$TMP/stats-irq-kernel.err" &&
	! grep -qE '^  (vector|hlt waits) ' "$TMP/stats-irq-kernel.err"; then
	pass stats-irq-kernel-irqchip
else
	fail stats-irq-kernel-irqchip "status $rc: $(grep -E '^  (irq|vector|hlt|interrupts)' "$TMP/stats-irq-kernel.err" | tr '\n' '|')"
fi
