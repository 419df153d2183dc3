/*
 * Entry of a 32-bit Multiboot2 kernel (mirrors multiboot.S): the loader
 * enters _start in flat 32-bit protected mode, paging off, with EAX =
 * 0x36D76289 and EBX = the physical address of the boot information. Its
 * stack pointer is undefined, so we bring our own.
 *
 * main(magic, info)'s return value v goes to the isa-debug-exit port 0xF4:
 * vmm exits with status (v << 1) | 1.
 */
#include "multiboot2_header.S"

#define STACK_SIZE 16384

	.code32
	.section .text.entry, "ax"
	.globl _start
_start:
	cli
	cld
	movl	%eax, %esi /* magic; EBX (info) survives the loop below */
	xorl	%eax, %eax
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	rep stosb

	movl	$stack_top, %esp
	subl	$8, %esp /* keep ESP 16-byte aligned at the call */
	pushl	%ebx
	pushl	%esi
	call	main

	outl	%eax, $0xf4
halt:
	hlt
	jmp	halt

	.section .bss
	.balign 16
	.skip	STACK_SIZE
stack_top:

	.section .note.GNU-stack, "", @progbits
