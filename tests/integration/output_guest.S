/*
 * Guest for tests/integration/output.sh: a flat real-mode binary, loaded at
 * 0 and entered at 0. It prints 128 KiB (2048 lines of 64 bytes, 16 lines
 * per PRINTSTR hypercall), twice what a pipe holds by default,
 * so that `vmm ... | head -c 10` surely writes after head has gone. Then,
 * if there is a disk, it writes sector 1 (the text "written after the
 * output" and zeros) with ATA PIO and leaves with isa-debug-exit value 20:
 * exit status (20 << 1) | 1 = 41. Value 30 (status 61) when the ATA write
 * ends with ERR; without a disk it only prints.
 */
	.code16
	.text
	.globl _start
_start:
	xorw	%ax, %ax /* flat addresses: DS = ES = 0 */
	movw	%ax, %ds
	movw	%ax, %es
	cld
	movw	$128, %bx
print_block:
	movl	$request, %eax /* PRINTSTR: one exit per 1 KiB */
	movw	$0xabba, %dx
	outl	%eax, %dx
	decw	%bx
	jnz	print_block

	movw	$0x1f7, %dx
	inb	%dx, %al
	testb	%al, %al /* 00h: no drive (0xFF: no controller) */
	jz	done
	cmpb	$0xff, %al
	je	done
	movw	$0x1f6, %dx
	movb	$0xe0, %al /* LBA, master, LBA bits 24-27 = 0 */
	outb	%al, %dx
	movw	$0x1f2, %dx
	movb	$1, %al /* one sector */
	outb	%al, %dx
	movw	$0x1f3, %dx /* LBA 1 */
	outb	%al, %dx
	xorb	%al, %al
	movw	$0x1f4, %dx
	outb	%al, %dx
	movw	$0x1f5, %dx
	outb	%al, %dx
	movw	$0x1f7, %dx
	movb	$0x30, %al /* WRITE SECTORS */
	outb	%al, %dx
wait_drq:
	inb	%dx, %al
	testb	$0x01, %al /* ERR */
	jnz	failed
	testb	$0x08, %al /* DRQ */
	jz	wait_drq
	movw	$0x1f0, %dx
	movw	$sector, %si
	movw	$256, %cx
	rep outsw
	movw	$0x1f7, %dx
wait_done:
	inb	%dx, %al
	testb	$0x80, %al /* BSY */
	jnz	wait_done
	testb	$0x01, %al
	jnz	failed
done:
	movb	$20, %al
	outb	%al, $0xf4
	hlt
failed:
	movb	$30, %al
	outb	%al, $0xf4
	hlt

	.balign	8
request: /* struct hc_request: nr, status, arg[4], ret */
	.long	4, 0 /* HC_PRINTSTR */
	.long	block, 0 /* arg[0] */
	.quad	0, 0, 0, 0
block: /* 1 KiB and a NUL */
	.rept	16
	.ascii	"vmm output test: a line of 64 bytes, printed 2048 times .......\n"
	.endr
	.byte	0
sector:
	.ascii	"written after the output"
	.fill	512 - (. - sector), 1, 0

	.section .note.GNU-stack, "", @progbits
