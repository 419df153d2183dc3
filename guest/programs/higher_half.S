/*
 * Issue 11: a higher-half Multiboot kernel (higher_half.ld: p_vaddr
 * 0xC0100000, p_paddr 0x100000, e_entry 0xC010000C). Its entry code runs
 * with paging off, as a real one does until it builds its page tables, so it
 * uses physical addresses: symbol - KERNEL_VMA. (This host's KVM cannot run
 * 32-bit paging, so the kernel stops before enabling it.) vmm used to refuse
 * it: "ELF entry point 0xc010000c is outside guest RAM". It prints where it
 * runs and exits through isa-debug-exit (status (9 << 1) | 1 = 19).
 */
	.set	KERNEL_VMA, 0xC0000000
	.set	MB_MAGIC, 0x1BADB002
	.set	MB_FLAGS, 0x2
#define PHYS(sym) ((sym) - KERNEL_VMA)

	.section .multiboot, "a"
	.balign	4
	.long	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.text
	.globl	_start
_start:
	mov	$PHYS(stack_top), %esp
	mov	$PHYS(msg), %esi
	call	puts		/* relative: right at any address */
	/* Where are we? EIP, from a call, must be the physical address. */
	call	1f
1:	pop	%eax
	sub	$PHYS(1b), %eax
	mov	$PHYS(msg_ok), %esi
	test	%eax, %eax
	jz	2f
	mov	$PHYS(msg_bad), %esi
2:	call	puts		/* relative: right at any address */
	mov	$9, %al
	outb	%al, $0xf4
	cli
	hlt

puts:	mov	$0xe9, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	outb	%al, %dx
	jmp	1b
2:	ret

	.section .rodata
msg:	.asciz	"higher-half kernel: entry 0xc010000c started at its physical address\n"
msg_ok:	.asciz	"running at the physical addresses, paging off\n"
msg_bad: .asciz	"running at an unexpected address\n"

	.bss
	.balign	16
	.skip	4096
stack_top:
