/*
 * Unit tests for the 8259A pair, driven through its ports and lines as a
 * guest and the devices would, without a VM. Expected values are written
 * out from the 8259A data sheet and QEMU's `info pic`, not taken from the
 * code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "i8259.h"

static struct i8259_pair pic;
static unsigned unmasked; /* bit n: on_unmask(n) was called */

static void record_unmask(void *ctx, unsigned irq)
{
	(void)ctx;
	unmasked |= 1u << irq;
}

static int setup(void **state)
{
	(void)state;
	i8259_reset(&pic);
	pic.on_unmask = record_unmask;
	unmasked = 0;
	return 0;
}

static void out(uint16_t port, uint8_t v) { i8259_write(&pic, port, v); }
static uint8_t in(uint16_t port) { return i8259_read(&pic, port); }
static void raise(unsigned irq) { i8259_set_irq(&pic, irq, true); }
static void lower(unsigned irq) { i8259_set_irq(&pic, irq, false); }
static void pulse(unsigned irq) { raise(irq); lower(irq); }

static uint8_t read_irr(uint16_t cmd) { out(cmd, 0x0A); return in(cmd); }
static uint8_t read_isr(uint16_t cmd) { out(cmd, 0x0B); return in(cmd); }

/* What every tutorial kernel does: ICW1-4, vectors 0x20 and 0x28. */
static void remap(uint8_t icw4)
{
	out(0x20, 0x11);
	out(0xA0, 0x11);
	out(0x21, 0x20);
	out(0xA1, 0x28);
	out(0x21, 0x04);
	out(0xA1, 0x02);
	out(0x21, icw4);
	out(0xA1, icw4);
}

static void test_start_state_is_seabios(void **state)
{
	(void)state;
	assert_int_equal(in(0x21), 0xB8);
	assert_int_equal(in(0xA1), 0x8E);
	assert_int_equal(in(0x4D0), 0x00);
	assert_int_equal(in(0x4D1), 0x0C);
	assert_int_equal(in(0x20), 0); /* IRR selected, nothing requested */
	assert_int_equal(i8259_pending_vector(&pic), -1);
	pulse(0);
	assert_int_equal(i8259_pending_vector(&pic), 0x08);
	assert_int_equal(i8259_inta(&pic), 0x08);
	pulse(8);
	out(0x20, 0x20);
	assert_int_equal(i8259_inta(&pic), 0x70);
	/* Masked at start: IRQ 3, 4, 5, 7 and 9, 10, 11, 15. */
	pulse(4);
	pulse(9);
	assert_int_equal(i8259_pending_vector(&pic), -1);
}

static void test_icw_sequence_remaps_and_clears(void **state)
{
	(void)state;
	pulse(1);
	assert_int_equal(i8259_inta(&pic), 0x09); /* in service at the old base */
	remap(0x01);
	/* ICW1 cleared IMR, ISR, and the edge-latched request. */
	assert_int_equal(in(0x21), 0x00);
	assert_int_equal(in(0xA1), 0x00);
	assert_int_equal(read_isr(0x20), 0x00);
	assert_int_equal(i8259_pending_vector(&pic), -1);
	pulse(0);
	assert_int_equal(i8259_inta(&pic), 0x20);
	out(0x20, 0x20);
	pulse(7);
	assert_int_equal(i8259_inta(&pic), 0x27);
	out(0x20, 0x20);
	pulse(15);
	assert_int_equal(i8259_inta(&pic), 0x2F);
	/* The next data write is OCW1 again. */
	out(0x21, 0xFE);
	assert_int_equal(in(0x21), 0xFE);
}

static void test_icw2_low_bits_ignored_and_icw4_optional(void **state)
{
	(void)state;
	out(0x20, 0x10); /* no ICW4 */
	out(0x21, 0x47); /* base 0x40 */
	out(0x21, 0x04); /* ICW3 */
	out(0x21, 0xFA); /* OCW1 already */
	assert_int_equal(in(0x21), 0xFA);
	pulse(0);
	assert_int_equal(i8259_inta(&pic), 0x40);
	/* Single mode: no ICW3 either. */
	out(0x20, 0x13);
	out(0x21, 0x50);
	out(0x21, 0x01); /* ICW4 */
	out(0x21, 0xFE); /* OCW1 */
	assert_int_equal(in(0x21), 0xFE);
	pulse(0);
	assert_int_equal(i8259_inta(&pic), 0x50);
}

static void test_mask_holds_the_request(void **state)
{
	(void)state;
	remap(0x01);
	out(0x21, 0x01);
	pulse(0);
	assert_int_equal(i8259_pending_vector(&pic), -1);
	assert_int_equal(read_irr(0x20), 0x01); /* latched though masked */
	out(0x21, 0x00);
	assert_int_equal(i8259_pending_vector(&pic), 0x20);
	/* Masking the cascade line masks the whole slave. */
	out(0x20, 0x20);
	i8259_inta(&pic);
	out(0x20, 0x20);
	out(0x21, 0x04);
	pulse(14);
	assert_int_equal(i8259_pending_vector(&pic), -1);
	out(0x21, 0x00);
	assert_int_equal(i8259_pending_vector(&pic), 0x2E);
}

static void test_edge_needs_a_new_rising_edge(void **state)
{
	(void)state;
	remap(0x01);
	raise(1);
	assert_int_equal(i8259_inta(&pic), 0x21);
	out(0x20, 0x20);
	/* Still high: no new edge, no new request. */
	raise(1);
	assert_int_equal(i8259_pending_vector(&pic), -1);
	lower(1);
	raise(1);
	assert_int_equal(i8259_pending_vector(&pic), 0x21);
	/* Lowering an edge-latched line does not withdraw the request. */
	lower(1);
	assert_int_equal(i8259_pending_vector(&pic), 0x21);
}

static void test_priority_and_nesting(void **state)
{
	(void)state;
	remap(0x01);
	pulse(3);
	assert_int_equal(i8259_inta(&pic), 0x23);
	/* Lower priority (5) waits, equal cannot happen, higher (1) nests. */
	pulse(5);
	assert_int_equal(i8259_pending_vector(&pic), -1);
	pulse(1);
	assert_int_equal(i8259_inta(&pic), 0x21);
	assert_int_equal(read_isr(0x20), 0x0A);
	assert_int_equal(read_irr(0x20), 0x20);
	/* Non-specific EOI ends the highest in service (1), then 3. */
	out(0x20, 0x20);
	assert_int_equal(read_isr(0x20), 0x08);
	assert_int_equal(i8259_pending_vector(&pic), -1);
	out(0x20, 0x20);
	assert_int_equal(read_isr(0x20), 0x00);
	assert_int_equal(i8259_inta(&pic), 0x25);
	/* Two requests together: the lower line first. */
	out(0x20, 0x20);
	pulse(6);
	pulse(4);
	assert_int_equal(i8259_inta(&pic), 0x24);
}

static void test_specific_eoi(void **state)
{
	(void)state;
	remap(0x01);
	pulse(3);
	i8259_inta(&pic);
	pulse(1);
	i8259_inta(&pic);
	out(0x20, 0x63); /* specific EOI for 3, though 1 has priority */
	assert_int_equal(read_isr(0x20), 0x02);
	out(0x20, 0x61);
	assert_int_equal(read_isr(0x20), 0x00);
}

static void test_rotation(void **state)
{
	(void)state;
	remap(0x01);
	/* Set priority: IRQ3 lowest, so 4 is highest. */
	out(0x20, 0xC3);
	pulse(1);
	pulse(5);
	assert_int_equal(i8259_inta(&pic), 0x25);
	/* Rotate on non-specific EOI: 5 becomes lowest, 6 highest. */
	out(0x20, 0xA0);
	pulse(6);
	assert_int_equal(i8259_inta(&pic), 0x26);
	out(0x20, 0xA0);
	/* Now 7 is highest; 1 is still waiting and comes before 5. */
	pulse(5);
	assert_int_equal(i8259_inta(&pic), 0x21);
}

static void test_auto_eoi(void **state)
{
	(void)state;
	remap(0x03);
	pulse(3);
	assert_int_equal(i8259_inta(&pic), 0x23);
	assert_int_equal(read_isr(0x20), 0x00);
	/* Nothing in service: a lower priority comes at once. */
	pulse(5);
	assert_int_equal(i8259_pending_vector(&pic), 0x25);
}

static void test_cascade(void **state)
{
	(void)state;
	remap(0x01);
	pulse(12);
	assert_int_equal(read_irr(0x20), 0x04); /* the slave's INT on IRQ2 */
	assert_int_equal(read_irr(0xA0), 0x10);
	assert_int_equal(i8259_inta(&pic), 0x2C);
	assert_int_equal(read_isr(0x20), 0x04);
	assert_int_equal(read_isr(0xA0), 0x10);
	/* The master's IRQ2 in service blocks 3..7 but not 0 and 1. */
	pulse(3);
	assert_int_equal(i8259_pending_vector(&pic), -1);
	pulse(0);
	assert_int_equal(i8259_inta(&pic), 0x20);
	out(0x20, 0x20); /* ends 0 */
	/* EOI to the slave alone leaves the master's IRQ2 in service. */
	out(0xA0, 0x20);
	assert_int_equal(read_isr(0xA0), 0x00);
	assert_int_equal(i8259_pending_vector(&pic), -1);
	out(0x20, 0x20);
	assert_int_equal(i8259_inta(&pic), 0x23);
}

static void test_slave_priorities_through_cascade(void **state)
{
	(void)state;
	remap(0x01);
	pulse(14);
	assert_int_equal(i8259_inta(&pic), 0x2E);
	out(0xA0, 0x20);
	out(0x20, 0x20);
	pulse(14);
	pulse(8);
	assert_int_equal(i8259_inta(&pic), 0x28);
	out(0xA0, 0x20);
	out(0x20, 0x20);
	assert_int_equal(i8259_inta(&pic), 0x2E);
}

static void test_auto_eoi_cascade_keeps_the_second_request(void **state)
{
	(void)state;
	remap(0x03);
	pulse(8);
	pulse(12);
	assert_int_equal(i8259_inta(&pic), 0x28);
	/* The slave still asks for IRQ12: the master must see it again. */
	assert_int_equal(i8259_pending_vector(&pic), 0x2C);
	assert_int_equal(i8259_inta(&pic), 0x2C);
	assert_int_equal(i8259_pending_vector(&pic), -1);
}

static void test_special_fully_nested(void **state)
{
	(void)state;
	remap(0x01);
	out(0x20, 0x11); /* the master again, with SFNM in ICW4 */
	out(0x21, 0x20);
	out(0x21, 0x04);
	out(0x21, 0x11);
	pulse(12);
	assert_int_equal(i8259_inta(&pic), 0x2C);
	/* A higher slave line interrupts the slave's handler. */
	pulse(8);
	assert_int_equal(i8259_inta(&pic), 0x28);
	assert_int_equal(read_isr(0xA0), 0x11);
}

static void test_special_mask_mode(void **state)
{
	(void)state;
	remap(0x01);
	pulse(3);
	i8259_inta(&pic);
	out(0x21, 0x08); /* mask the line in service */
	out(0x20, 0x68); /* special mask mode on */
	pulse(5);
	assert_int_equal(i8259_inta(&pic), 0x25);
	out(0x20, 0x48); /* off: 3 and 5 in service block 6 */
	pulse(6);
	assert_int_equal(i8259_pending_vector(&pic), -1);
}

static void test_spurious_irq7(void **state)
{
	(void)state;
	remap(0x01);
	assert_int_equal(i8259_inta(&pic), 0x27);
	assert_int_equal(read_isr(0x20), 0x00);
}

static void test_spurious_irq15_when_slave_request_vanished(void **state)
{
	(void)state;
	remap(0x01);
	out(0x4D1, 0x04); /* IRQ10 level-triggered */
	raise(10);
	assert_int_equal(read_irr(0x20), 0x04);
	lower(10); /* gone before the CPU took it; the master's edge stays */
	assert_int_equal(read_irr(0xA0), 0x00);
	assert_int_equal(i8259_pending_vector(&pic), 0x2F);
	assert_int_equal(i8259_inta(&pic), 0x2F);
	assert_int_equal(read_isr(0xA0), 0x00);
	assert_int_equal(read_isr(0x20), 0x04); /* the master wants its EOI */
}

static void test_elcr_level_mode(void **state)
{
	(void)state;
	out(0x4D0, 0xFF);
	out(0x4D1, 0xFF);
	assert_int_equal(in(0x4D0), 0xF8); /* IRQ 0, 1, 2 cannot be level */
	assert_int_equal(in(0x4D1), 0xDE); /* nor IRQ 8 and 13 */
	remap(0x01);
	assert_int_equal(in(0x4D0), 0xF8); /* ICW1 keeps ELCR */
	raise(5);
	assert_int_equal(i8259_inta(&pic), 0x25);
	assert_int_equal(read_irr(0x20), 0x20); /* the line is still high */
	out(0x20, 0x20);
	assert_int_equal(i8259_pending_vector(&pic), 0x25);
	lower(5);
	assert_int_equal(i8259_pending_vector(&pic), -1);
	assert_int_equal(read_irr(0x20), 0x00);
}

static void test_icw1_ltim_makes_every_line_level(void **state)
{
	(void)state;
	out(0x20, 0x19);
	out(0x21, 0x20);
	out(0x21, 0x04);
	out(0x21, 0x01);
	raise(1);
	assert_int_equal(i8259_pending_vector(&pic), 0x21);
	lower(1);
	assert_int_equal(i8259_pending_vector(&pic), -1);
}

static void test_poll_mode(void **state)
{
	(void)state;
	remap(0x01);
	out(0x20, 0x0C);
	assert_int_equal(in(0x20), 0x00); /* nothing pending */
	pulse(4);
	out(0x20, 0x0C);
	assert_int_equal(in(0x21), 0x84);
	assert_int_equal(read_isr(0x20), 0x10);
	/* Poll is one read: the next data read is IMR. */
	assert_int_equal(in(0x21), 0x00);
}

static void test_irr_isr_select_persists(void **state)
{
	(void)state;
	remap(0x01);
	pulse(6);
	pulse(7);
	i8259_inta(&pic);
	out(0x20, 0x0B);
	assert_int_equal(in(0x20), 0x40);
	assert_int_equal(in(0x20), 0x40);
	out(0x20, 0x0A);
	assert_int_equal(in(0x20), 0x80);
	/* OCW3 without RR leaves the selection alone. */
	out(0x20, 0x08);
	assert_int_equal(in(0x20), 0x80);
}

static void test_unmask_reports_open_lines(void **state)
{
	(void)state;
	remap(0x01); /* ICW1 clears IMR: not the guest opening a line */
	assert_int_equal(unmasked, 0);
	out(0x21, 0xFC);
	assert_int_equal(unmasked, 0x0003);
	out(0xA1, 0xEF);
	assert_int_equal(unmasked, 0x1003);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_start_state_is_seabios, setup),
		cmocka_unit_test_setup(test_icw_sequence_remaps_and_clears, setup),
		cmocka_unit_test_setup(test_icw2_low_bits_ignored_and_icw4_optional, setup),
		cmocka_unit_test_setup(test_mask_holds_the_request, setup),
		cmocka_unit_test_setup(test_edge_needs_a_new_rising_edge, setup),
		cmocka_unit_test_setup(test_priority_and_nesting, setup),
		cmocka_unit_test_setup(test_specific_eoi, setup),
		cmocka_unit_test_setup(test_rotation, setup),
		cmocka_unit_test_setup(test_auto_eoi, setup),
		cmocka_unit_test_setup(test_cascade, setup),
		cmocka_unit_test_setup(test_slave_priorities_through_cascade, setup),
		cmocka_unit_test_setup(test_auto_eoi_cascade_keeps_the_second_request, setup),
		cmocka_unit_test_setup(test_special_fully_nested, setup),
		cmocka_unit_test_setup(test_special_mask_mode, setup),
		cmocka_unit_test_setup(test_spurious_irq7, setup),
		cmocka_unit_test_setup(test_spurious_irq15_when_slave_request_vanished, setup),
		cmocka_unit_test_setup(test_elcr_level_mode, setup),
		cmocka_unit_test_setup(test_icw1_ltim_makes_every_line_level, setup),
		cmocka_unit_test_setup(test_poll_mode, setup),
		cmocka_unit_test_setup(test_irr_isr_select_persists, setup),
		cmocka_unit_test_setup(test_unmask_reports_open_lines, setup),
	};
	return cmocka_run_group_tests_name("i8259", tests, NULL, NULL);
}
