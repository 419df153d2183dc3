/*
 * Who uses which part of guest RAM, and where vmm puts its own structures.
 *
 * Guest RAM belongs to the guest: an image may be loaded anywhere in RAM
 * outside the VGA window (layout.h). The loaders record each range they load
 * an image into (vm_ram_claim, RAM_GUEST); vmm then places its own structures
 * (the GDT and page tables of protected/long-mode starts, Multiboot and
 * Multiboot2 information, module lists, memory maps, strings) with
 * vm_ram_alloc (RAM_VMM), which only hands out room that no recorded range
 * uses. What a boot loader copies for the guest to keep (Multiboot modules)
 * is also placed with vm_ram_alloc, but as RAM_GUEST.
 *
 * vm_memmap() (the MEMMAP hypercall, the Multiboot memory maps) is derived
 * from these records, so what it reports always matches what vmm did:
 *   - every RAM_VMM range is reserved;
 *   - every RAM_GUEST range (image, modules, initial stack) is usable;
 *   - the rest of 0xC0000-0xFFFFF is reserved (QEMU reports its BIOS area
 *     so), the rest of RAM usable; the VGA window is not RAM and not listed.
 * A reserved entry therefore never overlaps the image.
 *
 * Where vm_ram_alloc looks, first fit in this order (vmm's structures stay
 * out of the way of the guest, and where they always were when they fit):
 *   1. 0xE0000-0xFFFFF, then 0xC0000-0xDFFFF: the BIOS area, reported
 *      reserved anyway;
 *   2. high RAM after the image's end (as QEMU puts its Multiboot
 *      information after the kernel), below the initial stack's 64 KiB;
 *   3. conventional RAM 0x1000-0x9FFFF, from its top down;
 *   4. anywhere else in high RAM.
 * Each allocation is aligned as asked and at most 4 GiB - 1 at its end.
 */
#ifndef VMM_GUEST_RAM_H
#define VMM_GUEST_RAM_H

#include <stdint.h>

struct vm;

enum ram_owner {
	RAM_GUEST, /* the image, modules, the initial stack: the guest's */
	RAM_VMM,   /* vmm's own structures: reported reserved */
};

struct ram_range {
	uint64_t base, end; /* [base, end) */
	enum ram_owner owner;
	const char *what;   /* "image", "GDT and page tables", ... (static) */
};

#define RAM_MAX_RANGES 64

struct guest_ram_use {
	struct ram_range ranges[RAM_MAX_RANGES];
	int n;
	/* Base of the GDT and page-table block (CPU_TABLES_* in layout.h), or 0
	 * until a protected/long-mode start needs it (vm_ram_cpu_tables). */
	uint64_t cpu_tables;
};

/* Forgets every record (a new guest is about to be loaded). */
void vm_ram_reset(struct vm *vm);
/* Records [base, base + size) as used by owner. Returns 0, or -1 when the
 * range overlaps one of vmm's own (vm_ram_overlap names it) or the table is
 * full. The caller has checked that the range is RAM. */
int vm_ram_claim(struct vm *vm, uint64_t base, uint64_t size, enum ram_owner owner,
		 const char *what);
/* Finds size bytes aligned to align (a power of two) that nothing uses, in
 * the order above, and records them for owner. Returns 0 and the address in
 * *gpa, or -1 when guest RAM has no such room. */
int vm_ram_alloc(struct vm *vm, uint64_t size, uint64_t align, enum ram_owner owner,
		 const char *what, uint64_t *gpa);
/* The first recorded range that overlaps [base, base + size), or NULL. */
const struct ram_range *vm_ram_overlap(const struct vm *vm, uint64_t base, uint64_t size);
/* The block for the GDT and page tables (CPU_TABLES_SIZE bytes), placed with
 * vm_ram_alloc the first time. Returns 0, or -1 when there is no room. */
int vm_ram_cpu_tables(struct vm *vm, uint64_t *gpa);

#endif
