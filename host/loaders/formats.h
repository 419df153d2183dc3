/*
 * The format loaders, which loader.c (guest_load_source) picks from. Each
 * copies the image into guest RAM with image_place() and fills *res (format,
 * mode, entry); guest_load_source() then checks the entry and sets up the
 * vCPU. They depend on image.h only (and multiboot.c on the ELF loader).
 */
#ifndef VMM_FORMATS_H
#define VMM_FORMATS_H

#include "image.h"

int load_flat(struct vm *vm, const struct image_source *src, const struct load_options *opt,
	      struct load_result *res, char *err, size_t errlen);

/* Loads an ELF's PT_LOAD segments at p_paddr; fills res->format and entry
 * (e_entry, translated to its physical address when it lies in a segment's
 * virtual range, as GRUB does). */
int load_elf(struct vm *vm, const struct image_source *src, struct load_result *res, char *err,
	     size_t errlen);
bool is_elf(const uint8_t *head, size_t len);
/* An address inside a loaded segment's virtual range [p_vaddr, p_vaddr +
 * p_memsz) -> its physical address (p_paddr + offset); any other address is
 * returned as is. For -entry, which is physical but may be given virtual.
 * The image must be an ELF file; reads only its headers. */
uint64_t elf_virt_to_phys(const struct image_source *src, uint64_t addr);

/* Returns the offset of the first valid Multiboot header in head (the
 * image's first bytes), or -1 when there is none; *bad_checksum_at gets the
 * offset of the first magic whose checksum is wrong, or -1. */
long multiboot_find_header(const uint8_t *head, size_t len, long *bad_checksum_at);
/* head: the image's first min(size, IMAGE_HEAD_SIZE) bytes. */
int load_multiboot(struct vm *vm, const struct image_source *src, const uint8_t *head,
		   size_t head_len, long header_offset, const struct load_options *opt,
		   struct load_result *res, char *err, size_t errlen);
/* After vm_setup_cpu: EAX and EBX as the Multiboot specifications say
 * (res->boot_magic, res->boot_info), for v1 and Multiboot2 alike. */
int multiboot_set_boot_regs(struct vm *vm, const struct load_result *res, char *err, size_t errlen);

#endif
