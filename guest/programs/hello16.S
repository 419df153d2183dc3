/*
 * kvm-hello-world-compatible guest for real mode, loaded at 0 and entered
 * at 0: writes "Hello, world!\n" to the debug console (port 0xE9) one byte
 * at a time, then leaves 42 both at guest-physical 0x400 and in EAX for the
 * host to check, and halts.
 */
	.code16
	.section .text.entry, "ax"
	.globl _start
_start:
	xorw	%ax, %ax /* flat addresses below: DS must be 0 */
	movw	%ax, %ds
	cld
	mov	$message, %si
next_byte:
	lodsb
	testb	%al, %al
	jz	message_done
	outb	%al, $0xe9
	jmp	next_byte
message_done:
	movl	$42, %eax
	movl	%eax, 0x400
halt:
	hlt
	jmp	halt

	.section .rodata
message:
	.asciz	"Hello, world!\n"

	.section .note.GNU-stack, "", @progbits
