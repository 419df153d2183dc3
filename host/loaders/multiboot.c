/*
 * Multiboot v1 kernels, started the way QEMU's -kernel starts them: the
 * image is loaded from its ELF program headers, or from the header's
 * addresses when flag 16 (the "a.out kludge") is set; the vCPU starts in
 * 32-bit protected mode with paging off, EAX = 0x2BADB002 and EBX = the
 * physical address of a Multiboot information structure with the memory
 * sizes, a memory map, the command line and the boot loader's name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "formats.h"
#include "guest_ram.h"
#include "layout.h"

#define MB_HEADER_MAGIC 0x1BADB002u
#define MB_BOOT_MAGIC   0x2BADB002u
#define MB_SEARCH_LIMIT 8192
#define MB_FLAG_AOUT_KLUDGE (1u << 16)
/* Required-feature bits vmm can honour: page-aligned modules (there are
 * none), memory info (always given), video mode (ignored, as QEMU does). */
#define MB_FLAGS_SUPPORTED_LOW 0x7u

#define MBI_FLAG_MEM      (1u << 0)
#define MBI_FLAG_CMDLINE  (1u << 2)
#define MBI_FLAG_MODS     (1u << 3)
#define MBI_FLAG_MMAP     (1u << 6)
#define MBI_FLAG_LOADER   (1u << 9)

/* The information structure and what it points to, all in vmm's reserved
 * area so the kernel cannot overwrite it by loading over it. */
#define MBI_ADDR        BOOT_INFO_ADDR
#define MBI_MMAP_ADDR   (BOOT_INFO_ADDR + 0x100)
#define MBI_LOADER_ADDR (BOOT_INFO_ADDR + 0x300)
#define MBI_CMDLINE_ADDR (BOOT_INFO_ADDR + 0x400)
#define MBI_CMDLINE_MAX (BOOT_INFO_END - MBI_CMDLINE_ADDR)

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

static int load_aout_kludge(struct vm *vm, const struct image_source *src, long hoff,
			    const struct mb_header *h, struct load_result *res, char *err, size_t errlen)
{
	uint64_t size = src->size;
	if ((uint64_t)hoff + sizeof(*h) > size)
		return load_error(err, errlen, "Multiboot header is truncated");
	if (h->header_addr < h->load_addr || h->header_addr - h->load_addr > (uint32_t)hoff)
		return load_error(err, errlen, "Multiboot header addresses are inconsistent");
	uint64_t file_off = (uint64_t)hoff - (h->header_addr - h->load_addr);
	uint64_t load_size = h->load_end_addr ? (uint64_t)h->load_end_addr - h->load_addr
					      : size - file_off;
	if (h->load_end_addr && h->load_end_addr < h->load_addr)
		return load_error(err, errlen, "Multiboot load_end_addr is below load_addr");
	if (load_size > size - file_off)
		return load_error(err, errlen, "Multiboot image is truncated: load_end_addr lies past the file");
	uint64_t mem_end = h->bss_end_addr ? h->bss_end_addr : h->load_addr + load_size;
	if (mem_end < h->load_addr + load_size)
		return load_error(err, errlen, "Multiboot bss_end_addr is below the loaded image");
	/* The place in RAM is checked before a byte of the file is read. */
	uint8_t *dst = image_place(vm, h->load_addr, mem_end - h->load_addr, "image", err, errlen);
	if (!dst || image_read(src, file_off, dst, load_size, err, errlen) < 0)
		return -1;
	memset(dst + load_size, 0, mem_end - h->load_addr - load_size);
	res->entry = h->entry_addr;
	return 0;
}

static void write_boot_info(struct vm *vm, const struct load_options *opt)
{
	struct hc_memmap_entry map[8];
	int n = vm_memmap(vm, map, 8);
	struct mb_mmap_entry *mmap = (struct mb_mmap_entry *)(vm->ram + MBI_MMAP_ADDR);
	for (int i = 0; i < n; i++)
		mmap[i] = (struct mb_mmap_entry){ sizeof(mmap[i]) - 4, map[i].base, map[i].length,
						  map[i].type };

	/* QEMU passes "<kernel file> <-append text>"; so does vmm. */
	snprintf((char *)vm->ram + MBI_CMDLINE_ADDR, MBI_CMDLINE_MAX, "%s %s",
		 opt->name ? opt->name : "", opt->cmdline ? opt->cmdline : "");
	strcpy((char *)vm->ram + MBI_LOADER_ADDR, "vmm");

	struct mb_info info = {
		.flags = MBI_FLAG_MEM | MBI_FLAG_CMDLINE | MBI_FLAG_MODS | MBI_FLAG_MMAP | MBI_FLAG_LOADER,
		.mem_lower = (uint32_t)(LOW_RAM_END >> 10),
		.mem_upper = (uint32_t)((vm->mem_size - HIGH_RAM_BASE) >> 10),
		.cmdline = (uint32_t)MBI_CMDLINE_ADDR,
		.mmap_length = (uint32_t)(n * sizeof(*mmap)),
		.mmap_addr = (uint32_t)MBI_MMAP_ADDR,
		.boot_loader_name = (uint32_t)MBI_LOADER_ADDR,
	};
	memcpy(vm->ram + MBI_ADDR, &info, sizeof(info));
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
	int rc;
	if (h.flags & MB_FLAG_AOUT_KLUDGE) {
		rc = load_aout_kludge(vm, src, hoff, &h, res, err, errlen);
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
	/* vmm's range for the information: never where the kernel is. */
	const struct ram_range *used = vm_ram_overlap(vm, MBI_ADDR, BOOT_INFO_END - MBI_ADDR);
	if (used || vm_ram_claim(vm, MBI_ADDR, BOOT_INFO_END - MBI_ADDR, RAM_VMM, "Multiboot information") < 0)
		return load_error(err, errlen, "Multiboot kernel overlaps vmm's Multiboot information at 0x%llx-0x%llx",
				  (unsigned long long)MBI_ADDR, (unsigned long long)BOOT_INFO_END - 1);
	write_boot_info(vm, opt);
	return 0;
}

int multiboot_set_boot_regs(struct vm *vm, char *err, size_t errlen)
{
	struct kvm_regs regs;
	if (vm_get_regs(vm, &regs) < 0)
		return load_error(err, errlen, "cannot read the vCPU registers: %s", strerror(errno));
	regs.rax = MB_BOOT_MAGIC;
	regs.rbx = MBI_ADDR;
	if (vm_set_regs(vm, &regs) < 0)
		return load_error(err, errlen, "cannot set the vCPU registers: %s", strerror(errno));
	return 0;
}
