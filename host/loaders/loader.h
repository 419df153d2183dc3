/*
 * Guest loaders. guest_load() detects the format (Multiboot v1 header in the
 * first 8 KiB, else ELF magic, else a flat binary), copies the image into
 * guest RAM, and sets up the vCPU to start it. Malformed images, and formats
 * vmm does not boot (a Linux bzImage, a PE/MZ file, a position-independent
 * or relocatable ELF), are refused with a one-line message before anything
 * runs.
 *
 * Files: loader.c dispatches and starts the vCPU; elf.c, multiboot.c and
 * flat.c load their formats (formats.h); image.c holds what they share
 * (image.h).
 */
#ifndef VMM_LOADER_H
#define VMM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"
#include "vm.h"

/* Loads an image held in memory (tests, fuzzing). */
int guest_load(struct vm *vm, const uint8_t *image, size_t size, const struct load_options *opt,
	       struct load_result *res, char *err, size_t errlen);
int guest_load_source(struct vm *vm, const struct image_source *src, const struct load_options *opt,
		      struct load_result *res, char *err, size_t errlen);
const char *guest_format_name(enum guest_format f);
/* After the run: a hint when a flat binary started in real mode only because
 * no -mode was given (mode_given false) and faulted within its first few
 * exits, as a 32- or 64-bit program started in real mode does; else NULL. */
const char *guest_fault_hint(const struct vm *vm, const struct load_result *res, bool mode_given,
			     enum vm_stop_reason reason);

#endif
