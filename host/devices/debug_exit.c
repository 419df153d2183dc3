/* QEMU's isa-debug-exit (iobase=0xf4, iosize=4): writing v stops the VM and
 * vmm exits with (v << 1) | 1, so a test guest ends the same way in both. */
#include "console_ports.h"
#include "vm.h"

static void debug_exit_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	(void)offset, (void)size;
	vm_request_stop(opaque, STOP_GUEST_EXIT, (int)(((value << 1) | 1) & 0xff));
}

static const struct io_ops debug_exit_ops = { NULL, debug_exit_write };

int debug_exit_register(struct vm *vm)
{
	return vm_register_pio(vm, VMM_DEBUG_EXIT_PORT, 4, "isa-debug-exit", &debug_exit_ops, vm);
}
