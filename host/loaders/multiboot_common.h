/*
 * What the Multiboot v1 (multiboot.c) and Multiboot2 (multiboot2.c) loaders
 * share: loading a kernel from a header's load addresses (the "a.out
 * kludge"), the modules of -initrd, the memory sizes derived from the memory
 * map, and the buffer the boot information is built in before it is placed
 * in guest RAM.
 */
#ifndef VMM_MULTIBOOT_COMMON_H
#define VMM_MULTIBOOT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"

/* A header's load addresses (v1 header fields, the v2 address tag). */
struct mb_load_addresses {
	uint32_t header_addr;   /* where the header's magic lands in RAM */
	uint32_t load_addr;     /* where the file's text starts in RAM */
	uint32_t load_end_addr; /* end of the loaded data; 0: to the end of the file */
	uint32_t bss_end_addr;  /* end of the bss, zeroed; 0: no bss */
};

/* Loads [load_addr, load_end_addr) from the file, the header at
 * header_offset lining up with header_addr, and zeroes the bss, with QEMU's
 * checks. kind names the format in messages ("Multiboot", "Multiboot2"). */
int multiboot_load_addresses(struct vm *vm, const struct image_source *src, long header_offset,
			     const struct mb_load_addresses *a, const char *kind, char *err,
			     size_t errlen);

/* One module of -initrd. */
struct mb_module {
	char *spec;       /* "FILE ARGS" as QEMU passes it (",," made ","), owned */
	const char *args; /* inside spec: what follows FILE and a space, or "" */
	uint64_t start, end; /* where it was loaded: [start, end) */
};

struct mb_modules {
	struct mb_module *mod;
	int count;
};

/* The most modules one -initrd may give (each takes a record of guest_ram.h). */
#define MB_MODULES_MAX 32

/*
 * Splits -initrd's value as QEMU does ("a x y,b": modules "a x y" and "b";
 * ",," is a literal comma; a module's file name runs to its first space) and
 * loads each file page-aligned after the kernel, the next after the last,
 * recording them as the guest's (vm_ram_claim). The kernel is what was
 * recorded from vm->ram_use.ranges[kernel_first] on (not an earlier -stack).
 * initrd NULL: no modules. A missing or unreadable file, or modules past the
 * end of RAM, give -1 and a message; the caller frees *out either way.
 */
int multiboot_modules_load(struct vm *vm, int kernel_first, const char *initrd,
			   struct mb_modules *out, char *err, size_t errlen);
void multiboot_modules_free(struct mb_modules *mods);

/* mem_lower and mem_upper (KiB) as a BIOS derives them from its memory map:
 * the usable RAM from 0 (at most 640 KiB) and the usable RAM that runs on
 * without a gap from 1 MiB. */
void multiboot_memory_sizes(const struct hc_memmap_entry *map, int n, uint32_t *lower_kib,
			    uint32_t *upper_kib);

/* A growing buffer the boot information is assembled in. */
struct boot_blob {
	uint8_t *buf;
	size_t len, cap;
	bool failed; /* out of memory: every later put is ignored */
};

/* Appends len bytes (data, or zeros when data is NULL) at the next multiple
 * of align (a power of two), padding with zeros; returns their offset. */
size_t blob_put(struct boot_blob *b, const void *data, size_t len, size_t align);
/* Writes len bytes at offset off, inside what was put already. */
void blob_set(struct boot_blob *b, size_t off, const void *data, size_t len);
void blob_free(struct boot_blob *b);

/*
 * Builds boot information with `build`, places it in guest RAM as vmm's own
 * (reported reserved, 8-aligned) and copies it there; *gpa gets its address.
 * build(b, base, map, n, ctx) appends the structure for address `base` and
 * memory map `map` to b. It is called twice: once to learn the size (with
 * room for the block itself to split a map entry), then with the final map,
 * which shows the block and vmm's GDT and page tables, placed first.
 */
typedef void (*mb_info_builder)(struct boot_blob *b, uint64_t base,
				const struct hc_memmap_entry *map, int n, const void *ctx);
int multiboot_write_info(struct vm *vm, mb_info_builder build, const void *ctx, uint64_t *gpa,
			 char *err, size_t errlen);

#endif
