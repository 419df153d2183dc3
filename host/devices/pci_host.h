/*
 * PCI configuration mechanism #1 and the one device behind it: a host bridge
 * that looks like QEMU's i440FX at 00:00.0.
 *
 * Ports 0xCF8-0xCFF, as on a PIIX-based PC:
 *   0xCF8 (dword)        CONFIG_ADDRESS: bit 31 enable, bus 23:16, device
 *                        15:11, function 10:8, register 7:2; reads back what
 *                        was written but bits 30:24 and 1:0 (reserved, 0).
 *   0xCFC-0xCFF (any)    CONFIG_DATA: the register CONFIG_ADDRESS selects,
 *                        at the port's offset in its dword; all-ones when the
 *                        enable bit is clear or no function is there.
 *   0xCF9 (byte)         the reset control register (QEMU's PIIX3 RCR): bit 2
 *                        asks for a reset, bit 1 (hard reset) is kept.
 * Narrow accesses to the rest of 0xCF8-0xCFB read all-ones and are dropped.
 *
 * The bridge's 256 configuration bytes start as QEMU 7.2 shows them to a
 * Multiboot kernel (after SeaBIOS): IDs, class, revision, subsystem, command
 * 0x0103, PAM and SMRAM values, RAM size at 0x57. Only what QEMU lets a
 * guest write is writable (command bits, cache line size, interrupt line,
 * 0x40-0xFF); the chipset registers there are stored and have no effect
 * (vmm has no shadow RAM or SMRAM to switch). docs/devices.md has the table.
 */
#ifndef VMM_PCI_HOST_H
#define VMM_PCI_HOST_H

#include <stdint.h>

#include "bus.h"
#include "system_control.h"

struct vm;

#define PCI_HOST_PORT 0xcf8
#define PCI_HOST_PORTS 8

#define PCI_BRIDGE_VENDOR 0x8086 /* Intel */
#define PCI_BRIDGE_DEVICE 0x1237 /* 82441FX PMC (i440FX) */

struct pci_host {
	uint32_t address;        /* CONFIG_ADDRESS as the guest reads it back */
	uint8_t reset_control;   /* 0xCF9: bit 1 only */
	uint8_t config[256];     /* the bridge's configuration space */
	system_reset_fn reset; /* the guest asked for a reset */
	void *reset_ctx;
};

/* Sets up the bridge for a guest with mem_size bytes of RAM. */
void pci_host_init(struct pci_host *host, uint64_t mem_size, system_reset_fn reset, void *ctx);

/* The port handlers; opaque is a struct pci_host, offsets from 0xCF8. */
extern const struct io_ops pci_host_ops;

/* Registers the ports on vm; a reset stops it with STOP_RESET. */
int pci_host_register(struct vm *vm);

#endif
