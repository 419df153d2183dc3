/*
 * Guest loops for the bench binaries (linked into every one of them). Each
 * lies between NAME_start and NAME_end and is copied by the bench to
 * guest-physical BENCH_CODE_ADDR before it runs; the bench sets the
 * registers: ECX = iterations, EAX = value written, DX = port.
 *
 * out_loop_*:  ECX times one 32-bit `out` of EAX to port DX, then hlt.
 *              DX = an empty port: the floor; DX = 0xABBA and EAX = the
 *              address of a request block: one hypercall per iteration.
 * bare_loop_*: the same loop without the `out` (guest instruction cost).
 * One copy per CPU mode: the encodings differ (dec %ecx is one byte in 32-bit
 * code, a REX prefix in 64-bit code; 16-bit code needs operand-size prefixes).
 */

.macro begin name
	.section .rodata.\name, "a"
	.globl \name\()_start, \name\()_end
\name\()_start:
.endm
.macro end name
\name\()_end:
.endm

.macro out_loop
1:	outl %eax, %dx
	dec %ecx
	jnz 1b
	hlt
.endm

.macro bare_loop
1:	dec %ecx
	jnz 1b
	hlt
.endm

begin out_loop_real
	.code16
	out_loop
end out_loop_real

begin out_loop_protected
	.code32
	out_loop
end out_loop_protected

begin out_loop_long
	.code64
	out_loop
end out_loop_long

begin bare_loop_real
	.code16
	bare_loop
end bare_loop_real

begin bare_loop_protected
	.code32
	bare_loop
end bare_loop_protected

begin bare_loop_long
	.code64
	bare_loop
end bare_loop_long

	.section .note.GNU-stack, "", @progbits
