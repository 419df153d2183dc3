/*
 * Multiboot2 boot information (specification 2.0, section 3.6), as far as
 * the SDK's test kernels read it: a fixed part (total_size, reserved), then
 * tags, each 8-aligned, each starting with its type and size (the size not
 * counting the padding to the next tag), the last one of type 0. Addresses
 * are physical; the SDK's entries map them 1:1.
 */
#ifndef GUEST_MULTIBOOT2_H
#define GUEST_MULTIBOOT2_H

#include <stdint.h>

#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36D76289

#define MULTIBOOT2_TAG_END              0
#define MULTIBOOT2_TAG_CMDLINE          1
#define MULTIBOOT2_TAG_BOOT_LOADER_NAME 2
#define MULTIBOOT2_TAG_MODULE           3
#define MULTIBOOT2_TAG_BASIC_MEMINFO    4
#define MULTIBOOT2_TAG_BOOTDEV          5
#define MULTIBOOT2_TAG_MMAP             6
#define MULTIBOOT2_TAG_FRAMEBUFFER      8
#define MULTIBOOT2_TAG_LOAD_BASE_ADDR   21
#define MULTIBOOT2_TAG_ALIGN            8

struct multiboot2_info {
	uint32_t total_size; /* bytes, this fixed part and the end tag included */
	uint32_t reserved;
};

struct multiboot2_tag {
	uint32_t type;
	uint32_t size;
};

struct multiboot2_tag_string { /* command line, boot loader name */
	struct multiboot2_tag tag;
	char string[];
};

struct multiboot2_tag_module {
	struct multiboot2_tag tag;
	uint32_t mod_start, mod_end; /* [start, end) */
	char cmdline[];
};

struct multiboot2_tag_basic_meminfo {
	struct multiboot2_tag tag;
	uint32_t mem_lower, mem_upper; /* KiB below 640 KiB, KiB from 1 MiB */
};

struct multiboot2_tag_bootdev {
	struct multiboot2_tag tag;
	uint32_t biosdev, partition, sub_partition;
};

struct multiboot2_mmap_entry {
	uint64_t base_addr, length;
	uint32_t type; /* 1: usable RAM */
	uint32_t reserved;
};

struct multiboot2_tag_mmap {
	struct multiboot2_tag tag;
	uint32_t entry_size, entry_version;
	/* struct multiboot2_mmap_entry entries, entry_size bytes apart */
};

struct multiboot2_tag_framebuffer {
	struct multiboot2_tag tag;
	uint64_t framebuffer_addr;
	uint32_t framebuffer_pitch, framebuffer_width, framebuffer_height;
	uint8_t framebuffer_bpp;
	uint8_t framebuffer_type; /* 2: EGA text, width x height characters */
	uint16_t reserved;
};

struct multiboot2_tag_load_base {
	struct multiboot2_tag tag;
	uint32_t load_base_addr;
};

/* The tag after t (tags are 8-aligned). */
static inline const struct multiboot2_tag *multiboot2_next_tag(const struct multiboot2_tag *t)
{
	uintptr_t next = (uintptr_t)t + t->size;
	next = (next + MULTIBOOT2_TAG_ALIGN - 1) & ~(uintptr_t)(MULTIBOOT2_TAG_ALIGN - 1);
	return (const struct multiboot2_tag *)next;
}

#endif
