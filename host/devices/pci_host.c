/* PCI configuration mechanism #1 and an i440FX-like host bridge (pci_host.h). */
#include "pci_host.h"

#include <stdlib.h>
#include <string.h>

#include "vm.h"

/* Offsets from 0xCF8. */
#define ADDRESS_OFFSET 0
#define RESET_CONTROL_OFFSET 1
#define DATA_OFFSET 4

#define ADDRESS_ENABLE 0x80000000u
/* Bits 30:24 and 1:0 of CONFIG_ADDRESS are reserved and read as 0. */
#define ADDRESS_WRITABLE 0x80fffffcu

#define RESET_CONTROL_HARD 0x02 /* kept: the kind of reset (hard or soft) */
#define RESET_CONTROL_RESET 0x04

/* Standard header offsets. */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_DEVICE 0x0a
#define PCI_CACHE_LINE_SIZE 0x0c
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_DEVICE_SPECIFIC 0x40

/* i440FX registers (82441FX datasheet; QEMU's hw/pci-host/i440fx.c). */
#define I440FX_RAM_SIZE 0x57 /* RAM in 8 MiB units: QEMU's coreboot hint */
#define I440FX_PAM 0x59      /* 7 registers: shadow RAM of 0xC0000-0xFFFFF */
#define I440FX_SMRAM 0x72

/* The command bits QEMU lets a guest write: I/O, memory, bus master, SERR#,
 * interrupt disable. */
#define COMMAND_WRITABLE 0x0507

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void pci_host_init(struct pci_host *host, uint64_t mem_size, system_reset_fn reset, void *ctx)
{
	memset(host, 0, sizeof(*host));
	host->reset = reset;
	host->reset_ctx = ctx;
	uint8_t *c = host->config;
	put16(c + PCI_VENDOR_ID, PCI_BRIDGE_VENDOR);
	put16(c + PCI_DEVICE_ID, PCI_BRIDGE_DEVICE);
	/* What SeaBIOS leaves: I/O and memory decoding on, SERR# enabled. */
	put16(c + PCI_COMMAND, 0x0103);
	c[PCI_REVISION_ID] = 0x02;
	put16(c + PCI_CLASS_DEVICE, 0x0600); /* bridge: host */
	/* QEMU gives every device Red Hat's subsystem IDs. */
	put16(c + PCI_SUBSYSTEM_VENDOR_ID, 0x1af4);
	put16(c + PCI_SUBSYSTEM_ID, 0x1100);
	uint64_t ram_units = mem_size >> 23;
	c[I440FX_RAM_SIZE] = (uint8_t)(ram_units > 255 ? 255 : ram_units);
	/* PAM as SeaBIOS leaves them: 0xF0000-0xFFFFF read-only, the option ROM
	 * area read-only, 0xE8000-0xEFFFF read-write. */
	static const uint8_t pam[7] = { 0x10, 0x11, 0x11, 0x11, 0x11, 0x11, 0x33 };
	memcpy(c + I440FX_PAM, pam, sizeof(pam));
	c[I440FX_SMRAM] = 0x02; /* SMRAM at 0xA0000 (C_BASE_SEG), closed */
}

/* Which bits of config byte `reg` a guest may change. */
static uint8_t write_mask(unsigned reg)
{
	if (reg >= PCI_DEVICE_SPECIFIC)
		return 0xff;
	switch (reg) {
	case PCI_COMMAND: return COMMAND_WRITABLE & 0xff;
	case PCI_COMMAND + 1: return COMMAND_WRITABLE >> 8;
	case PCI_CACHE_LINE_SIZE: return 0xff;
	case PCI_INTERRUPT_LINE: return 0xff;
	default: return 0; /* IDs, class, status (nothing to clear), header */
	}
}

/* The function CONFIG_ADDRESS selects: only 00:00.0 exists. */
static bool bridge_selected(const struct pci_host *host)
{
	return (host->address & ADDRESS_ENABLE) && (host->address & 0x00ffff00u) == 0;
}

/*
 * A data port access of `size` bytes at CONFIG_DATA + `port_offset`: bytes
 * that fall past 0xCFF belong to the next port (the CPU splits such an
 * access on a real bus) and read as all-ones.
 */
static uint64_t data_read(struct pci_host *host, unsigned port_offset, unsigned size)
{
	uint64_t value = 0;
	bool present = bridge_selected(host);
	for (unsigned i = 0; i < size; i++) {
		unsigned byte = port_offset + i;
		uint8_t b = 0xff;
		if (present && byte < 4)
			b = host->config[(host->address & 0xfc) + byte];
		value |= (uint64_t)b << (8 * i);
	}
	return value;
}

static void data_write(struct pci_host *host, unsigned port_offset, unsigned size,
		       uint64_t value)
{
	if (!bridge_selected(host))
		return; /* disabled, or nobody there: the write goes nowhere */
	for (unsigned i = 0; i < size && port_offset + i < 4; i++) {
		unsigned reg = (host->address & 0xfc) + port_offset + i;
		uint8_t mask = write_mask(reg);
		uint8_t b = (uint8_t)(value >> (8 * i));
		host->config[reg] = (uint8_t)((host->config[reg] & ~mask) | (b & mask));
	}
}

static uint64_t pci_host_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pci_host *host = opaque;
	if (offset >= DATA_OFFSET)
		return data_read(host, (unsigned)offset - DATA_OFFSET, size);
	if (offset == ADDRESS_OFFSET && size == 4)
		return host->address;
	if (offset == RESET_CONTROL_OFFSET && size == 1)
		return host->reset_control;
	/* Narrow parts of CONFIG_ADDRESS are not decoded: all-ones. */
	return size >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * size)) - 1;
}

static void pci_host_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct pci_host *host = opaque;
	if (offset >= DATA_OFFSET) {
		data_write(host, (unsigned)offset - DATA_OFFSET, size, value);
	} else if (offset == ADDRESS_OFFSET && size == 4) {
		host->address = (uint32_t)value & ADDRESS_WRITABLE;
	} else if (offset == RESET_CONTROL_OFFSET && size == 1) {
		/* As QEMU's PIIX3: bit 2 resets whatever bit 1 says (on hardware
		 * bit 1 picks a hard reset or only the CPU's INIT: both reboot). */
		if (value & RESET_CONTROL_RESET) {
			if (host->reset)
				host->reset(host->reset_ctx, "port 0xcf9");
			return;
		}
		host->reset_control = (uint8_t)(value & RESET_CONTROL_HARD);
	}
}

const struct io_ops pci_host_ops = { pci_host_read, pci_host_write };

static void pci_host_free(struct vm *vm, void *opaque)
{
	(void)vm;
	free(opaque);
}

int pci_host_register(struct vm *vm)
{
	struct pci_host *host = malloc(sizeof(*host));
	if (!host)
		return -1;
	pci_host_init(host, vm->mem_size, system_reset_request, vm);
	if (vm_add_destroy_hook(vm, pci_host_free, host) < 0) {
		free(host);
		return -1;
	}
	return vm_register_pio(vm, PCI_HOST_PORT, PCI_HOST_PORTS, "pci", &pci_host_ops, host);
}
