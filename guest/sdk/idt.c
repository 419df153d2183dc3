/* The IDT and the C side of the interrupt stubs (idt.h). */
#if !defined(GUEST_MODE_REAL) /* the library is built in every mode */

#include <stddef.h>

#include "debug_exit.h"
#include "debugcon.h"
#include "idt.h"
#include "printf.h"

/* Each stub is ISR_STUB_SIZE bytes, vector 0 first (isr64.S, isr32.S). */
#define ISR_STUB_SIZE 16
extern const char isr_stubs[];

#define GATE_INTERRUPT_PRESENT 0x8E /* present, ring 0, interrupt gate */

#if defined(__x86_64__)
struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist; /* interrupt stack table slot: 0, the current stack */
	uint8_t type_attributes;
	uint16_t offset_middle;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));

struct idt_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));
#else
struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t zero;
	uint8_t type_attributes;
	uint16_t offset_high;
} __attribute__((packed));

struct idt_pointer {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));
#endif

static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));
static interrupt_handler handlers[IDT_VECTORS];

static uint16_t current_code_selector(void)
{
	uint16_t cs;
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	return cs;
}

static void set_gate(unsigned vector, uintptr_t address, uint16_t selector)
{
	struct idt_gate *gate = &idt[vector];

	gate->offset_low = (uint16_t)address;
	gate->selector = selector;
	gate->type_attributes = GATE_INTERRUPT_PRESENT;
#if defined(__x86_64__)
	gate->ist = 0;
	gate->offset_middle = (uint16_t)(address >> 16);
	gate->offset_high = (uint32_t)(address >> 32);
	gate->reserved = 0;
#else
	gate->zero = 0;
	gate->offset_high = (uint16_t)(address >> 16);
#endif
}

void idt_install(void)
{
	uint16_t selector = current_code_selector();

	for (unsigned vector = 0; vector < IDT_VECTORS; vector++) {
		set_gate(vector, (uintptr_t)(isr_stubs + vector * ISR_STUB_SIZE), selector);
		handlers[vector] = NULL;
	}
	struct idt_pointer pointer = {
		.limit = sizeof(idt) - 1,
		.base = (uintptr_t)idt,
	};
	__asm__ volatile("lidt %0" : : "m"(pointer) : "memory");
}

void idt_set_handler(uint8_t vector, interrupt_handler fn)
{
	/* A plain store: the stub reads the pointer once, so an interrupt
	 * sees either the old handler or the new one. */
	*(interrupt_handler volatile *)&handlers[vector] = fn;
}

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved", "#MF x87 floating point", "#AC alignment check",
	"#MC machine check", "#XM SIMD floating point", "#VE virtualization",
	"#CP control protection",
};

void idt_unhandled(const struct interrupt_frame *frame)
{
	char line[160];
	unsigned vector = (unsigned)frame->vector;

	/* Straight to the debug console, whatever printf was pointed at: this
	 * is the report a developer looks for. */
	if (vector < 32) {
		const char *name = exception_names[vector] ? exception_names[vector] : "reserved";
		snprintf(line, sizeof(line),
			 "unhandled exception %u (%s), error code 0x%llx, at ip 0x%llx\n", vector, name,
			 (unsigned long long)frame->error_code, (unsigned long long)frame->ip);
	} else {
		snprintf(line, sizeof(line), "unexpected interrupt vector %u (0x%x) at ip 0x%llx\n",
			 vector, vector, (unsigned long long)frame->ip);
	}
	debugcon_write(line);
	debug_exit(IDT_UNHANDLED_EXIT_VALUE);
}

/* Called by the stubs, with interrupts disabled (interrupt gates). */
void interrupt_dispatch(struct interrupt_frame *frame);
void interrupt_dispatch(struct interrupt_frame *frame)
{
	interrupt_handler fn = handlers[frame->vector & (IDT_VECTORS - 1)];

	if (!fn)
		idt_unhandled(frame);
	fn(frame);
}

#endif
