/*
 * Guest code snippets for test_vm_lib.c. Each lies between NAME_start and
 * NAME_end and is copied to guest-physical SNIPPET_ADDR (0x1000) before it
 * runs, so data inside snippet NAME is addressed as AT(NAME, label). (The
 * snippet's own start label is the base: one symbol reassigned per snippet
 * would be simpler, but clang's assembler refuses to reassign a symbol that
 * is not an absolute value.)
 */
#include "snippet.h"
#define AT(name, label) (label - name##_start + SNIPPET_ADDR)

/* kvm-hello-world's check, in each mode: print, store 42 at 0x400 and in
 * EAX, halt. */
begin hello_real
	.code16
	mov $AT(hello_real, msg_r), %si
1:	lodsb
	test %al, %al
	jz 2f
	out %al, $0xe9
	jmp 1b
2:	movl $42, %eax
	movl %eax, 0x400
	hlt
msg_r:	.asciz "real\n"
end hello_real

begin hello_protected
	.code32
	mov $AT(hello_protected, msg_p), %esi
1:	lodsb
	test %al, %al
	jz 2f
	out %al, $0xe9
	jmp 1b
2:	movl $42, %eax
	movl %eax, 0x400
	hlt
msg_p:	.asciz "protected\n"
end hello_protected

begin hello_long
	.code64
	lea msg_l(%rip), %rsi
1:	lodsb
	test %al, %al
	jz 2f
	out %al, $0xe9
	jmp 1b
2:	movl $42, %eax
	movl %eax, 0x400
	/* a 64-bit-only instruction proves the mode */
	movabs $0x1122334455667788, %rbx
	mov %rbx, 0x408
	hlt
msg_l:	.asciz "long\n"
end hello_long

/* String I/O: rep outsb of 26 bytes is one exit. */
begin rep_outsb
	.code32
	mov $AT(rep_outsb, alphabet), %esi
	mov $26, %ecx
	mov $0xe9, %dx
	rep outsb
	hlt
alphabet: .ascii "abcdefghijklmnopqrstuvwxyz"
end rep_outsb

/* rep insb from the debug console (which reads as 0xe9) into 0x2000. */
begin rep_insb
	.code32
	mov $0x2000, %edi
	mov $8, %ecx
	mov $0xe9, %dx
	rep insb
	hlt
end rep_insb

/* Reads from a port nobody claims: all ones at every width. */
begin unclaimed_port
	.code32
	inb $0x80, %al
	mov %eax, 0x2000
	mov $0x1234, %dx
	inw %dx, %ax
	mov %eax, 0x2004
	inl %dx, %eax
	mov %eax, 0x2008
	outb %al, $0x80
	hlt
end unclaimed_port

/* An access to the VGA window, which has no memslot: an MMIO exit. */
begin unclaimed_mmio
	.code32
	movl $0x12345678, 0xa0000
	mov 0xa0000, %eax
	mov %eax, 0x2000
	hlt
end unclaimed_mmio

begin debug_exit
	.code32
	mov $0x20, %al
	out %al, $0xf4
	hlt
end debug_exit

/* No IDT: #UD becomes a double and then a triple fault. */
begin triple_fault
	.code32
	ud2
end triple_fault

begin endless_loop
	.code32
1:	jmp 1b
end endless_loop

/* CPUID leaf 1 ECX and the hypervisor leaf, stored from 0x2000. */
begin cpuid
	.code32
	mov $1, %eax
	cpuid
	mov %ecx, 0x2000
	mov $0x40000000, %eax
	cpuid
	mov %eax, 0x2004
	mov %ebx, 0x2008
	mov %ecx, 0x200c
	mov %edx, 0x2010
	hlt
end cpuid

/* COM1: scratch register read back, line status, then "ok\n" out. */
begin uart
	.code32
	mov $0x3ff, %dx
	mov $0x5a, %al
	out %al, %dx
	in %dx, %al
	mov %eax, 0x2000
	mov $0x3fd, %dx
	in %dx, %al
	mov %eax, 0x2004
	mov $0x3f8, %dx
	mov $'o', %al
	out %al, %dx
	mov $'k', %al
	out %al, %dx
	mov $'\n', %al
	out %al, %dx
	hlt
end uart

/* One hypercall with the block the test placed at 0x3000 (0x3004 for the
 * misaligned case is set by the test through EBX), then hlt. */
begin hypercall
	.code32
	mov %ebx, %eax
	mov $0xabba, %dx
	outl %eax, %dx
	hlt
end hypercall

begin hypercall_long
	.code64
	mov %ebx, %eax
	mov $0xabba, %dx
	outl %eax, %dx
	hlt
end hypercall_long

begin hypercall_real
	.code16
	mov %ebx, %eax
	mov $0xabba, %dx
	outl %eax, %dx
	hlt
end hypercall_real

/* Long mode with page tables of the test's own (CR3 in EAX): string I/O and
 * hypercalls must follow the guest's mapping. */
begin hypercall_own_cr3
	.code64
	mov %rax, %cr3
	mov %ebx, %eax
	mov $0xabba, %dx
	outl %eax, %dx
	hlt
end hypercall_own_cr3

/* An 8-bit and a 16-bit out to 0xabba are not hypercalls; in returns ones. */
begin hypercall_narrow
	.code32
	mov $0x3000, %eax
	mov $0xabba, %dx
	outb %al, %dx
	outw %ax, %dx
	inl %dx, %eax
	mov %eax, 0x2000
	hlt
end hypercall_narrow

/* NUM_EXITS, PRINTSTR, NUM_EXITS with three blocks at 0x3000, 0x3040, 0x3080. */
begin numexits_around_printstr
	.code32
	mov $0xabba, %dx
	mov $0x3000, %eax
	outl %eax, %dx
	mov $0x3040, %eax
	outl %eax, %dx
	mov $0x3080, %eax
	outl %eax, %dx
	hlt
end numexits_around_printstr


/* Ten byte writes to port 0x500 (coalesced by the test), then a read of
 * port 0x501, stored at 0x2000. */
begin coalesced_writes
	.code32
	mov $0x500, %dx
	xor %eax, %eax
1:	out %al, %dx
	inc %eax
	cmp $10, %eax
	jne 1b
	inc %dx
	in %dx, %al
	mov %eax, 0x2000
	hlt
end coalesced_writes

/* The PV disk queue (test_disk_hc.c). EAX = address of a request block
 * holding HC_DISK_QUEUE, ESI = the queue, EBX = slots the test filled,
 * EDI = flags: 1 wait for them, 2 do not ring the doorbell. Registers the
 * queue, publishes the slots, rings the doorbell, then (if asked) spins
 * until `completed` catches up or about 200,000 turns pass; then halts. */
begin disk_queue_run
	.code32
	mov $0xabba, %dx
	out %eax, %dx
	mov (%esi), %eax
	add %ebx, %eax
	mov %eax, (%esi)
	test $2, %edi
	jnz 2f
	mov $0xabbc, %dx
	out %eax, %dx
	test $1, %edi
	jz 2f
	mov $200000, %ecx
1:	cmp 4(%esi), %eax
	je 2f
	pause
	dec %ecx
	jnz 1b
2:	hlt
end disk_queue_run

/* No executable stack for the host binary this is linked into. */
.section .note.GNU-stack, "", @progbits
