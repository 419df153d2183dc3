/*
 * Entry of a long-mode flat image, loaded at guest-physical 0 and entered at
 * 0 with RAM identity-mapped and SSE enabled by the VMM. The stack is the
 * one the VMM set (top of RAM); only its alignment is fixed here.
 */
	.code64
	.section .text.entry, "ax"
	.globl _start
_start:
	cli
	cld
	xorl	%eax, %eax
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	rep stosb

	andq	$-16, %rsp
	/* main(0, 0): magic 0 tells a shared program it is not multiboot. */
	xorl	%edi, %edi
	xorl	%esi, %esi
	call	main

	/* Report main's return value; stop here if EXIT fails (no vmm). */
	movl	%eax, %edi
	call	hc_exit
halt:
	hlt
	jmp	halt

	.section .note.GNU-stack, "", @progbits
