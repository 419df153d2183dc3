/*
 * Guest loaders. guest_load() detects the format (Multiboot v1 header in the
 * first 8 KiB, else ELF magic, else a flat binary), copies the image into
 * guest RAM, and sets up the vCPU to start it. Malformed images are refused
 * with a one-line message before anything runs.
 */
#ifndef VMM_LOADER_H
#define VMM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm.h"

struct load_options {
	enum cpu_mode mode;   /* flat binaries only */
	uint64_t load_addr;   /* flat binaries only */
	uint64_t entry;       /* flat: defaults to load_addr; others: overrides */
	bool entry_set;
	const char *cmdline;  /* Multiboot command line (-append) */
	const char *name;     /* file name, passed to Multiboot kernels as QEMU does */
};

enum guest_format { FORMAT_FLAT, FORMAT_ELF32, FORMAT_ELF64, FORMAT_MULTIBOOT };

struct load_result {
	enum guest_format format;
	enum cpu_mode mode;
	uint64_t entry;
};

/* Space kept free at the top of RAM for the initial stack of flat and ELF
 * guests: an image may not reach into it. */
#define STACK_RESERVE (64ull << 10)

int guest_load(struct vm *vm, const uint8_t *image, size_t size, const struct load_options *opt,
	       struct load_result *res, char *err, size_t errlen);
/* Reads a whole file (for guest_load); NULL with a message on failure. */
uint8_t *read_file(const char *path, size_t *size, char *err, size_t errlen);
const char *guest_format_name(enum guest_format f);

/* Shared by the format-specific loaders (loader.c). */
int load_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Host address for [gpa, gpa + size) if that range may hold a guest image:
 * inside RAM, clear of the VGA window, vmm's reserved area and the stack. */
uint8_t *image_place(struct vm *vm, uint64_t gpa, uint64_t size, char *err, size_t errlen);

int load_flat(struct vm *vm, const uint8_t *image, size_t size, const struct load_options *opt,
	      struct load_result *res, char *err, size_t errlen);
/* Loads an ELF's PT_LOAD segments at p_paddr; fills res->format and entry. */
int load_elf(struct vm *vm, const uint8_t *image, size_t size, struct load_result *res, char *err,
	     size_t errlen);
bool is_elf(const uint8_t *image, size_t size);
/* Returns the offset of a valid Multiboot header, or -1 when there is none. */
long multiboot_find_header(const uint8_t *image, size_t size);
int load_multiboot(struct vm *vm, const uint8_t *image, size_t size, long header_offset,
		   const struct load_options *opt, struct load_result *res, char *err, size_t errlen);

#endif
