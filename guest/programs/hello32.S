/*
 * kvm-hello-world-compatible guest for 32-bit protected mode, loaded at 0
 * and entered at 0: writes "Hello, world!\n" to the debug console (port
 * 0xE9) one byte at a time, then leaves 42 both at guest-physical 0x400 and
 * in EAX for the host to check, and halts.
 */
	.code32
	.section .text.entry, "ax"
	.globl _start
_start:
	cld
	mov	$message, %esi
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
