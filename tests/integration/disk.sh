#!/bin/bash
# The disk (issue 5): -disk option errors, the emulated ATA controller and the
# PV disk through the test guests (guest/programs/test_disk_*.c), images
# compared with references built independently by tests/tools/mkdiskref.py,
# and the wide test differentially against QEMU's IDE controller.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

REF="python3 tests/tools/mkdiskref.py"
EMUL=(-mode protected -guest "$G/test_disk_emul-protected.bin")
PV=(-mode protected -guest "$G/test_disk_pv-protected.bin")
EMUL_MB=(-guest "$G/test_disk_emul-multiboot.elf")
PV_MB=(-guest "$G/test_disk_pv-multiboot.elf")

blank() { rm -f "$1"; truncate -s "$2" "$1"; } # FILE SIZE: a zeroed image

# same_image NAME IMAGE REFERENCE: passes if the files are byte-identical.
same_image() {
	if cmp -s "$2" "$3"; then pass "$1"
	else fail "$1" "image differs from $(basename "$3"): $(cmp "$2" "$3" 2>&1 | head -1)"; fi
}

# ---- the course's exercise ----
$REF course "$TMP/course.ref"
same_image disk-ref-raw-matches-tool tests/disk_ref.raw "$TMP/course.ref"
for drv in emul pv; do
	blank "$TMP/course-$drv.img" 256K
	if [ $drv = emul ]; then args=("${EMUL[@]}"); else args=("${PV[@]}"); fi
	run course-$drv "$VMM" "${args[@]}" -disk "$TMP/course-$drv.img" -timeout 60
	if [ "$rc" -ne 0 ]; then fail course-$drv "exit $rc: $(head -c 300 "$TMP/course-$drv.err")"
	else same_image course-$drv "$TMP/course-$drv.img" "$TMP/course.ref"; fi
done

# ---- the wide test: emulated (flat and Multiboot), PV, PV queue, and QEMU ----
$REF wide "$TMP/wide.ref" 2048
wide() { # NAME STATUS VMM-ARGS...: runs the wide test on a fresh 1 MiB image
	local name=$1 status=$2; shift 2
	blank "$TMP/$name.img" 1M
	run "$name" "$VMM" "$@" -disk "$TMP/$name.img" -timeout 60
	if [ "$rc" -ne "$status" ]; then fail "$name" "exit $rc: $(head -c 300 "$TMP/$name.err")"
	elif ! grep -qx "wide: done, 0 failures" "$TMP/$name.out"; then
		fail "$name" "$(grep -v ': ok$' "$TMP/$name.out" | head -5 | tr '\n' '|')"
	else same_image "$name" "$TMP/$name.img" "$TMP/wide.ref"; fi
}
wide wide-emul 0 "${EMUL[@]}" -stats
wide wide-emul-multiboot 0 "${EMUL_MB[@]}"
wide wide-pv 0 "${PV[@]}"
wide wide-pv-multiboot 0 "${PV_MB[@]}"
wide wide-queue 0 "${PV_MB[@]}" -append qwide -stats
if cmp -s "$TMP/wide-pv-multiboot.out" "$TMP/wide-queue.out"
then pass wide-queue-lines-equal-pv; else fail wide-queue-lines-equal-pv "lines differ"; fi
if cmp -s "$TMP/wide-emul.img" "$TMP/wide-pv.img" && cmp -s "$TMP/wide-emul.out" "$TMP/wide-pv.out"
then pass wide-emul-equals-pv; else fail wide-emul-equals-pv "images or lines differ"; fi

QEMU=$(command -v qemu-system-x86_64)
if [ -z "$QEMU" ]; then
	skip wide-qemu "qemu-system-x86_64 is not installed"
else
	blank "$TMP/wide-qemu.img" 1M
	accel=-enable-kvm; [ -w /dev/kvm ] || accel=
	# Default CPU model: -cpu host fails on this host's KVM.
	timeout 120 "$QEMU" $accel -nodefaults -display none -no-reboot -monitor none -serial none \
		-kernel "$G/test_disk_emul-multiboot.elf" \
		-drive file="$TMP/wide-qemu.img",format=raw,if=ide \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -debugcon stdio \
		>"$TMP/wide-qemu.out" 2>"$TMP/wide-qemu.err" </dev/null
	qrc=$?
	if [ $qrc -ne 1 ]; then fail wide-qemu "QEMU exited $qrc: $(head -c 300 "$TMP/wide-qemu.err")"
	elif ! cmp -s "$TMP/wide-qemu.out" "$TMP/wide-emul-multiboot.out"; then
		fail wide-qemu "lines differ: $(diff "$TMP/wide-emul-multiboot.out" "$TMP/wide-qemu.out" | head -5 | tr '\n' '|')"
	else same_image wide-qemu "$TMP/wide-qemu.img" "$TMP/wide-emul-multiboot.img"; fi
fi

# ---- -no-io-fastpath: the same images, and each write KVM used to absorb
# (coalesced data-port writes, ioeventfd doorbells) is now an exit ----
wide wide-emul-slow-io 0 "${EMUL[@]}" -stats -no-io-fastpath
wide wide-queue-slow-io 0 "${PV_MB[@]}" -append qwide -stats -no-io-fastpath
stat_of() { grep -oP "$2 \K[0-9]+" "$TMP/$1.err" | head -1; } # RUN NAME: a -stats number
fast_exits=$(stat_of wide-emul "total exits"); coalesced=$(stat_of wide-emul "coalesced writes")
slow_exits=$(stat_of wide-emul-slow-io "total exits")
if [ -z "$coalesced" ] || [ "$coalesced" -eq 0 ]; then
	fail slow-io-emul-exits "the default run coalesced nothing: $(tr '\n' '|' <"$TMP/wide-emul.err")"
elif grep -q "coalesced writes" "$TMP/wide-emul-slow-io.err"; then
	fail slow-io-emul-exits "-no-io-fastpath still coalesced writes"
elif [ "$slow_exits" -ne $((fast_exits + coalesced)) ]; then
	fail slow-io-emul-exits "$slow_exits exits, expected $fast_exits + $coalesced"
else pass slow-io-emul-exits; fi
requests=$(stat_of wide-queue "disk queue requests")
if [ "$(stat_of wide-queue "doorbell exits")" != 0 ]; then
	fail slow-io-queue-doorbells "doorbells exited by default: $(grep "disk queue" "$TMP/wide-queue.err")"
elif [ "$(stat_of wide-queue-slow-io "doorbell exits")" != "$requests" ]; then
	fail slow-io-queue-doorbells "expected $requests doorbell exits: $(grep "disk queue" "$TMP/wide-queue-slow-io.err")"
else pass slow-io-queue-doorbells; fi

# ---- bad images: exit 2, one line, file untouched ----
head -c 1000 /dev/urandom >"$TMP/odd.img"
sum=$(md5sum <"$TMP/odd.img")
expect_error disk-wrong-size "odd.img.*multiple of 512" "$VMM" "${EMUL[@]}" -disk "$TMP/odd.img"
[ "$(md5sum <"$TMP/odd.img")" = "$sum" ] && pass disk-wrong-size-untouched || fail disk-wrong-size-untouched "file changed"
: >"$TMP/empty.img"
expect_error disk-empty "empty.img" "$VMM" "${EMUL[@]}" -disk "$TMP/empty.img"
expect_error disk-missing "nosuch.img.*No such file" "$VMM" "${EMUL[@]}" -disk "$TMP/nosuch.img"
if truncate -s $(( (1 << 28) * 512 + 512 )) "$TMP/huge.img" 2>/dev/null; then
	expect_error disk-too-big "huge.img" "$VMM" "${EMUL[@]}" -disk "$TMP/huge.img"
	rm -f "$TMP/huge.img"
else skip disk-too-big "cannot create a sparse 128 GiB file here"; fi
expect_error disk-option-needs-file "needs an argument" "$VMM" "${EMUL[@]}" -disk
# Not a file that can be a disk: refused at once; a FIFO used to block vmm
# in open() (`timeout` turns such a hang into a failure).
mkfifo "$TMP/fifo.img"
for ro in "" ",ro"; do
	expect_error "disk-fifo$ro" "fifo.img: not a regular file or block device" \
		timeout 10 "$VMM" "${EMUL[@]}" -disk "$TMP/fifo.img$ro"
done
expect_error disk-char-device "/dev/zero: not a regular file or block device" "$VMM" "${EMUL[@]}" -disk /dev/zero
expect_error disk-directory "not a regular file or block device" "$VMM" "${EMUL[@]}" -disk "$TMP"

# ---- read-only: the guest sees the error, the file is untouched ----
head -c 65536 /dev/urandom >"$TMP/ro.img"
sum=$(md5sum <"$TMP/ro.img")
run ro-emul "$VMM" "${EMUL_MB[@]}" -append ro -disk-ro -disk "$TMP/ro.img"
has_lines ro-emul "$TMP/ro-emul.out" "ro: write gives -4" "ro: read gives 0"
run ro-pv "$VMM" "${PV_MB[@]}" -append ro -disk "$TMP/ro.img,ro"
has_lines ro-pv "$TMP/ro-pv.out" "ro: write gives -5" "ro: read gives 0"
[ "$(md5sum <"$TMP/ro.img")" = "$sum" ] && pass ro-untouched || fail ro-untouched "file changed"

# ---- IDENTIFY as the guest sees it ----
blank "$TMP/id.img" 1M
run identify "$VMM" "${EMUL_MB[@]}" -append identify -disk "$TMP/id.img"
has_lines identify "$TMP/identify.out" "identify: status 0" "identify: sectors 2048" \
	"identify: model 'VMM TEACHING DISK'" "identify: word0 0x0040 lba yes" \
	"identify: signature 0xa5 checksum ok"
run identify-no-disk "$VMM" "${EMUL_MB[@]}" -append identify
has_lines identify-no-disk "$TMP/identify-no-disk.out" "identify: status -256"
run pv-no-disk "$VMM" "${PV[@]}"
has_lines pv-no-disk "$TMP/pv-no-disk.out" "no disk (-19), read gives -19"

# ---- errors: out-of-range LBA (IDNF), unknown command (ABRT), absent slave ----
# The master's status stays ERR (0x51) after the slave is deselected: a drive
# keeps a command's ending status until the next command.
blank "$TMP/err-emul.img" 64K
run errors-emul "$VMM" "${EMUL_MB[@]}" -append errors -disk "$TMP/err-emul.img"
has_lines errors-emul "$TMP/errors-emul.out" "errors: write at lba 128 gives -16" \
	"errors: write 2 at lba 127 gives -16" "errors: read at lba 128 gives -16" \
	"errors: read at lba 0x0FFFFFFF gives -16" \
	"errors: unknown command 0x60: status 0x51 error 0x04" \
	"errors: command 0xc8: status 0x51 error 0x04" "errors: data port when idle 0xffff" \
	"errors: slave status 0x00" "errors: master status 0x51" "errors: write after errors gives 0"
blank "$TMP/err-pv.img" 64K
run errors-pv "$VMM" "${PV_MB[@]}" -append errors -disk "$TMP/err-pv.img"
has_lines errors-pv "$TMP/errors-pv.out" "errors: write at lba 128 gives -22" \
	"errors: write 2 at lba 127 gives -22" "errors: read at lba 128 gives -22" \
	"errors: read to a wild buffer gives -14" "errors: write from a half-wild buffer gives -14" \
	"errors: huge lba gives -22" "errors: huge count gives -22" "errors: zero count gives 0" \
	"errors: write after errors gives 0"
# Only sector 3 (the valid write at the end) may have changed.
python3 -c 'import sys; open(sys.argv[1],"wb").write(bytes(1536)+bytes([0xAB])*512+bytes(65536-2048))' "$TMP/err-emul.ref"
same_image errors-emul-image "$TMP/err-emul.img" "$TMP/err-emul.ref"
python3 -c 'import sys; open(sys.argv[1],"wb").write(bytes(65536))' "$TMP/err-pv.ref"
dd if=/dev/zero of="$TMP/err-pv.ref" bs=512 seek=3 count=1 conv=notrunc status=none
same_image errors-pv-image "$TMP/err-pv.img" "$TMP/err-pv.ref"

# ---- SIGKILL right after a completed write keeps the sector ----
$REF kill "$TMP/kill.ref" 128
for drv in emul pv queue; do
	blank "$TMP/kill-$drv.img" 64K
	word=kill
	case $drv in
	emul) args=("${EMUL_MB[@]}") ;;
	pv) args=("${PV_MB[@]}") ;;
	queue) args=("${PV_MB[@]}"); word=qkill ;;
	esac
	"$VMM" "${args[@]}" -append $word -disk "$TMP/kill-$drv.img" -timeout 60 \
		>"$TMP/kill-$drv.out" 2>&1 </dev/null &
	pid=$!
	for _ in $(seq 200); do
		grep -q "kill: sector 7 written (0)" "$TMP/kill-$drv.out" && break
		sleep 0.05
	done
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	if ! grep -q "kill: sector 7 written (0)" "$TMP/kill-$drv.out"; then
		fail kill-$drv "no marker: $(head -c 300 "$TMP/kill-$drv.out")"
	else same_image kill-$drv "$TMP/kill-$drv.img" "$TMP/kill.ref"; fi
done

# ---- locking: one writer, or any number of readers; vmm and QEMU alike ----
printf '\xb0\x21\xe6\xe9\xeb\xfe' >"$TMP/hold.bin"   # mov al,'!'; out 0xe9,al; jmp .
printf '\xb0\x4c\xe6\xe9\xf4' >"$TMP/quick.bin"       # mov al,'L'; out 0xe9,al; hlt
# hold DISK-ARG: a vmm that keeps the image open, its guest spinning, until
# release; returns once the guest has printed, so the image is locked by then.
hold() {
	"$VMM" -guest "$TMP/hold.bin" -disk "$1" -timeout 120 >"$TMP/holder.out" 2>&1 </dev/null &
	holder=$!
	for _ in $(seq 200); do [ -s "$TMP/holder.out" ] && return; sleep 0.05; done
}
release() { kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null; }
# expect_locked NAME COMMAND...: exit 2, nothing run, and exactly the line
# that names the image and the way out.
expect_locked() {
	local name=$1; shift
	run "$name" "$@"
	if [ "$rc" -eq 2 ] && [ ! -s "$TMP/$name.out" ] && [ "$(cat "$TMP/$name.err")" = "$LOCKED" ]
	then pass "$name"; else fail "$name" "exit $rc, stderr '$(head -c 300 "$TMP/$name.err")'"; fi
}
head -c 65536 /dev/urandom >"$TMP/lock.img"
sum=$(md5sum <"$TMP/lock.img")
LOCKED="vmm: disk image $TMP/lock.img is in use by another process; use -disk $TMP/lock.img,ro to share it read-only"
QUICK=("$VMM" -guest "$TMP/quick.bin")
hold "$TMP/lock.img"
expect_locked lock-rw-vs-rw "${QUICK[@]}" -disk "$TMP/lock.img"
expect_error lock-ro-vs-rw "disk image .*lock.img is in use by another process that writes it" \
	"${QUICK[@]}" -disk "$TMP/lock.img,ro"
release
hold "$TMP/lock.img,ro"
expect lock-ro-and-ro 0 "L" "${QUICK[@]}" -disk "$TMP/lock.img,ro"
expect_locked lock-rw-vs-ro "${QUICK[@]}" -disk "$TMP/lock.img"
release
[ "$(md5sum <"$TMP/lock.img")" = "$sum" ] && pass lock-image-untouched || fail lock-image-untouched "file changed"
# The lock goes with the process, however it ends.
hold "$TMP/lock.img"
kill -9 "$holder"; wait "$holder" 2>/dev/null
expect lock-freed-by-sigkill 0 "L" "${QUICK[@]}" -disk "$TMP/lock.img"

# QEMU's own lock bytes: each refuses the other's writer, readers share.
if [ -z "$QEMU" ]; then
	skip lock-qemu "qemu-system-x86_64 is not installed"
else
	QEMU_STOPPED=("$QEMU" -nodefaults -display none -S -monitor none -serial none)
	QEMU_RW=(-drive "file=$TMP/lock.img,format=raw,if=ide")
	QEMU_RO=(-drive "file=$TMP/lock.img,format=raw,if=none,id=d0,readonly=on" -device virtio-blk-pci,drive=d0)
	ino=$(stat -c %i "$TMP/lock.img")
	# qemu_hold QEMU-DRIVE-ARGS...: QEMU stopped before its first instruction,
	# returning once it holds both its "use" byte(s) 100(-101) and byte 201.
	qemu_hold() {
		timeout 120 "${QEMU_STOPPED[@]}" "$@" >/dev/null 2>"$TMP/qemu-holder.err" </dev/null &
		qholder=$!
		for _ in $(seq 400); do
			grep -qE ":$ino 100 10[01]$" /proc/locks && grep -qE ":$ino 201 201$" /proc/locks && return
			sleep 0.05
		done
	}
	qemu_release() { kill "$qholder" 2>/dev/null; wait "$qholder" 2>/dev/null; }

	hold "$TMP/lock.img"
	run lock-qemu-vs-vmm-rw timeout 20 "${QEMU_STOPPED[@]}" "${QEMU_RW[@]}"
	[ "$rc" -eq 1 ] && grep -q 'Failed to get "write" lock' "$TMP/lock-qemu-vs-vmm-rw.err" \
		&& pass lock-qemu-vs-vmm-rw || fail lock-qemu-vs-vmm-rw "QEMU exit $rc: $(head -c 300 "$TMP/lock-qemu-vs-vmm-rw.err")"
	release
	hold "$TMP/lock.img,ro"
	run lock-qemu-vs-vmm-ro timeout 20 "${QEMU_STOPPED[@]}" "${QEMU_RW[@]}"
	[ "$rc" -eq 1 ] && grep -q 'Failed to get "write" lock' "$TMP/lock-qemu-vs-vmm-ro.err" \
		&& pass lock-qemu-vs-vmm-ro || fail lock-qemu-vs-vmm-ro "QEMU exit $rc: $(head -c 300 "$TMP/lock-qemu-vs-vmm-ro.err")"
	release

	qemu_hold "${QEMU_RW[@]}"
	expect_locked lock-vmm-rw-vs-qemu-rw "${QUICK[@]}" -disk "$TMP/lock.img"
	expect_error lock-vmm-ro-vs-qemu-rw "in use by another process that writes it" "${QUICK[@]}" -disk "$TMP/lock.img,ro"
	qemu_release
	qemu_hold "${QEMU_RO[@]}"
	expect_locked lock-vmm-rw-vs-qemu-ro "${QUICK[@]}" -disk "$TMP/lock.img"
	expect lock-vmm-ro-and-qemu-ro 0 "L" "${QUICK[@]}" -disk "$TMP/lock.img,ro"
	qemu_release
	[ "$(md5sum <"$TMP/lock.img")" = "$sum" ] && pass lock-qemu-image-untouched || fail lock-qemu-image-untouched "file changed"
fi
