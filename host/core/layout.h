/*
 * Guest-physical memory layout, PC style. Guest RAM is one host mapping that
 * covers [0, mem_size); two memslots expose it to the guest with a hole for
 * the VGA window:
 *
 *   0x00000000 - 0x0009FFFF  usable RAM (640 KiB, "low memory")
 *   0x000A0000 - 0x000BFFFF  VGA window: no memslot (MMIO) unless mapped
 *   0x000C0000 - 0x000FFFFF  BIOS area: RAM, reported reserved; vmm puts the
 *                            GDT, page tables and Multiboot info here so they
 *                            never overlap a guest image or its stack
 *   0x00100000 - mem_size    usable RAM ("high memory")
 */
#ifndef VMM_LAYOUT_H
#define VMM_LAYOUT_H

#define LOW_RAM_END        0xA0000ull
#define VGA_WINDOW_BASE    0xA0000ull
#define VGA_WINDOW_END     0xC0000ull
#define BIOS_AREA_BASE     0xC0000ull
#define HIGH_RAM_BASE      0x100000ull

/* vmm's own structures inside the BIOS area. */
#define RESERVED_BASE      0xE0000ull
#define PML4_ADDR          0xE0000ull
#define PDPT_ADDR          0xE1000ull
#define PD64_ADDR          0xE2000ull /* 4 pages: 4 GiB of 2 MiB pages */
#define PD32_ADDR          0xE6000ull /* 32-bit page directory, 4 MiB pages */
#define GDT_ADDR           0xE7000ull
#define BOOT_INFO_ADDR     0xE8000ull /* Multiboot info, mmap, strings */
#define BOOT_INFO_END      0xF0000ull
#define RESERVED_END       0x100000ull

/* Limits of -mem: enough for a flat image plus the layout above, and below
 * the 32-bit PCI hole so every address fits a 32-bit hypercall. */
#define MEM_MIN            (2ull << 20)
#define MEM_MAX            (3ull << 30)
#define MEM_DEFAULT        (64ull << 20)

/* GDT selectors vmm sets up (the same in every mode). */
#define SEL_CODE32 0x08
#define SEL_DATA   0x10
#define SEL_CODE64 0x18

#endif
