/*
 * Issue 11: a Multiboot kernel linked the quick way tutorials link,
 *	ld -m elf_i386 -Ttext=0x100000
 * with Debian's binutils (-z separate-code): the first PT_LOAD segment is
 * read-only, holds the ELF and program headers, and starts at 0xff000, in
 * 0xC0000-0xFFFFF. QEMU loads it; vmm used to refuse it. The kernel prints
 * the first bytes of that segment (the ELF magic, as loaded) and exits
 * through isa-debug-exit (status (7 << 1) | 1 = 15).
 */
	.set	MB_MAGIC, 0x1BADB002
	.set	MB_FLAGS, 0x2
	.text
	.globl	_start
	.balign	4
mb_header:
	.long	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
_start:
	mov	$stack_top, %esp	/* Multiboot leaves ESP undefined */
	mov	$0xe9, %dx
	mov	$msg, %esi
	call	puts
	/* The ELF magic at 0xff001 ("ELF"), loaded from the low segment. */
	mov	$0xff001, %esi
	mov	$3, %ecx
1:	lodsb
	outb	%al, %dx
	loop	1b
	mov	$'\n', %al
	outb	%al, %dx
	mov	$7, %al
	outb	%al, $0xf4
	cli
	hlt

puts:	lodsb
	test	%al, %al
	jz	2f
	outb	%al, %dx
	jmp	puts
2:	ret

	.section .rodata
msg:	.asciz	"low segment kernel: headers at 0xff000 read "

	.bss
	.balign	16
	.skip	4096
stack_top:
