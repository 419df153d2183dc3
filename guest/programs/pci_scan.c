/*
 * What a kernel's PCI probe sees through configuration mechanism #1 (address
 * at port 0xCF8, data at 0xCFC-0xCFF).
 *
 *   -append scan    every bus, device and function, one line per function
 *                   that answers; then the count. On vmm: only the host
 *                   bridge 00:00.0 (QEMU has more devices on its bus).
 *   -append bridge  the host bridge 00:00.0 in detail: its header, the same
 *                   registers read as words and bytes at every offset, a
 *                   write to read-only registers, the enable bit, and the
 *                   reset registers 0xCF9 and 0x92 (not resetting). vmm
 *                   and QEMU print the same lines (tests/integration/
 *                   platform_misc.sh compares them).
 *
 * main returns 0x10 when done: status 16 on vmm, 33 on QEMU (isa-debug-exit).
 */
#include <stdint.h>

#include "io.h"
#include "multiboot.h"
#include "printf.h"
#include "string.h"

#define PCI_ADDRESS_PORT 0xcf8
#define PCI_DATA_PORT 0xcfc
#define PCI_ENABLE (1u << 31)
#define RESET_CONTROL_PORT 0xcf9
#define PORT92 0x92

#define EXIT_DONE 0x10
#define EXIT_BAD_ARGUMENT 0x12 /* not 1 or 2: vmm's own statuses */

static uint32_t pci_address(unsigned bus, unsigned dev, unsigned func, unsigned reg)
{
	return PCI_ENABLE | bus << 16 | dev << 11 | func << 8 | (reg & 0xfc);
}

static uint32_t read32(unsigned bus, unsigned dev, unsigned func, unsigned reg)
{
	outl(PCI_ADDRESS_PORT, pci_address(bus, dev, func, reg));
	return inl(PCI_DATA_PORT);
}

/* Narrow accesses go to the data port at the register's offset in the dword,
 * as Linux's pci_conf1_read does. */
static uint16_t read16(unsigned reg)
{
	outl(PCI_ADDRESS_PORT, pci_address(0, 0, 0, reg));
	return inw(PCI_DATA_PORT + (reg & 2));
}

static uint8_t read8(unsigned reg)
{
	outl(PCI_ADDRESS_PORT, pci_address(0, 0, 0, reg));
	return inb(PCI_DATA_PORT + (reg & 3));
}

static void scan(void)
{
	unsigned found = 0;
	for (unsigned bus = 0; bus < 256; bus++)
		for (unsigned dev = 0; dev < 32; dev++)
			for (unsigned func = 0; func < 8; func++) {
				uint32_t id = read32(bus, dev, func, 0x00);
				if ((id & 0xffff) == 0xffff) {
					if (func == 0)
						break; /* no device: no functions either */
					continue;
				}
				uint32_t class_rev = read32(bus, dev, func, 0x08);
				uint8_t header = (uint8_t)(read32(bus, dev, func, 0x0c) >> 16);
				printf("pci %02x:%02x.%x %04x:%04x class %06x rev %02x header %02x\n",
				       bus, dev, func, id & 0xffff, id >> 16, class_rev >> 8,
				       class_rev & 0xff, header);
				found++;
				if (func == 0 && !(header & 0x80))
					break; /* single-function device */
			}
	printf("pci functions found: %u\n", found);
}

static void bridge(void)
{
	/* The standard header, as dwords. */
	for (unsigned reg = 0; reg < 0x100; reg += 16)
		printf("%02x: %08x %08x %08x %08x\n", reg, read32(0, 0, 0, reg),
		       read32(0, 0, 0, reg + 4), read32(0, 0, 0, reg + 8),
		       read32(0, 0, 0, reg + 12));
	/* The same registers as words and bytes at each offset. */
	printf("words:");
	for (unsigned reg = 0; reg < 0x10; reg += 2)
		printf(" %04x", read16(reg));
	printf("\nbytes:");
	for (unsigned reg = 0; reg < 0x10; reg++)
		printf(" %02x", read8(reg));
	printf("\n");

	/* IDs and class are read-only: writes change nothing. */
	outl(PCI_ADDRESS_PORT, pci_address(0, 0, 0, 0x00));
	outl(PCI_DATA_PORT, 0x12345678);
	outl(PCI_ADDRESS_PORT, pci_address(0, 0, 0, 0x08));
	outl(PCI_DATA_PORT, 0);
	printf("after writes: %08x %08x\n", read32(0, 0, 0, 0x00), read32(0, 0, 0, 0x08));

	/* The address register reads back what was written. */
	outl(PCI_ADDRESS_PORT, pci_address(0, 3, 0, 0x08));
	printf("address register: %08x\n", inl(PCI_ADDRESS_PORT));

	/* Without the enable bit the data port is not a configuration access. */
	outl(PCI_ADDRESS_PORT, 0x00000000);
	printf("disabled: %08x\n", inl(PCI_DATA_PORT));

	/* A device that is not there, and a function of the bridge that is not. */
	printf("00:1f.0: %08x 00:00.1: %08x 01:00.0: %08x\n", read32(0, 0x1f, 0, 0),
	       read32(0, 0, 1, 0), read32(1, 0, 0, 0));

	/* The reset registers' other bits, without the bit that resets: the
	 * reset control register at 0xCF9 keeps bit 1 only; port 0x92 starts
	 * with A20 on and keeps what is written. */
	printf("reset control: %02x", inb(RESET_CONTROL_PORT));
	outb(RESET_CONTROL_PORT, 0x0a);
	printf(" after 0x0a: %02x\n", inb(RESET_CONTROL_PORT));
	printf("port 0x92: %02x", inb(PORT92));
	outb(PORT92, 0x02);
	printf(" after 0x02: %02x\n", inb(PORT92));
}

int main(uint32_t magic, uint32_t info_address)
{
	char what[16];
	multiboot_last_word(magic, info_address, what, sizeof(what));
	if (strcmp(what, "scan") == 0) {
		scan();
	} else if (strcmp(what, "bridge") == 0) {
		bridge();
	} else {
		printf("usage: -append scan|bridge\n");
		return EXIT_BAD_ARGUMENT;
	}
	return EXIT_DONE;
}
