/* Bochs/QEMU debug console: each byte written to port 0xE9 goes to stdout;
 * reading the port returns 0xE9 so a guest can detect it. */
#include "console.h"
#include "console_ports.h"
#include "vm.h"

static uint64_t debugcon_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)opaque, (void)offset, (void)size;
	return VMM_DEBUGCON_PORT;
}

static void debugcon_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	(void)opaque, (void)offset, (void)size;
	console_putc((char)(value & 0xff)); /* QEMU prints the low byte of wider writes */
}

static const struct io_ops debugcon_ops = { debugcon_read, debugcon_write };

int debugcon_register(struct vm *vm)
{
	return vm_register_pio(vm, VMM_DEBUGCON_PORT, 1, "debugcon", &debugcon_ops, NULL);
}
