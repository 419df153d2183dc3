/*
 * The 32-bit Multiboot v1 entry with an "a.out kludge" header first: flag 16
 * and the address fields tell the loader where the file goes, so the kernel
 * can be a flat binary. Flag 0 (page-aligned modules) is left clear on
 * purpose: QEMU page-aligns modules anyway, and so does vmm. The standard
 * header that multiboot.S brings comes second; loaders take the first.
 */
#define AOUT_MAGIC 0x1BADB002
#define AOUT_FLAGS ((1 << 1) | (1 << 16)) /* memory info, address fields */

	.section .multiboot, "a"
	.balign 4
aout_header:
	.long	AOUT_MAGIC
	.long	AOUT_FLAGS
	.long	-(AOUT_MAGIC + AOUT_FLAGS)
	.long	aout_header /* header_addr */
	.long	aout_header /* load_addr: the file is loaded from the header on */
	.long	0           /* load_end_addr: to the end of the file */
	.long	__bss_end   /* bss_end_addr */
	.long	_start      /* entry_addr */

#include "multiboot.S"
