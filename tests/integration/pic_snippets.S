/*
 * Long-mode guest snippets for test_pic_pit.c: interrupts from the 8254
 * through the 8259 pair to an IDT handler (this host's KVM delivers them
 * only in long mode). Same conventions as snippets.S: each lies between
 * NAME_start and NAME_end, is copied to 0x1000 and runs there, so its code
 * is position-independent (RIP-relative).
 *
 * Memory they use: the IDT (48 gates) at 0x3000, the tick count at 0x2000.
 */
#define IDT 0x3000
#define IDT_GATES 48
#define TICKS 0x2000

#include "snippet.h"

/*
 * The IDT: every gate of 0..47 to `unexpected` (which exits with status
 * (0x2a << 1) | 1 through isa-debug-exit), gate \vector to `tick`. Uses
 * RAX, RBX, RCX, RDX, RDI.
 */
.macro build_idt vector
	mov %cs, %bx
	mov $IDT, %edi
	mov $IDT_GATES, %ecx
	lea unexpected\@(%rip), %rax
1:	call make_gate\@
	add $16, %rdi
	loop 1b
	mov $IDT + \vector * 16, %edi
	lea tick\@(%rip), %rax
	call make_gate\@
	lidt idtr\@(%rip)
	jmp 2f
	/* 64-bit interrupt gate at RDI for the handler at RAX, selector BX. */
make_gate\@:
	mov %ax, (%rdi)
	mov %bx, 2(%rdi)
	movw $0x8E00, 4(%rdi)  /* present, DPL 0, interrupt gate */
	mov %rax, %rdx
	shr $16, %rdx
	mov %dx, 6(%rdi)
	shr $16, %rdx
	mov %edx, 8(%rdi)
	movl $0, 12(%rdi)
	ret
	/* Counts, acknowledges at the master (non-specific EOI). */
tick\@:
	incq TICKS
	push %rax
	mov $0x20, %al
	out %al, $0x20
	pop %rax
	iretq
unexpected\@:
	mov $0x2a, %al
	out %al, $0xf4
	hlt
	.p2align 3
idtr\@:	.word IDT_GATES * 16 - 1
	.quad IDT
2:
.endm

/* Halts (IF=1) until \count ticks were counted, then cli; hlt with the
 * count in RAX. */
.macro wait_ticks count
	movq $0, TICKS
	sti
3:	hlt
	cmpq $\count, TICKS
	jb 3b
	cli
	mov TICKS, %rax
	hlt
.endm

/* What a tutorial kernel does: remap the PICs to 0x20/0x28, open IRQ0
 * only, counter 0 in mode 2 at 1193182 / 1193 = 1000.15 Hz, count 200
 * ticks. */
begin pit_1000hz_ticks
	.code64
	build_idt 0x20
	mov $0x11, %al
	out %al, $0x20
	out %al, $0xa0
	mov $0x20, %al
	out %al, $0x21
	mov $0x28, %al
	out %al, $0xa1
	mov $0x04, %al
	out %al, $0x21
	mov $0x02, %al
	out %al, $0xa1
	mov $0x01, %al
	out %al, $0x21
	out %al, $0xa1
	mov $0xfe, %al
	out %al, $0x21
	mov $0xff, %al
	out %al, $0xa1
	mov $0x34, %al
	out %al, $0x43
	mov $0xa9, %al
	out %al, $0x40
	mov $0x04, %al
	out %al, $0x40
	wait_ticks 200
end pit_1000hz_ticks

/* A kernel that never touches the PIC or the PIT: IRQ0 arrives at vector
 * 8 at 18.2 Hz, as SeaBIOS leaves things. Counts 3 ticks. */
begin untouched_timer_ticks
	.code64
	build_idt 0x08
	wait_ticks 3
end untouched_timer_ticks

/* Every line masked, then sti; hlt: only the run's timeout ends it. */
begin masked_sti_hlt
	.code64
	mov $0xff, %al
	out %al, $0x21
	out %al, $0xa1
	sti
	hlt
	mov $0x55, %al /* woken: wrong */
	out %al, $0xf4
	hlt
end masked_sti_hlt

/* Interrupts disabled: hlt ends the run at once (SeaBIOS's IRQ0 is open
 * and would come within 55 ms if IF were set). */
begin cli_hlt
	.code64
	cli
	hlt
	mov $0x55, %al
	out %al, $0xf4
end cli_hlt

/* No executable stack for the test program that links this. */
	.section .note.GNU-stack, "", @progbits
