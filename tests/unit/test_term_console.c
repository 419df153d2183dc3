/*
 * The guest's console under -display term (host/display/term_console.h):
 * its text must scroll in its own region, wrapped at the terminal's width
 * (never over the picture), with the guest's own escape sequences dropped;
 * and with stdout on the display's terminal it must be held back while the
 * display runs and come out whole, in order, when it closes. Expected
 * terminal output is written out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "console.h"
#include "term_console.h"

static char out[4096];

/* Renders s (all of it) into out; returns out. */
static const char *render(struct term_console_view *v, const char *s)
{
	size_t used;
	size_t n = term_console_render(v, s, strlen(s), &used, out, sizeof(out) - 1);
	assert_int_equal(used, strlen(s));
	out[n] = '\0';
	return out;
}

static struct term_console_view view(int cols)
{
	return (struct term_console_view){ .top = 27, .bottom = 30, .cols = cols };
}

static void lines_start_on_the_bottom_row_and_scroll(void **state)
{
	(void)state;
	struct term_console_view v = view(80);
	assert_string_equal(render(&v, "hello\nworld"), "\033[30;1H\033[0mhello\r\nworld");
	assert_int_equal(v.col, 5);
	/* The next frame goes on where the last one stopped. */
	assert_string_equal(render(&v, "!\r\n"), "\033[30;6H\033[0m!\r\r\n");
	assert_int_equal(v.col, 0);
}

static void long_lines_wrap_at_the_terminal_width(void **state)
{
	(void)state;
	struct term_console_view v = view(5);
	assert_string_equal(render(&v, "abcdefghijkl"), "\033[30;1H\033[0mabcde\r\nfghij\r\nkl");
	assert_int_equal(v.col, 2);
	/* A full line: the cursor is put on its last column, and the next
	 * character starts a new line. */
	v.col = 0;
	render(&v, "12345");
	assert_int_equal(v.col, 5);
	assert_string_equal(render(&v, "6"), "\033[30;5H\033[0m\r\n6");
}

static void tabs_backspace_and_control_characters(void **state)
{
	(void)state;
	struct term_console_view v = view(80);
	assert_string_equal(render(&v, "a\tb"), "\033[30;1H\033[0ma       b");
	assert_int_equal(v.col, 9);
	v = view(80);
	assert_string_equal(render(&v, "ab\bc\a\x01\x7f"), "\033[30;1H\033[0mab\bc");
	assert_int_equal(v.col, 2);
	/* A tab near the edge stops there. */
	v = view(10);
	v.col = 9;
	assert_string_equal(render(&v, "\tx"), "\033[30;10H\033[0m \r\nx");
}

static void escape_sequences_are_dropped_whole(void **state)
{
	(void)state;
	struct term_console_view v = view(80);
	assert_string_equal(render(&v, "\033[1;31mred\033[0m \033[2J\033cok"),
			    "\033[30;1H\033[0mred ok");
	assert_int_equal(v.col, 6);
	/* Split between two frames. */
	v = view(80);
	assert_string_equal(render(&v, "x\033[3"), "\033[30;1H\033[0mx");
	assert_string_equal(render(&v, "2my"), "\033[30;2H\033[0my");
}

static void utf8_characters_take_one_column(void **state)
{
	(void)state;
	struct term_console_view v = view(3);
	assert_string_equal(render(&v, "\xc3\xa9t\xc3\xa9!"), "\033[30;1H\033[0m\xc3\xa9t\xc3\xa9\r\n!");
	assert_int_equal(v.col, 1);
}

static void stops_when_the_output_is_full(void **state)
{
	(void)state;
	struct term_console_view v = view(80);
	char in[200];
	memset(in, 'x', sizeof(in));
	size_t used;
	size_t n = term_console_render(&v, in, sizeof(in), &used, out, 100);
	assert_true(n <= 100);
	assert_true(used > 0 && used < sizeof(in));
	assert_int_equal(v.col, (int)used);
}

/* The console's output captured in a temporary file. */
static FILE *capture(void)
{
	FILE *f = tmpfile();
	assert_non_null(f);
	console_set_output(f);
	return f;
}

static const char *captured(FILE *f)
{
	static char buf[256];
	fflush(f);
	rewind(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	return buf;
}

static void held_text_comes_out_whole_at_the_end(void **state)
{
	(void)state;
	FILE *f = capture();
	term_console_start(true);
	console_write("first line\n", 11);
	console_write("second", 6);
	console_flush();
	assert_string_equal(captured(f), ""); /* nothing over the picture */
	char shown[64];
	size_t n = term_console_take(shown, sizeof(shown));
	assert_int_equal(n, 17);
	assert_memory_equal(shown, "first line\nsecond", 17);
	assert_int_equal(term_console_take(shown, sizeof(shown)), 0);
	term_console_finish();
	assert_string_equal(captured(f), "first line\nsecond");
	/* Untapped again: text goes straight out. */
	console_write("!", 1);
	console_flush();
	assert_string_equal(captured(f), "first line\nsecond!");
	console_set_output(NULL);
	fclose(f);
}

static void with_stdout_elsewhere_the_text_goes_out_as_it_comes(void **state)
{
	(void)state;
	FILE *f = capture();
	term_console_start(false);
	console_write("log\n", 4);
	console_flush();
	assert_string_equal(captured(f), "log\n");
	char shown[64];
	assert_int_equal(term_console_take(shown, sizeof(shown)), 4); /* and on the screen */
	term_console_finish();
	assert_string_equal(captured(f), "log\n"); /* not twice */
	console_set_output(NULL);
	fclose(f);
}

static void the_screen_gets_only_the_latest_bytes(void **state)
{
	(void)state;
	FILE *f = capture();
	term_console_start(true);
	static char big[40000];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	console_write(big, sizeof(big));
	char shown[100];
	assert_int_equal(term_console_take(shown, sizeof(shown)), sizeof(shown));
	assert_memory_equal(shown, big + sizeof(big) - sizeof(shown), sizeof(shown));
	term_console_finish();
	fflush(f);
	assert_int_equal(ftell(f), (long)sizeof(big)); /* the transcript has it all */
	console_set_output(NULL);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines_start_on_the_bottom_row_and_scroll),
		cmocka_unit_test(long_lines_wrap_at_the_terminal_width),
		cmocka_unit_test(tabs_backspace_and_control_characters),
		cmocka_unit_test(escape_sequences_are_dropped_whole),
		cmocka_unit_test(utf8_characters_take_one_column),
		cmocka_unit_test(stops_when_the_output_is_full),
		cmocka_unit_test(held_text_comes_out_whole_at_the_end),
		cmocka_unit_test(with_stdout_elsewhere_the_text_goes_out_as_it_comes),
		cmocka_unit_test(the_screen_gets_only_the_latest_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
