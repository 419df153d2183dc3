/*
 * The PC's pair of 8259A programmable interrupt controllers, emulated in vmm
 * (the default, -irqchip user; irq.h says how interrupts reach the CPU).
 *
 * Ports: master 0x20 (command) / 0x21 (data), slave 0xA0 / 0xA1, cascaded on
 * the master's IRQ2; the PIIX edge/level control registers (ELCR) at 0x4D0
 * (master) and 0x4D1 (slave). ISA line n is the master's input n for n < 8
 * and the slave's input n - 8 otherwise.
 *
 * The model is QEMU's hw/intc/i8259.c, so guests see what they see there:
 *  - ICW1 (bit 4 set on the command port) starts initialization: IMR, ISR,
 *    priority rotation, AEOI and special modes are cleared, IRR is selected
 *    for reading, edge-latched requests are dropped; ICW2 (vector base, low
 *    3 bits ignored), ICW3 (if not single mode) and ICW4 (if ICW1 bit 0)
 *    follow on the data port. ICW4: auto-EOI (bit 1), special fully nested
 *    (bit 4); 8086 mode is assumed whatever bit 0 says (no 8080 vectors).
 *    Single mode is accepted but the slave stays wired to IRQ2.
 *  - OCW1: a data-port write outside initialization sets the IMR.
 *  - OCW2: non-specific EOI (0x20), specific EOI (0x60 | n), rotate on
 *    non-specific EOI (0xA0), rotate on specific EOI (0xE0 | n), set
 *    priority (0xC0 | n), rotate in auto-EOI mode set/clear (0x80/0x00).
 *  - OCW3: read IRR (0x0A) or ISR (0x0B) on the command port, poll (0x0C:
 *    the next read of either port returns 0x80 | level and acknowledges it,
 *    or 0 if nothing is pending), special mask mode (0x68 set, 0x48 clear).
 *  - Inputs are edge-triggered (the rising edge latches IRR until the CPU
 *    takes it), or level-triggered when ICW1 bit 3 (LTIM) or the line's ELCR
 *    bit says so (IRR follows the line). ELCR bits for IRQ 0, 1, 2, 8 and 13
 *    are fixed at 0, as on the PIIX.
 *  - Priorities: the lowest-numbered line wins (after rotation); a line is
 *    taken only when nothing of equal or higher priority is in service (the
 *    master ignores its in-service IRQ2 in special fully nested mode, and
 *    masked lines' in-service bits in special mask mode).
 *  - Spurious interrupts: an acknowledge with nothing pending on the master
 *    gives the master's base + 7 with no in-service bit set (IRQ7); one
 *    through IRQ2 whose slave request vanished gives the slave's base + 7
 *    (IRQ15), with only the master's IRQ2 in service.
 *
 * Start state: what SeaBIOS leaves under QEMU 7.2 (docs/devices.md), read
 * there with `info pic`: master base 0x08, IMR 0xB8 (IRQ 0, 1, 2, 6 open);
 * slave base 0x70, IMR 0x8E (IRQ 8, 12, 13, 14 open); ELCR 0x00 / 0x0C
 * (IRQ 10 and 11 level-triggered, for PCI); 8086 mode, normal EOI, IRR
 * selected for reading.
 *
 * The i8259_* functions below are the chip without a VM, for unit tests;
 * i8259_register() wires a pair to a VM's ports and its interrupt delivery.
 */
#ifndef VMM_I8259_H
#define VMM_I8259_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

#define I8259_MASTER_PORT 0x20
#define I8259_SLAVE_PORT 0xA0
#define I8259_ELCR_PORT 0x4D0 /* master; the slave's is 0x4D1 */
#define I8259_CASCADE_IRQ 2

/* One 8259A. */
struct i8259 {
	uint8_t irr, imr, isr;
	uint8_t last_irr;      /* line levels seen, for edge detection */
	uint8_t elcr, elcr_mask;
	uint8_t irq_base;      /* ICW2 */
	uint8_t priority_add;  /* the line with the highest priority */
	uint8_t init_state;    /* 0 running; 1, 2, 3: ICW2, ICW3, ICW4 expected next */
	bool init4, single_mode, ltim;
	bool auto_eoi, rotate_on_auto_eoi, special_fully_nested;
	bool read_isr;         /* OCW3: the command port reads ISR, else IRR */
	bool poll, special_mask;
	bool is_master;
};

/* The cascaded pair. */
struct i8259_pair {
	struct i8259 chip[2]; /* [0] master, [1] slave */
	/* Called with the line number for each line an OCW1 leaves unmasked;
	 * may be NULL. */
	void (*on_unmask)(void *ctx, unsigned irq);
	void *ctx;
};

/* The state SeaBIOS leaves under QEMU (above). */
void i8259_reset(struct i8259_pair *pic);
/* A byte access to `port` (0x20, 0x21, 0xA0, 0xA1, 0x4D0, 0x4D1). */
void i8259_write(struct i8259_pair *pic, uint16_t port, uint8_t value);
uint8_t i8259_read(struct i8259_pair *pic, uint16_t port);
/* ISA line irq (0..15) is now at level. */
void i8259_set_irq(struct i8259_pair *pic, unsigned irq, bool level);
/* The vector the pair would hand the CPU now (the master's INT output is
 * high), or -1. No side effect. */
int i8259_pending_vector(const struct i8259_pair *pic);
/* The INTA cycle: the vector, with the request moved to in-service (or a
 * spurious IRQ7/IRQ15 vector, as above). Always returns a vector. */
int i8259_inta(struct i8259_pair *pic);

/* Creates the pair, claims its ports and installs it as the VM's interrupt
 * controller (vm_set_irqchip). 0, or -1. */
int i8259_register(struct vm *vm);

#endif
