/* What vmm tells the user about a guest: register dumps and -stats. */
#include <stdio.h>

#include "vm.h"

static void dump_segment(const char *name, const struct kvm_segment *s)
{
	fprintf(stderr, "  %-3s sel=%04x base=%016llx limit=%08x type=%x p=%u dpl=%u db=%u l=%u g=%u\n",
		name, s->selector, (unsigned long long)s->base, s->limit, s->type, s->present, s->dpl,
		s->db, s->l, s->g);
}

void vm_dump_regs(struct vm *vm)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	if (vm_get_regs(vm, &r) < 0 || vm_get_sregs(vm, &s) < 0) {
		fprintf(stderr, "  (registers unavailable)\n");
		return;
	}
	fprintf(stderr,
		"  rip=%016llx rflags=%016llx\n"
		"  rax=%016llx rbx=%016llx rcx=%016llx rdx=%016llx\n"
		"  rsi=%016llx rdi=%016llx rsp=%016llx rbp=%016llx\n"
		"  r8 =%016llx r9 =%016llx r10=%016llx r11=%016llx\n"
		"  r12=%016llx r13=%016llx r14=%016llx r15=%016llx\n",
		r.rip, r.rflags, r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rsp, r.rbp,
		r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15);
	fprintf(stderr, "  cr0=%016llx cr2=%016llx cr3=%016llx cr4=%016llx efer=%016llx\n",
		s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
	dump_segment("cs", &s.cs);
	dump_segment("ds", &s.ds);
	dump_segment("ss", &s.ss);
	fprintf(stderr, "  gdt base=%016llx limit=%04x  idt base=%016llx limit=%04x\n",
		s.gdt.base, s.gdt.limit, s.idt.base, s.idt.limit);
}

static const char *exit_reason_name(unsigned reason)
{
	switch (reason) {
	case KVM_EXIT_IO: return "io";
	case KVM_EXIT_MMIO: return "mmio";
	case KVM_EXIT_HLT: return "hlt";
	case KVM_EXIT_SHUTDOWN: return "shutdown";
	case KVM_EXIT_INTR: return "intr (signal)";
	case KVM_EXIT_INTERNAL_ERROR: return "internal error";
	case KVM_EXIT_FAIL_ENTRY: return "fail entry";
	default: return "other";
	}
}

static void print_bus_stats(FILE *out, const struct bus *bus)
{
	for (int i = 0; i < bus->count; i++) {
		const struct bus_range *r = &bus->ranges[i];
		if (r->exits)
			fprintf(out, "  %-4s 0x%05llx-0x%05llx %-16s %12llu\n", bus->kind,
				(unsigned long long)r->base, (unsigned long long)(r->base + r->len - 1),
				r->name, (unsigned long long)r->exits);
	}
}

/* The ISA lines' usual owners on a PC, to make the -stats lines readable. */
static const char *irq_line_name(unsigned irq)
{
	switch (irq) {
	case 0: return "timer";
	case 1: return "keyboard";
	case 4: return "com1";
	case 8: return "rtc";
	case 12: return "mouse";
	case 14: return "ata";
	default: return "";
	}
}

/* Interrupts: only the lines and vectors that were used. */
static void print_irq_stats(FILE *out, const struct vm *vm)
{
	const struct vm_stats *st = &vm->stats;
	for (unsigned i = 0; i < VM_IRQ_LINES; i++)
		if (st->irq_raised[i])
			fprintf(out, "  irq %-2u %-9s raised %12llu\n", i, irq_line_name(i),
				(unsigned long long)st->irq_raised[i]);
	for (unsigned v = 0; v < 256; v++)
		if (st->injected[v])
			fprintf(out, "  vector 0x%02x injected %12llu\n", v,
				(unsigned long long)st->injected[v]);
	if (st->halts)
		fprintf(out, "  hlt waits %llu\n", (unsigned long long)st->halts);
	/* KVM's PIT raises line 0 and its PIC injects without telling vmm. */
	if (vm_irqchip_kind(vm) == IRQCHIP_KERNEL)
		fprintf(out, "  interrupts: KVM's chips (-irqchip kernel) inject and halt unseen;"
				" counted only lines vmm's devices raised\n");
}

void vm_print_stats(struct vm *vm)
{
	vm_print_stats_to(vm, stderr);
}

void vm_print_stats_to(struct vm *vm, FILE *out)
{
	const struct vm_stats *st = &vm->stats;
	fprintf(out, "vmm: exit statistics\n  total exits %llu\n", (unsigned long long)st->exits);
	for (unsigned i = 0; i < EXIT_REASONS_TRACKED; i++)
		if (st->by_reason[i])
			fprintf(out, "  reason %-16s %12llu\n", exit_reason_name(i),
				(unsigned long long)st->by_reason[i]);
	print_bus_stats(out, &vm->pio);
	print_bus_stats(out, &vm->mmio);
	print_irq_stats(out, vm);
	if (st->coalesced_writes)
		fprintf(out, "  coalesced writes %llu (no exit each)\n",
			(unsigned long long)st->coalesced_writes);
	fprintf(out, "  hypercalls %llu (failed %llu)\n", (unsigned long long)st->hypercalls,
		(unsigned long long)st->hypercalls_failed);
	vm->stats_out = out;
	for (int i = 0; i < vm->n_stats_hooks; i++)
		vm->stats_hooks[i].fn(vm, vm->stats_hooks[i].opaque);
	vm->stats_out = NULL;
	/* Idle hlt waits are neither: the guest waited for an interrupt. Nor
	 * is the time the guest was held in gdb (parked in the vCPU loop). */
	uint64_t idle = st->idle_ns < st->vmm_ns ? st->idle_ns : st->vmm_ns;
	uint64_t in_vmm = st->vmm_ns - idle;
	uint64_t held = vm_clock_paused_ns(vm);
	/* A hold going on now (`monitor stats`) is not in vmm_ns yet. */
	uint64_t held_now = held > in_vmm ? held - in_vmm : 0;
	in_vmm -= held - held_now;
	double total = (double)(st->guest_ns + st->vmm_ns + held_now);
	fprintf(out, "  time in guest %.3f ms (%.1f%%), in vmm %.3f ms (%.1f%%)",
		st->guest_ns / 1e6, total > 0 ? 100.0 * st->guest_ns / total : 0.0,
		in_vmm / 1e6, total > 0 ? 100.0 * in_vmm / total : 0.0);
	if (idle)
		fprintf(out, ", idle in hlt %.3f ms (%.1f%%)", idle / 1e6,
			total > 0 ? 100.0 * idle / total : 0.0);
	if (held)
		fprintf(out, ", held in gdb %.3f ms (%.1f%%)", held / 1e6,
			total > 0 ? 100.0 * held / total : 0.0);
	fputc('\n', out);
}
