#!/bin/bash
# Start-up: the same Multiboot hello kernel run to its exit by vmm and by
# QEMU (-enable-kvm, default CPU model), measured side by side with
# hyperfine. Prints a table and the ratio.
set -u
BUILD=${BUILD:-build}
KERNEL=$BUILD/guest/hello_mb-multiboot.elf
QEMU=$(command -v qemu-system-x86_64 || true)
if [ ! -f "$KERNEL" ] || ! command -v hyperfine >/dev/null; then
	echo "startup: needs $KERNEL and hyperfine"; exit 1
fi
cmds=("$BUILD/vmm -guest $KERNEL")
[ -n "$QEMU" ] && cmds+=("$QEMU -enable-kvm -nodefaults -display none -no-reboot -monitor none -serial none -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel $KERNEL")
out=$(mktemp)
# -i: both exit with the guest's status 33, which is not a failure here.
hyperfine -N -i -w 1 -r 5 --export-markdown "$out" "${cmds[@]}" >/dev/null 2>&1 || { echo "startup: hyperfine failed"; exit 1; }
echo "## Start-up: hello Multiboot kernel, launch to exit (hyperfine, 5 runs)"
sed -e "s|$QEMU .*-kernel [^ \`]*|qemu-system-x86_64 -enable-kvm ... -kernel hello_mb|" "$out"
rm -f "$out"
