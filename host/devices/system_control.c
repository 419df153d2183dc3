/* Guest-requested resets and port 0x92 (system_control.h). */
#include "system_control.h"

#include <stdio.h>
#include <stdlib.h>

#include "vm.h"

void system_reset_request(void *vm, const char *source)
{
	/* Only the first request stops the VM; say so only then, once. */
	if (atomic_load(&((struct vm *)vm)->stop_reason) != STOP_NONE)
		return;
	fprintf(stderr, "vmm: guest asked for a reset (%s); vmm does not reboot\n", source);
	vm_request_stop(vm, STOP_RESET, 0);
}

void port92_init(struct port92 *p, system_reset_fn reset, void *ctx)
{
	p->value = PORT92_A20;
	p->reset = reset;
	p->reset_ctx = ctx;
}

static uint64_t port92_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)offset, (void)size;
	return ((struct port92 *)opaque)->value;
}

static void port92_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	(void)offset, (void)size;
	struct port92 *p = opaque;
	uint8_t old = p->value;
	p->value = (uint8_t)value;
	/* The reset is the bit's rising edge, as on hardware and in QEMU: a
	 * guest rewriting the port with bit 0 still set does not reset again. */
	if ((value & PORT92_RESET) && !(old & PORT92_RESET) && p->reset)
		p->reset(p->reset_ctx, "port 0x92");
}

const struct io_ops port92_ops = { port92_read, port92_write };

static void port92_free(struct vm *vm, void *opaque)
{
	(void)vm;
	free(opaque);
}

int port92_register(struct vm *vm)
{
	struct port92 *p = malloc(sizeof(*p));
	if (!p)
		return -1;
	port92_init(p, system_reset_request, vm);
	if (vm_add_destroy_hook(vm, port92_free, p) < 0) {
		free(p);
		return -1;
	}
	return vm_register_pio(vm, PORT92, 1, "port92", &port92_ops, p);
}
