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
