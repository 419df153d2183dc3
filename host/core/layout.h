/*
 * Guest-physical memory layout, PC style. Guest RAM is one host mapping that
 * covers [0, mem_size); two memslots expose it to the guest with a hole for
 * the VGA window:
 *
 *   0x00000000 - 0x0009FFFF  RAM, conventional ("low memory", 640 KiB)
 *   0x000A0000 - 0x000BFFFF  VGA window: no memslot (MMIO), never RAM
 *   0x000C0000 - 0x000FFFFF  RAM, the "BIOS area": reported reserved where
 *                            no image is loaded, as QEMU reports its BIOS
 *   0x00100000 - mem_size    RAM ("high memory")
 *
 * The rules (guest_ram.h has the details):
 *   - An image (ELF, Multiboot or flat segment) may be loaded anywhere in RAM
 *     outside the VGA window, the BIOS area included, below the initial
 *     stack's STACK_RESERVE at the top of RAM.
 *   - vmm's own structures (GDT, page tables, Multiboot information, module
 *     lists) go where the image is not: preferably 0xE0000-0xFFFFF, as they
 *     always did, else the rest of the BIOS area, high RAM after the image,
 *     free conventional RAM. The memory map reports exactly those ranges as
 *     reserved, and never a range the image uses.
 *   - The initial stack: the top of RAM for protected, paged32 and long
 *     mode; REAL_MODE_STACK for real mode; -stack for any mode.
 */
#ifndef VMM_LAYOUT_H
#define VMM_LAYOUT_H

#define LOW_RAM_END        0xA0000ull
#define VGA_WINDOW_BASE    0xA0000ull
#define VGA_WINDOW_END     0xC0000ull
#define BIOS_AREA_BASE     0xC0000ull
#define HIGH_RAM_BASE      0x100000ull

/* Where vmm's structures go when nothing is loaded there (guest_ram.h). */
#define RESERVED_BASE      0xE0000ull
#define RESERVED_END       0x100000ull

/* The GDT and page-table block, CPU_TABLES_SIZE bytes at a page-aligned base
 * that vm_ram_cpu_tables() picks (RESERVED_BASE unless the image is there).
 * Offsets inside it: */
#define CPU_TABLES_PML4    0x0000ull
#define CPU_TABLES_PDPT    0x1000ull
#define CPU_TABLES_PD64    0x2000ull /* 4 pages: 4 GiB of 2 MiB pages */
#define CPU_TABLES_PD32    0x6000ull /* 32-bit page directory, 4 MiB pages */
#define CPU_TABLES_GDT     0x7000ull
#define CPU_TABLES_SIZE    0x8000ull
/* Their addresses when the block is at RESERVED_BASE (always, for a VM whose
 * image is not there). */
#define PML4_ADDR          (RESERVED_BASE + CPU_TABLES_PML4)
#define PDPT_ADDR          (RESERVED_BASE + CPU_TABLES_PDPT)
#define PD64_ADDR          (RESERVED_BASE + CPU_TABLES_PD64)
#define PD32_ADDR          (RESERVED_BASE + CPU_TABLES_PD32)
#define GDT_ADDR           (RESERVED_BASE + CPU_TABLES_GDT)

/* Space kept free at the top of RAM for the initial stack of protected,
 * paged32 and long-mode starts: no image may reach into it. */
#define STACK_RESERVE      (64ull << 10)
/*
 * The initial RSP of real-mode starts. SS = 0 (so that -m16 C code, which
 * assumes SS == DS, works) and SP = its low 16 bits = 0, which wraps to the
 * top of the first 64 KiB at the first push, as before. The full ESP is a
 * stack in conventional RAM for a guest that switches itself to protected
 * mode and keeps the stack pointer (course guests do): 0x90000 and not
 * 0xA0000, so that whatever SP the guest leaves in real mode, ESP =
 * 0x9xxxx stays below the VGA window.
 */
#define REAL_MODE_STACK    0x90000ull

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
