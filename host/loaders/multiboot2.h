/*
 * Multiboot2 kernels (the Multiboot2 specification, version 2.0), which
 * QEMU's -kernel cannot load: vmm finds the header 8-aligned in the image's
 * first 32 KiB, honours its tags, loads the kernel from its ELF program
 * headers or from the address tag, loads -initrd's modules after it, and
 * starts it in 32-bit protected mode, paging off, with EAX = 0x36D76289 and
 * EBX = the physical address of the boot information: 8-aligned tags for the
 * command line, the boot loader's name, modules, memory sizes, BIOS boot
 * device, memory map, the 80x25 EGA text console, then the end tag.
 *
 * multiboot2.c: the header and loading; multiboot2_info.c: the boot
 * information. The numbers below are the specification's.
 */
#ifndef VMM_MULTIBOOT2_H
#define VMM_MULTIBOOT2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"
#include "multiboot_common.h"

#define MB2_HEADER_MAGIC 0xE85250D6u
#define MB2_BOOT_MAGIC   0x36D76289u
#define MB2_ARCH_I386    0u
#define MB2_SEARCH_LIMIT 32768 /* the header lies wholly in the first 32 KiB */
#define MB2_HEADER_ALIGN 8
#define MB2_TAG_ALIGN    8

/* Header tags (the kernel's requests). */
enum mb2_header_tag_type {
	MB2_HTAG_END = 0,
	MB2_HTAG_INFO_REQUEST = 1,
	MB2_HTAG_ADDRESS = 2,
	MB2_HTAG_ENTRY_ADDRESS = 3,
	MB2_HTAG_CONSOLE_FLAGS = 4,
	MB2_HTAG_FRAMEBUFFER = 5,
	MB2_HTAG_MODULE_ALIGN = 6,
	MB2_HTAG_EFI_BS = 7,
	MB2_HTAG_ENTRY_ADDRESS_EFI32 = 8,
	MB2_HTAG_ENTRY_ADDRESS_EFI64 = 9,
	MB2_HTAG_RELOCATABLE = 10,
};
#define MB2_HTAG_FLAG_OPTIONAL 1u
#define MB2_CONSOLE_REQUIRED     (1u << 0)
#define MB2_CONSOLE_EGA_TEXT_OK  (1u << 1)

/* Boot information tags (what vmm hands over). */
enum mb2_info_tag_type {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_BOOT_LOADER_NAME = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_BASIC_MEMINFO = 4,
	MB2_TAG_BOOTDEV = 5,
	MB2_TAG_MMAP = 6,
	MB2_TAG_FRAMEBUFFER = 8,
	MB2_TAG_LOAD_BASE_ADDR = 21,
	MB2_TAG_TYPE_COUNT = 22, /* 0..21 are defined */
};

/* What the header asks for, as multiboot2.c parsed it. */
struct mb2_request {
	bool has_address;
	struct mb_load_addresses address;
	bool has_entry;
	uint32_t entry_addr;
	bool relocatable;
	uint32_t reloc_min, reloc_max;
	bool wants_load_base; /* the information request names tag 21 */
};

/* The boot information's inputs. */
struct mb2_info_input {
	const char *cmdline;         /* -append, or NULL */
	const struct mb_modules *modules;
	const struct hc_memmap_entry *map;
	int map_count;
	bool load_base_set;          /* relocatable, or asked for: tell the kernel its base */
	uint32_t load_base;
};

/* Returns the offset of the first valid Multiboot2 header (8-aligned, in the
 * first 32 KiB of head), or -1; *bad_checksum_at gets the offset of the
 * first magic whose checksum is wrong, or -1. */
long multiboot2_find_header(const uint8_t *head, size_t len, long *bad_checksum_at);

/* head: the image's first min(size, IMAGE_HEAD_SIZE) bytes. Loads the
 * kernel, its modules and boot information; fills *res (entry, mode, and
 * the boot registers). */
int load_multiboot2(struct vm *vm, const struct image_source *src, const uint8_t *head,
		    size_t head_len, long header_offset, const struct load_options *opt,
		    struct load_result *res, char *err, size_t errlen);

/* Builds the boot information into *b (multiboot2_info.c): it holds no
 * pointers, so it is the same wherever it is placed. */
void multiboot2_build_info(struct boot_blob *b, const struct mb2_info_input *in);

/* The name of boot information tag `type`, for messages. */
const char *multiboot2_info_tag_name(uint32_t type);
/* Whether vmm can hand over boot information tag `type`. */
bool multiboot2_info_tag_supported(uint32_t type);

#endif
