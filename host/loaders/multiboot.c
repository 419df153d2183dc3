/*
 * Multiboot v1 kernels, started the way QEMU's -kernel starts them: the
 * image is loaded from its ELF program headers, or from the header's
 * addresses when flag 16 (the "a.out kludge") is set; -initrd's modules go
 * page-aligned after it; the vCPU starts in 32-bit protected mode with
 * paging off, EAX = 0x2BADB002 and EBX = the physical address of a Multiboot
 * information structure: memory sizes, boot device, command line, modules,
 * memory map and the boot loader's name (flags 0x24F, as QEMU's). vmm places
 * it as its own (reported reserved) where the kernel and modules are not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "layout.h"
#include "multiboot_common.h"

#define MB_HEADER_MAGIC 0x1BADB002u
#define MB_BOOT_MAGIC   0x2BADB002u
#define MB_SEARCH_LIMIT 8192
#define MB_FLAG_AOUT_KLUDGE (1u << 16)
/* Required-feature bits vmm can honour: page-aligned modules (modules are
 * always page-aligned, as QEMU places them), memory info (always given),
 * video mode (ignored, as QEMU does). */
#define MB_FLAGS_SUPPORTED_LOW 0x7u

#define MBI_FLAG_MEM      (1u << 0)
#define MBI_FLAG_BOOTDEV  (1u << 1)
#define MBI_FLAG_CMDLINE  (1u << 2)
#define MBI_FLAG_MODS     (1u << 3)
#define MBI_FLAG_MMAP     (1u << 6)
#define MBI_FLAG_LOADER   (1u << 9)
/* QEMU's fixed value: BIOS drive 0x80, partition 0, no sub-partitions. */
#define MBI_BOOT_DEVICE   0x8000FFFFu
/* The fixed part's room: the fields up to the framebuffer's (116 bytes),
 * rounded up, so a kernel reading fields its flags do not announce reads
 * zeros. */
#define MBI_FIXED_SIZE    128

struct mb_header {
	uint32_t magic, flags, checksum;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr, drives_length, drives_addr, config_table;
	uint32_t boot_loader_name;
};

struct mb_mmap_entry {
	uint32_t size;
	uint64_t base, length;
	uint32_t type;
} __attribute__((packed));

long multiboot_find_header(const uint8_t *head, size_t len, long *bad_checksum_at)
{
	*bad_checksum_at = -1;
	for (size_t off = 0; off + 12 <= len && off < MB_SEARCH_LIMIT; off += 4) {
		uint32_t h[3];
		memcpy(h, head + off, sizeof(h));
		if (h[0] != MB_HEADER_MAGIC)
			continue;
		if (h[0] + h[1] + h[2] == 0)
			return (long)off;
		if (*bad_checksum_at < 0)
			*bad_checksum_at = (long)off;
	}
	return -1;
}

struct mb_module_entry {
	uint32_t mod_start, mod_end, cmdline, reserved;
};

struct info_input {
	const struct load_options *opt;
	const struct mb_modules *modules;
};

/* The boot information for address `base`: the fixed part, the memory map,
 * the module list, then the strings. */
static void build_info(struct boot_blob *b, uint64_t base, const struct hc_memmap_entry *map, int n,
		       const void *ctx)
{
	const struct info_input *in = ctx;
	uint32_t at = (uint32_t)base;
	blob_put(b, NULL, MBI_FIXED_SIZE, 8);
	size_t mmap_off = blob_put(b, NULL, 0, 8);
	for (int i = 0; i < n; i++) {
		struct mb_mmap_entry e = { sizeof(e) - 4, map[i].base, map[i].length, map[i].type };
		blob_put(b, &e, sizeof(e), 1);
	}
	size_t mods_off = blob_put(b, NULL, (size_t)in->modules->count * sizeof(struct mb_module_entry), 8);
	for (int i = 0; i < in->modules->count; i++) {
		const struct mb_module *m = &in->modules->mod[i];
		/* QEMU passes the whole "FILE ARGS" as the module's string. */
		size_t s = blob_put(b, m->spec, strlen(m->spec) + 1, 1);
		struct mb_module_entry e = { (uint32_t)m->start, (uint32_t)m->end, at + (uint32_t)s, 0 };
		blob_set(b, mods_off + (size_t)i * sizeof(e), &e, sizeof(e));
	}
	/* QEMU passes "<kernel file> <-append text>"; so does vmm. */
	const char *name = in->opt->name ? in->opt->name : "";
	const char *args = in->opt->cmdline ? in->opt->cmdline : "";
	size_t cmdline_off = blob_put(b, name, strlen(name), 1);
	blob_put(b, " ", 1, 1);
	blob_put(b, args, strlen(args) + 1, 1);
	size_t loader_off = blob_put(b, "vmm", 4, 1);

	struct mb_info info = {
		.flags = MBI_FLAG_MEM | MBI_FLAG_BOOTDEV | MBI_FLAG_CMDLINE | MBI_FLAG_MODS |
			 MBI_FLAG_MMAP | MBI_FLAG_LOADER,
		.boot_device = MBI_BOOT_DEVICE,
		.cmdline = at + (uint32_t)cmdline_off,
		.mods_count = (uint32_t)in->modules->count,
		.mods_addr = at + (uint32_t)mods_off,
		.mmap_length = (uint32_t)((size_t)n * sizeof(struct mb_mmap_entry)),
		.mmap_addr = at + (uint32_t)mmap_off,
		.boot_loader_name = at + (uint32_t)loader_off,
	};
	multiboot_memory_sizes(map, n, &info.mem_lower, &info.mem_upper);
	blob_set(b, 0, &info, sizeof(info));
}

int load_multiboot(struct vm *vm, const struct image_source *src, const uint8_t *head,
		   size_t head_len, long hoff, const struct load_options *opt, struct load_result *res,
		   char *err, size_t errlen)
{
	struct mb_header h = { 0 };
	size_t avail = head_len - (size_t)hoff;
	memcpy(&h, head + hoff, avail < sizeof(h) ? avail : sizeof(h));
	if ((h.flags & 0xffff) & ~MB_FLAGS_SUPPORTED_LOW)
		return load_error(err, errlen, "Multiboot kernel requires unsupported features (flags 0x%x)",
				  h.flags);
	int kernel_first = vm->ram_use.n; /* the kernel's RAM records start here */
	int rc;
	if (h.flags & MB_FLAG_AOUT_KLUDGE) {
		if ((uint64_t)hoff + sizeof(h) > src->size)
			return load_error(err, errlen, "Multiboot header is truncated");
		struct mb_load_addresses a = { h.header_addr, h.load_addr, h.load_end_addr, h.bss_end_addr };
		rc = multiboot_load_addresses(vm, src, hoff, &a, "Multiboot", err, errlen);
		res->entry = h.entry_addr;
	} else if (is_elf(head, head_len)) {
		rc = load_elf(vm, src, res, err, errlen);
		if (rc == 0 && res->format != FORMAT_ELF32)
			rc = load_error(err, errlen, "Multiboot kernel is a 64-bit ELF; give a 32-bit one (as QEMU requires)");
	} else {
		rc = load_error(err, errlen, "Multiboot kernel is neither ELF nor has load addresses (flag 16)");
	}
	if (rc < 0)
		return rc;
	/* The entry point is checked by guest_load_source(), after -entry. */
	res->format = FORMAT_MULTIBOOT;
	res->mode = MODE_PROTECTED;
	struct mb_modules mods;
	rc = multiboot_modules_load(vm, kernel_first, opt->initrd, &mods, err, errlen);
	if (rc == 0) {
		struct info_input in = { opt, &mods };
		rc = multiboot_write_info(vm, build_info, &in, &res->boot_info, err, errlen);
		res->boot_magic = MB_BOOT_MAGIC;
	}
	multiboot_modules_free(&mods);
	return rc;
}

int multiboot_set_boot_regs(struct vm *vm, const struct load_result *res, char *err, size_t errlen)
{
	struct kvm_regs regs;
	if (vm_get_regs(vm, &regs) < 0)
		return load_error(err, errlen, "cannot read the vCPU registers: %s", strerror(errno));
	regs.rax = res->boot_magic;
	regs.rbx = res->boot_info;
	if (vm_set_regs(vm, &regs) < 0)
		return load_error(err, errlen, "cannot set the vCPU registers: %s", strerror(errno));
	return 0;
}
