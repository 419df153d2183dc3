/*
 * Prints the Multiboot v1 information a loader hands over, one field a line,
 * for the differential test with QEMU (tests/integration/multiboot.sh).
 *
 * By default only what a loader must agree on is printed: the flags,
 * boot_device, the command line, each module's command line, size and first
 * bytes, whether modules are page-aligned and lie after the kernel, and the
 * memory map and sizes as a kernel relies on them (print_memory_map).
 * Addresses chosen by the loader (where the information, the strings and the
 * modules went), the memory sizes and map entries themselves and the boot
 * loader's name differ by design; `-append raw` adds them for a person to
 * read (and for vmm's own checks).
 */
#include <stdint.h>

#include "multiboot.h"
#include "printf.h"
#include "string.h"

#define EXIT_SUCCESS_VALUE 0x10
#define EXIT_BAD_MAGIC_VALUE 0x11 /* not 1: vmm's own status for a host error */
#define PAGE_SIZE 4096u
#define MODULE_BYTES_SHOWN 16u

extern char __bss_end[]; /* the end of the kernel image (sections.ld) */

struct multiboot_module {
	uint32_t mod_start, mod_end; /* [start, end) */
	uint32_t cmdline;
	uint32_t reserved;
};

static void print_module(unsigned index, const struct multiboot_module *m, int raw)
{
	uint32_t size = m->mod_end - m->mod_start;
	printf("module %u: cmdline '%s'\n", index, (const char *)multiboot_pointer(m->cmdline));
	printf("module %u: size %u, page-aligned %s, after the kernel %s\n", index, size,
	       m->mod_start % PAGE_SIZE ? "no" : "yes",
	       m->mod_start >= (uint32_t)(uintptr_t)__bss_end ? "yes" : "no");
	printf("module %u: bytes", index);
	const uint8_t *bytes = multiboot_pointer(m->mod_start);
	for (uint32_t i = 0; i < size && i < MODULE_BYTES_SHOWN; i++)
		printf(" %02x", bytes[i]);
	printf("\n");
	if (raw)
		printf("module %u: at 0x%x-0x%x\n", index, m->mod_start, m->mod_end);
}

static int in_usable_ram(const struct multiboot_info *info, uint64_t start, uint64_t end)
{
	const uint8_t *p = multiboot_pointer(info->mmap_addr);
	const uint8_t *last = p + info->mmap_length;
	for (; p < last; p += ((const struct multiboot_mmap_entry *)p)->size + 4) {
		const struct multiboot_mmap_entry *e = (const void *)p;
		if (e->type == 1 && e->base_addr <= start && end <= e->base_addr + e->length)
			return 1;
	}
	return 0;
}

/*
 * The memory map and the memory sizes. Where RAM is reserved differs by
 * design (QEMU's BIOS keeps 1 KiB below 640 KiB and 128 KiB at the top of
 * RAM for itself; vmm has no BIOS), so by default this prints what a kernel
 * relies on: entries of 20 bytes, usable RAM at 0 and at 1 MiB, mem_lower
 * and mem_upper as the map says, the kernel and modules in usable RAM.
 */
static void print_memory_map(const struct multiboot_info *info, int raw)
{
	const uint8_t *p = multiboot_pointer(info->mmap_addr);
	const uint8_t *end = p + info->mmap_length;
	uint64_t lower = 0, upper_end = 0x100000;
	int sizes_ok = 1;
	for (; p < end; p += ((const struct multiboot_mmap_entry *)p)->size + 4) {
		const struct multiboot_mmap_entry *e = (const void *)p;
		sizes_ok &= e->size == 20;
		if (raw)
			printf("mmap: 0x%llx-0x%llx type %u (entry size %u)\n",
			       (unsigned long long)e->base_addr,
			       (unsigned long long)(e->base_addr + e->length), e->type, e->size);
		if (e->type != 1)
			continue;
		if (e->base_addr == 0)
			lower = e->length;
		if (e->base_addr <= upper_end && e->base_addr + e->length > upper_end)
			upper_end = e->base_addr + e->length;
	}
	printf("mmap: entries of 20 bytes %s\n", sizes_ok ? "yes" : "no");
	printf("mmap: usable RAM at 0 %s, at 1 MiB %s\n", lower ? "yes" : "no",
	       upper_end > 0x100000 ? "yes" : "no");
	if (info->flags & MULTIBOOT_INFO_MEMORY)
		printf("mem_lower as the map says %s, mem_upper as the map says %s\n",
		       info->mem_lower == lower / 1024 ? "yes" : "no",
		       info->mem_upper == (upper_end - 0x100000) / 1024 ? "yes" : "no");
	printf("mmap: the kernel in usable RAM %s\n",
	       in_usable_ram(info, 0x100000, (uint32_t)(uintptr_t)__bss_end) ? "yes" : "no");
	if (info->flags & MULTIBOOT_INFO_MODS) {
		const struct multiboot_module *mods = multiboot_pointer(info->mods_addr);
		for (uint32_t i = 0; i < info->mods_count; i++)
			printf("mmap: module %u in usable RAM %s\n", i,
			       in_usable_ram(info, mods[i].mod_start, mods[i].mod_end) ? "yes" : "no");
	}
}

int main(uint32_t magic, uint32_t info_address)
{
	const struct multiboot_info *info = multiboot_pointer(info_address);
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
		printf("multiboot magic bad: 0x%08x\n", magic);
		return EXIT_BAD_MAGIC_VALUE;
	}
	char last[16];
	int raw = strcmp(multiboot_last_word(magic, info_address, last, sizeof(last)), "raw") == 0;
	uint32_t flags = info->flags;
	printf("flags 0x%x\n", flags);
	if ((flags & MULTIBOOT_INFO_MEMORY) && raw)
		printf("mem_lower %u KiB, mem_upper %u KiB\n", info->mem_lower, info->mem_upper);
	if (flags & MULTIBOOT_INFO_BOOTDEV)
		printf("boot_device 0x%x\n", info->boot_device);
	if (flags & MULTIBOOT_INFO_CMDLINE)
		printf("cmdline '%s'\n", (const char *)multiboot_pointer(info->cmdline));
	if (flags & MULTIBOOT_INFO_MODS) {
		printf("mods_count %u\n", info->mods_count);
		const struct multiboot_module *mods = multiboot_pointer(info->mods_addr);
		for (uint32_t i = 0; i < info->mods_count; i++)
			print_module(i, &mods[i], raw);
	}
	if (flags & MULTIBOOT_INFO_MEM_MAP)
		print_memory_map(info, raw);
	if (raw) {
		printf("info at 0x%x, kernel end 0x%x\n", info_address, (uint32_t)(uintptr_t)__bss_end);
		if (flags & MULTIBOOT_INFO_CMDLINE)
			printf("cmdline at 0x%x\n", info->cmdline);
		if (flags & MULTIBOOT_INFO_MODS)
			printf("mods_addr 0x%x\n", info->mods_addr);
		if (flags & MULTIBOOT_INFO_MEM_MAP)
			printf("mmap_addr 0x%x, mmap_length %u\n", info->mmap_addr, info->mmap_length);
		if (flags & MULTIBOOT_INFO_LOADER_NAME)
			printf("boot_loader_name '%s'\n",
			       (const char *)multiboot_pointer(info->boot_loader_name));
	}
	return EXIT_SUCCESS_VALUE;
}
