/*
 * Unit tests for PCI configuration mechanism #1 with its host bridge
 * (pci_host.c) and for the reset registers 0xCF9 and 0x92
 * (system_control.c), driven through their io_ops exactly as the port bus
 * would: offsets are from 0xCF8 (0 address, 1 reset control, 4-7 data).
 *
 * Expected values are written out by hand (from QEMU 7.2's i440FX as a
 * Multiboot kernel reads it, and the PCI spec), not taken from the code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pci_host.h"
#include "system_control.h"

#define MiB (1024ull * 1024)

/* Resets the devices asked for, in order. */
static char resets[4][32];
static int n_resets;

static void record_reset(void *ctx, const char *source)
{
	(void)ctx;
	if (n_resets < 4)
		strcpy(resets[n_resets], source);
	n_resets++;
}

static struct pci_host host;

static int setup(void **state)
{
	(void)state;
	n_resets = 0;
	pci_host_init(&host, 128 * MiB, record_reset, NULL);
	return 0;
}

static uint64_t in(unsigned offset, unsigned size)
{
	return pci_host_ops.read(&host, offset, size);
}

static void out(unsigned offset, unsigned size, uint64_t value)
{
	pci_host_ops.write(&host, offset, size, value);
}

static uint32_t address(unsigned bus, unsigned dev, unsigned func, unsigned reg)
{
	return 0x80000000u | bus << 16 | dev << 11 | func << 8 | reg;
}

/* Selects a register of 00:00.0 and reads `size` bytes at data port offset. */
static uint64_t bridge_read(unsigned reg, unsigned size)
{
	out(0, 4, address(0, 0, 0, reg & 0xfc));
	return in(4 + (reg & 3), size);
}

static void bridge_write(unsigned reg, unsigned size, uint64_t value)
{
	out(0, 4, address(0, 0, 0, reg & 0xfc));
	out(4 + (reg & 3), size, value);
}

static void test_bridge_identity(void **state)
{
	(void)state;
	assert_int_equal(bridge_read(0x00, 4), 0x12378086); /* device:vendor */
	assert_int_equal(bridge_read(0x04, 4), 0x00000103); /* status:command */
	assert_int_equal(bridge_read(0x08, 4), 0x06000002); /* class 060000, rev 2 */
	assert_int_equal(bridge_read(0x0c, 4), 0x00000000); /* header type 0 */
	assert_int_equal(bridge_read(0x2c, 4), 0x11001af4); /* subsystem */
	for (unsigned reg = 0x10; reg < 0x28; reg += 4)
		assert_int_equal(bridge_read(reg, 4), 0); /* no BARs */
	assert_int_equal(bridge_read(0x3c, 4), 0);
}

static void test_device_specific_registers(void **state)
{
	(void)state;
	/* RAM size in 8 MiB units at 0x57, PAM 0x59-0x5f, SMRAM 0x72. */
	assert_int_equal(bridge_read(0x54, 4), 0x10000000);
	assert_int_equal(bridge_read(0x58, 4), 0x11111000);
	assert_int_equal(bridge_read(0x5c, 4), 0x33111111);
	assert_int_equal(bridge_read(0x70, 4), 0x00020000);
	assert_int_equal(bridge_read(0xfc, 4), 0);

	pci_host_init(&host, 3072 * MiB, record_reset, NULL);
	assert_int_equal(bridge_read(0x57, 1), 0xff); /* capped */
	pci_host_init(&host, 64 * MiB, record_reset, NULL);
	assert_int_equal(bridge_read(0x57, 1), 0x08);
}

/* Narrow reads at each offset of the data port see the bytes of the dword. */
static void test_word_and_byte_reads_at_offsets(void **state)
{
	(void)state;
	assert_int_equal(bridge_read(0x00, 2), 0x8086);
	assert_int_equal(bridge_read(0x02, 2), 0x1237);
	assert_int_equal(bridge_read(0x0a, 2), 0x0600);
	const uint8_t header[8] = { 0x86, 0x80, 0x37, 0x12, 0x03, 0x01, 0x00, 0x00 };
	for (unsigned reg = 0; reg < 8; reg++)
		assert_int_equal(bridge_read(reg, 1), header[reg]);
	assert_int_equal(bridge_read(0x0b, 1), 0x06); /* base class */
	assert_int_equal(bridge_read(0x08, 1), 0x02); /* revision */
	/* A word at 0xCFD straddles two config bytes; one at 0xCFF would run
	 * past 0xCFF: that half is another port and reads as all-ones. */
	assert_int_equal(bridge_read(0x01, 2), 0x3780);
	assert_int_equal(bridge_read(0x03, 2), 0xff12);
	assert_int_equal(bridge_read(0x02, 4), 0xffff1237);
}

/* The register number comes from bits 7:2 of CONFIG_ADDRESS; its low two
 * bits are reserved, so a guest that sets them reads the same dword. */
static void test_address_register(void **state)
{
	(void)state;
	out(0, 4, 0x80001808);
	assert_int_equal(in(0, 4), 0x80001808);
	out(0, 4, 0xffffffff);
	assert_int_equal(in(0, 4), 0x80fffffc); /* 30:24 and 1:0 read as 0 */
	out(0, 4, address(0, 0, 0, 0x08) | 3);
	assert_int_equal(in(4, 4), 0x06000002);
	/* Linux's pci_check_type1: a byte to 0xCFB, then the dword round trip. */
	out(3, 1, 0x01);
	out(0, 4, 0x80000000);
	assert_int_equal(in(0, 4), 0x80000000);
	/* Narrow accesses to the address register are not decoded. */
	out(0, 2, 0x1234);
	assert_int_equal(in(0, 4), 0x80000000);
	assert_int_equal(in(0, 1), 0xff);
	assert_int_equal(in(2, 2), 0xffff);
}

static void test_enable_bit(void **state)
{
	(void)state;
	out(0, 4, 0x00000000); /* 00:00.0 register 0, but disabled */
	assert_int_equal(in(4, 4), 0xffffffff);
	assert_int_equal(in(4, 2), 0xffff);
	assert_int_equal(in(7, 1), 0xff);
	/* A write while disabled changes nothing. */
	out(0, 4, 0x0000003c);
	out(4, 1, 0x0b);
	assert_int_equal(bridge_read(0x3c, 1), 0x00);
}

static void test_nothing_else_on_the_bus(void **state)
{
	(void)state;
	const uint32_t absent[] = {
		address(0, 1, 0, 0), address(0, 31, 0, 0), address(0, 0, 1, 0),
		address(0, 0, 7, 0), address(1, 0, 0, 0), address(255, 31, 7, 0xfc),
	};
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		out(0, 4, absent[i]);
		assert_int_equal(in(4, 4), 0xffffffff);
		assert_int_equal(in(6, 2), 0xffff);
		assert_int_equal(in(5, 1), 0xff);
		out(4, 4, 0); /* goes nowhere */
	}
	assert_int_equal(bridge_read(0x00, 4), 0x12378086);
	assert_int_equal(bridge_read(0x04, 4), 0x00000103);
}

static void test_read_only_registers_ignore_writes(void **state)
{
	(void)state;
	bridge_write(0x00, 4, 0x12345678);
	bridge_write(0x08, 4, 0);
	bridge_write(0x0e, 1, 0x80); /* header type: multi-function? no */
	bridge_write(0x2c, 4, 0);
	bridge_write(0x06, 2, 0xffff); /* status: nothing to clear */
	bridge_write(0x10, 4, 0xffffffff); /* no BAR to size */
	assert_int_equal(bridge_read(0x00, 4), 0x12378086);
	assert_int_equal(bridge_read(0x08, 4), 0x06000002);
	assert_int_equal(bridge_read(0x0c, 4), 0x00000000);
	assert_int_equal(bridge_read(0x2c, 4), 0x11001af4);
	assert_int_equal(bridge_read(0x06, 2), 0x0000);
	assert_int_equal(bridge_read(0x10, 4), 0);
}

static void test_writable_registers(void **state)
{
	(void)state;
	/* Command: I/O, memory, bus master, SERR#, interrupt disable only. */
	bridge_write(0x04, 2, 0xffff);
	assert_int_equal(bridge_read(0x04, 2), 0x0507);
	bridge_write(0x04, 1, 0x00);
	assert_int_equal(bridge_read(0x04, 2), 0x0500);
	/* Cache line size and interrupt line, byte by byte. */
	bridge_write(0x0c, 1, 0x10);
	bridge_write(0x3c, 1, 0x0b);
	assert_int_equal(bridge_read(0x0c, 4), 0x00000010);
	assert_int_equal(bridge_read(0x3c, 4), 0x0000000b);
	/* Chipset registers are stored (PAM, as SeaBIOS writes them). */
	bridge_write(0x59, 1, 0x30);
	bridge_write(0x5a, 2, 0x3333);
	assert_int_equal(bridge_read(0x58, 4), 0x33333000);
	bridge_write(0xfc, 4, 0xdeadbeef);
	assert_int_equal(bridge_read(0xfc, 4), 0xdeadbeef);
	assert_int_equal(n_resets, 0);
}

/* 0xCF9: byte accesses only; bit 2 resets, bit 1 is kept (as QEMU's PIIX3). */
static void test_reset_control_register(void **state)
{
	(void)state;
	assert_int_equal(in(1, 1), 0x00);
	out(1, 1, 0x0a);
	assert_int_equal(in(1, 1), 0x02);
	assert_int_equal(n_resets, 0);
	/* Linux's reboot=pci: 0x02, then 0x06. */
	out(1, 1, 0x02);
	assert_int_equal(n_resets, 0);
	out(1, 1, 0x06);
	assert_int_equal(n_resets, 1);
	assert_string_equal(resets[0], "port 0xcf9");
	/* A dword write to 0xCF8 with bit 10 set is CONFIG_ADDRESS, not 0xCF9. */
	out(0, 4, 0x80000600);
	assert_int_equal(n_resets, 1);
}

static void test_port92(void **state)
{
	(void)state;
	struct port92 p;
	port92_init(&p, record_reset, NULL);
	assert_int_equal(port92_ops.read(&p, 0, 1), 0x02); /* A20 on, as SeaBIOS */
	port92_ops.write(&p, 0, 1, 0x00);
	assert_int_equal(port92_ops.read(&p, 0, 1), 0x00);
	port92_ops.write(&p, 0, 1, 0x02);
	assert_int_equal(port92_ops.read(&p, 0, 1), 0x02);
	assert_int_equal(n_resets, 0);
	/* Bit 0's rising edge resets; writing it again while set does not. */
	port92_ops.write(&p, 0, 1, 0x03);
	assert_int_equal(n_resets, 1);
	assert_string_equal(resets[0], "port 0x92");
	port92_ops.write(&p, 0, 1, 0x03);
	assert_int_equal(n_resets, 1);
	port92_ops.write(&p, 0, 1, 0x02);
	port92_ops.write(&p, 0, 1, 0x01);
	assert_int_equal(n_resets, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_bridge_identity, setup),
		cmocka_unit_test_setup(test_device_specific_registers, setup),
		cmocka_unit_test_setup(test_word_and_byte_reads_at_offsets, setup),
		cmocka_unit_test_setup(test_address_register, setup),
		cmocka_unit_test_setup(test_enable_bit, setup),
		cmocka_unit_test_setup(test_nothing_else_on_the_bus, setup),
		cmocka_unit_test_setup(test_read_only_registers_ignore_writes, setup),
		cmocka_unit_test_setup(test_writable_registers, setup),
		cmocka_unit_test_setup(test_reset_control_register, setup),
		cmocka_unit_test_setup(test_port92, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
