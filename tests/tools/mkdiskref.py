#!/usr/bin/env python3
"""Builds the reference disk images of the disk tests, from the tests'
written specification only (issue 5 and guest/programs/disk_plan.h's header
comment), never from vmm's or the guests' code, so that a bug shared by the
guest and the VMM cannot hide.

  mkdiskref.py course OUT            the course's exercise: 256 KiB, sectors
                                     307 71 511 17 147 31 219 0 hold byte
                                     i = i mod 256, everything else zero
  mkdiskref.py wide OUT [SECTORS]    the wide test (default 2048 sectors):
                                     sectors 0, 1-16, 100-107, 512-767 and
                                     the last hold the wide pattern
  mkdiskref.py kill OUT SECTORS      sector 7 holds the wide pattern
"""
import sys

SECTOR = 512


def wide_sector(s):
    # bytes 0-3: the LBA, little-endian; byte j >= 4: (j + 3 s) mod 256
    head = s.to_bytes(4, "little")
    return head + bytes((j + 3 * s) % 256 for j in range(4, SECTOR))


def image(sectors, contents):
    data = bytearray(sectors * SECTOR)
    for s, payload in contents.items():
        data[s * SECTOR:(s + 1) * SECTOR] = payload
    return bytes(data)


def course():
    pattern = bytes(i % 256 for i in range(SECTOR))
    return image(512, {s: pattern for s in (307, 71, 511, 17, 147, 31, 219, 0)})


def wide(sectors):
    written = [0, sectors - 1] + list(range(1, 17)) + list(range(100, 108)) + list(range(512, 768))
    return image(sectors, {s: wide_sector(s) for s in written})


def main(argv):
    if len(argv) < 3 or argv[1] not in ("course", "wide", "kill"):
        sys.exit(__doc__)
    kind, out = argv[1], argv[2]
    sectors = int(argv[3]) if len(argv) > 3 else 2048
    if kind == "course":
        data = course()
    elif kind == "wide":
        data = wide(sectors)
    else:
        data = image(sectors, {7: wide_sector(7)})
    with open(out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main(sys.argv)
