/*
 * Puts the vCPU into one of the four modes a flat binary can start in, the
 * way dpw/kvm-hello-world does, but with the GDT and page tables in a block
 * that vm_ram_cpu_tables() places where the image is not (guest_ram.h).
 */
#include <errno.h>
#include <string.h>

#include "layout.h"
#include "vm.h"
#include "x86.h"

const char *cpu_mode_name(enum cpu_mode mode)
{
	static const char *const names[] = { "real", "protected", "paged32", "long" };
	return names[mode];
}

int cpu_mode_parse(const char *name, enum cpu_mode *mode)
{
	for (int m = MODE_REAL; m <= MODE_LONG; m++) {
		if (strcmp(name, cpu_mode_name(m)) == 0) {
			*mode = m;
			return 0;
		}
	}
	return -1;
}

/* A flat segment (base 0, 4 GiB) as both the GDT and KVM describe it. */
static struct kvm_segment flat_segment(uint16_t selector, bool code, bool long64)
{
	return (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = selector,
		.type = code ? 0xb : 0x3, /* execute/read or read/write, accessed */
		.present = 1, .dpl = 0, .s = 1,
		.db = long64 ? 0 : 1, .l = long64 ? 1 : 0, .g = 1,
	};
}

static uint64_t gdt_descriptor(const struct kvm_segment *s)
{
	uint64_t limit = s->g ? s->limit >> 12 : s->limit;
	return (limit & 0xffff) | ((uint64_t)(s->base & 0xffffff) << 16) |
	       ((uint64_t)s->type << 40) | ((uint64_t)s->s << 44) | ((uint64_t)s->dpl << 45) |
	       ((uint64_t)s->present << 47) | (((limit >> 16) & 0xf) << 48) |
	       ((uint64_t)s->l << 53) | ((uint64_t)s->db << 54) | ((uint64_t)s->g << 55) |
	       ((uint64_t)(s->base >> 24) << 56);
}

/* Writes the GDT that matches the segments loaded below, so a guest that
 * reloads a selector (or takes an interrupt) gets the same segment back. */
static void write_gdt(struct vm *vm, uint64_t tables, struct kvm_sregs *sregs)
{
	uint64_t *gdt = (uint64_t *)(vm->ram + tables + CPU_TABLES_GDT);
	struct kvm_segment code32 = flat_segment(SEL_CODE32, true, false);
	struct kvm_segment data = flat_segment(SEL_DATA, false, false);
	struct kvm_segment code64 = flat_segment(SEL_CODE64, true, true);
	gdt[0] = 0;
	gdt[SEL_CODE32 / 8] = gdt_descriptor(&code32);
	gdt[SEL_DATA / 8] = gdt_descriptor(&data);
	gdt[SEL_CODE64 / 8] = gdt_descriptor(&code64);
	sregs->gdt.base = tables + CPU_TABLES_GDT;
	sregs->gdt.limit = 4 * 8 - 1;
}

static void load_flat_segments(struct kvm_sregs *sregs, bool long64)
{
	struct kvm_segment data = flat_segment(SEL_DATA, false, false);
	sregs->cs = long64 ? flat_segment(SEL_CODE64, true, true) : flat_segment(SEL_CODE32, true, false);
	sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = data;
}

/* Page directory of 4 MiB pages identity-mapping RAM (CR4.PSE). */
static void build_paged32_tables(struct vm *vm, uint64_t tables)
{
	uint32_t *pd = (uint32_t *)(vm->ram + tables + CPU_TABLES_PD32);
	memset(pd, 0, 4096);
	for (uint64_t addr = 0, i = 0; addr < vm->mem_size; addr += 4ull << 20, i++)
		pd[i] = (uint32_t)(addr | PTE_PRESENT | PTE_WRITE | PTE_LARGE);
}

/* PML4 -> PDPT -> PDs of 2 MiB pages, identity-mapping RAM rounded up to whole
 * GiB (at least the first GiB, so the VGA window and BIOS area are mapped). */
static void build_long_tables(struct vm *vm, uint64_t tables)
{
	const uint64_t pd64 = tables + CPU_TABLES_PD64;
	uint64_t *pml4 = (uint64_t *)(vm->ram + tables + CPU_TABLES_PML4);
	uint64_t *pdpt = (uint64_t *)(vm->ram + tables + CPU_TABLES_PDPT);
	uint64_t gib = (vm->mem_size + (1ull << 30) - 1) >> 30;
	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = (tables + CPU_TABLES_PDPT) | PTE_PRESENT | PTE_WRITE;
	for (uint64_t g = 0; g < gib; g++) {
		uint64_t *pd = (uint64_t *)(vm->ram + pd64 + g * 4096);
		pdpt[g] = (pd64 + g * 4096) | PTE_PRESENT | PTE_WRITE;
		for (uint64_t i = 0; i < 512; i++)
			pd[i] = ((g << 30) + (i << 21)) | PTE_PRESENT | PTE_WRITE | PTE_LARGE;
	}
}

int vm_setup_cpu(struct vm *vm, enum cpu_mode mode, uint64_t entry, uint64_t stack)
{
	struct kvm_sregs sregs;
	if (vm_get_sregs(vm, &sregs) < 0)
		return -1;
	struct kvm_regs regs = { .rflags = 0x2 /* bit 1 is always set */ };

	if (mode == MODE_REAL) {
		/* Entry above 64 KiB: pick CS so that CS:IP reaches it. */
		uint16_t cs = (uint16_t)(entry >> 4 & 0xf000);
		sregs.cs.selector = cs;
		sregs.cs.base = (uint64_t)cs << 4;
		struct kvm_segment *data[] = { &sregs.ds, &sregs.es, &sregs.fs, &sregs.gs, &sregs.ss };
		for (size_t i = 0; i < sizeof(data) / sizeof(data[0]); i++) {
			data[i]->selector = 0;
			data[i]->base = 0;
		}
		regs.rip = entry - sregs.cs.base;
		/* SS = 0, a 16-bit stack: real mode uses SP, the low 16 bits (0
		 * wraps to the top of the first 64 KiB); the upper half of ESP is
		 * kept for a guest that switches to protected mode itself. */
		regs.rsp = stack;
	} else {
		uint64_t tables;
		if (vm_ram_cpu_tables(vm, &tables) < 0) {
			errno = ENOMEM; /* no free guest RAM for them */
			return -1;
		}
		write_gdt(vm, tables, &sregs);
		load_flat_segments(&sregs, mode == MODE_LONG);
		sregs.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE;
		/* Compilers emit SSE even in freestanding code: enable it. */
		sregs.cr4 = CR4_OSFXSR | CR4_OSXMMEXCPT;
		sregs.efer = 0;
		if (mode == MODE_PAGED32) {
			build_paged32_tables(vm, tables);
			sregs.cr3 = tables + CPU_TABLES_PD32;
			sregs.cr4 |= CR4_PSE;
			sregs.cr0 |= CR0_PG | CR0_WP;
		} else if (mode == MODE_LONG) {
			build_long_tables(vm, tables);
			sregs.cr3 = tables + CPU_TABLES_PML4;
			sregs.cr4 |= CR4_PAE;
			sregs.cr0 |= CR0_PG | CR0_WP;
			sregs.efer = EFER_LME | EFER_LMA;
		}
		regs.rip = entry;
		regs.rsp = stack;
	}
	if (vm_set_sregs(vm, &sregs) < 0)
		return -1;
	return vm_set_regs(vm, &regs);
}
