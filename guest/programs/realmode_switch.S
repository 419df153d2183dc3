/*
 * Issue 11: a guest that starts in real mode, switches itself to 32-bit
 * protected mode and keeps the stack pointer it was started with, as the
 * HEPIA course's guests do: its first `call` after the switch pushes to ESP.
 * vmm used to start real-mode guests with ESP = 0, so that push went to
 * 0xFFFFFFFC and the guest died; a BIOS (QEMU) leaves a stack in low RAM.
 *
 * Linked at 0x7C00 as a boot sector, so the same file runs as QEMU's boot
 * disk and in vmm with -load 0x7c00. It prints through port 0xE9 and exits
 * through isa-debug-exit (status (5 << 1) | 1 = 11).
 */
	.code16
	.text
	.globl	_start
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	/* The stack the VMM (or BIOS) gave us is left alone: SS:SP as is. */
	mov	$msg16, %si
	call	puts16
	lgdt	gdt_descriptor
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmp	$0x08, $protected

puts16:	mov	$0xe9, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	outb	%al, %dx
	jmp	1b
2:	ret

	.code32
protected:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss	/* base 0: ESP is now the whole stack pointer */
	mov	$msg32, %esi
	call	puts32		/* pushes the return address at ESP - 4 */
	mov	$msg_back, %esi
	call	puts32
	mov	$5, %al
	outb	%al, $0xf4
	hlt

puts32:	mov	$0xe9, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	outb	%al, %dx
	jmp	1b
2:	ret

	.balign	8
gdt:	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: code, base 0, 4 GiB, 32-bit */
	.quad	0x00cf92000000ffff	/* 0x10: data, base 0, 4 GiB */
gdt_descriptor:
	.word	gdt_descriptor - gdt - 1
	.long	gdt

msg16:	.asciz	"real mode: switching to protected mode\n"
msg32:	.asciz	"protected mode: call through the inherited stack\n"
msg_back: .asciz "protected mode: returned\n"

	.org	510
	.word	0xaa55
