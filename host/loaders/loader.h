/*
 * Guest loaders. guest_load() detects the format (Multiboot v1 header in the
 * first 8 KiB, else ELF magic, else a flat binary), copies the image into
 * guest RAM, and sets up the vCPU to start it. Malformed images are refused
 * with a one-line message before anything runs.
 *
 * The image is read piece by piece (struct image_source): the first 8 KiB to
 * detect the format, then the headers, then each segment straight into guest
 * RAM once its place there has been checked. A file far larger than guest RAM
 * (or a header that claims a huge segment) is refused before it is read.
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
	/* -mode or -load was given: the file is meant as a flat binary, so a
	 * Multiboot magic with a bad checksum in it is data, as GRUB and QEMU
	 * treat it; without this such a file is refused. */
	bool ignore_bad_multiboot;
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

/* The guest image as the loaders read it: a buffer, or an open file read
 * with pread only where something is loaded. */
struct image_source {
	uint64_t size;
	const uint8_t *mem; /* the whole image, or NULL: read from fd */
	int fd;
};

/* Loads an image held in memory (tests, fuzzing). */
int guest_load(struct vm *vm, const uint8_t *image, size_t size, const struct load_options *opt,
	       struct load_result *res, char *err, size_t errlen);
int guest_load_source(struct vm *vm, const struct image_source *src, const struct load_options *opt,
		      struct load_result *res, char *err, size_t errlen);
/* Opens a guest image file for guest_load_source. Anything but a non-empty
 * regular file (a FIFO, a device, a directory, a socket) is refused without
 * blocking. Returns 0, or -1 with a message naming the file. */
int guest_file_open(const char *path, struct image_source *src, char *err, size_t errlen);
void guest_file_close(struct image_source *src);
const char *guest_format_name(enum guest_format f);

/* Shared by the format-specific loaders (loader.c). */
int load_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Copies [off, off + len) of the image to dst. The caller has checked the
 * range against src->size; a file that shrank since, or a read error, gives
 * -1 and a message. */
int image_read(const struct image_source *src, uint64_t off, void *dst, uint64_t len, char *err,
	       size_t errlen);
/* How much of the image's start the format detection reads: the Multiboot
 * search area (8 KiB) and a whole header at its end. */
#define IMAGE_HEAD_SIZE (8192 + 32)
/* Host address for [gpa, gpa + size) if that range may hold a guest image:
 * inside RAM, clear of the VGA window, vmm's reserved area and the stack. */
uint8_t *image_place(struct vm *vm, uint64_t gpa, uint64_t size, char *err, size_t errlen);

/* Each loader copies the image into guest RAM and fills *res (format, mode,
 * entry); guest_load_source() then checks the entry and sets up the vCPU. */
int load_flat(struct vm *vm, const struct image_source *src, const struct load_options *opt,
	      struct load_result *res, char *err, size_t errlen);
/* Loads an ELF's PT_LOAD segments at p_paddr; fills res->format and entry. */
int load_elf(struct vm *vm, const struct image_source *src, struct load_result *res, char *err,
	     size_t errlen);
bool is_elf(const uint8_t *head, size_t len);
/* Returns the offset of the first valid Multiboot header in head (the
 * image's first bytes), or -1 when there is none; *bad_checksum_at gets the
 * offset of the first magic whose checksum is wrong, or -1. */
long multiboot_find_header(const uint8_t *head, size_t len, long *bad_checksum_at);
/* head: the image's first min(size, IMAGE_HEAD_SIZE) bytes. */
int load_multiboot(struct vm *vm, const struct image_source *src, const uint8_t *head,
		   size_t head_len, long header_offset, const struct load_options *opt,
		   struct load_result *res, char *err, size_t errlen);
/* After vm_setup_cpu: EAX and EBX as the Multiboot specification says. */
int multiboot_set_boot_regs(struct vm *vm, char *err, size_t errlen);

#endif
