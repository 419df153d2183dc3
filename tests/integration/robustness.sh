#!/bin/bash
# Malformed guests that no one wrote by hand: seeded random corruptions and
# truncations of a real Multiboot kernel and of the same kernel as a plain
# ELF. Whatever the bytes, vmm must end in an orderly way: exit 2 with a
# one-line error, the guest's own status, a timeout, or a triple-fault or
# KVM-error report; never a crash (signal) or a host error.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

python3 - "$G/hello_mb-multiboot.elf" "$TMP" <<'PY'
import random, sys
src = open(sys.argv[1], "rb").read()
plain = bytearray(src)
i = plain.find((0x1BADB002).to_bytes(4, "little"))
plain[i:i + 4] = b"\0\0\0\0"
random.seed(2026)
for n in range(60):
    image = bytearray(src if n % 2 else plain)
    # ELF header and program headers (first 0x80 bytes) or anywhere up to
    # and past the Multiboot header at 0x1000.
    limit = 0x80 if n % 3 == 0 else 0x1100
    for _ in range(random.randint(1, 6)):
        pos = random.randint(0, min(len(image) - 1, limit))
        image[pos] = random.randint(0, 255)
    if random.random() < 0.25:
        image = image[:random.randint(1, len(image))]
    open(f"{sys.argv[2]}/fuzz{n:02d}.elf", "wb").write(image)
PY

bad=0
for f in "$TMP"/fuzz*.elf; do
	"$VMM" -guest "$f" -mem 16M -timeout 1 >/dev/null 2>"$TMP/fuzz.err" </dev/null
	rc=$?
	if [ $rc -gt 128 ] || [ $rc -eq 1 ]; then
		bad=$((bad + 1))
		echo "$(basename "$f"): exit $rc: $(head -c 200 "$TMP/fuzz.err")" >&2
	elif [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/fuzz.err")" -ne 1 ]; then
		bad=$((bad + 1))
		echo "$(basename "$f"): exit 2 without a one-line error" >&2
	fi
done
[ $bad -eq 0 ] && pass corrupted-kernels || fail corrupted-kernels "$bad of 60 images ended badly"

# ---- files that are not guest images: refused at once, never a hang ----
# `timeout` turns a regression (vmm blocked in open()) into a failure.
mkfifo "$TMP/fifo"
expect_error guest-fifo "fifo is not a regular file but a FIFO" timeout 10 "$VMM" -guest "$TMP/fifo"
expect_error guest-char-device "/dev/zero is not a regular file but a character device" \
	timeout 10 "$VMM" -guest /dev/zero
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$TMP/sock"
expect_error guest-socket "sock is not a regular file but a socket" timeout 10 "$VMM" -guest "$TMP/sock"

# ---- a huge guest file is refused before it is read ----
# rss_run NAME COMMAND...: like run, and $rss = the command's peak RSS in KiB.
rss_run() {
	local name=$1; shift
	read -r rc rss < <(python3 -c '
import resource, subprocess, sys
with open(sys.argv[1], "wb") as out, open(sys.argv[2], "wb") as err:
    rc = subprocess.call(sys.argv[3:], stdout=out, stderr=err, stdin=subprocess.DEVNULL)
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$TMP/$name.out" "$TMP/$name.err" "$@")
}
# expect_refused_small NAME PATTERN COMMAND...: exit 2, one line matching
# PATTERN, and a peak RSS far below the file's 3 GiB (vmm used to read the
# whole file into memory before checking its size).
expect_refused_small() {
	local name=$1 pattern=$2; shift 2
	rss_run "$name" "$@"
	if [ "$rc" -ne 2 ] || [ "$(wc -l <"$TMP/$name.err")" -ne 1 ] || ! grep -qE "$pattern" "$TMP/$name.err"; then
		fail "$name" "exit $rc, stderr '$(head -c 300 "$TMP/$name.err")'"
	elif [ "$rss" -gt $((512 * 1024)) ]; then
		fail "$name" "peak RSS $rss KiB for a refused file"
	else
		pass "$name"
	fi
}
if truncate -s 3G "$TMP/huge-flat.bin" 2>/dev/null; then
	expect_refused_small huge-flat "image range 0x0-0xc0000000 does not fit in RAM" \
		"$VMM" -guest "$TMP/huge-flat.bin"
	rm -f "$TMP/huge-flat.bin"
	# An ELF whose first segment claims 2.75 GiB of a 3 GiB (sparse) file.
	python3 - "$G/hello_mb-multiboot.elf" "$TMP/huge.elf" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.find(struct.pack("<I", 0x1BADB002)); b[i:i + 4] = bytes(4)   # a plain ELF32
ph = struct.unpack_from("<I", b, 28)[0]
struct.pack_into("<I", b, ph + 12, 0x100000)                   # p_paddr
struct.pack_into("<II", b, ph + 16, 0xB0000000, 0xB0000000)    # p_filesz, p_memsz
open(sys.argv[2], "wb").write(b)
PY
	truncate -s 3G "$TMP/huge.elf"
	expect_refused_small huge-elf-segment "image range 0x100000-0xb0100000 does not fit in RAM" \
		"$VMM" -guest "$TMP/huge.elf"
	rm -f "$TMP/huge.elf"
else
	skip huge-flat "cannot create a sparse 3 GiB file here"
	skip huge-elf-segment "cannot create a sparse 3 GiB file here"
fi
