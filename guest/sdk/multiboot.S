/*
 * Entry of a 32-bit Multiboot v1 kernel: the loader enters _start in flat
 * protected mode, paging off, with EAX = 0x2BADB002 and EBX = the physical
 * address of the multiboot information. Its stack pointer is undefined, so
 * we bring our own.
 *
 * main(magic, info)'s return value v ends the guest through guest_exit()
 * (debug_exit.h): vmm exits with status v (the EXIT hypercall), QEMU with
 * (v << 1) | 1 (port 0xF4, its isa-debug-exit).
 */
/* multiboot2.S builds this same entry under the Multiboot2 header. */
#ifdef MULTIBOOT2
#include "multiboot2_header.S"
#else
#include "multiboot_header.S"
#endif

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

	/* main's status: EXIT hypercall on vmm, port 0xF4 elsewhere. */
	movl	%eax, (%esp)
	call	guest_exit
halt:
	hlt
	jmp	halt

	.section .bss
	.balign 16
	.skip	STACK_SIZE
stack_top:

	.section .note.GNU-stack, "", @progbits
