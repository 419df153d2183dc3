/*
 * Terminal bytes -> key presses (host/display/term_keys.h): what tmux or
 * xterm sends for a key must become the presses and releases of that key on
 * a US keyboard, and the quit chords must stop with the documented status.
 * Expected events are written out by hand.
 */
#include <linux/input-event-codes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "term_keys.h"

struct rec {
	int ev[64]; /* +key: down, -key: up */
	size_t n;
	bool has_keyboard;
};

static void key(void *ctx, unsigned keycode, bool down)
{
	struct rec *r = ctx;
	if (r->n < 64)
		r->ev[r->n++] = down ? (int)keycode : -(int)keycode;
}

static bool has_keyboard(void *ctx)
{
	return ((struct rec *)ctx)->has_keyboard;
}

static int feed(struct rec *r, struct term_keys *t, const char *s)
{
	const struct display_input in = { r, key, has_keyboard };
	return term_keys_feed(t, (const unsigned char *)s, strlen(s), &in);
}

#define EXPECT_EVENTS(r, ...)                                              \
	do {                                                               \
		const int want[] = { __VA_ARGS__ };                        \
		assert_int_equal((r)->n, sizeof(want) / sizeof(want[0])); \
		assert_memory_equal((r)->ev, want, sizeof(want));          \
		(r)->n = 0;                                                \
	} while (0)

#define EXPECT_NONE(r) assert_int_equal((r)->n, 0)

static void test_characters(void **state)
{
	(void)state;
	struct rec r = { .has_keyboard = true };
	struct term_keys t = { 0 };
	assert_int_equal(feed(&r, &t, "aB!\r"), DISPLAY_GO_ON);
	EXPECT_EVENTS(&r, KEY_A, -KEY_A,
		      KEY_LEFTSHIFT, KEY_B, -KEY_B, -KEY_LEFTSHIFT,
		      KEY_LEFTSHIFT, KEY_1, -KEY_1, -KEY_LEFTSHIFT,
		      KEY_ENTER, -KEY_ENTER);
	feed(&r, &t, "\x7f\t ~");
	EXPECT_EVENTS(&r, KEY_BACKSPACE, -KEY_BACKSPACE, KEY_TAB, -KEY_TAB, KEY_SPACE, -KEY_SPACE,
		      KEY_LEFTSHIFT, KEY_GRAVE, -KEY_GRAVE, -KEY_LEFTSHIFT);
	feed(&r, &t, "\xc3\xa9"); /* é: no key types it */
	EXPECT_NONE(&r);
}

static void test_escape_sequences(void **state)
{
	(void)state;
	struct rec r = { .has_keyboard = true };
	struct term_keys t = { 0 };
	feed(&r, &t, "\033[A\033OB\033[H\033[4~\033[15~\033OP\033[24~");
	EXPECT_EVENTS(&r, KEY_UP, -KEY_UP, KEY_DOWN, -KEY_DOWN, KEY_HOME, -KEY_HOME,
		      KEY_END, -KEY_END, KEY_F5, -KEY_F5, KEY_F1, -KEY_F1, KEY_F12, -KEY_F12);
	feed(&r, &t, "\033[1;5C\033[3;2~\033[Z"); /* ctrl+right, shift+delete, shift+tab */
	EXPECT_EVENTS(&r, KEY_LEFTCTRL, KEY_RIGHT, -KEY_RIGHT, -KEY_LEFTCTRL,
		      KEY_LEFTSHIFT, KEY_DELETE, -KEY_DELETE, -KEY_LEFTSHIFT,
		      KEY_LEFTSHIFT, KEY_TAB, -KEY_TAB, -KEY_LEFTSHIFT);
	/* Split over two reads: still one key. */
	feed(&r, &t, "\033[6");
	EXPECT_NONE(&r);
	feed(&r, &t, "~");
	EXPECT_EVENTS(&r, KEY_PAGEDOWN, -KEY_PAGEDOWN);
	feed(&r, &t, "\033x"); /* alt+x */
	EXPECT_EVENTS(&r, KEY_LEFTALT, KEY_X, -KEY_X, -KEY_LEFTALT);
	feed(&r, &t, "\033"); /* a lone ESC */
	EXPECT_EVENTS(&r, KEY_ESC, -KEY_ESC);
}

static void test_control_and_chords(void **state)
{
	(void)state;
	struct rec r = { .has_keyboard = false };
	struct term_keys t = { 0 };
	/* Before the guest took the keyboard, Ctrl-C stops as SIGINT would. */
	assert_int_equal(feed(&r, &t, "\x03"), 130);
	r.has_keyboard = true;
	assert_int_equal(feed(&r, &t, "\x03"), DISPLAY_GO_ON);
	EXPECT_EVENTS(&r, KEY_LEFTCTRL, KEY_C, -KEY_C, -KEY_LEFTCTRL);
	/* Ctrl-A Ctrl-A sends Ctrl-A; Ctrl-A x stops with 0. */
	assert_int_equal(feed(&r, &t, "\x01\x01"), DISPLAY_GO_ON);
	EXPECT_EVENTS(&r, KEY_LEFTCTRL, KEY_A, -KEY_A, -KEY_LEFTCTRL);
	assert_int_equal(feed(&r, &t, "\x01"), DISPLAY_GO_ON);
	assert_int_equal(feed(&r, &t, "x"), 0);
	EXPECT_NONE(&r);
	/* Ctrl-A then another key: the key. */
	assert_int_equal(feed(&r, &t, "\x01z"), DISPLAY_GO_ON);
	EXPECT_EVENTS(&r, KEY_Z, -KEY_Z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_characters),
		cmocka_unit_test(test_escape_sequences),
		cmocka_unit_test(test_control_and_chords),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
