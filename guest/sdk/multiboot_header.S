/*
 * The Multiboot v1 header, shared by the 32- and 64-bit multiboot entries.
 * The linker scripts put .multiboot first, well inside the first 8 KiB of
 * the file where loaders look for it. No address fields (flag 16 clear):
 * the loader takes addresses from the ELF program headers.
 */
#define MULTIBOOT_HEADER_MAGIC 0x1BADB002
#define MULTIBOOT_PAGE_ALIGN   (1 << 0) /* modules on 4 KiB boundaries */
#define MULTIBOOT_MEMORY_INFO  (1 << 1) /* we want mem_lower/mem_upper */
#define MULTIBOOT_HEADER_FLAGS (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO)

	.section .multiboot, "a"
	.balign 4
	.long	MULTIBOOT_HEADER_MAGIC
	.long	MULTIBOOT_HEADER_FLAGS
	.long	-(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS)
