#!/bin/bash
# Differential tests: the same Multiboot kernels in QEMU (our reference) and
# in vmm must print the same bytes and exit with corresponding statuses: main's
# return value V on vmm, (V << 1) | 1 on QEMU (lib.sh: qemu_status_of).
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

QEMU=$(command -v qemu-system-x86_64)
qemu_run() { # NAME KERNEL [APPEND]
	local accel=-enable-kvm
	[ -w /dev/kvm ] || accel=
	# Default CPU model: -cpu host fails on this host's KVM.
	timeout 120 "$QEMU" $accel -nodefaults -display none -no-reboot -monitor none -serial none \
		-debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=4 \
		-kernel "$2" -append "${3:-}" >"$TMP/$1.qemu.out" 2>"$TMP/$1.qemu.err" </dev/null
	qemu_rc=$?
}

same_as_qemu() { # NAME KERNEL [APPEND]
	local name=$1
	if [ -z "$QEMU" ]; then skip "$name" "qemu-system-x86_64 is not installed"; return; fi
	qemu_run "$@"
	run "$name.vmm" "$VMM" -guest "$2" -append "${3:-}"
	if [ "$(qemu_status_of "$rc")" -ne "$qemu_rc" ]; then
		fail "$name" "exit status: vmm $rc, QEMU $qemu_rc, expected (vmm << 1) | 1 ($(head -c 200 "$TMP/$name.qemu.err"))"
	elif ! cmp -s "$TMP/$name.vmm.out" "$TMP/$name.qemu.out"; then
		fail "$name" "output differs: $(diff "$TMP/$name.vmm.out" "$TMP/$name.qemu.out" | head -5)"
	elif [ ! -s "$TMP/$name.vmm.out" ]; then
		fail "$name" "no output at all"
	else
		pass "$name"
	fi
}

same_as_qemu qemu-hello-multiboot "$G/hello_mb-multiboot.elf" "a b"
same_as_qemu qemu-hello-multiboot64 "$G/hello_mb-multiboot64.elf"
same_as_qemu qemu-printf-multiboot "$G/printf_test-multiboot.elf"
same_as_qemu qemu-printf-multiboot64 "$G/printf_test-multiboot64.elf"
