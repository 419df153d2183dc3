/*
 * The Multiboot2 header of the SDK's Multiboot2 test kernels (the
 * specification 2.0, section 3.1): 8-aligned in the first 32 KiB of the file
 * (the linker scripts put .multiboot first), its tags 8-aligned, ending with
 * the end tag. The kernel asks for the boot information tags it prints and
 * accepts the EGA text console.
 *
 * MB2_ADDRESS_TAG: add the address and entry address tags, so that a loader
 * loads the file from the header on (a flat binary; no ELF headers needed).
 */
#define MB2_HEADER_MAGIC 0xE85250D6
#define MB2_ARCH_I386 0
#define MB2_TAG_OPTIONAL 1

#define MB2_HTAG_END 0
#define MB2_HTAG_INFO_REQUEST 1
#define MB2_HTAG_ADDRESS 2
#define MB2_HTAG_ENTRY_ADDRESS 3
#define MB2_HTAG_CONSOLE_FLAGS 4
#define MB2_HTAG_FRAMEBUFFER 5
#define MB2_HTAG_MODULE_ALIGN 6
#define MB2_CONSOLE_EGA_TEXT_SUPPORTED 2

	.section .multiboot, "a"
	.balign 8
mb2_header_start:
	.long	MB2_HEADER_MAGIC
	.long	MB2_ARCH_I386
	.long	mb2_header_end - mb2_header_start
	/* magic + architecture + length + checksum = 0 (mod 2^32) */
	.long	0x100000000 - (MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header_start))

	/* Required: command line, boot loader name, modules, basic memory
	 * information, memory map, framebuffer information. */
	.balign 8
mb2_request_start:
	.short	MB2_HTAG_INFO_REQUEST, 0
	.long	mb2_request_end - mb2_request_start
	.long	1, 2, 3, 4, 6, 8
mb2_request_end:

#ifdef MB2_ADDRESS_TAG
	/* The file is loaded from the header on (its first byte in a flat
	 * binary), up to its end; the bss is zeroed up to __bss_end. */
	.balign 8
	.short	MB2_HTAG_ADDRESS, 0
	.long	24
	.long	mb2_header_start /* header_addr */
	.long	mb2_header_start /* load_addr */
	.long	0                /* load_end_addr: the whole file */
	.long	__bss_end        /* bss_end_addr */
	.balign 8
	.short	MB2_HTAG_ENTRY_ADDRESS, 0
	.long	12
	.long	_start
#endif

	.balign 8
	.short	MB2_HTAG_CONSOLE_FLAGS, 0
	.long	12
	.long	MB2_CONSOLE_EGA_TEXT_SUPPORTED

	/* Any console will do: 0 x 0 x 0 is "no preference". */
	.balign 8
	.short	MB2_HTAG_FRAMEBUFFER, MB2_TAG_OPTIONAL
	.long	20
	.long	0, 0, 0

	.balign 8
	.short	MB2_HTAG_MODULE_ALIGN, 0
	.long	8

	.balign 8
	.short	MB2_HTAG_END, 0
	.long	8
mb2_header_end:
