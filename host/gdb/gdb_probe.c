/*
 * The start-up probe of gdb_probe.h: a 2 MiB real-mode VM runs three tiny
 * programs, each with one debug feature armed, and the exit it ends with
 * says whether that feature works. Each ends in hlt, so a feature that does
 * not fire costs one run to hlt (an int3 KVM lets through goes to the
 * guest's vector table, which leads to a hlt too), and one that breaks the
 * instruction emulator ends in an internal-error exit: nothing can hang.
 */
#include <string.h>
#include <sys/ioctl.h>

#include "gdb_probe.h"
#include "layout.h"
#include "vm.h"

#define CODE_AT 0x1000
#define DATA_AT 0x2000
#define HALT_AT 0x1100 /* every interrupt vector leads to a hlt here */

/* Runs code at CODE_AT with the debug state dbg; true if the run ends in a
 * debug exit of exception `vector` (and, for #DB, DR6 bit `dr6_bit`). */
static bool exits_to_debugger(const uint8_t *code, size_t len, const struct kvm_guest_debug *dbg,
			      unsigned vector, unsigned dr6_bit)
{
	struct vm_config cfg = { .mem_size = MEM_MIN };
	char err[256];
	struct vm *vm = vm_create(&cfg, err, sizeof(err));
	if (!vm)
		return false;
	bool fired = false;
	memcpy(vm->ram + CODE_AT, code, len);
	/* An int3 that KVM does not intercept is delivered to the guest: its
	 * real-mode vector table sends it (and anything else) to a hlt, so the
	 * probe ends at once instead of running through empty memory. */
	vm->ram[HALT_AT] = 0xf4;
	for (int v = 0; v < 256; v++) {
		uint8_t entry[4] = { HALT_AT & 0xff, HALT_AT >> 8, 0, 0 }; /* offset, segment 0 */
		memcpy(vm->ram + 4 * v, entry, sizeof(entry));
	}
	if (vm_setup_cpu(vm, MODE_REAL, CODE_AT, 0x8000) == 0 &&
	    ioctl(vm->vcpu_fd, KVM_SET_GUEST_DEBUG, dbg) == 0 &&
	    ioctl(vm->vcpu_fd, KVM_RUN, 0) == 0 && vm->run->exit_reason == KVM_EXIT_DEBUG) {
		const struct kvm_debug_exit_arch *d = &vm->run->debug.arch;
		fired = d->exception == vector && (vector != 1 || (d->dr6 & (1u << dr6_bit)));
	}
	vm_destroy(vm);
	return fired;
}

void gdb_probe_host(struct gdb_host_caps *caps)
{
	static const uint8_t int3_hlt[] = { 0xcc, 0xf4 };
	/* mov [DATA_AT], al; hlt */
	static const uint8_t store_hlt[] = { 0xa2, DATA_AT & 0xff, DATA_AT >> 8, 0xf4 };
	static const uint8_t nop_hlt[] = { 0x90, 0xf4 };

	struct kvm_guest_debug sw = { .control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP };
	caps->int3 = exits_to_debugger(int3_hlt, sizeof(int3_hlt), &sw, 3, 0);

	/* DR0 = the data, DR7: L0, R/W0 = 01 (write), LEN0 = 00 (1 byte). */
	struct kvm_guest_debug watch = { .control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP };
	watch.arch.debugreg[0] = DATA_AT;
	watch.arch.debugreg[7] = 0x1 | 0x1u << 16;
	caps->data_watch = exits_to_debugger(store_hlt, sizeof(store_hlt), &watch, 1, 0);

	/* DR0 = the hlt, DR7: L0, R/W0 = 00 (execute). */
	struct kvm_guest_debug brk = { .control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP };
	brk.arch.debugreg[0] = CODE_AT + 1;
	brk.arch.debugreg[7] = 0x1;
	caps->hw_break = exits_to_debugger(nop_hlt, sizeof(nop_hlt), &brk, 1, 0);
}
