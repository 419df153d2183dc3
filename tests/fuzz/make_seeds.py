#!/usr/bin/env python3
"""Writes the hand-made seed inputs of tests/fuzz/corpus/ (run from the
repository root: python3 tests/fuzz/make_seeds.py). The seeds are committed;
this script documents how each was built and remakes them. Formats: the
comment at the top of each tests/fuzz/fuzz_<target>.c."""
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
# Inputs that crashed vmm before a fix go to tests/fuzz/crashes/<target>/
# (kind="crashes"); make test replays both folders.


def save(target, name, data, kind="corpus"):
    d = os.path.join(ROOT, "..", kind, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- paging part (fuzz_common.h) ----
REAL, NONE, P32, P32PSE, PAE, LONG4, LONG5, RAW = range(8)


def regs(mode, cr3_page, cr0=0x11, cr4=0, efer=0):
    """Mode byte with 'cr3 names a RAM page' set, then the registers."""
    return struct.pack("<BIIIQ", mode | 8, cr0, cr4, efer, cr3_page << 12)


def ptr64(page, index, target, flags=3):
    return struct.pack("<BHHHB", 1, page, index, target, flags)


def raw64(page, index, entry):
    return struct.pack("<BHHQ", 0, page, index, entry)


def ptr32(page, index, target, flags=3):
    return struct.pack("<BHHHH", 3, page, index, target, flags)


def raw32(page, index, entry):
    return struct.pack("<BHHI", 2, page, index, entry)


def data(page, offset, b):
    return struct.pack("<BHHB", 4, page, offset, len(b)) + b


def records(*rs):
    return bytes([len(rs)]) + b"".join(rs)


COPY_TO, COPY_FROM, STRING, CHECK, TO_GPA = range(5)


def op(kind, gva, length, payload=b""):
    return struct.pack("<BQHB", kind, gva, length, len(payload)) + payload


def ops(*os_):
    return bytes([len(os_)]) + b"".join(os_)


def long4_tables(leaf_entries):
    """PML4 at page 0x10, PDPT 0x11, PD 0x12, PT 0x13; leaf_entries go in
    the PT. Virtual 0 .. 2 MiB is the PT's range."""
    return [ptr64(0x10, 0, 0x11), ptr64(0x11, 0, 0x12), ptr64(0x12, 0, 0x13)] + leaf_entries


def all_ops(gva):
    return ops(op(COPY_TO, gva, 300, b"hello"), op(COPY_FROM, gva, 5000),
               op(STRING, gva, 64), op(CHECK, gva, 8192), op(TO_GPA, gva + 5, 0))


def paging_seeds():
    s = "hello, guest\0".encode()
    save("paging", "real", regs(REAL, 0) + records(data(0x20, 0, s)) +
         ops(op(STRING, 0x20000, 100), op(COPY_TO, 0x10FF00, 0xF0, b"x"), op(COPY_TO, 0x10FF00, 0xF1, b"y"),
             op(COPY_FROM, 0x9F800, 0x1000), op(TO_GPA, 0x10FFEF, 0)))
    save("paging", "none", regs(NONE, 0) + records(data(0x30, 0x10, s)) +
         ops(op(STRING, 0x30010, 100), op(CHECK, 0xBF000, 0x2000), op(COPY_TO, 0x3FF000, 0x2000, b"z"),
             op(COPY_FROM, 0xFFFFF000, 0x10)))
    # 32-bit: PD at page 0x10; PDE 0 -> PT page 0x11; PT maps 0x1000.. to
    # pages 0x20..; PDE 1 is a 4 MiB page at 0 (with PSE).
    pd32 = [ptr32(0x10, 0, 0x11), ptr32(0x11, 1, 0x20), ptr32(0x11, 2, 0x21), ptr32(0x11, 3, 0x10),
            raw32(0x10, 1, 0x83), data(0x20, 0xFF0, b"0123456789abcdef"), data(0x21, 0, b"ghij\0")]
    save("paging", "p32", regs(P32, 0x10, cr0=0x80000011) + records(*pd32) + all_ops(0x1FF0))
    save("paging", "p32pse", regs(P32PSE, 0x10, cr0=0x80000011, cr4=0x10) + records(*pd32) +
         all_ops(0x400000 + 0x20FF0))
    # PAE: PDPT at page 0x10 (4 entries), PD 0x11, PT 0x12; PDE 1 is 2 MiB.
    pae = [ptr64(0x10, 0, 0x11, 1), ptr64(0x11, 0, 0x12), ptr64(0x12, 1, 0x20), ptr64(0x12, 2, 0x21),
           raw64(0x11, 1, 0x200083), data(0x20, 0xFF0, b"0123456789abcdef"), data(0x21, 0, b"ghij\0")]
    save("paging", "pae", regs(PAE, 0x10, cr0=0x80000011, cr4=0x20) + records(*pae) +
         all_ops(0x1FF0) + b"")
    save("paging", "pae-2m", regs(PAE, 0x10, cr0=0x80000011, cr4=0x20) + records(*pae) +
         all_ops(0x200000 + 0x1FF0))
    l4 = long4_tables([ptr64(0x13, 1, 0x20), ptr64(0x13, 2, 0x21), ptr64(0x13, 3, 0x13),
                       raw64(0x12, 1, 0x83), raw64(0x11, 1, 0x83),
                       data(0x20, 0xFF0, b"0123456789abcdef"), data(0x21, 0, b"ghij\0")])
    save("paging", "long4", regs(LONG4, 0x10, cr0=0x80000011, cr4=0x20, efer=0x500) + records(*l4) +
         all_ops(0x1FF0))
    save("paging", "long4-2m-1g", regs(LONG4, 0x10, cr0=0x80000011, cr4=0x20, efer=0x500) + records(*l4) +
         ops(op(COPY_FROM, 0x200000 + 0x9F000, 0x2000), op(COPY_TO, 0x40000000 + 0x1000, 0x1000, b"q"),
             op(CHECK, 0xFFFF800000000000, 1), op(STRING, 0xFFFFFFFFFFFFFFF0, 0x100)))
    l5 = [ptr64(0x14, 0, 0x10)] + l4
    save("paging", "long5", regs(LONG5, 0x14, cr0=0x80000011, cr4=0x1020, efer=0x500) + records(*l5) +
         all_ops(0x1FF0))
    save("paging", "raw-regs", struct.pack("<BIIIQ", RAW, 0x80000011, 0x20, 0x500, 0x10000) + records(*l4) +
         all_ops(0x1FF0))
    # Issue 9, defect 1: virtual page 0 is the page table itself (PTE 0 maps
    # page 0x13), page 1 is page 0x20. A 16-sector copy to virtual 0 writes
    # the page table first; its PTE 1 becomes 1 GiB (past RAM) or page 0x30
    # (RAM the copy must not touch). The copy must use the translation from
    # before the call: bytes 4096.. go to page 0x20. Before commit 41f1ea2
    # both crashed the replay (SIGSEGV: memcpy to NULL / to a read-only page).
    for name, pte1 in (("defect1-past-ram", 0x40000003), ("defect1-other-page", 0x30003)):
        tables = long4_tables([ptr64(0x13, 0, 0x13), ptr64(0x13, 1, 0x20), ptr64(0x13, 2, 0x21)])
        payload = struct.pack("<QQ", 0x13003, pte1)
        save("paging", name, regs(LONG4, 0x10, cr0=0x80000011, cr4=0x20, efer=0x500) + records(*tables) +
             ops(op(COPY_TO, 0, 16 * 512, payload), op(COPY_FROM, 0, 3 * 4096)), kind="crashes")


# ---- ata (fuzz_ata.c) ----
NO_DRIVE, RW, RO = 0, 1, 2


def wr(reg, value, size=1):
    return struct.pack("<BI", reg | {1: 0, 2: 0x10, 4: 0x20, 8: 0x30}[size] | 0x40, value)


def rd(reg, size=1):
    return bytes([reg | {1: 0, 2: 0x10, 4: 0x20, 8: 0x30}[size]])


def cmd(count, lba, command, device=0xE0):
    return struct.pack("<BBIB", 11, count, lba | (device << 24), command)


def sector_out(v):
    return struct.pack("<BH", 9, v)


SECTOR_IN = bytes([10])


def ata_seeds():
    save("ata", "identify", bytes([RW]) + cmd(0, 0, 0xEC) + rd(7) + SECTOR_IN + rd(7) + rd(1))
    save("ata", "read-1", bytes([RW]) + cmd(1, 5, 0x20) + rd(7) + SECTOR_IN + rd(7))
    save("ata", "read-2-32bit", bytes([RW]) + cmd(2, 62, 0x20) + rd(7) + rd(0, 4) * 256 + rd(7) + SECTOR_IN + rd(8))
    save("ata", "write-1", bytes([RW]) + cmd(1, 7, 0x30) + rd(7) + sector_out(0x1234) + rd(7) + cmd(0, 0, 0xE7) + rd(7))
    save("ata", "write-last", bytes([RW]) + cmd(1, 63, 0x30) + wr(0, 0xAABBCCDD, 4) * 128 + rd(7))
    save("ata", "write-past-end", bytes([RW]) + cmd(2, 63, 0x31) + rd(7) + rd(1) + sector_out(1) + sector_out(2) + rd(7))
    save("ata", "read-all-256", bytes([RW]) + cmd(0, 0, 0x20) + rd(7) + rd(1))
    save("ata", "write-readonly", bytes([RO]) + cmd(1, 0, 0x30) + rd(7) + rd(1) + sector_out(7) + rd(7))
    save("ata", "write-abort-midway", bytes([RW]) + cmd(1, 3, 0x30) + wr(0, 0x55, 2) * 100 + cmd(1, 3, 0x20) + SECTOR_IN + rd(7))
    save("ata", "reset", bytes([RW]) + cmd(1, 1, 0x20) + wr(8, 4) + rd(7) + rd(2) + wr(8, 0) + rd(7) + rd(1) + rd(2, 4))
    save("ata", "slave", bytes([RW]) + wr(6, 0xF0) + rd(7) + cmd(1, 0, 0x20, 0xF0) + rd(8) + SECTOR_IN + wr(6, 0xE0) + rd(7))
    save("ata", "chs-and-bad-cmd", bytes([RW]) + cmd(1, 0, 0x20, 0xA0) + rd(7) + rd(1) + cmd(0, 0, 0x99) + rd(7) + cmd(3, 0, 0x91) + cmd(3, 0, 0xEF) + rd(7, 8))
    save("ata", "no-drive", bytes([NO_DRIVE]) + cmd(1, 0, 0x20) + rd(7) + SECTOR_IN + cmd(1, 0, 0x30) + sector_out(3) + wr(8, 4) + rd(8) + wr(8, 0) + rd(7))
    save("ata", "wide-regs", bytes([RW]) + wr(2, 0x00000501, 4) + wr(6, 0x30E0, 2) + rd(7) + rd(4, 4) + rd(6, 8) + SECTOR_IN)


# ---- hypercall (fuzz_hypercall.c) ----
(PRINT8, PRINT32, NUM_EXITS, PRINTSTR, GVA_TO_HVA, GET_TIMESTAMP, EXIT, VGA_WRITE, DISK_READ,
 DISK_WRITE, DISK_INFO, MEMMAP, PRINT64, DISK_QUEUE) = range(1, 15)


def hc(nr, a0=0, a1=0, a2=0, a3=0, page=0x20, offset=0):
    """A call whose block sits at RAM page `page` + offset."""
    return struct.pack("<BHHB4Q", 0, page, offset, nr, a0, a1, a2, a3)


def doorbell(value, size=4):
    return struct.pack("<BBI", 1, {1: 0, 2: 1, 4: 2}[size], value)


QUEUE_RING = bytes([2])


def poke(page, offset, b):
    return struct.pack("<BHHB", 3, page, offset, len(b)) + b


def steps(*ss):
    return bytes([len(ss)]) + b"".join(ss)


def slot(op_, lba, buffer, count, status=0x7777):
    return struct.pack("<IiQQII", op_, status, lba, buffer, count, 0)


def hypercall_seeds():
    flat = regs(NONE, 0)
    s = b"Hello from the guest\n\0"
    save("hypercall", "core-calls", bytes([RW]) + flat + records(data(0x30, 0, s)) +
         steps(hc(PRINT8, 0x41), hc(PRINT32, 1234), hc(PRINT64, 0xDEADBEEF), hc(NUM_EXITS), hc(PRINTSTR, 0x30000),
               hc(GVA_TO_HVA, 0x30000), hc(GVA_TO_HVA, 0xB8000), hc(GET_TIMESTAMP), hc(MEMMAP, 0x31000, 8)))
    save("hypercall", "errors", bytes([NO_DRIVE]) + flat + records() +
         steps(hc(99), hc(DISK_INFO), hc(DISK_READ, 0, 0x40000, 1), hc(PRINTSTR, 0x9FFF0), hc(MEMMAP, 0x9FFF0, 8),
               hc(PRINTSTR, 0x30000, page=0x20, offset=4), doorbell(0xB8000), doorbell(0x1FFFF8),
               hc(EXIT, 3)))
    save("hypercall", "disk-rw", bytes([RW]) + flat + records(data(0x40, 0, b"sector data")) +
         steps(hc(DISK_INFO), hc(DISK_WRITE, 3, 0x40000, 2), hc(DISK_READ, 0, 0x50000, 4),
               hc(DISK_READ, 63, 0x50000, 2), hc(DISK_READ, 0, 0x9F000, 8), hc(DISK_WRITE, 0, 0x40000, 0),
               hc(DISK_READ, 2, 0x1FFE00, 1)))
    save("hypercall", "disk-ro", bytes([RO]) + flat + records() +
         steps(hc(DISK_WRITE, 0, 0x40000, 1), hc(DISK_WRITE, 0, 0x40000, 0), hc(DISK_READ, 0, 0x40000, 64),
               hc(DISK_INFO)))
    cells = b"".join(struct.pack("<H", 0x1F00 | c) for c in b"VGA cells")
    save("hypercall", "vga-write", bytes([NO_DRIVE]) + flat + records(data(0x30, 0, cells)) +
         steps(hc(VGA_WRITE, 0, 0x30000, 9), hc(VGA_WRITE, 1995, 0x30000, 5), hc(VGA_WRITE, 1995, 0x30000, 6),
               hc(VGA_WRITE, 0, 0x9FFFC, 4), hc(VGA_WRITE, 2000, 0x30000, 0)))
    # The disk queue at gpa 0x40000: register (submitted 0), then submit
    # a read, a write, a flush and a bad op, and ring.
    q = 0x40000
    save("hypercall", "disk-queue", bytes([RW]) + flat + records() +
         steps(hc(DISK_QUEUE, q),
               poke(0x40, 16, slot(1, 0, 0x50000, 2) + slot(2, 5, 0x51000, 1) + slot(3, 0, 0, 0) +
                    slot(9, 0, 0, 1)),
               poke(0x40, 0, struct.pack("<I", 4)), QUEUE_RING,
               poke(0x40, 16, slot(1, 63, 0x50000, 2) + slot(2, 0, 0x9FE00, 2)),
               poke(0x40, 0, struct.pack("<I", 6)), QUEUE_RING, hc(DISK_QUEUE, 0), QUEUE_RING))
    save("hypercall", "disk-queue-ro", bytes([RO]) + flat + records() +
         steps(hc(DISK_QUEUE, q), poke(0x40, 16, slot(2, 0, 0x50000, 1) + slot(1, 1, 0x50000, 1)),
               poke(0x40, 0, struct.pack("<I", 2)), QUEUE_RING, hc(DISK_QUEUE, q + 4),
               hc(DISK_QUEUE, 0x1FFFF8), poke(0x40, 0, struct.pack("<I", 40)), QUEUE_RING))
    # Long mode: DISK_READ of 16 sectors over the guest's own page table
    # (virtual page 0 is the page table, page 1 is page 0x20): issue 9,
    # defect 1 through the hypercall. The image's sector 0 then becomes the
    # page table, PTE 1 included.
    tables = long4_tables([ptr64(0x13, 0, 0x13), ptr64(0x13, 1, 0x20), ptr64(0x13, 2, 0x21),
                           ptr64(0x13, 0x100, 0x30)])
    save("hypercall", "disk-read-over-page-table", bytes([RW]) +
         regs(LONG4, 0x10, cr0=0x80000011, cr4=0x20, efer=0x500) + records(*tables) +
         steps(hc(DISK_READ, 0, 0, 16, page=0x30), hc(PRINTSTR, 0x1000, page=0x30, offset=64)), kind="crashes")


# ---- vga (fuzz_vga.c) ----
def pout(port, value, size=1):
    return struct.pack("<BBBI", 0, port - 0x3C0, {1: 0, 2: 1, 4: 2}[size], value)


def pin(port, size=1):
    return struct.pack("<BBB", 1, port - 0x3C0, {1: 0, 2: 1, 4: 2}[size])


def crtc(index, value):
    return pout(0x3D4, index) + pout(0x3D5, value)


def mout(offset, value, size=2):
    return struct.pack("<BHBQ", 2, offset, {1: 0, 2: 1, 4: 2, 8: 3}[size], value)


def min_(offset, size=2):
    return struct.pack("<BHB", 3, offset, {1: 0, 2: 1, 4: 2, 8: 3}[size])


def vga_write(first, count, text, attr=0x1F):
    cells = b"".join(struct.pack("<H", attr << 8 | c) for c in text)
    return struct.pack("<BHHB", 4, first, count, len(cells)) + cells


RENDER = bytes([5])


def vga_seeds():
    def save_vga(name, script):
        render = script.endswith(RENDER)
        save("vga", name, bytes([1 if render else 0]) + (script[:-1] if render else script))

    save_vga("hello", vga_write(0, 5, b"Hello") + vga_write(80, 6, b"world!", 0x4E) + RENDER)
    save_vga("cursor", crtc(0x0E, 0) + crtc(0x0F, 81) + crtc(0x0A, 0) + crtc(0x0B, 15) + pin(0x3D5) +
         vga_write(81, 1, b"C", 0x2A) + RENDER)
    save_vga("cursor-off", crtc(0x0A, 0x20) + crtc(0x0F, 5) + RENDER)
    save_vga("cursor-clamp", crtc(0x0A, 14) + crtc(0x0B, 31) + crtc(0x0F, 1999) + crtc(0x0E, 7) + RENDER)
    save_vga("cursor-inverted", crtc(0x0A, 10) + crtc(0x0B, 3) + RENDER)
    save_vga("scroll", crtc(0x0C, 0) + crtc(0x0D, 80) + vga_write(0, 3, b"top") + crtc(0x0F, 0) +
         min_(0xA0) + RENDER)
    save_vga("scroll-wrap", crtc(0x0C, 0x3F) + crtc(0x0D, 0xF0) + vga_write(0, 40, b"wraps around the end of the buffer.....") +
         RENDER)
    save_vga("line-graphics", pin(0x3DA) + pout(0x3C0, 0x10) + pout(0x3C0, 0x08) + pin(0x3C1) + pin(0x3DA) +
         pout(0x3C0, 0x10) + pin(0x3C1) + vga_write(0, 48, bytes(range(0xB0, 0xE0)), 0x07) + RENDER)
    save_vga("wide-access", pout(0x3D4, 0x0F0E, 2) + pout(0x3D4, 0x3F0F, 2) + pin(0x3D4, 2) + pin(0x3DC, 4) +
         pout(0x3DE, 0xFFFFFFFF, 4) + pin(0x3CC) + pin(0x3C5) + pout(0x3C0, 0x11223344, 4) + pin(0x3C0, 4) + RENDER)
    save_vga("mmio", mout(0, 0x1F41) + mout(2, 0x1F42, 1) + mout(0x7FFC, 0x1122334455667788, 8) + min_(0x7FF8, 8) +
         min_(0x7FFF, 4) + mout(0x0FA0, 0x2E2E2E2E, 4) + min_(1, 2) + RENDER)
    save_vga("vga-write-bounds", vga_write(1999, 1, b"!") + vga_write(1999, 2, b"!!") + vga_write(2000, 0, b"") +
         vga_write(0, 2001, b"x") + vga_write(0, 2000, b"full screen ") + RENDER)


# ---- loader (fuzz_loader.c) ----
F_REAL, F_PROT, F_PAGED32, F_LONG = 0, 1, 2, 3
F_LOAD, F_ENTRY, F_ENTRY64, F_APPEND, F_FILE, F_IGNORE_BAD_MB = 4, 8, 16, 32, 64, 128


def elf(bits, entry, segments, vbase=0, etype=2):
    """A minimal ELF executable: segments = [(paddr, bytes, memsz)], each at
    p_vaddr = paddr + vbase (a higher-half kernel); etype 3 = PIE, 1 = object."""
    code = b""
    if bits == 64:
        ehsize, phsize = 64, 56
    else:
        ehsize, phsize = 52, 32
    off = ehsize + phsize * len(segments)
    phdrs = b""
    for paddr, body, memsz in segments:
        if bits == 64:
            phdrs += struct.pack("<IIQQQQQQ", 1, 7, off, paddr + vbase, paddr, len(body), memsz, 0x1000)
        else:
            phdrs += struct.pack("<IIIIIIII", 1, off, paddr + vbase, paddr, len(body), memsz, 7, 0x1000)
        code += body
        off += len(body)
    ident = b"\x7fELF" + bytes([2 if bits == 64 else 1, 1, 1]) + bytes(9)
    machine = 62 if bits == 64 else 3
    if bits == 64:
        eh = ident + struct.pack("<HHIQQQIHHHHHH", etype, machine, 1, entry, ehsize, 0, 0, ehsize, phsize,
                                 len(segments), 0, 0, 0)
    else:
        eh = ident + struct.pack("<HHIIIIIHHHHHH", etype, machine, 1, entry, ehsize, 0, 0, ehsize, phsize,
                                 len(segments), 0, 0, 0)
    return eh + phdrs + code


HLT = b"\xf4"


def multiboot_aout(load, entry, body, bss=0x1000, header_at=0):
    """A Multiboot kernel with the a.out kludge (flags bit 16): the header
    says where the file goes (header_addr/load_addr/load_end/bss_end/entry)."""
    flags = 0x00010003
    magic = 0x1BADB002
    checksum = (-(magic + flags)) & 0xFFFFFFFF
    header_addr = load + header_at
    hdr = struct.pack("<IIIIIIII", magic, flags, checksum, header_addr, load,
                      load + header_at + 32 + len(body), load + header_at + 32 + len(body) + bss, entry)
    return bytes(header_at) + hdr + body


def multiboot_elf(entry, body):
    magic, flags = 0x1BADB002, 0x00000003
    hdr = struct.pack("<III", magic, flags, (-(magic + flags)) & 0xFFFFFFFF)
    return elf(32, entry, [(0x100000, hdr + body, len(hdr) + len(body) + 0x100)])


def loader_seeds():
    g = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "guest")
    real_guests = [("hello-real.bin", F_REAL), ("hello-protected.bin", F_PROT), ("hello-long.bin", F_LONG),
                   ("hello_mb-multiboot.elf", 0), ("hello_mb-multiboot64.elf", F_APPEND),
                   ("test_vga_pv-protected.bin", F_PROT | F_FILE), ("printf_test-multiboot.elf", F_FILE),
                   ("mb2_info-multiboot2.elf", F_APPEND), ("mb2_info-multiboot2-aout.bin", F_FILE),
                   ("mb2_info-multiboot-both.elf", 0), ("low_segment.elf", 0), ("higher_half.elf", F_FILE)]
    for name, flags in real_guests:
        path = os.path.join(g, name)
        if os.path.exists(path):
            with open(path, "rb") as f:
                save("loader", "guest-" + name, bytes([flags]) + f.read())
    save("loader", "elf64", bytes([0]) + elf(64, 0x200000, [(0x200000, HLT * 16, 0x2000)]))
    save("loader", "elf64-two-segments", bytes([F_FILE]) +
         elf(64, 0x101000, [(0x100000, b"\x90" * 32, 0x1000), (0x101000, HLT, 0x10)]))
    save("loader", "elf32", bytes([F_FILE]) + elf(32, 0x100000, [(0x100000, HLT * 8, 0x100)]))
    save("loader", "elf32-low", bytes([0]) + elf(32, 0x1000, [(0x1000, HLT * 8, 0x100)]))
    save("loader", "elf32-vga-window", bytes([0]) + elf(32, 0xB8000, [(0xB8000, HLT * 8, 0x100)]))
    save("loader", "elf32-past-ram", bytes([0]) + elf(32, 0x3FF000, [(0x3FF000, HLT * 8, 0x10000)]))
    save("loader", "elf64-entry-override", bytes([F_ENTRY | F_ENTRY64]) + struct.pack("<Q", 0x200004) +
         elf(64, 0x200000, [(0x200000, HLT * 16, 0x100)]))
    save("loader", "elf64-entry-outside", bytes([F_ENTRY]) + struct.pack("<I", 0xA0000) +
         elf(64, 0x200000, [(0x200000, HLT * 16, 0x100)]))
    save("loader", "multiboot-elf", bytes([F_APPEND]) + multiboot_elf(0x10000C, HLT * 4))
    save("loader", "multiboot-aout", bytes([F_APPEND]) + multiboot_aout(0x100000, 0x100020, HLT * 64))
    save("loader", "multiboot-aout-file", bytes([F_FILE]) + multiboot_aout(0x200000, 0x200140, HLT * 64, header_at=0x100))
    save("loader", "multiboot-aout-bad-bss", bytes([0]) + multiboot_aout(0x100000, 0x100020, HLT, bss=0x10000000))
    bad = bytearray(multiboot_aout(0x100000, 0x100020, HLT * 4))
    bad[8] ^= 1
    save("loader", "multiboot-bad-checksum", bytes([0]) + bytes(bad))
    save("loader", "multiboot-bad-checksum-flat", bytes([F_IGNORE_BAD_MB | F_PROT]) + bytes(bad))
    save("loader", "flat-load", bytes([F_PROT | F_LOAD]) + struct.pack("<I", 0x100000) + HLT * 32)
    save("loader", "flat-entry", bytes([F_LONG | F_LOAD | F_ENTRY]) + struct.pack("<II", 0x200000, 0x200010) + HLT * 32)
    save("loader", "flat-entry-outside", bytes([F_PROT | F_ENTRY]) + struct.pack("<I", 0xFFFFF000) + HLT * 32)
    save("loader", "flat-load-vga", bytes([F_REAL | F_LOAD]) + struct.pack("<I", 0x9FFF0) + HLT * 32)
    save("loader", "flat-load-top", bytes([F_PAGED32 | F_LOAD | F_FILE]) + struct.pack("<I", 0x3EFFE0) + HLT * 32)
    save("loader", "empty", bytes([F_REAL]))
    # Issue 11: loads anywhere but the VGA window, virtual entries, refusals.
    path = os.path.join(g, "realmode_switch.bin")
    if os.path.exists(path):
        with open(path, "rb") as f:
            save("loader", "guest-realmode_switch.bin", bytes([F_REAL | F_LOAD]) + struct.pack("<I", 0x7C00) + f.read())
    save("loader", "elf32-bios-area", bytes([0]) + elf(32, 0xE0000, [(0xE0000, HLT * 8, 0x20000)]))
    save("loader", "flat-load-bios-area", bytes([F_LONG | F_LOAD]) + struct.pack("<I", 0xE0000) + HLT * 32)
    save("loader", "elf32-higher-half", bytes([0]) +
         elf(32, 0xC010000C, [(0x100000, HLT * 32, 0x1000)], vbase=0xC0000000))
    save("loader", "elf32-higher-half-entry", bytes([F_ENTRY]) + struct.pack("<I", 0xC0100010) +
         elf(32, 0xC010000C, [(0x100000, HLT * 32, 0x1000)], vbase=0xC0000000))
    save("loader", "elf64-pie", bytes([0]) + elf(64, 0x1000, [(0x1000, HLT, 0x10)], etype=3))
    save("loader", "elf32-relocatable", bytes([0]) + elf(32, 0, [(0, HLT, 0x10)], etype=1))
    bz = bytearray(0x400)
    bz[0:2], bz[0x1FE:0x200], bz[0x202:0x206] = b"MZ", b"\x55\xaa", b"HdrS"
    save("loader", "bzimage", bytes([0]) + bytes(bz))
    save("loader", "pe-mz", bytes([F_FILE]) + b"MZ" + bytes(0x3A) + struct.pack("<I", 0x40) + b"PE\0\0" + bytes(64))


# ---- gdb_packet: bytes as gdb sends them on the socket ----
def gdb_pkt(payload):
    """Frames a payload as gdb does: $payload#checksum, escaping }#$*."""
    body = bytearray()
    for c in payload:
        if c in b"}#$*":
            body += bytes([0x7D, c ^ 0x20])
        else:
            body.append(c)
    return b"$" + bytes(body) + b"#%02x" % (sum(body) & 0xFF)


def rcmd(text):
    return gdb_pkt(b"qRcmd," + text.encode().hex().encode())


def gdb_packet_seeds():
    # A session's opening as gdb 13 sends it, acks included.
    save("gdb_packet", "handshake", b"+" + gdb_pkt(b"qSupported:multiprocess+;swbreak+;hwbreak+;"
         b"qRelocInsn+;fork-events+;vfork-events+;exec-events+;vContSupported+;QThreadEvents+;"
         b"no-resumed+;memory-tagging+") + b"+" + gdb_pkt(b"vMustReplyEmpty") + b"+" +
         gdb_pkt(b"Hg0") + b"+" + gdb_pkt(b"qXfer:features:read:target.xml:0,ffb") + b"+" +
         gdb_pkt(b"qTStatus") + gdb_pkt(b"?") + gdb_pkt(b"qfThreadInfo") + gdb_pkt(b"qC") +
         gdb_pkt(b"qAttached") + gdb_pkt(b"g"))
    save("gdb_packet", "memory", gdb_pkt(b"m100000,40") + gdb_pkt(b"M1000,4:deadbeef") +
         gdb_pkt(b"X1000,4:" + bytes([0x7D, 0x23, 0x24, 0x2A])) + gdb_pkt(b"p10") +
         gdb_pkt(b"P0=0100000000000000"))
    save("gdb_packet", "breakpoints", gdb_pkt(b"Z0,100010,1") + gdb_pkt(b"Z1,100020,1") +
         gdb_pkt(b"Z2,2000,4") + gdb_pkt(b"z0,100010,1") + gdb_pkt(b"vCont;s:1;c") +
         b"\x03" + gdb_pkt(b"c") + gdb_pkt(b"D"))
    save("gdb_packet", "malformed", b"$OK#9b" + b"$OK#zz" + b"$OK$g#67" + b"$" + b"A" * 5000 + b"#00" +
         b"-+noise$}" + b"#" + b"00" + b"$qRcmd,7#00" + b"$X0,1:}")
    for cmd in ["help", "regs", "stats", "quit", "phys 0xe0000 64", "phys 0x9fff0 32", "phys 0 5000",
                "frobnicate", "  translate   0x800000  "]:
        save("gdb_packet", "rcmd-" + "-".join(cmd.split()), rcmd(cmd))
    # The harness picks the paging state from the payload's checksum mod 6
    # (real, none, 32-bit, PAE, long4, long5): trailing blanks, which the
    # monitor ignores, steer each translation into every state.
    for cmd in ["translate 0x401234", "translate 0xffffffff80000000", "translate 4198964"]:
        for state in range(6):
            for spaces, tabs in [(s, t) for s in range(6) for t in range(6)]:
                text = cmd + " " * spaces + "\t" * tabs
                payload = b"qRcmd," + text.encode().hex().encode()
                if (sum(payload) & 0xFF) % 6 == state:
                    break
            save("gdb_packet", "rcmd-%s-paging%d" % ("-".join(cmd.split()), state), rcmd(text))


if __name__ == "__main__":
    loader_seeds()
    paging_seeds()
    ata_seeds()
    hypercall_seeds()
    vga_seeds()
    gdb_packet_seeds()
