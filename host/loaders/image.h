/*
 * What every format loader shares (the bottom of the loaders' dependencies:
 * loader.c -> elf.c, multiboot.c, multiboot2.c, flat.c -> image.c): the
 * image as a source of bytes, the options and result of a load, one-line
 * errors, and placing an image's bytes in guest RAM.
 *
 * The image is read piece by piece (struct image_source): the first bytes to
 * detect the format, then the headers, then each segment straight into guest
 * RAM once its place there has been checked. A file far larger than guest RAM
 * (or a header that claims a huge segment) is refused before it is read.
 *
 * Where things go in guest RAM (layout.h, guest_ram.h): image_place() lets an
 * image use any RAM outside the VGA window and below the initial stack, and
 * records the range; vmm's own structures are then placed where the image is
 * not with vm_ram_alloc().
 */
#ifndef VMM_IMAGE_H
#define VMM_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm.h"

struct load_options {
	enum cpu_mode mode;   /* flat binaries only */
	uint64_t load_addr;   /* flat binaries only */
	uint64_t entry;       /* flat: defaults to load_addr; others: overrides */
	bool entry_set;
	uint64_t stack;       /* -stack: initial RSP in every mode */
	bool stack_set;
	const char *cmdline;  /* Multiboot command line (-append) */
	const char *name;     /* file name, passed to Multiboot kernels as QEMU does */
	const char *initrd;   /* -initrd: Multiboot modules, QEMU's syntax, or NULL */
	bool multiboot2;      /* -multiboot2: boot a kernel with both headers as Multiboot2 */
	/* -mode or -load was given: the file is meant as a flat binary, so a
	 * Multiboot magic with a bad checksum in it is data, as GRUB and QEMU
	 * treat it; without this such a file is refused. */
	bool ignore_bad_multiboot;
};

enum guest_format { FORMAT_FLAT, FORMAT_ELF32, FORMAT_ELF64, FORMAT_MULTIBOOT, FORMAT_MULTIBOOT2 };

struct load_result {
	enum guest_format format;
	enum cpu_mode mode;
	uint64_t entry;       /* physical */
	/* ELF: e_entry as the file gives it, when it was a virtual address
	 * that vmm translated to `entry` (it lies in a segment's p_vaddr
	 * range); else equal to entry. */
	uint64_t file_entry;
	bool elf_segments;    /* loaded from ELF program headers */
	uint64_t stack;       /* the initial RSP */
	/* Multiboot v1 and v2: EAX and EBX at entry (the magic, the boot
	 * information's address). */
	uint32_t boot_magic;
	uint64_t boot_info;
};

/* The guest image as the loaders read it: a buffer, or an open file read
 * with pread only where something is loaded. */
struct image_source {
	uint64_t size;
	const uint8_t *mem; /* the whole image, or NULL: read from fd */
	int fd;
};

/* How much of the image's start the format detection reads: the Multiboot2
 * search area (32 KiB; Multiboot v1 looks at the first 8 KiB of it), and a
 * whole v1 header at its end. */
#define IMAGE_HEAD_SIZE (32768 + 32)

/* Writes a one-line message to err; returns -1. */
int load_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Copies [off, off + len) of the image to dst. The caller has checked the
 * range against src->size; a file that shrank since, or a read error, gives
 * -1 and a message. */
int image_read(const struct image_source *src, uint64_t off, void *dst, uint64_t len, char *err,
	       size_t errlen);
/* Host address for [gpa, gpa + size) if that range may hold a guest image:
 * inside RAM below the initial stack's STACK_RESERVE, clear of the VGA
 * window and of vmm's own structures. Records the range as the image's
 * (RAM_GUEST, what) so that vmm's structures are placed elsewhere. */
uint8_t *image_place(struct vm *vm, uint64_t gpa, uint64_t size, const char *what, char *err,
		     size_t errlen);

/* Opens a guest image file for guest_load_source. Anything but a non-empty
 * regular file (a FIFO, a device, a directory, a socket) is refused without
 * blocking. Returns 0, or -1 with a message naming the file. */
int guest_file_open(const char *path, struct image_source *src, char *err, size_t errlen);
void guest_file_close(struct image_source *src);

#endif
