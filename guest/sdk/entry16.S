/*
 * Entry of a real-mode flat image, loaded at guest-physical 0 and entered at
 * 0. C compiled with gcc -m16 is 32-bit code with size prefixes: it takes
 * addresses as flat offsets, so CS, DS, ES and SS must all have base 0.
 */
	.code16
	.section .text.entry, "ax"
	.globl _start
_start:
	cli
	cld
	/* Whatever CS:IP pair got us here, continue with CS = 0. */
	ljmp	$0, $cs_is_zero
cs_is_zero:
	xorl	%eax, %eax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	/* Our own stack at the top of the first 64 KiB (the linker script
	 * keeps the image below it), and the upper half of ESP zero: gcc's
	 * -m16 code addresses the stack through ESP. */
	movl	$__stack_top, %esp

	movw	$__bss_start, %di
	movw	$__bss_end, %cx
	subw	%di, %cx
	rep stosb

	/* gcc assumes ESP 16-byte aligned at every call, and only then are
	 * its aligned locals (the 8-byte hypercall block) really aligned. */
	subl	$8, %esp
	/* main(0, 0): magic 0 tells a shared program it is not multiboot. */
	pushl	$0
	pushl	$0
	calll	main

	/* Report main's return value; if the EXIT hypercall fails (no vmm),
	 * stop here. */
	movl	%eax, (%esp)
	calll	hc_exit
halt:
	hlt
	jmp	halt

	.section .note.GNU-stack, "", @progbits
