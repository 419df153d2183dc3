/*
 * The Multiboot2 boot information (specification 2.0, section 3.6): a fixed
 * part (total_size, reserved) then tags, each starting 8-aligned with its
 * type and size (the size not counting the padding after it), ending with
 * the end tag (type 0, size 8). Every value is little-endian, as x86 is.
 */
#include <string.h>

#include "multiboot2.h"

#define EGA_TEXT_BUFFER 0xB8000u
#define EGA_TEXT_COLS 80u
#define EGA_TEXT_ROWS 25u
#define EGA_TEXT_BPP 16u /* a character byte and an attribute byte */
#define MB2_FRAMEBUFFER_TYPE_EGA_TEXT 2u
/* The first hard disk, partition 0: what vmm's and QEMU's Multiboot v1
 * report (boot_device 0x8000FFFF). */
#define BOOT_BIOS_DEVICE 0x80u
#define BOOT_PARTITION 0u
#define BOOT_NO_PARTITION 0xFFFFFFFFu
#define MB2_MMAP_ENTRY_VERSION 0u

struct tag_head {
	uint32_t type, size;
};

struct tag_basic_meminfo {
	struct tag_head head;
	uint32_t mem_lower, mem_upper; /* KiB */
};

struct tag_bootdev {
	struct tag_head head;
	uint32_t biosdev, partition, sub_partition;
};

struct tag_mmap_head {
	struct tag_head head;
	uint32_t entry_size, entry_version;
};

struct tag_mmap_entry {
	uint64_t base_addr, length;
	uint32_t type, reserved;
};

/* The common part of the framebuffer tag; EGA text adds no colour info.
 * The specification's own header (and GRUB) make `reserved` 16 bits wide. */
struct tag_framebuffer {
	struct tag_head head;
	uint64_t framebuffer_addr;
	uint32_t framebuffer_pitch, framebuffer_width, framebuffer_height;
	uint8_t framebuffer_bpp, framebuffer_type;
	uint16_t reserved;
};

struct tag_load_base {
	struct tag_head head;
	uint32_t load_base_addr;
};

_Static_assert(sizeof(struct tag_mmap_entry) == 24, "mmap entry is 24 bytes");
_Static_assert(sizeof(struct tag_framebuffer) == 32, "framebuffer tag is 32 bytes");

static const char *const tag_names[MB2_TAG_TYPE_COUNT] = {
	"end", "command line", "boot loader name", "modules", "basic memory information",
	"BIOS boot device", "memory map", "VBE information", "framebuffer information",
	"ELF sections", "APM table", "EFI 32-bit system table", "EFI 64-bit system table",
	"SMBIOS tables", "ACPI old RSDP", "ACPI new RSDP", "networking information",
	"EFI memory map", "EFI boot services not terminated", "EFI 32-bit image handle",
	"EFI 64-bit image handle", "image load base physical address",
};

const char *multiboot2_info_tag_name(uint32_t type)
{
	return type < MB2_TAG_TYPE_COUNT ? tag_names[type] : "unknown";
}

bool multiboot2_info_tag_supported(uint32_t type)
{
	switch (type) {
	case MB2_TAG_END: case MB2_TAG_CMDLINE: case MB2_TAG_BOOT_LOADER_NAME: case MB2_TAG_MODULE:
	case MB2_TAG_BASIC_MEMINFO: case MB2_TAG_BOOTDEV: case MB2_TAG_MMAP:
	case MB2_TAG_FRAMEBUFFER: case MB2_TAG_LOAD_BASE_ADDR:
		return true;
	default:
		return false;
	}
}

/* Appends a tag: the fixed-size part `fixed` (its head's size is set here)
 * and an optional NUL-terminated string after it. */
static void put_tag(struct boot_blob *b, uint32_t type, void *fixed, size_t fixed_len,
		    const char *string)
{
	struct tag_head *head = fixed;
	size_t string_len = string ? strlen(string) + 1 : 0;
	head->type = type;
	head->size = (uint32_t)(fixed_len + string_len);
	blob_put(b, fixed, fixed_len, MB2_TAG_ALIGN);
	if (string)
		blob_put(b, string, string_len, 1);
}

static void put_string_tag(struct boot_blob *b, uint32_t type, const char *s)
{
	struct tag_head head;
	put_tag(b, type, &head, sizeof(head), s);
}

static void put_mmap(struct boot_blob *b, const struct hc_memmap_entry *map, int n)
{
	struct tag_mmap_head head = { .entry_size = sizeof(struct tag_mmap_entry),
				      .entry_version = MB2_MMAP_ENTRY_VERSION };
	size_t off = blob_put(b, NULL, sizeof(head), MB2_TAG_ALIGN);
	for (int i = 0; i < n; i++) {
		struct tag_mmap_entry e = { map[i].base, map[i].length, map[i].type, 0 };
		blob_put(b, &e, sizeof(e), 1);
	}
	head.head = (struct tag_head){ MB2_TAG_MMAP,
				       (uint32_t)(sizeof(head) + (size_t)n * sizeof(struct tag_mmap_entry)) };
	blob_set(b, off, &head, sizeof(head));
}

void multiboot2_build_info(struct boot_blob *b, const struct mb2_info_input *in)
{
	uint32_t fixed[2] = { 0, 0 }; /* total_size (set last), reserved */
	blob_put(b, fixed, sizeof(fixed), MB2_TAG_ALIGN);

	/* As GRUB's multiboot2 command: the arguments alone, no file name. */
	put_string_tag(b, MB2_TAG_CMDLINE, in->cmdline ? in->cmdline : "");
	put_string_tag(b, MB2_TAG_BOOT_LOADER_NAME, "vmm");
	for (int i = 0; in->modules && i < in->modules->count; i++) {
		const struct mb_module *m = &in->modules->mod[i];
		struct {
			struct tag_head head;
			uint32_t mod_start, mod_end;
		} tag = { .mod_start = (uint32_t)m->start, .mod_end = (uint32_t)m->end };
		/* As GRUB's module2 command: the module's arguments alone. */
		put_tag(b, MB2_TAG_MODULE, &tag, sizeof(tag), m->args);
	}
	struct tag_basic_meminfo mem;
	multiboot_memory_sizes(in->map, in->map_count, &mem.mem_lower, &mem.mem_upper);
	put_tag(b, MB2_TAG_BASIC_MEMINFO, &mem, sizeof(mem), NULL);
	struct tag_bootdev dev = { .biosdev = BOOT_BIOS_DEVICE, .partition = BOOT_PARTITION,
				   .sub_partition = BOOT_NO_PARTITION };
	put_tag(b, MB2_TAG_BOOTDEV, &dev, sizeof(dev), NULL);
	put_mmap(b, in->map, in->map_count);
	struct tag_framebuffer fb = {
		.framebuffer_addr = EGA_TEXT_BUFFER,
		.framebuffer_pitch = EGA_TEXT_COLS * EGA_TEXT_BPP / 8,
		.framebuffer_width = EGA_TEXT_COLS,
		.framebuffer_height = EGA_TEXT_ROWS,
		.framebuffer_bpp = EGA_TEXT_BPP,
		.framebuffer_type = MB2_FRAMEBUFFER_TYPE_EGA_TEXT,
	};
	put_tag(b, MB2_TAG_FRAMEBUFFER, &fb, sizeof(fb), NULL);
	if (in->load_base_set) {
		struct tag_load_base base = { .load_base_addr = in->load_base };
		put_tag(b, MB2_TAG_LOAD_BASE_ADDR, &base, sizeof(base), NULL);
	}
	struct tag_head end;
	put_tag(b, MB2_TAG_END, &end, sizeof(end), NULL);

	uint32_t total = (uint32_t)b->len;
	blob_set(b, 0, &total, sizeof(total));
}
