/*
 * 64-bit interrupt stubs (idt.h): 256 of them, ISR_STUB_SIZE (16) bytes
 * apart, vector 0 first. Each pushes a 0 where the CPU pushes no error
 * code, then its vector, and jumps to isr_common, which saves the general
 * registers into a struct interrupt_frame, calls interrupt_dispatch(frame)
 * and returns with iretq. Built in every mode, assembled only in 64-bit.
 */
#if defined(__x86_64__)

/* Vectors for which the CPU pushes an error code (Intel SDM vol. 3, 6.13). */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
			   (v) == 21 || (v) == 29 || (v) == 30)

	.code64
	.section .text.isr, "ax"
	.globl isr_stubs
	.balign 16
isr_stubs:
	.set vector, 0
	.rept 256
	.balign 16
	.if !HAS_ERROR_CODE(vector)
	pushq	$0
	.endif
	pushq	$vector
	jmp	isr_common
	.set vector, vector + 1
	.endr

/*
 * The CPU aligned RSP to 16 before pushing SS, RSP, RFLAGS, CS, RIP (40
 * bytes); with the error code and vector (16) and 15 registers (120) the
 * frame is 176 bytes, so RSP is 16-byte aligned at the call, as the ABI
 * wants.
 */
isr_common:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rbx
	pushq	%rbp
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	call	interrupt_dispatch
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rbp
	popq	%rbx
	popq	%rdx
	popq	%rcx
	popq	%rax
	addq	$16, %rsp /* vector and error code */
	iretq

#endif
	.section .note.GNU-stack, "", @progbits
