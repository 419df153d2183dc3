/*
 * Interrupt lines (irq.h): devices drive ISA lines here; the line goes to
 * the user-space 8259 pair, or to KVM's in-kernel chips with KVM_IRQ_LINE.
 * With the user-space controller, irq_before_run() is the CPU's side of the
 * 8259: it takes a pending vector (the INTA cycle) and injects it with
 * KVM_INTERRUPT once the guest can take an interrupt, else it asks KVM to
 * exit as soon as it can (request_interrupt_window).
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <errno.h>

#include "trace.h"
#include "vm.h"

int vm_set_irqchip(struct vm *vm, const struct irqchip_ops *ops, void *opaque)
{
	if (vm->intc || vm->cfg.irqchip != IRQCHIP_USER)
		return -1;
	vm->intc = ops;
	vm->intc_opaque = opaque;
	return 0;
}

enum irqchip_kind vm_irqchip_kind(const struct vm *vm)
{
	return vm->cfg.irqchip;
}

void vm_set_irq(struct vm *vm, unsigned irq, bool level)
{
	if (irq >= VM_IRQ_LINES)
		return;
	if (level && !vm->irq_level[irq])
		vm->stats.irq_raised[irq]++;
	trace_irq(vm, irq, level);
	vm->irq_level[irq] = level;
	if (vm->cfg.irqchip == IRQCHIP_KERNEL) {
		struct kvm_irq_level line = { .irq = irq, .level = level };
		if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &line) < 0)
			fprintf(stderr, "vmm: KVM_IRQ_LINE %u: %s\n", irq, strerror(errno));
	} else if (vm->intc) {
		vm->intc->set_irq(vm->intc_opaque, irq, level);
	}
}

void vm_pulse_irq(struct vm *vm, unsigned irq)
{
	vm_set_irq(vm, irq, true);
	vm_set_irq(vm, irq, false);
}

void vm_irq_unmasked(struct vm *vm, unsigned irq)
{
	if (irq < VM_IRQ_LINES)
		atomic_fetch_or(&vm->irq_ever_unmasked, 1u << irq);
}

bool irq_pending(struct vm *vm)
{
	return vm->intc && vm->intc->pending_vector(vm->intc_opaque) >= 0;
}

int irq_before_run(struct vm *vm)
{
	struct kvm_run *run = vm->run;
	if (!vm->intc)
		return 0;
	if (vm->intc->pending_vector(vm->intc_opaque) < 0) {
		run->request_interrupt_window = 0;
		return 0;
	}
	/* KVM says at every exit whether the guest can take an interrupt now
	 * (IF set, no interrupt shadow, nothing else being delivered). */
	if (run->ready_for_interrupt_injection && run->if_flag) {
		int vector = vm->intc->acknowledge(vm->intc_opaque);
		if (vector >= 0) {
			struct kvm_interrupt intr = { .irq = (uint32_t)vector };
			if (ioctl(vm->vcpu_fd, KVM_INTERRUPT, &intr) < 0) {
				fprintf(stderr, "vmm: KVM_INTERRUPT: %s\n", strerror(errno));
				return -1;
			}
			vm->stats.injected[vector & 0xff]++;
			trace_inject(vm, vector);
		}
		/* Another one waiting: exit again as soon as it can be taken. */
		run->request_interrupt_window = vm->intc->pending_vector(vm->intc_opaque) >= 0;
	} else {
		run->request_interrupt_window = 1;
	}
	return 0;
}
