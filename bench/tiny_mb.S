/*
 * The smallest Multiboot kernels, for the start-up and density benches: no
 * SDK, no stack, no BSS, a few instructions each.
 *
 *   tiny_mb-exit.elf  writes 0 to isa-debug-exit (port 0xF4): vmm and QEMU
 *                     exit with status 1, bare_kvm too. Start-up alone.
 *   tiny_mb-idle.elf  (built with -DIDLE) says "up" on the debug console
 *                     (port 0xE9), then spins until it is killed.
 *
 * Flags 0: the loader takes the load address from the ELF program header.
 */
#define MULTIBOOT_HEADER_MAGIC 0x1BADB002

	.code32
	.section .text, "ax"
	.balign 4
	.long	MULTIBOOT_HEADER_MAGIC
	.long	0
	.long	-MULTIBOOT_HEADER_MAGIC

	.globl _start
_start:
#ifdef IDLE
	movw	$0xE9, %dx
	movb	$'u', %al
	outb	%al, %dx
	movb	$'p', %al
	outb	%al, %dx
	movb	$'\n', %al
	outb	%al, %dx
1:	pause
	jmp	1b
#else
	xorl	%eax, %eax
	outl	%eax, $0xF4
	hlt
#endif

	.section .note.GNU-stack, "", @progbits
