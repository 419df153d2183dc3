/*
 * Unit tests for the i8042 and its keyboard, driven through ports 0x60 and
 * 0x64 as a guest's driver would. Expected bytes are written out by hand
 * from the IBM PS/2 references and what QEMU 7.2 answered to the same
 * sequences (guest/programs/kbd_test.c -append commands).
 */
#include <linux/input-event-codes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "i8042.h"

struct fx {
	struct i8042 c;
	bool irq;
	unsigned irq_rises;
	unsigned resets;
	unsigned taken;
};

static void set_irq1(void *ctx, bool level)
{
	struct fx *f = ctx;
	if (level && !f->irq)
		f->irq_rises++;
	f->irq = level;
}

static void reset(void *ctx)
{
	((struct fx *)ctx)->resets++;
}

static void taken(void *ctx)
{
	((struct fx *)ctx)->taken++;
}

static int setup(void **state)
{
	static struct fx f;
	memset(&f, 0, sizeof(f));
	const struct i8042_io io = { &f, set_irq1, reset, taken };
	i8042_init(&f.c, &io);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	i8042_destroy(&f->c);
	return 0;
}

static uint8_t status(struct fx *f)
{
	return i8042_read(&f->c, 0x64);
}

static void command(struct fx *f, uint8_t cmd)
{
	i8042_write(&f->c, 0x64, cmd);
}

static void data(struct fx *f, uint8_t value)
{
	i8042_write(&f->c, 0x60, value);
}

/* Reads what waits at port 0x60 (status bit 0 set) into out; the count. */
static size_t drain(struct fx *f, uint8_t *out, size_t max)
{
	size_t n = 0;
	while (n < max && (status(f) & 0x01))
		out[n++] = i8042_read(&f->c, 0x60);
	return n;
}

#define EXPECT_BYTES(f, ...)                                                      \
	do {                                                                      \
		const uint8_t want[] = { __VA_ARGS__ };                           \
		uint8_t got[64];                                                  \
		size_t n = drain((f), got, sizeof(got));                          \
		assert_int_equal(n, sizeof(want));                                \
		assert_memory_equal(got, want, sizeof(want));                     \
	} while (0)

#define EXPECT_NOTHING(f) assert_int_equal(status(f) & 0x01, 0)

static void press(struct fx *f, unsigned key, bool down)
{
	assert_true(i8042_queue_key(&f->c, key, down));
	i8042_take_keys(&f->c);
}

/* ---- the controller ---- */

static void test_boot_state(void **state)
{
	struct fx *f = *state;
	/* What SeaBIOS leaves under QEMU 7.2: status 0x1c, command byte 0x61. */
	assert_int_equal(status(f), 0x1c);
	command(f, 0x20);
	assert_int_equal(status(f) & 0x01, 1);
	EXPECT_BYTES(f, 0x61);
	assert_int_equal(f->taken, 1); /* the first access, once */
}

static void test_self_test_and_interface_test(void **state)
{
	struct fx *f = *state;
	command(f, 0xAA);
	EXPECT_BYTES(f, 0x55);
	command(f, 0xAB);
	EXPECT_BYTES(f, 0x00);
	assert_int_equal(status(f) & 0x04, 0x04); /* system flag */
	command(f, 0x20);
	EXPECT_BYTES(f, 0x61); /* QEMU keeps the command byte */
}

static void test_command_byte_write_and_status_bit3(void **state)
{
	struct fx *f = *state;
	command(f, 0x60);
	assert_int_equal(status(f) & 0x08, 0x08); /* last write: a command */
	data(f, 0x25);
	assert_int_equal(status(f) & 0x08, 0x00); /* last write: data */
	command(f, 0x20);
	EXPECT_BYTES(f, 0x25);
	assert_int_equal(f->resets, 0);
}

static void test_irq1_follows_output_buffer_and_enable_bit(void **state)
{
	struct fx *f = *state;
	command(f, 0xAA);
	assert_true(f->irq); /* bit 0 of 0x61: IRQ1 on */
	(void)i8042_read(&f->c, 0x60);
	assert_false(f->irq); /* read: lowered */
	/* Interrupts off: the byte waits, the line stays low. */
	command(f, 0x60);
	data(f, 0x60);
	command(f, 0xAA);
	assert_false(f->irq);
	EXPECT_BYTES(f, 0x55);
	/* Two bytes: the line drops at the first read and rises again. */
	command(f, 0x60);
	data(f, 0x61);
	press(f, KEY_A, true);
	press(f, KEY_A, false);
	assert_true(f->irq);
	unsigned rises = f->irq_rises;
	assert_int_equal(i8042_read(&f->c, 0x60), 0x1E);
	assert_true(f->irq);
	assert_int_equal(f->irq_rises, rises + 1);
	assert_int_equal(i8042_read(&f->c, 0x60), 0x9E);
	assert_false(f->irq);
	/* Empty: reading again gives the last byte, as QEMU. */
	assert_int_equal(i8042_read(&f->c, 0x60), 0x9E);
}

static void test_reset_lines(void **state)
{
	struct fx *f = *state;
	command(f, 0xFF); /* pulse nothing */
	assert_int_equal(f->resets, 0);
	command(f, 0xD1);
	data(f, 0x03); /* reset bit high: nothing */
	assert_int_equal(f->resets, 0);
	command(f, 0xD0);
	EXPECT_BYTES(f, 0x03);
	command(f, 0xD1);
	data(f, 0x02); /* bit 0 low: reset */
	assert_int_equal(f->resets, 1);
	command(f, 0xFE);
	assert_int_equal(f->resets, 2);
}

static void test_write_keyboard_output_buffer(void **state)
{
	struct fx *f = *state;
	command(f, 0xD2);
	data(f, 0x12); /* not translated: it comes from the controller */
	EXPECT_BYTES(f, 0x12);
}

static void test_no_mouse(void **state)
{
	struct fx *f = *state;
	command(f, 0xA8); /* enable the aux clock: bit 5 stays set, no second port */
	command(f, 0x20);
	EXPECT_BYTES(f, 0x61);
	command(f, 0xA9);
	EXPECT_BYTES(f, 0x01); /* interface test fails */
	command(f, 0xD4); /* a byte for the mouse: swallowed, nothing answers */
	data(f, 0xFF);
	EXPECT_NOTHING(f);
	command(f, 0xD3);
	data(f, 0x5A);
	EXPECT_NOTHING(f);
	command(f, 0x61); /* controller RAM: the byte is swallowed, not sent to the keyboard */
	data(f, 0xFF);
	EXPECT_NOTHING(f);
	assert_int_equal(status(f) & 0x20, 0);
}

static void test_keyboard_disable_holds_bytes(void **state)
{
	struct fx *f = *state;
	command(f, 0xAD);
	command(f, 0x20);
	EXPECT_BYTES(f, 0x71);
	press(f, KEY_B, true);
	EXPECT_NOTHING(f);
	command(f, 0xAE);
	EXPECT_BYTES(f, 0x30);
}

/* ---- the keyboard ---- */

static void test_keyboard_reset_reply(void **state)
{
	struct fx *f = *state;
	data(f, 0xFF);
	EXPECT_BYTES(f, 0xFA, 0xAA);
}

static void test_leds_acked_each_byte(void **state)
{
	struct fx *f = *state;
	data(f, 0xED);
	EXPECT_BYTES(f, 0xFA);
	data(f, 0x07);
	EXPECT_BYTES(f, 0xFA);
	assert_int_equal(f->c.leds, 7);
	/* A command where the argument was expected starts over. */
	data(f, 0xED);
	EXPECT_BYTES(f, 0xFA);
	data(f, 0xEE);
	EXPECT_BYTES(f, 0xEE);
}

static void test_identify_echo_unknown(void **state)
{
	struct fx *f = *state;
	data(f, 0xF2);
	EXPECT_BYTES(f, 0xFA, 0xAB, 0x41); /* 0x83 translated */
	data(f, 0xEE);
	EXPECT_BYTES(f, 0xEE);
	data(f, 0x42);
	EXPECT_BYTES(f, 0xFE);
	data(f, 0xF3);
	EXPECT_BYTES(f, 0xFA);
	data(f, 0x20);
	EXPECT_BYTES(f, 0xFA);
	data(f, 0xFE); /* resend: the last byte again */
	EXPECT_BYTES(f, 0xFA);
}

static void test_scancode_set_get_set(void **state)
{
	struct fx *f = *state;
	data(f, 0xF0);
	data(f, 0x00);
	EXPECT_BYTES(f, 0xFA, 0xFA, 0x41); /* set 2, translated as QEMU shows */
	command(f, 0x60);
	data(f, 0x21); /* translation off */
	data(f, 0xF0);
	data(f, 0x00);
	EXPECT_BYTES(f, 0xFA, 0xFA, 0x02);
	data(f, 0xF2);
	EXPECT_BYTES(f, 0xFA, 0xAB, 0x83);
	data(f, 0xF0);
	data(f, 0x01);
	EXPECT_BYTES(f, 0xFA, 0xFA);
	data(f, 0xF0);
	data(f, 0x00);
	EXPECT_BYTES(f, 0xFA, 0xFA, 0x01);
	press(f, KEY_A, true);
	press(f, KEY_A, false);
	EXPECT_BYTES(f, 0x1E, 0x9E); /* set 1, untranslated */
	data(f, 0xF0);
	data(f, 0x03);
	EXPECT_BYTES(f, 0xFA, 0xFE); /* set 3 is not offered */
}

static void test_translation_on_and_off(void **state)
{
	struct fx *f = *state;
	/* Translated (the default): set 1. */
	press(f, KEY_A, true);
	press(f, KEY_A, false);
	press(f, KEY_UP, true);
	press(f, KEY_UP, false);
	press(f, KEY_RIGHTCTRL, true);
	press(f, KEY_RIGHTCTRL, false);
	EXPECT_BYTES(f, 0x1E, 0x9E, 0xE0, 0x48, 0xE0, 0xC8, 0xE0, 0x1D, 0xE0, 0x9D);
	/* Raw set 2. */
	command(f, 0x60);
	data(f, 0x21);
	press(f, KEY_A, true);
	press(f, KEY_A, false);
	press(f, KEY_UP, true);
	press(f, KEY_UP, false);
	EXPECT_BYTES(f, 0x1C, 0xF0, 0x1C, 0xE0, 0x75, 0xE0, 0xF0, 0x75);
}

static void test_printscreen_and_pause(void **state)
{
	struct fx *f = *state;
	/* What QEMU 7.2 sends for `sendkey print` and `sendkey pause`. */
	press(f, KEY_SYSRQ, true);
	press(f, KEY_SYSRQ, false);
	EXPECT_BYTES(f, 0xE0, 0x2A, 0xE0, 0x37, 0xE0, 0xB7, 0xE0, 0xAA);
	press(f, KEY_PAUSE, true);
	assert_false(i8042_queue_key(&f->c, KEY_RESERVED, true));
	press(f, KEY_PAUSE, false);
	EXPECT_BYTES(f, 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5);
}

static void test_scanning_disabled_drops_keys(void **state)
{
	struct fx *f = *state;
	data(f, 0xF5);
	EXPECT_BYTES(f, 0xFA);
	press(f, KEY_A, true);
	EXPECT_NOTHING(f);
	data(f, 0xF4);
	EXPECT_BYTES(f, 0xFA);
	press(f, KEY_A, true);
	EXPECT_BYTES(f, 0x1E);
}

/* 100 presses while the guest reads nothing: the keyboard's 16 bytes and
 * the queue behind it hold the first ones, then one overrun code; the rest
 * is lost. Nothing is lost below that. */
static void test_queue_overflow(void **state)
{
	struct fx *f = *state;
	unsigned queued = 0;
	for (int i = 0; i < 100; i++) {
		if (i8042_queue_key(&f->c, KEY_A, true))
			queued++;
		i8042_take_keys(&f->c);
	}
	assert_true(queued >= 16 && queued < 100);
	uint8_t got[200];
	size_t n = drain(f, got, sizeof(got));
	assert_int_equal(n, queued + 1);
	for (unsigned i = 0; i < queued; i++)
		assert_int_equal(got[i], 0x1E);
	assert_int_equal(got[queued], 0xFF); /* set 2's 0x00, translated */
	/* Room again: keys flow. */
	press(f, KEY_B, true);
	EXPECT_BYTES(f, 0x30);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_boot_state),
		T(test_self_test_and_interface_test),
		T(test_command_byte_write_and_status_bit3),
		T(test_irq1_follows_output_buffer_and_enable_bit),
		T(test_reset_lines),
		T(test_write_keyboard_output_buffer),
		T(test_no_mouse),
		T(test_keyboard_disable_holds_bytes),
		T(test_keyboard_reset_reply),
		T(test_leds_acked_each_byte),
		T(test_identify_echo_unknown),
		T(test_scancode_set_get_set),
		T(test_translation_on_and_off),
		T(test_printscreen_and_pause),
		T(test_scanning_disabled_drops_keys),
		T(test_queue_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
