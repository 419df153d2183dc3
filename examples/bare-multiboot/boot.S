/* boot.S: the Multiboot header and the entry point. The boot loader (vmm,
 * QEMU -kernel, GRUB) enters _start in 32-bit protected mode, paging off,
 * with EAX = 0x2BADB002 and EBX = the Multiboot information's address. */
	.set MAGIC, 0x1BADB002
	.set FLAGS, 0                       /* no requests: an ELF kernel needs none */

	.section .multiboot, "a"
	.align 4
	.long MAGIC, FLAGS, -(MAGIC + FLAGS) /* the three must sum to 0 */

	.section .bss
	.align 16
stack:	.skip 16384
stack_top:

	.section .text
	.globl _start
_start:
	mov	$stack_top, %esp            /* the loader gives no stack */
	push	%ebx                        /* kmain(magic, info) */
	push	%eax
	call	kmain
	cli                                 /* vmm: hlt with IF=0 ends the run, status 0 */
1:	hlt
	jmp	1b

	.section .note.GNU-stack, "", @progbits
