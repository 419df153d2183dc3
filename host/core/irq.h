/*
 * Interrupt lines and the interrupt controller.
 *
 * Devices raise ISA lines (0 timer, 1 keyboard, 4 COM1, 8 RTC, ...) with
 * vm_set_irq(); they never know who delivers them. Two controllers exist
 * (docs/devices.md says why the first is the default):
 *
 * - IRQCHIP_USER: the 8259 pair emulated in vmm (host/devices/i8259.c)
 *   registers itself with vm_set_irqchip(); before each KVM_RUN the run loop
 *   asks it for a pending vector and injects it with KVM_INTERRUPT when the
 *   guest can take one (else it asks KVM for an interrupt-window exit), and
 *   `hlt` exits to vmm, which sleeps until the next event (events.h).
 * - IRQCHIP_KERNEL (-irqchip kernel): KVM's in-kernel PIC, IOAPIC and PIT
 *   (KVM_CREATE_IRQCHIP and KVM_CREATE_PIT2, made in vm_create before the
 *   vCPU); vm_set_irq() becomes KVM_IRQ_LINE and `hlt` sleeps in the kernel.
 *
 * Every function here runs on the vCPU thread (device handlers, timers and
 * event hooks all do); another thread posts an event instead (events.h).
 */
#ifndef VMM_IRQ_H
#define VMM_IRQ_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

enum irqchip_kind { IRQCHIP_USER = 0, IRQCHIP_KERNEL };

#define VM_IRQ_LINES 16 /* the ISA lines of the 8259 pair */

/* An interrupt controller emulated in vmm. */
struct irqchip_ops {
	/* A device drove line `irq` to `level` (edge-triggered lines latch on
	 * the rising edge, as the 8259 does). */
	void (*set_irq)(void *opaque, unsigned irq, bool level);
	/* The vector the controller would hand the CPU now, or -1. No side
	 * effect: the run loop calls it before every KVM_RUN. */
	int (*pending_vector)(void *opaque);
	/* The CPU takes the interrupt (the INTA cycle): returns its vector and
	 * moves it to in-service; -1 if nothing is pending any more. */
	int (*acknowledge)(void *opaque);
	/* The ISA line that `vector` stands for as the guest programmed the
	 * controller, or -1; for the exit trace (trace.h). May be NULL. */
	int (*line_of_vector)(void *opaque, int vector);
};

/* Installs the user-space controller (one per VM). 0, or -1 if one is
 * already installed or the VM uses KVM's in-kernel chips. */
int vm_set_irqchip(struct vm *vm, const struct irqchip_ops *ops, void *opaque);
/* Which controller the VM has (vm_config.irqchip). */
enum irqchip_kind vm_irqchip_kind(const struct vm *vm);

/* Drives ISA line `irq` (0..15) to `level`. Counts each rising edge for
 * -stats. Without a controller (a VM built without the PC platform) it only
 * counts. */
void vm_set_irq(struct vm *vm, unsigned irq, bool level);
/* The controller calls this when the guest unmasks a line (the keyboard
 * device learns from it that the guest has taken the keyboard). */
void vm_irq_unmasked(struct vm *vm, unsigned irq);
/* Raises and lowers the line: one edge, as the 8254 or the RTC give. */
void vm_pulse_irq(struct vm *vm, unsigned irq);

/* For the run loop (run.c): with a user-space controller, injects a pending
 * interrupt if the guest can take it now, else asks for an interrupt-window
 * exit. Returns -1 only when KVM refused an ioctl. */
int irq_before_run(struct vm *vm);
/* True when the user-space controller has an interrupt for the CPU. */
bool irq_pending(struct vm *vm);

#endif
