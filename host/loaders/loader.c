/* Format detection, refusals, the entry point and the stack: everything
 * between the format loaders (formats.h) and a vCPU ready to start. */
#include "loader.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "formats.h"
#include "guest_ram.h"
#include "layout.h"
#include "multiboot2.h"

#define REAL_MODE_LIMIT 0x100000ull

const char *guest_format_name(enum guest_format f)
{
	static const char *const names[] = { "flat binary", "ELF32", "ELF64", "Multiboot",
					     "Multiboot2" };
	return names[f];
}

/*
 * Formats QEMU or firmware boot and vmm does not: say so instead of running
 * the file as a flat binary that dies in its first instructions. Unless -mode
 * or -load declared the file a flat binary (its first bytes may be "MZ" by
 * chance: dec bp; pop dx).
 */
static const char *refused_format(const uint8_t *head, size_t len)
{
	/* The Linux x86 boot protocol: "HdrS" at 0x202 (Documentation/x86/boot.rst).
	 * A bzImage with an EFI stub also starts with "MZ": test this first. */
	if (len >= 0x206 && memcmp(head + 0x202, "HdrS", 4) == 0)
		return "Linux boot protocol image: not supported (vmm boots Multiboot, ELF and flat binaries)";
	if (len >= 2 && memcmp(head, "MZ", 2) == 0)
		return "PE/MZ executable (DOS, Windows or UEFI program): not supported";
	return NULL;
}

/*
 * The entry point must lie where a loader can have put code: in RAM (not the
 * VGA window), and below 1 MiB in real mode. Checked once here for every
 * format, whether the entry came from the file or from -entry, before the
 * vCPU is set up: nothing runs.
 */
static int check_entry(struct vm *vm, const struct load_result *res, char *err, size_t errlen)
{
	unsigned long long entry = res->entry;
	if (entry >= VGA_WINDOW_BASE && entry < VGA_WINDOW_END)
		return load_error(err, errlen,
				  "entry point 0x%llx is in the VGA window 0xa0000-0xbffff, which is not RAM",
				  entry);
	if (!vm_gpa_ptr(vm, entry, 1))
		return load_error(err, errlen, "entry point 0x%llx is outside guest RAM (0-0x%llx)", entry,
				  (unsigned long long)vm->mem_size - 1);
	if (res->mode == MODE_REAL && entry >= REAL_MODE_LIMIT)
		return load_error(err, errlen, "real-mode entry 0x%llx is above 1 MiB", entry);
	return 0;
}

/*
 * -stack: the initial RSP in every mode. Its top must be RAM: the first push
 * writes just below it. (In real mode SS = 0 and SP is its low 16 bits; the
 * full value is what a guest keeps after switching to protected mode.) The
 * 64 KiB below it are recorded as the guest's, so that vmm's structures are
 * placed elsewhere.
 */
static int claim_stack(struct vm *vm, uint64_t stack, char *err, size_t errlen)
{
	if (stack == 0 || !vm_gpa_ptr(vm, stack - 1, 1))
		return load_error(err, errlen,
				  "-stack 0x%llx: the stack must start in guest RAM (0x1-0x%llx, not the VGA window 0xa0001-0xc0000)",
				  (unsigned long long)stack, (unsigned long long)vm->mem_size);
	uint64_t floor = stack > VGA_WINDOW_END ? VGA_WINDOW_END : 0;
	uint64_t base = stack - floor > STACK_RESERVE ? stack - STACK_RESERVE : floor;
	vm_ram_claim(vm, base, stack - base, RAM_GUEST, "stack");
	return 0;
}

/*
 * Which Multiboot header boots the kernel: 1 (v1), 2 (Multiboot2), 0 (none),
 * or -1 with a message. A kernel with both boots as v1, as QEMU boots it,
 * unless -multiboot2 says otherwise. mb1/mb2: the headers' offsets or -1;
 * bad1/bad2: the first magic with a bad checksum, or -1.
 */
static int pick_multiboot(const struct vm *vm, const struct load_options *opt, long mb1, long mb2,
			  long bad1, long bad2, char *err, size_t errlen)
{
	if (opt->multiboot2) {
		if (mb2 >= 0)
			return 2;
		if (bad2 >= 0)
			return load_error(err, errlen, "Multiboot2 header at offset 0x%lx: bad checksum", bad2);
		return load_error(err, errlen, "-multiboot2: no Multiboot2 header (8-aligned, in the first 32 KiB)");
	}
	if (mb1 >= 0) {
		if (mb2 >= 0 && vm->cfg.verbose)
			fprintf(stderr, "vmm: %s has a Multiboot v1 and a Multiboot2 header: booting it as Multiboot v1, as QEMU would (-multiboot2 boots it as Multiboot2)\n",
				opt->name ? opt->name : "the kernel");
		return 1;
	}
	if (mb2 >= 0)
		return 2;
	/* GRUB and QEMU skip a magic whose checksum is wrong, and QEMU then
	 * tries the file as something else; a kernel whose header has a typo
	 * would so run as a flat binary and die far from the cause. vmm says
	 * so, unless -mode or -load declared the file a flat binary. */
	if (opt->ignore_bad_multiboot)
		return 0;
	if (bad1 >= 0)
		return load_error(err, errlen,
				  "Multiboot header at offset 0x%lx: bad checksum (not a Multiboot kernel? give -mode to load it as a flat binary or ELF)",
				  bad1);
	if (bad2 >= 0)
		return load_error(err, errlen,
				  "Multiboot2 header at offset 0x%lx: bad checksum (not a Multiboot2 kernel? give -mode to load it as a flat binary or ELF)",
				  bad2);
	return 0;
}

/* -v: where vmm put its own structures (reported reserved). */
static void report_placement(const struct vm *vm)
{
	for (int i = 0; i < vm->ram_use.n; i++) {
		const struct ram_range *r = &vm->ram_use.ranges[i];
		if (r->owner == RAM_VMM)
			fprintf(stderr, "vmm: vmm's %s at 0x%llx-0x%llx (reported reserved)\n", r->what,
				(unsigned long long)r->base, (unsigned long long)r->end - 1);
	}
}

int guest_load_source(struct vm *vm, const struct image_source *src, const struct load_options *opt,
		      struct load_result *res, char *err, size_t errlen)
{
	if (src->size == 0)
		return load_error(err, errlen, "guest image is empty");
	uint8_t head[IMAGE_HEAD_SIZE];
	size_t head_len = src->size < sizeof(head) ? (size_t)src->size : sizeof(head);
	if (image_read(src, 0, head, head_len, err, errlen) < 0)
		return -1;
	/* A new guest: forget what a previous load placed. */
	vm_ram_reset(vm);
	if (opt->stack_set && claim_stack(vm, opt->stack, err, errlen) < 0)
		return -1;

	long bad1, bad2;
	long mb1 = multiboot_find_header(head, head_len, &bad1);
	long mb2 = multiboot2_find_header(head, head_len, &bad2);
	int multiboot = pick_multiboot(vm, opt, mb1, mb2, bad1, bad2, err, errlen);
	if (multiboot < 0)
		return -1;
	if (opt->initrd && multiboot == 0)
		return load_error(err, errlen, "-initrd gives modules to a Multiboot kernel, and this is not one");
	const char *refusal = refused_format(head, head_len);
	int rc;
	*res = (struct load_result){ 0 };
	if (multiboot == 1) {
		rc = load_multiboot(vm, src, head, head_len, mb1, opt, res, err, errlen);
	} else if (multiboot == 2) {
		rc = load_multiboot2(vm, src, head, head_len, mb2, opt, res, err, errlen);
	} else if (is_elf(head, head_len)) {
		rc = load_elf(vm, src, res, err, errlen);
		res->mode = res->format == FORMAT_ELF64 ? MODE_LONG : MODE_PROTECTED;
	} else if (refusal && !opt->ignore_bad_multiboot) {
		rc = load_error(err, errlen, "%s", refusal);
	} else {
		rc = load_flat(vm, src, opt, res, err, errlen);
	}
	if (rc < 0)
		return rc;
	if (!res->file_entry)
		res->file_entry = res->entry;
	/* -entry is physical; an address inside an ELF segment's virtual range
	 * is translated as e_entry is. */
	if (opt->entry_set)
		res->entry = res->elf_segments ? elf_virt_to_phys(src, opt->entry) : opt->entry;
	if (check_entry(vm, res, err, errlen) < 0)
		return -1;
	/* Real mode: REAL_MODE_STACK (layout.h). Elsewhere the top of RAM. */
	res->stack = opt->stack_set ? opt->stack : res->mode == MODE_REAL ? REAL_MODE_STACK : vm->mem_size;
	if (res->mode != MODE_REAL) {
		uint64_t tables;
		if (vm_ram_cpu_tables(vm, &tables) < 0)
			return load_error(err, errlen, "no room in guest RAM for vmm's GDT and page tables (32 KiB)");
	}
	if (vm_setup_cpu(vm, res->mode, res->entry, res->stack) < 0)
		return load_error(err, errlen, "cannot set up the vCPU: %s", strerror(errno));
	if (vm->cfg.verbose)
		report_placement(vm);
	if (res->boot_magic)
		return multiboot_set_boot_regs(vm, res, err, errlen);
	return 0;
}

/* "First instructions": a 32-bit program decoded as 16-bit code faults
 * after a handful of exits at most, usually none. */
#define FAULT_HINT_MAX_EXITS 16

const char *guest_fault_hint(const struct vm *vm, const struct load_result *res, bool mode_given,
			     enum vm_stop_reason reason)
{
	if (res->format != FORMAT_FLAT || res->mode != MODE_REAL || mode_given)
		return NULL;
	if (reason != STOP_TRIPLE_FAULT && reason != STOP_KVM_ERROR)
		return NULL;
	if (vm->stats.exits > FAULT_HINT_MAX_EXITS)
		return NULL;
	return "flat binaries start in real mode; use -mode protected|long";
}

int guest_load(struct vm *vm, const uint8_t *image, size_t size, const struct load_options *opt,
	       struct load_result *res, char *err, size_t errlen)
{
	struct image_source src = { .size = size, .mem = image, .fd = -1 };
	return guest_load_source(vm, &src, opt, res, err, errlen);
}
