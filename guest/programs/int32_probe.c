/*
 * Probe: can this host deliver an interrupt in 32-bit protected mode and
 * return from it with `iret`? The guest takes one exception of its own
 * (ud2, #UD: no device and no `int n` needed), whose handler steps over the
 * instruction and returns with iret. Prints "int32: ok" and exits with
 * status 0 on vmm (the EXIT hypercall; isa-debug-exit status 1 elsewhere).
 * A KVM that cannot emulate a 32-bit iret stops with an internal error
 * (vmm: status 123) instead. Modes: protected, multiboot.
 */
#include <stdint.h>

#include "hypercall.h"
#include "idt.h"
#include "printf.h"

#define UD2_LENGTH 2

static volatile unsigned exceptions;

static void skip_ud2(struct interrupt_frame *frame)
{
	exceptions++;
	frame->ip += UD2_LENGTH;
}

int main(void)
{
	idt_install();
	idt_set_handler(EXC_INVALID_OPCODE, skip_ud2);
	__asm__ volatile("ud2" : : : "memory");
	printf(exceptions == 1 ? "int32: ok\n" : "int32: handler did not run\n");
	hc_exit(exceptions == 1 ? 0 : 1);
	return exceptions == 1 ? 0 : 1;
}
