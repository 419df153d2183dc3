#!/bin/bash
# Guest output and host I/O errors (issue 9, defects 6 and 7):
# - a pipe whose reader went away (`vmm ... | head`) stops the output, not
#   the guest: its exit status stands and the stop hooks run;
# - a stdout write that fails otherwise gives exit status 121 and one line;
# - a failing disk image is reported once per kind on stderr while the guest
#   sees the error (-EIO, ATA error bits) and its exit status stands.
# Disk failures are injected with the LD_PRELOAD shim tests/tools/failing_io.c.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

OUTPUT_GUEST=$BUILD/tests/guests/output_guest.bin # prints 128 KiB, writes sector 1, exits 41
SHIM=$PWD/$BUILD/tests/tools/failing_io.so
PV=(-mode protected -guest "$G/test_disk_pv-protected.bin")
EMUL=(-mode protected -guest "$G/test_disk_emul-protected.bin")

blank() { rm -f "$1"; truncate -s "$2" "$1"; } # FILE SIZE: a zeroed image

# lines_are NAME FILE LINE...: passes if FILE holds exactly these lines.
lines_are() {
	local name=$1 file=$2; shift 2
	if [ "$(cat "$file")" = "$(printf '%s\n' "$@")" ]; then pass "$name"
	else fail "$name" "expected '$*', got '$(head -c 400 "$file" | tr '\n' '|')'"; fi
}

# ---- defect 6: a closed pipe ----
# head exits after 10 bytes; the guest's output is twice what a pipe holds, so
# vmm surely writes after that (before the fix: killed by SIGPIPE, 141).
"$VMM" -guest "$OUTPUT_GUEST" 2>"$TMP/pipe.err" </dev/null | head -c 10 >"$TMP/pipe.out"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 41 ]; then fail pipe-closed-guest-status "exit status $rc, expected the guest's 41"
elif [ "$(cat "$TMP/pipe.out")" != "vmm output" ]; then
	fail pipe-closed-guest-status "head read '$(cat "$TMP/pipe.out")'"
else pass pipe-closed-guest-status; fi
lines_are pipe-closed-is-no-error "$TMP/pipe.err"

# The guest writes sector 1 after its output: the pipe is closed by then, and
# the write must still reach the image (before the fix vmm died first).
blank "$TMP/pipe.img" 2K
"$VMM" -guest "$OUTPUT_GUEST" -disk "$TMP/pipe.img" 2>"$TMP/pipe-disk.err" </dev/null | head -c 10 >/dev/null
rc=${PIPESTATUS[0]}
sector1=$(dd if="$TMP/pipe.img" bs=512 skip=1 count=1 2>/dev/null | head -c 24 | tr -d '\0')
if [ "$rc" -ne 41 ]; then
	fail pipe-closed-disk-written "exit status $rc, expected 41; stderr: $(head -c 300 "$TMP/pipe-disk.err")"
elif [ "$sector1" != "written after the output" ]; then
	fail pipe-closed-disk-written "sector 1 holds '$sector1'"
else pass pipe-closed-disk-written; fi

# ---- defect 7: stdout fails (not EPIPE) ----
# 121 outranks the guest's own status (41) and 0 after hlt: the one line says
# why, once, however much output is lost after it.
for guest in output:41 hello:0; do
	name=stdout-full-${guest%%:*}
	if [ "${guest%%:*}" = output ]; then args=(-guest "$OUTPUT_GUEST")
	else args=(-guest "$G/hello-real.bin"); fi
	"$VMM" "${args[@]}" >/dev/full 2>"$TMP/$name.err" </dev/null
	rc=$?
	if [ "$rc" -ne 121 ]; then fail "$name" "exit status $rc, expected 121 (guest alone: ${guest#*:})"
	else lines_are "$name" "$TMP/$name.err" "vmm: guest output lost: No space left on device"; fi
done

# ---- defect 7: the disk image fails ----
if [ ! -f "$SHIM" ]; then
	skip disk-errors "$SHIM is not built (make test-bins)"
	exit 0
fi
# failing NAME ENV... -- VMM-ARGS...: runs vmm on a fresh 1 MiB image with the
# shim making that image's I/O fail as the environment says.
failing() {
	local name=$1 env=(); shift
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	blank "$TMP/$name.img" 1M
	run "$name" env FAILING_IO_FILE="$TMP/$name.img" "${env[@]}" LD_PRELOAD="$SHIM" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"$VMM" "$@" -disk "$TMP/$name.img" -timeout 60
}
# status_and_lines NAME RUN STATUS LINE...: the vmm of failing RUN exited with
# STATUS and printed every LINE.
status_and_lines() {
	local name=$1 out=$TMP/$2.out status=$3; shift 3
	if [ "$rc" -ne "$status" ]; then
		fail "$name" "exit status $rc, expected $status; stderr: $(head -c 300 "${out%.out}.err")"
		return
	fi
	has_lines "$name" "$out" "$@"
}

# A disk that fills up at sector 100: three PV writes fail (the last sector,
# 100-107, 512-767), the guest sees -EIO (-5) for each and exits with its
# count of failures (6, reads of the unwritten sectors included): the exit
# status stays the guest's. stderr: one line, for the first failing sector.
failing disk-full-pv FAILING_IO_WRITE=ENOSPC FAILING_IO_FROM=100 -- "${PV[@]}"
status_and_lines disk-full-pv-guest-sees-eio disk-full-pv 6 "wide: write first sector: ok" \
	"wide: write last sector: FAILED (-5)" "wide: write sectors 100-107 in one command: FAILED (-5)" \
	"wide: write sectors 512-767 in one command: FAILED (-5)" "wide: done, 6 failures"
lines_are disk-full-pv-reported-once "$TMP/disk-full-pv.err" \
	"vmm: disk image $TMP/disk-full-pv.img: write failed at sector 2047: No space left on device"
# sector S of the image, as unsigned bytes on one line
sector_bytes() { dd if="$1" bs=512 skip="$2" count=1 2>/dev/null | od -An -v -tu1 | tr -s ' \n' ' '; }
zero_sector=$(head -c 512 /dev/zero | od -An -v -tu1 | tr -s ' \n' ' ')
if [ "$(sector_bytes "$TMP/disk-full-pv.img" 0 | cut -d' ' -f2-9)" != "0 0 0 0 4 5 6 7" ]; then
	fail disk-full-pv-image "sector 0 was not written: $(sector_bytes "$TMP/disk-full-pv.img" 0 | head -c 40)"
elif [ "$(sector_bytes "$TMP/disk-full-pv.img" 100)" != "$zero_sector" ]; then
	fail disk-full-pv-image "sector 100 was written on a full disk"
else pass disk-full-pv-image; fi

# The same through the emulated ATA controller: ABRT in the error register.
failing disk-full-ata FAILING_IO_WRITE=ENOSPC FAILING_IO_FROM=100 -- "${EMUL[@]}"
status_and_lines disk-full-ata-guest-sees-abrt disk-full-ata 6 "wide: write first sector: ok" \
	"wide: write last sector: FAILED (-4)" "wide: write sectors 512-767 in one command: FAILED (-4)"
lines_are disk-full-ata-reported-once "$TMP/disk-full-ata.err" \
	"vmm: disk image $TMP/disk-full-ata.img: write failed at sector 2047: No space left on device"

# Every read fails with EIO: six failing reads, one line.
failing disk-read-eio FAILING_IO_READ=EIO -- "${PV[@]}"
status_and_lines disk-read-eio-guest-sees-eio disk-read-eio 6 "wide: read first sector: FAILED (-5)" \
	"wide: read sectors 512-767: FAILED (-5)"
lines_are disk-read-eio-reported-once "$TMP/disk-read-eio.err" \
	"vmm: disk image $TMP/disk-read-eio.img: read failed at sector 0: Input/output error"

# fdatasync fails: the guest's FLUSH CACHE gets ABRT, the stop hook's flush
# fails too; the fdatasync line comes once.
failing disk-sync-eio FAILING_IO_SYNC=EIO -- "${EMUL[@]}"
status_and_lines disk-sync-eio-guest-sees-abrt disk-sync-eio 1 "wide: flush: FAILED (-4)" "wide: done, 1 failures"
n=$(grep -cxF "vmm: disk image $TMP/disk-sync-eio.img: fdatasync failed: Input/output error" "$TMP/disk-sync-eio.err")
if [ "$n" = 1 ]; then pass disk-sync-eio-reported-once
else fail disk-sync-eio-reported-once "$n fdatasync lines in: $(tr '\n' '|' <"$TMP/disk-sync-eio.err")"; fi

# A closed stdout or stderr (>&-, 2>&-) is never reused for another file: guest
# output and messages must not land in the disk image that vmm opens later.
truncate -s 1M "$TMP/closed.img"
"$VMM" -v -stats -guest "$G/hello_mb-multiboot.elf" -disk "$TMP/closed.img" >&- 2>"$TMP/closed-out.err"
rc=$?
if [ "$rc" = 121 ] && grep -qx "vmm: guest output lost: Bad file descriptor" "$TMP/closed-out.err" &&
	cmp -s "$TMP/closed.img" <(head -c 1M /dev/zero); then pass closed-stdout-output-lost
else fail closed-stdout-output-lost "status $rc, stderr $(head -c 200 "$TMP/closed-out.err")"; fi
"$VMM" -v -stats -guest "$G/hello_mb-multiboot.elf" -disk "$TMP/closed.img" 2>&- >"$TMP/closed-err.out"
rc=$?
if [ "$rc" = 16 ] && grep -q "Hello, world!" "$TMP/closed-err.out" &&
	cmp -s "$TMP/closed.img" <(head -c 1M /dev/zero); then pass closed-stderr-image-untouched
else fail closed-stderr-image-untouched "status $rc; image differs or no output"; fi
