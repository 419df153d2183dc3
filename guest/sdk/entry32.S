/*
 * Entry of a 32-bit protected-mode flat image, loaded at guest-physical 0 and
 * entered at 0 with flat segments and paging off. The stack is the one the
 * VMM set (top of RAM); only its alignment is fixed here.
 */
	.code32
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

	/* The SysV i386 ABI gcc follows wants ESP 16-byte aligned at calls. */
	andl	$-16, %esp
	subl	$8, %esp
	/* main(0, 0): magic 0 tells a shared program it is not multiboot. */
	pushl	$0
	pushl	$0
	call	main

	/* Report main's return value; stop here if EXIT fails (no vmm). */
	movl	%eax, (%esp)
	call	hc_exit
halt:
	hlt
	jmp	halt

	.section .note.GNU-stack, "", @progbits
