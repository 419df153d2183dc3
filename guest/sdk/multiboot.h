/*
 * Multiboot v1 boot information, as far as our guests read it. All fields
 * are 32-bit physical addresses or values, in both 32- and 64-bit guests
 * (the 64-bit entry identity-maps the first 1 GiB, where loaders put it).
 */
#ifndef GUEST_MULTIBOOT_H
#define GUEST_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002

/* Bits of multiboot_info.flags: which fields are valid. */
#define MULTIBOOT_INFO_MEMORY      (1u << 0)
#define MULTIBOOT_INFO_BOOTDEV     (1u << 1)
#define MULTIBOOT_INFO_CMDLINE     (1u << 2)
#define MULTIBOOT_INFO_MODS        (1u << 3)
#define MULTIBOOT_INFO_MEM_MAP     (1u << 6)
#define MULTIBOOT_INFO_LOADER_NAME (1u << 9)

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower; /* KiB below 1 MiB */
	uint32_t mem_upper; /* KiB from 1 MiB to the first hole */
	uint32_t boot_device;
	uint32_t cmdline; /* physical address of a NUL-terminated string */
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;
	uint32_t mmap_addr;
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
};

/* One memory map entry; `size` counts the bytes after itself, so the next
 * entry starts at (char *)entry + entry->size + 4. */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t base_addr;
	uint64_t length;
	uint32_t type; /* 1: usable RAM */
} __attribute__((packed));

/* Physical addresses are usable as pointers: the SDK maps them 1:1. */
static inline void *multiboot_pointer(uint32_t physical)
{
	return (void *)(uintptr_t)physical;
}

/* The last word of the Multiboot command line, copied into buf (at most
 * size - 1 characters): vmm and QEMU put the kernel's file name first, so
 * this is what `-append WORD` passed. "" when there is no command line or
 * the guest was not started by a Multiboot loader. Returns buf. */
const char *multiboot_last_word(uint32_t magic, uint32_t info_address, char *buf, size_t size);

#endif
