/*
 * Prints the Multiboot2 boot information it receives: each tag on the
 * debug console (port 0xE9), then the whole structure as hex ("dump:"
 * lines), which tests/integration/multiboot.sh parses with an independent
 * parser (tests/tools/mb2_parse.py) to check it against the specification.
 * Booted as Multiboot v1 instead (a kernel with both headers), it says so.
 */
#include <stdint.h>

#include "multiboot.h"
#include "multiboot2.h"
#include "printf.h"

#define EXIT_SUCCESS_VALUE 0x10
#define EXIT_BAD_MAGIC_VALUE 0x11 /* not 1: vmm's own status for a host error */
#define EXIT_BAD_INFO_VALUE 0x12 /* not 1 or 2: vmm's own statuses */
#define MODULE_BYTES_SHOWN 16u
#define DUMP_BYTES_PER_LINE 32u
/* More would be a broken loader: stop rather than print forever. */
#define INFO_SIZE_LIMIT (64u * 1024)

static void print_module(const struct multiboot2_tag_module *m)
{
	printf("module 0x%x-0x%x (%u bytes) '%s', bytes", m->mod_start, m->mod_end,
	       m->mod_end - m->mod_start, m->cmdline);
	const uint8_t *bytes = (const uint8_t *)(uintptr_t)m->mod_start;
	for (uint32_t i = 0; i < m->mod_end - m->mod_start && i < MODULE_BYTES_SHOWN; i++)
		printf(" %02x", bytes[i]);
	printf("\n");
}

static void print_mmap(const struct multiboot2_tag_mmap *t)
{
	printf("mmap entry_size %u, entry_version %u\n", t->entry_size, t->entry_version);
	if (t->entry_size == 0)
		return;
	const uint8_t *p = (const uint8_t *)(t + 1), *end = (const uint8_t *)t + t->tag.size;
	for (; p + t->entry_size <= end; p += t->entry_size) {
		const struct multiboot2_mmap_entry *e = (const void *)p;
		printf("mmap: 0x%llx-0x%llx type %u\n", (unsigned long long)e->base_addr,
		       (unsigned long long)(e->base_addr + e->length), e->type);
	}
}

static void print_framebuffer(const struct multiboot2_tag_framebuffer *f)
{
	printf("framebuffer 0x%llx, pitch %u, %ux%u, bpp %u, type %u\n",
	       (unsigned long long)f->framebuffer_addr, f->framebuffer_pitch, f->framebuffer_width,
	       f->framebuffer_height, f->framebuffer_bpp, f->framebuffer_type);
}

static void print_tag(const struct multiboot2_tag *t)
{
	printf("tag %u size %u: ", t->type, t->size);
	switch (t->type) {
	case MULTIBOOT2_TAG_END:
		printf("end\n");
		break;
	case MULTIBOOT2_TAG_CMDLINE:
		printf("cmdline '%s'\n", ((const struct multiboot2_tag_string *)t)->string);
		break;
	case MULTIBOOT2_TAG_BOOT_LOADER_NAME:
		printf("boot loader name '%s'\n", ((const struct multiboot2_tag_string *)t)->string);
		break;
	case MULTIBOOT2_TAG_MODULE:
		print_module((const void *)t);
		break;
	case MULTIBOOT2_TAG_BASIC_MEMINFO: {
		const struct multiboot2_tag_basic_meminfo *m = (const void *)t;
		printf("mem_lower %u KiB, mem_upper %u KiB\n", m->mem_lower, m->mem_upper);
		break;
	}
	case MULTIBOOT2_TAG_BOOTDEV: {
		const struct multiboot2_tag_bootdev *d = (const void *)t;
		printf("bootdev 0x%x, partition 0x%x, sub-partition 0x%x\n", d->biosdev, d->partition,
		       d->sub_partition);
		break;
	}
	case MULTIBOOT2_TAG_MMAP:
		print_mmap((const void *)t);
		break;
	case MULTIBOOT2_TAG_FRAMEBUFFER:
		print_framebuffer((const void *)t);
		break;
	case MULTIBOOT2_TAG_LOAD_BASE_ADDR:
		printf("load base 0x%x\n", ((const struct multiboot2_tag_load_base *)t)->load_base_addr);
		break;
	default:
		printf("(not known to this kernel)\n");
		break;
	}
}

static void dump(const uint8_t *p, uint32_t size)
{
	for (uint32_t i = 0; i < size; i++)
		printf("%s%02x%s", i % DUMP_BYTES_PER_LINE ? "" : "dump: ", p[i],
		       i % DUMP_BYTES_PER_LINE == DUMP_BYTES_PER_LINE - 1 || i == size - 1 ? "\n" : "");
}

int main(uint32_t magic, uint32_t info_address)
{
	if (magic == MULTIBOOT_BOOTLOADER_MAGIC) {
		printf("booted as Multiboot v1\n");
		return EXIT_SUCCESS_VALUE;
	}
	if (magic != MULTIBOOT2_BOOTLOADER_MAGIC) {
		printf("multiboot2 magic bad: 0x%08x\n", magic);
		return EXIT_BAD_MAGIC_VALUE;
	}
	const struct multiboot2_info *info = (const void *)(uintptr_t)info_address;
	printf("multiboot2 magic ok, info at 0x%x (8-aligned: %s), total_size %u\n", info_address,
	       info_address % MULTIBOOT2_TAG_ALIGN ? "no" : "yes", info->total_size);
	if (info->total_size < sizeof(*info) + sizeof(struct multiboot2_tag) ||
	    info->total_size > INFO_SIZE_LIMIT)
		return EXIT_BAD_INFO_VALUE;
	const uint8_t *end = (const uint8_t *)info + info->total_size;
	const struct multiboot2_tag *t = (const void *)(info + 1);
	while ((const uint8_t *)t + sizeof(*t) <= end) {
		print_tag(t);
		if (t->type == MULTIBOOT2_TAG_END || t->size < sizeof(*t))
			break;
		t = multiboot2_next_tag(t);
	}
	dump((const uint8_t *)info, info->total_size);
	return EXIT_SUCCESS_VALUE;
}
