/*
 * The interrupt descriptor table: every vector goes through a small assembly
 * stub (isr64.S, isr32.S) that saves the registers and calls the C handler
 * registered for it with idt_set_handler().
 *
 * Modes: long and multiboot64 (64-bit interrupt gates, the stub returns with
 * iretq); protected and multiboot (32-bit interrupt gates, iret). Not real
 * mode (which has the interrupt vector table at 0 instead).
 *
 * 32-bit mode needs a host that can run a 32-bit iret: hardware KVM and QEMU
 * TCG can; a KVM that emulates every instruction in software may not
 * (tests probe for it). Guests never need `int n` to use this: hardware
 * interrupts (pic.h) and exceptions arrive on their own.
 *
 * Gates are interrupt gates (IF cleared on entry) with the code segment the
 * caller runs on when it calls idt_install(), so they work under any GDT
 * whose code segment stays loaded. A vector with no handler ends the guest:
 * it prints "unhandled exception ..." (vectors 0-31: name, error code, IP)
 * or "unexpected interrupt ..." on the debug console and exits through
 * isa-debug-exit with IDT_UNHANDLED_EXIT_VALUE, status 117 in vmm and QEMU.
 */
#ifndef GUEST_IDT_H
#define GUEST_IDT_H

#if defined(GUEST_MODE_REAL)
#error "idt.h: real mode has no IDT (use the interrupt vector table)"
#endif

#include <stdint.h>

#define IDT_VECTORS 256
/* isa-debug-exit value of an unhandled vector: exit status (0x3B << 1) | 1
 * = 117, apart from the statuses vmm keeps for itself (119-125). */
#define IDT_UNHANDLED_EXIT_VALUE 0x3A

/* CPU exception vectors (Intel SDM vol. 3, table 6-1). */
enum {
	EXC_DIVIDE_ERROR = 0,     /* #DE */
	EXC_DEBUG = 1,            /* #DB */
	EXC_NMI = 2,
	EXC_BREAKPOINT = 3,       /* #BP */
	EXC_OVERFLOW = 4,         /* #OF */
	EXC_BOUND_RANGE = 5,      /* #BR */
	EXC_INVALID_OPCODE = 6,   /* #UD */
	EXC_DEVICE_NOT_AVAILABLE = 7, /* #NM */
	EXC_DOUBLE_FAULT = 8,     /* #DF, error code 0 */
	EXC_INVALID_TSS = 10,     /* #TS, error code */
	EXC_SEGMENT_NOT_PRESENT = 11, /* #NP, error code */
	EXC_STACK_FAULT = 12,     /* #SS, error code */
	EXC_GENERAL_PROTECTION = 13, /* #GP, error code */
	EXC_PAGE_FAULT = 14,      /* #PF, error code; CR2 = address */
	EXC_X87_FLOATING_POINT = 16, /* #MF */
	EXC_ALIGNMENT_CHECK = 17, /* #AC, error code */
	EXC_MACHINE_CHECK = 18,   /* #MC */
	EXC_SIMD_FLOATING_POINT = 19, /* #XM */
};

/*
 * What the stub saved, lowest address first: the general registers, then
 * the vector and error code (0 for vectors without one), then what the CPU
 * pushed. A handler may change any field; the stub restores them all and
 * returns to frame->ip. In 32-bit mode sp and ss exist only when the
 * interrupt came from another privilege level (never in SDK guests, which
 * run in ring 0), so they are left out.
 */
struct interrupt_frame {
#if defined(__x86_64__)
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t di, si, bp, bx, dx, cx, ax;
	uint64_t vector, error_code;
	uint64_t ip, cs, flags, sp, ss;
#else
	/* pushal's order, lowest address first; sp is the value before
	 * pushal, which popal ignores. */
	uint32_t di, si, bp, sp_ignored, bx, dx, cx, ax;
	uint32_t vector, error_code;
	uint32_t ip, cs, flags;
#endif
};

typedef void (*interrupt_handler)(struct interrupt_frame *frame);

/* Fills all 256 gates with the stubs, clears every handler and loads the
 * IDT (lidt). Interrupts stay as they were: call sti() (io.h) when ready. */
void idt_install(void);

/* Registers fn for vector; NULL restores the default (report and exit).
 * A hardware interrupt's handler must acknowledge it (pic_eoi(), pic.h). */
void idt_set_handler(uint8_t vector, interrupt_handler fn);

/* The default for a vector without a handler; a handler may call it to give
 * up the same way. Never returns. */
__attribute__((noreturn)) void idt_unhandled(const struct interrupt_frame *frame);

#endif
