/*
 * Entry of a 64-bit kernel booted as a Multiboot v1 (32-bit) kernel: the
 * loader enters _start in flat protected mode with paging off, EAX =
 * 0x2BADB002, EBX = multiboot information. We switch to long mode ourselves:
 * identity-map the first 1 GiB with 2 MiB pages (tables in our .bss, which
 * is where the loader puts them: they cost no file space), enable PAE, SSE,
 * EFER.LME, then paging, and far-jump into our own 64-bit code segment.
 *
 * main(magic, info)'s return value v ends the guest through guest_exit()
 * (debug_exit.h): vmm exits with status v (the EXIT hypercall), QEMU with
 * (v << 1) | 1 (port 0xF4, its isa-debug-exit).
 */
/* multiboot2_64.S builds this same entry under the Multiboot2 header. */
#ifdef MULTIBOOT2
#include "multiboot2_header.S"
#else
#include "multiboot_header.S"
#endif

#define STACK_SIZE 16384

#define PAGE_PRESENT  (1 << 0)
#define PAGE_WRITABLE (1 << 1)
#define PAGE_HUGE     (1 << 7) /* in a page directory entry: a 2 MiB page */
#define HUGE_PAGE_SHIFT 21

#define CR0_MP (1 << 1)  /* with EM clear: SSE and x87 without traps */
#define CR0_EM (1 << 2)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)      /* SSE instructions allowed */
#define CR4_OSXMMEXCPT (1 << 10) /* SSE exceptions as #XM */
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)

#define CODE64_SELECTOR 0x08
#define DATA_SELECTOR   0x10

	.code32
	.section .text.entry, "ax"
	.globl _start
_start:
	cli
	cld
	movl	%eax, %esi /* magic; EBX (info) is left untouched until main */
	xorl	%eax, %eax
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	rep stosb
	movl	$stack_top, %esp

	/* One PML4 entry -> one PDPT entry -> 512 2 MiB pages = 1 GiB. */
	movl	$(pdpt + PAGE_PRESENT + PAGE_WRITABLE), pml4
	movl	$(page_directory + PAGE_PRESENT + PAGE_WRITABLE), pdpt
	xorl	%ecx, %ecx
map_next_huge_page:
	movl	%ecx, %eax
	shll	$HUGE_PAGE_SHIFT, %eax
	orl	$(PAGE_PRESENT + PAGE_WRITABLE + PAGE_HUGE), %eax
	movl	%eax, page_directory(, %ecx, 8) /* high half stays 0 */
	incl	%ecx
	cmpl	$512, %ecx
	jb	map_next_huge_page

	movl	$pml4, %eax
	movl	%eax, %cr3
	movl	%cr4, %eax
	orl	$(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl	%eax, %cr4
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	andl	$~CR0_EM, %eax
	orl	$(CR0_PG | CR0_MP), %eax
	movl	%eax, %cr0 /* now in compatibility mode, on the loader's CS */

	lgdt	gdt_pointer
	ljmp	$CODE64_SELECTOR, $long_mode

	.code64
long_mode:
	movw	$DATA_SELECTOR, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	movl	$stack_top, %esp /* zero-extends into RSP */

	movl	%esi, %edi /* main(magic, info) */
	movl	%ebx, %esi
	call	main

	/* main's status: EXIT hypercall on vmm, port 0xF4 elsewhere. */
	movl	%eax, %edi
	call	guest_exit
halt:
	hlt
	jmp	halt

	.section .rodata
	.balign 8
gdt:
	.quad	0                  /* null */
	.quad	0x00AF9A000000FFFF /* 0x08: 64-bit code, present, ring 0 */
	.quad	0x00CF92000000FFFF /* 0x10: flat data, read/write */
gdt_end:
gdt_pointer:
	.word	gdt_end - gdt - 1
	.long	gdt

	.section .bss
	.balign 4096
pml4:
	.skip	4096
pdpt:
	.skip	4096
page_directory:
	.skip	4096
	.balign 16
	.skip	STACK_SIZE
stack_top:

	.section .note.GNU-stack, "", @progbits
