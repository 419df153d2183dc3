/*
 * 32-bit interrupt stubs (idt.h): 256 of them, ISR_STUB_SIZE (16) bytes
 * apart, vector 0 first. Each pushes a 0 where the CPU pushes no error
 * code, then its vector, and jumps to isr_common, which saves the general
 * registers (pushal) into a struct interrupt_frame, calls
 * interrupt_dispatch(frame) and returns with iret. Built in every mode,
 * assembled only in 32-bit protected mode (not -m16, not 64-bit).
 */
#if defined(__i386__) && !defined(GUEST_MODE_REAL)

/* Vectors for which the CPU pushes an error code (Intel SDM vol. 3, 6.13). */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
			   (v) == 21 || (v) == 29 || (v) == 30)

	.code32
	.section .text.isr, "ax"
	.globl isr_stubs
	.balign 16
isr_stubs:
	.set vector, 0
	.rept 256
	.balign 16
	.if !HAS_ERROR_CODE(vector)
	pushl	$0
	.endif
	pushl	$vector
	jmp	isr_common
	.set vector, vector + 1
	.endr

/* Segments are flat and the SDK runs in ring 0, so the data segment
 * registers need no saving: the handler runs on the interrupted DS/ES. */
isr_common:
	pushal
	cld
	movl	%esp, %eax
	pushl	%eax /* interrupt_dispatch(frame) */
	call	interrupt_dispatch
	addl	$4, %esp
	popal
	addl	$8, %esp /* vector and error code */
	iret

#endif
	.section .note.GNU-stack, "", @progbits
