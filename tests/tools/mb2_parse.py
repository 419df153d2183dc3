#!/usr/bin/env python3
"""Checks a Multiboot2 boot information structure against the specification.

An independent parser, written from the Multiboot2 specification 2.0
(section 3.6, "Boot information format"), not from vmm's code: the test
kernel guest/programs/mb2_info.c prints the structure's address ("info at
0x...") and its bytes as hex ("dump: ..." lines); this script rebuilds the
bytes and checks

  layout: the structure is 8-aligned; total_size matches and reserved is 0;
          every tag starts 8-aligned, is at least 8 bytes, fits, has the size
          its type needs (strings NUL-terminated inside it); the end tag
          (type 0, size 8) is last and the structure ends with it;
  values: the command line, the boot loader's name, each module's size and
          string, mem_lower/mem_upper, the memory map (entry size 24,
          version 0, sorted, no overlaps, usable RAM within -mem, mem_lower
          and mem_upper as the map says, the information itself and the
          modules where the map says they may be), the EGA text framebuffer.

usage: mb2_parse.py OUTPUT --mem BYTES [--cmdline TEXT] [--module SIZE:STRING]... [--any-loader]
--any-loader drops the checks of what vmm promises beyond the specification
(the EGA text framebuffer tag, the information inside a reserved map entry),
to check another loader's structure (GRUB's) the same way.
Prints "mb2_parse: ok, N tags" and exits 0, or one line "mb2_parse: ..." and
exits 1.
"""
import argparse
import re
import struct
import sys

TAG_END, TAG_CMDLINE, TAG_LOADER, TAG_MODULE, TAG_MEMINFO = 0, 1, 2, 3, 4
TAG_BOOTDEV, TAG_MMAP, TAG_FRAMEBUFFER, TAG_LOAD_BASE = 5, 6, 8, 21
USABLE = 1
ONE_MIB = 1 << 20
LOW_MEMORY_END = 0xA0000


class Invalid(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Invalid(message)


def c_string(body, what):
    end = body.find(b"\0")
    check(end >= 0, f"{what}: no NUL inside the tag")
    return body[:end].decode("utf-8", "replace"), end + 1


def read_output(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    m = re.search(r"info at 0x([0-9a-f]+)", text)
    check(m, "no 'info at' line in the kernel's output")
    hexdigits = "".join(re.findall(r"^dump: ([0-9a-f]+)$", text, re.M))
    check(hexdigits, "no 'dump:' lines in the kernel's output")
    return int(m.group(1), 16), bytes.fromhex(hexdigits)


def parse_tags(info):
    """The tags as (type, offset, bytes after the 8-byte head), checked for layout."""
    check(len(info) >= 16, f"structure of {len(info)} bytes is too short")
    total_size, reserved = struct.unpack_from("<II", info, 0)
    check(total_size == len(info), f"total_size {total_size}, but {len(info)} bytes were dumped")
    check(reserved == 0, f"reserved field is {reserved}, not 0")
    tags, off = [], 8
    while True:
        check(off % 8 == 0, f"tag at offset {off} is not 8-aligned")
        check(off + 8 <= total_size, f"no end tag before total_size {total_size}")
        tag_type, size = struct.unpack_from("<II", info, off)
        check(size >= 8, f"tag {tag_type} at offset {off}: size {size} below 8")
        check(off + size <= total_size, f"tag {tag_type} at offset {off}: size {size} runs past total_size")
        tags.append((tag_type, off, info[off + 8:off + size]))
        if tag_type == TAG_END:
            check(size == 8, f"end tag has size {size}, not 8")
            check(off + 8 == total_size, f"end tag ends at {off + 8}, total_size is {total_size}")
            return tags
        off += (size + 7) & ~7


def parse_values(tags):
    """The fields of each known tag, with the sizes each type needs."""
    v = {"modules": [], "counts": {}}
    for tag_type, off, body in tags:
        v["counts"][tag_type] = v["counts"].get(tag_type, 0) + 1
        where = f"tag {tag_type} at offset {off}"
        if tag_type in (TAG_CMDLINE, TAG_LOADER):
            s, used = c_string(body, where)
            check(used == len(body), f"{where}: {len(body) - used} bytes after the string's NUL")
            v["cmdline" if tag_type == TAG_CMDLINE else "loader"] = s
        elif tag_type == TAG_MODULE:
            check(len(body) >= 9, f"{where}: too short for a module")
            start, end = struct.unpack_from("<II", body, 0)
            s, used = c_string(body[8:], where)
            check(8 + used == len(body), f"{where}: bytes after the string's NUL")
            check(start <= end, f"{where}: mod_start 0x{start:x} above mod_end 0x{end:x}")
            v["modules"].append((start, end, s))
        elif tag_type == TAG_MEMINFO:
            check(len(body) == 8, f"{where}: basic memory information is {len(body) + 8} bytes, not 16")
            v["mem_lower"], v["mem_upper"] = struct.unpack_from("<II", body, 0)
        elif tag_type == TAG_BOOTDEV:
            check(len(body) == 12, f"{where}: BIOS boot device is {len(body) + 8} bytes, not 20")
        elif tag_type == TAG_MMAP:
            check(len(body) >= 8, f"{where}: memory map too short")
            entry_size, version = struct.unpack_from("<II", body, 0)
            check(entry_size == 24, f"{where}: entry_size {entry_size}, not 24")
            check(version == 0, f"{where}: entry_version {version}, not 0")
            check((len(body) - 8) % entry_size == 0, f"{where}: not a whole number of entries")
            v["mmap"] = [struct.unpack_from("<QQII", body, i)
                         for i in range(8, len(body), entry_size)]
        elif tag_type == TAG_FRAMEBUFFER:
            check(len(body) >= 23, f"{where}: framebuffer information too short")
            v["framebuffer"] = struct.unpack_from("<QIIIBB", body, 0)
        elif tag_type == TAG_LOAD_BASE:
            check(len(body) == 4, f"{where}: load base is {len(body) + 8} bytes, not 12")
    return v


def inside(ranges, start, end):
    return any(b <= start and end <= b + n for b, n in ranges)


def check_memory(v, mem, info_addr, info_size, any_loader):
    check("mmap" in v, "no memory map tag")
    check("mem_lower" in v, "no basic memory information tag")
    entries = v["mmap"]
    for (b1, n1, _, _), (b2, _, _, _) in zip(entries, entries[1:]):
        check(b1 + n1 <= b2, f"memory map entries 0x{b1:x} and 0x{b2:x} overlap or are unsorted")
    usable = [(b, n) for b, n, t, _ in entries if t == USABLE]
    reserved = [(b, n) for b, n, t, _ in entries if t != USABLE]
    for b, n in usable:
        check(b + n <= mem, f"usable RAM 0x{b:x}-0x{b + n:x} lies past -mem (0x{mem:x})")
        check(not (b < 0xC0000 and b + n > LOW_MEMORY_END), f"usable RAM 0x{b:x}-0x{b + n:x} covers the VGA window")
    check(sum(n for _, n in usable) >= mem - 2 * ONE_MIB, "the map reports less than -mem minus 2 MiB usable")
    # mem_lower: usable KiB from 0; mem_upper: usable KiB from 1 MiB without a gap.
    lower = next((min(n, LOW_MEMORY_END) for b, n in usable if b == 0), 0)
    check(v["mem_lower"] * 1024 == lower, f"mem_lower {v['mem_lower']} KiB, the map says {lower // 1024}")
    upper_end = ONE_MIB
    for b, n in usable:
        if b <= upper_end < b + n:
            upper_end = b + n
    check(v["mem_upper"] * 1024 == upper_end - ONE_MIB,
          f"mem_upper {v['mem_upper']} KiB, the map says {(upper_end - ONE_MIB) // 1024}")
    # The boot loader's own structure: vmm reports it reserved (GRUB does not).
    check(any_loader or inside(reserved, info_addr, info_addr + info_size),
          f"the information at 0x{info_addr:x} is not inside a reserved map entry")
    for start, end, s in v["modules"]:
        check(end == start or inside(usable, start, end),
              f"module '{s}' at 0x{start:x}-0x{end:x} is not in usable RAM")
        check(end <= info_addr or start >= info_addr + info_size, f"module '{s}' overlaps the information")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output")
    ap.add_argument("--mem", type=int, required=True)
    ap.add_argument("--cmdline", default="")
    ap.add_argument("--module", action="append", default=[], help="SIZE:STRING, in order")
    ap.add_argument("--any-loader", action="store_true")
    args = ap.parse_args()
    try:
        info_addr, info = read_output(args.output)
        check(info_addr % 8 == 0, f"the information at 0x{info_addr:x} is not 8-aligned")
        tags = parse_tags(info)
        v = parse_values(tags)
        wanted = (TAG_CMDLINE, TAG_LOADER, TAG_MEMINFO, TAG_MMAP)
        for t in wanted + (() if args.any_loader else (TAG_FRAMEBUFFER,)):
            check(v["counts"].get(t) == 1, f"tag {t} appears {v['counts'].get(t, 0)} times, not once")
        check(v["cmdline"] == args.cmdline, f"command line '{v['cmdline']}', expected '{args.cmdline}'")
        check(v["loader"] != "", "empty boot loader name")
        check(len(v["modules"]) == len(args.module),
              f"{len(v['modules'])} module tags, expected {len(args.module)}")
        for (start, end, s), want in zip(v["modules"], args.module):
            size, string = want.split(":", 1)
            check(end - start == int(size), f"module '{s}' is {end - start} bytes, expected {size}")
            check(s == string, f"module string '{s}', expected '{string}'")
            check(start % 4096 == 0, f"module '{s}' at 0x{start:x} is not page-aligned")
        if "framebuffer" in v or not args.any_loader:
            check(v["framebuffer"] == (0xB8000, 160, 80, 25, 16, 2),
                  f"framebuffer {v['framebuffer']} is not the 80x25 EGA text console")
        check_memory(v, args.mem, info_addr, len(info), args.any_loader)
    except Invalid as e:
        print(f"mb2_parse: {e}")
        return 1
    print(f"mb2_parse: ok, {len(tags)} tags")
    return 0


if __name__ == "__main__":
    sys.exit(main())
