/*
 * Guest-requested resets, and port 0x92 (the PS/2 "system control port A").
 *
 * vmm never reboots (like QEMU with -no-reboot): a reset the guest asks for,
 * through port 0x92, port 0xCF9 (pci_host.h) or the keyboard controller's
 * 0xFE command, ends the run with STOP_RESET (exit status 120) and one line
 * on stderr that names where it came from.
 *
 * Port 0x92, as QEMU's port92 device: reads return the last value written;
 * bit 1 is the fast A20 gate (vmm's A20 line is always on: the bit is only
 * stored); bit 0 going from 0 to 1 asks for a reset. It starts at 0x02, A20
 * on, as SeaBIOS leaves it.
 */
#ifndef VMM_SYSTEM_CONTROL_H
#define VMM_SYSTEM_CONTROL_H

#include <stdint.h>

#include "bus.h"

struct vm;

/* Called when the guest asks for a reset; source names the register, e.g.
 * "port 0x92". Devices take one so that unit tests can watch resets. */
typedef void (*system_reset_fn)(void *ctx, const char *source);

#define PORT92 0x92
#define PORT92_RESET 0x01
#define PORT92_A20 0x02

/* Prints "vmm: guest asked for a reset (SOURCE); vmm does not reboot" and
 * stops the VM with STOP_RESET. vm is a struct vm (a system_reset_fn). */
void system_reset_request(void *vm, const char *source);

struct port92 {
	uint8_t value;
	system_reset_fn reset;
	void *reset_ctx;
};

void port92_init(struct port92 *p, system_reset_fn reset, void *ctx);

/* The port handlers; opaque is a struct port92. */
extern const struct io_ops port92_ops;

int port92_register(struct vm *vm);

#endif
