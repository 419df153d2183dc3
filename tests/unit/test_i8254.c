/*
 * Unit tests for the 8254 and port 0x61, driven at chosen instants of guest
 * time (the chip takes the time with each access), without a VM. Expected
 * values are written out from the Intel 8254 data sheet and from what QEMU
 * shows, not taken from the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "i8254.h"

#define HZ 1193182ull
#define T0 5000000000ull /* counts start 5 s into guest time */

static struct i8254 pit;

/* An instant well inside input clock c after T0: c clocks have elapsed. */
static uint64_t at(uint64_t clocks)
{
	return T0 + clocks * 1000000000ull / HZ + 420; /* a clock lasts 838 ns */
}

/* The first nanosecond at which c clocks have elapsed since T0. */
static uint64_t edge(uint64_t clocks)
{
	return T0 + (clocks * 1000000000ull + HZ - 1) / HZ;
}

static int setup(void **state)
{
	(void)state;
	i8254_reset(&pit, T0);
	return 0;
}

static void out(unsigned port, uint8_t v, uint64_t t)
{
	if (port == 0x61)
		i8254_port61_write(&pit, v, t);
	else
		i8254_write(&pit, port - 0x40, v, t);
}

static uint8_t in(unsigned port, uint64_t t)
{
	return port == 0x61 ? i8254_port61_read(&pit, t) : i8254_read(&pit, port - 0x40, t);
}

/* Two reads of a counter: low byte, then high byte. */
static unsigned two_bytes(unsigned port, uint64_t t_lo, uint64_t t_hi)
{
	unsigned lo = in(port, t_lo);
	return lo | in(port, t_hi) << 8;
}

/* Counter latch command, then low and high byte. */
static unsigned latched(unsigned ctr, uint64_t t)
{
	out(0x43, (uint8_t)(ctr << 6), t);
	unsigned lo = in(0x40 + ctr, t);
	return lo | in(0x40 + ctr, t) << 8;
}

static uint8_t status(unsigned ctr, uint64_t t)
{
	out(0x43, (uint8_t)(0xE0 | 2u << ctr), t);
	return in(0x40 + ctr, t);
}

static void program(unsigned ctr, uint8_t mode_bits, uint16_t count, uint64_t t)
{
	out(0x43, (uint8_t)(ctr << 6 | 0x30 | mode_bits << 1), t);
	out(0x40 + ctr, count & 0xFF, t);
	out(0x40 + ctr, count >> 8, t);
}

static void test_start_state_is_seabios(void **state)
{
	(void)state;
	/* Counter 0: mode 2, lobyte/hibyte, count 65536, OUT high. */
	assert_int_equal(status(0, at(5)), 0xB4);
	assert_int_equal(latched(0, at(5)), 65536 - 5);
	assert_int_equal(i8254_next_rising_edge(&pit, 0, T0), edge(65536));
	/* Counters 1 and 2: mode 3, access bits 0, OUT high (counter 2's gate
	 * is low). */
	assert_int_equal(status(1, at(5)), 0x86);
	assert_int_equal(status(2, at(5)), 0x86);
	assert_int_equal(in(0x61, T0) & ~0x10, 0x20);
	assert_int_equal(in(0x43, T0), 0xFF);
}

static void test_mode2_rate_generator(void **state)
{
	(void)state;
	program(0, 2, 1193, T0); /* ~1000 Hz */
	assert_int_equal(latched(0, at(100)), 1093);
	assert_int_equal(latched(0, at(1193 + 5)), 1188);
	/* OUT is low only in the clock before the reload. */
	assert_int_equal(status(0, at(1191)) >> 7, 1);
	assert_int_equal(status(0, at(1192)) >> 7, 0);
	assert_int_equal(status(0, at(1193)) >> 7, 1);
	assert_int_equal(i8254_next_rising_edge(&pit, 0, T0), edge(1193));
	assert_int_equal(i8254_next_rising_edge(&pit, 0, edge(1193)), edge(2 * 1193));
	/* The thousandth edge is where whole periods put it: no drift. */
	assert_int_equal(i8254_next_rising_edge(&pit, 0, edge(1193 * 999)), edge(1193 * 1000));
	assert_int_equal(i8254_next_rising_edge(&pit, 0, at(1193 * 100000 + 7)),
			 edge(1193ull * 100001));
}

static void test_mode3_square_wave(void **state)
{
	(void)state;
	program(0, 3, 1000, T0);
	assert_int_equal(latched(0, at(100)), 800); /* two per clock */
	assert_int_equal(latched(0, at(600)), 800);
	assert_true(i8254_out(&pit, 0, at(499)));
	assert_false(i8254_out(&pit, 0, at(500)));
	assert_false(i8254_out(&pit, 0, at(999)));
	assert_true(i8254_out(&pit, 0, at(1000)));
	assert_int_equal(i8254_next_rising_edge(&pit, 0, at(10)), edge(1000));
	assert_int_equal(i8254_next_rising_edge(&pit, 0, at(1500)), edge(2000));
}

static void test_mode0_interrupt_on_terminal_count(void **state)
{
	(void)state;
	out(0x43, 0x30, T0);
	/* OUT low, null count until the count is written. */
	assert_int_equal(status(0, T0), 0x70);
	out(0x40, 100, T0);
	out(0x40, 0, T0);
	assert_int_equal(status(0, at(50)), 0x30);
	assert_int_equal(latched(0, at(50)), 50);
	assert_false(i8254_out(&pit, 0, at(99)));
	assert_true(i8254_out(&pit, 0, at(100)));
	assert_int_equal(latched(0, at(110)), 0xFFF6); /* counts on past 0 */
	assert_int_equal(i8254_next_rising_edge(&pit, 0, T0), edge(100));
	assert_int_equal(i8254_next_rising_edge(&pit, 0, at(100)), UINT64_MAX);
}

static void test_mode0_first_byte_stops_the_count(void **state)
{
	(void)state;
	program(0, 0, 100, T0);
	out(0x40, 200, at(20));
	assert_false(i8254_out(&pit, 0, at(20)));
	assert_int_equal(latched(0, at(30)), 80); /* held */
	assert_int_equal(i8254_next_rising_edge(&pit, 0, at(30)), UINT64_MAX);
	out(0x40, 0, at(40)); /* count 200 from here */
	assert_int_equal(i8254_count(&pit, 0, at(40) + 10 * 1000000000ull / HZ + 420), 190);
}

static void test_mode4_software_strobe(void **state)
{
	(void)state;
	program(0, 4, 10, T0);
	assert_true(i8254_out(&pit, 0, at(9)));
	assert_false(i8254_out(&pit, 0, at(10)));
	assert_true(i8254_out(&pit, 0, at(11)));
	assert_int_equal(i8254_next_rising_edge(&pit, 0, T0), edge(11));
	assert_int_equal(i8254_next_rising_edge(&pit, 0, at(11)), UINT64_MAX);
}

static void test_control_word_stops_counter(void **state)
{
	(void)state;
	program(0, 2, 1000, T0);
	out(0x43, 0x34, at(50));
	assert_int_equal(i8254_next_rising_edge(&pit, 0, at(60)), UINT64_MAX);
	out(0x40, 0xE8, at(70));
	out(0x40, 0x03, at(70));
	assert_int_equal(i8254_next_rising_edge(&pit, 0, at(70)), at(70) + 1000 * 1000000000ull / HZ + 1);
}

static void test_latch_holds_until_read(void **state)
{
	(void)state;
	program(0, 2, 5000, T0);
	out(0x43, 0x00, at(100));
	assert_int_equal(in(0x40, at(500)), 4900 & 0xFF);
	out(0x43, 0x00, at(600)); /* ignored: one byte of the first is left */
	assert_int_equal(in(0x40, at(700)), 4900 >> 8);
	/* Released: reads follow the counter again, low then high. */
	assert_int_equal(in(0x40, at(1000)), 4000 & 0xFF);
	assert_int_equal(in(0x40, at(1000)), 4000 >> 8);
}

static void test_read_back(void **state)
{
	(void)state;
	program(0, 2, 5000, T0);
	program(2, 0, 300, T0); /* gate low: held at 300 */
	/* Count and status of counters 0 and 2 at once: status first. */
	out(0x43, 0xC0 | 0x08 | 0x02, at(100));
	assert_int_equal(in(0x40, at(200)), 0xB4);
	assert_int_equal(two_bytes(0x40, at(200), at(300)), 4900);
	assert_int_equal(in(0x42, at(400)), 0x30); /* mode 0, OUT low */
	assert_int_equal(two_bytes(0x42, at(400), at(400)), 300);
	/* Count only, status only. */
	out(0x43, 0xD2, at(1000));
	assert_int_equal(two_bytes(0x40, at(1100), at(1100)), 4000);
	out(0x43, 0xE2, at(1000));
	assert_int_equal(in(0x40, at(1100)), 0xB4);
	assert_int_equal(two_bytes(0x40, at(1200), at(1200)), 3800);
}

static void test_access_modes(void **state)
{
	(void)state;
	out(0x43, 0x14, T0); /* counter 0, low byte only, mode 2 */
	out(0x40, 0x20, T0);
	assert_int_equal(in(0x40, at(5)), 27);
	assert_int_equal(in(0x40, at(6)), 26);
	out(0x43, 0x24, T0); /* high byte only */
	out(0x40, 0x10, T0);
	assert_int_equal(i8254_count(&pit, 0, at(6)), 0x0FFA);
	assert_int_equal(in(0x40, at(6)), 0x0F);
	/* Two bytes without a latch: low then high, each read live. */
	program(0, 0, 0x1234, T0);
	assert_int_equal(in(0x40, at(4)), 0x30);
	assert_int_equal(in(0x40, at(300)), 0x11);
	assert_int_equal(in(0x40, at(300)), 0x08);
}

static void test_bcd(void **state)
{
	(void)state;
	out(0x43, 0x31, T0); /* mode 0, BCD */
	out(0x40, 0x00, T0);
	out(0x40, 0x10, T0); /* 1000 */
	assert_int_equal(latched(0, at(1)), 0x0999);
	assert_int_equal(latched(0, at(1000 - 12)), 0x0012);
	assert_int_equal(latched(0, at(1001)), 0x9999);
	assert_int_equal(status(0, at(2)) & 1, 1);
	/* Count 0 is 10000 in BCD. */
	out(0x43, 0x35, T0);
	out(0x40, 0, T0);
	out(0x40, 0, T0);
	assert_int_equal(i8254_next_rising_edge(&pit, 0, T0), edge(10000));
}

/* Linux's calibration: gate high, speaker off, counter 2 in mode 0, poll
 * port 0x61 bit 5. */
static void test_counter2_calibration_loop(void **state)
{
	(void)state;
	out(0x61, (in(0x61, T0) & ~0x02) | 0x01, T0);
	out(0x43, 0xB0, T0);
	out(0x42, 1193 & 0xFF, T0);
	out(0x42, 1193 >> 8, T0);
	assert_int_equal(in(0x61, at(1192)) & 0x21, 0x01);
	assert_int_equal(in(0x61, at(1193)) & 0x21, 0x21);
}

static void test_counter2_gate_suspends_mode0(void **state)
{
	(void)state;
	out(0x61, 0x01, T0);
	program(2, 0, 1193, T0);
	out(0x61, 0x00, at(100));
	assert_int_equal(latched(2, at(5000)), 1093);
	assert_int_equal(in(0x61, at(5000)) & 0x20, 0);
	uint64_t resume = at(5000);
	out(0x61, 0x01, resume);
	/* 596 more clocks: 497 left; 1193 more: past the terminal count. */
	assert_int_equal(i8254_count(&pit, 2, resume + 500000), 497);
	assert_int_equal(in(0x61, resume + 500000) & 0x20, 0);
	assert_int_equal(in(0x61, resume + 1000000) & 0x20, 0x20);
}

static void test_counter2_gate_restarts_mode2(void **state)
{
	(void)state;
	out(0x61, 0x01, T0);
	program(2, 2, 100, T0);
	assert_int_equal(in(0x61, at(99)) & 0x20, 0); /* the reload clock */
	out(0x61, 0x00, at(99));
	assert_int_equal(in(0x61, at(99)) & 0x20, 0x20); /* low gate: OUT high */
	assert_int_equal(latched(2, at(300)), 1);
	uint64_t restart = at(300);
	out(0x61, 0x01, restart);
	assert_int_equal(i8254_count(&pit, 2, restart + 420), 100);
	assert_int_equal(i8254_next_rising_edge(&pit, 2, restart), restart + 100 * 1000000000ull / HZ + 1);
}

static void test_mode1_waits_for_the_gate(void **state)
{
	(void)state;
	program(2, 1, 100, T0); /* gate low */
	assert_int_equal(status(2, at(10)), 0xF2); /* OUT high, null count */
	assert_int_equal(i8254_next_rising_edge(&pit, 2, at(10)), UINT64_MAX);
	uint64_t trigger = at(10);
	out(0x61, 0x01, trigger);
	assert_false(i8254_out(&pit, 2, trigger + 50 * 1000000000ull / HZ));
	assert_true(i8254_out(&pit, 2, trigger + 101 * 1000000000ull / HZ));
	assert_int_equal(status(2, trigger) & 0x40, 0);
}

static void test_port61_bits(void **state)
{
	(void)state;
	out(0x61, 0x0F, T0);
	assert_int_equal(in(0x61, T0) & 0x0F, 0x0F);
	out(0x61, 0xF0, T0);
	assert_int_equal(in(0x61, T0) & 0xCF, 0x00);
	/* The refresh bit flips every 15.085 us of guest time. */
	uint8_t a = in(0x61, T0), b = in(0x61, T0 + 15085);
	assert_int_not_equal(a & 0x10, b & 0x10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_start_state_is_seabios, setup),
		cmocka_unit_test_setup(test_mode2_rate_generator, setup),
		cmocka_unit_test_setup(test_mode3_square_wave, setup),
		cmocka_unit_test_setup(test_mode0_interrupt_on_terminal_count, setup),
		cmocka_unit_test_setup(test_mode0_first_byte_stops_the_count, setup),
		cmocka_unit_test_setup(test_mode4_software_strobe, setup),
		cmocka_unit_test_setup(test_control_word_stops_counter, setup),
		cmocka_unit_test_setup(test_latch_holds_until_read, setup),
		cmocka_unit_test_setup(test_read_back, setup),
		cmocka_unit_test_setup(test_access_modes, setup),
		cmocka_unit_test_setup(test_bcd, setup),
		cmocka_unit_test_setup(test_counter2_calibration_loop, setup),
		cmocka_unit_test_setup(test_counter2_gate_suspends_mode0, setup),
		cmocka_unit_test_setup(test_counter2_gate_restarts_mode2, setup),
		cmocka_unit_test_setup(test_mode1_waits_for_the_gate, setup),
		cmocka_unit_test_setup(test_port61_bits, setup),
	};
	return cmocka_run_group_tests_name("i8254", tests, NULL, NULL);
}
