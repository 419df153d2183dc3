/*
 * vga_render against QEMU: the references in tests/fixtures/vga/ are QEMU
 * 7.2 screendumps of the screen that tests/fixtures/vga/kernel.c draws (made
 * by make_reference.sh), one per cursor blink phase. Rendering the same
 * cells must give the same pixels exactly. Run from the repository root.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, close, unlink */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "font.h"
#include "pngio.h"
#include "ppm.h"
#include "vga_render.h"
#include "../fixtures/vga/pattern.h"

#define REF_ON "tests/fixtures/vga/qemu_cursor_on.png"
#define REF_OFF "tests/fixtures/vga/qemu_cursor_off.png"

static uint8_t font[256][16];
static uint32_t *ref_on, *ref_off;          /* QEMU's pixels */
static uint32_t out[VGA_SCREEN_PIXELS];     /* ours */

static uint32_t *load_ref(const char *path)
{
	uint32_t *px;
	int w, h;
	char err[600];
	if (pngio_read(path, &px, &w, &h, err, sizeof(err)) < 0) {
		print_error("%s (run from the repository root)\n", err);
		return NULL;
	}
	if (w != VGA_SCREEN_WIDTH || h != VGA_SCREEN_HEIGHT) {
		print_error("%s: %dx%d, expected 720x400\n", path, w, h);
		free(px);
		return NULL;
	}
	return px;
}

static int setup(void **state)
{
	(void)state;
	char err[600];
	if (vga_font_load(NULL, font, err, sizeof(err)) < 0) {
		print_error("%s\n", err);
		return -1;
	}
	ref_on = load_ref(REF_ON);
	ref_off = load_ref(REF_OFF);
	return ref_on && ref_off ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(ref_on);
	free(ref_off);
	return 0;
}

/* The state kernel.c leaves: pattern, cursor position and shape. */
static void pattern_state(struct vga_text_state *s, bool blink_on)
{
	vga_text_state_init(s);
	pattern_fill(s->cells);
	vga_text_set_cursor(s, PATTERN_CURSOR_ROW, PATTERN_CURSOR_COL);
	s->cursor_start = PATTERN_CURSOR_START;
	s->cursor_end = PATTERN_CURSOR_END;
	s->cursor_blink_on = blink_on;
}

static uint32_t px(const uint32_t *p, int row, int col, int x, int y)
{
	return p[(row * VGA_CELL_HEIGHT + y) * VGA_SCREEN_WIDTH + col * VGA_CELL_WIDTH + x];
}

static void assert_identical(const uint32_t *want)
{
	int x = -1, y = -1;
	size_t n = vga_pixels_diff(out, want, VGA_SCREEN_WIDTH, VGA_SCREEN_HEIGHT, &x, &y);
	if (n)
		print_error("%zu pixels differ from QEMU, first at (%d,%d): ours %06X, QEMU %06X\n",
			    n, x, y, out[y * VGA_SCREEN_WIDTH + x],
			    want[y * VGA_SCREEN_WIDTH + x]);
	assert_int_equal(n, 0);
}

static void test_font_from_rom(void **state)
{
	(void)state;
	for (int r = 0; r < 16; r++) {
		assert_int_equal(font[0xDB][r], 0xFF);
		assert_int_equal(font[0x20][r], 0);
	}
	/* vga_font_find locates the font wherever it sits, and only there. */
	static uint8_t rom[8192];
	memset(rom, 0x5A, sizeof(rom));
	memcpy(rom + 1234, font, VGA_FONT_BYTES);
	assert_int_equal(vga_font_find(rom, sizeof(rom)), 1234);
	memset(rom + 1234 + 0xDB * 16, 0, 16);
	assert_int_equal(vga_font_find(rom, sizeof(rom)), -1);

	char err[600];
	uint8_t g[256][16];
	assert_int_equal(vga_font_load("/nonexistent/vgabios.bin", g, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/vgabios.bin"));
}

static void test_identical_to_qemu_cursor_on(void **state)
{
	(void)state;
	struct vga_text_state s;
	pattern_state(&s, true);
	vga_render(&s, font, out);
	assert_identical(ref_on);
}

static void test_identical_to_qemu_cursor_off(void **state)
{
	(void)state;
	struct vga_text_state s;
	pattern_state(&s, false);
	vga_render(&s, font, out);
	assert_identical(ref_off);
}

/* CRTC 0x0A bit 5 hides the cursor whatever the blink phase. */
static void test_cursor_disable_bit(void **state)
{
	(void)state;
	struct vga_text_state s;
	pattern_state(&s, true);
	s.cursor_start |= VGA_CURSOR_DISABLE;
	vga_render(&s, font, out);
	assert_identical(ref_off);
}

/* cells are the visible screen; the cursor address is absolute like start. */
static void test_start_address(void **state)
{
	(void)state;
	struct vga_text_state s;
	pattern_state(&s, true);
	s.start_addr = 160;
	vga_text_set_cursor(&s, PATTERN_CURSOR_ROW, PATTERN_CURSOR_COL);
	assert_int_equal(s.cursor_addr, 160 + PATTERN_CURSOR_ROW * 80 + PATTERN_CURSOR_COL);
	vga_render(&s, font, out);
	assert_identical(ref_on);

	s.cursor_addr = 100; /* above the visible screen: not drawn */
	vga_render(&s, font, out);
	assert_identical(ref_off);
}

static void test_glyph_pixels(void **state)
{
	(void)state;
	const int r = PATTERN_41_ROW, c = PATTERN_41_COL; /* 'A', white on black */
	for (int y = 0; y < 16; y++)
		for (int x = 0; x < 8; x++)
			assert_int_equal(px(ref_on, r, c, x, y),
					 (font['A'][y] & (0x80 >> x)) ? 0xFFFFFF : 0x000000);
	/* This font's 'A' starts on scanline 2, with its apex in column 3. */
	assert_int_equal(px(ref_on, r, c, 3, 1), 0x000000);
	assert_int_equal(px(ref_on, r, c, 3, 2), 0xFFFFFF);
}

static void test_ninth_column(void **state)
{
	(void)state;
	int line = -1;
	for (int y = 0; y < 16; y++)
		if (font[0xC4][y] == 0xFF)
			line = y;
	assert_true(line >= 0);
	/* 0xC4 (line graphics): the 9th column continues the line. */
	assert_int_equal(px(ref_on, PATTERN_C4_ROW, PATTERN_C4_COL, 8, line), 0xFFFFFF);
	assert_int_equal(px(ref_on, PATTERN_C4_ROW, PATTERN_C4_COL, 8, 0), 0x000000);
	/* 'A': the 9th column is background on every scanline. */
	for (int y = 0; y < 16; y++)
		assert_int_equal(px(ref_on, PATTERN_41_ROW, PATTERN_41_COL, 8, y), 0x000000);

	/*
	 * QEMU extends 0xB0-0xDF, not only real VGA's 0xC0-0xDF: the shade 0xB1
	 * has its last column lit on some rows, and so does its 9th in QEMU.
	 */
	uint16_t cells[VGA_TEXT_CELLS];
	pattern_fill(cells);
	int i = 0;
	while ((cells[i] & 0xFF) != 0xB1 || (cells[i] >> 8 & 0x0F) == (cells[i] >> 12))
		i++;
	int row = i / 80, col = i % 80, lit = 0;
	uint32_t fg = vga_default_palette[cells[i] >> 8 & 0x0F];
	for (int y = 0; y < 16; y++) {
		assert_int_equal(px(ref_on, row, col, 8, y) == fg, (font[0xB1][y] & 1) != 0);
		lit += font[0xB1][y] & 1;
	}
	assert_true(lit > 0);
}

static void test_palette_and_blink_bit(void **state)
{
	(void)state;
	/* Brown (6) is 0xA85700 in QEMU: 6-bit DAC 2A/15/00 widened. */
	assert_int_equal(px(ref_on, PATTERN_BROWN_ROW, PATTERN_BROWN_COL, 4, 8), 0xA85700);
	assert_int_equal(vga_default_palette[6], 0xA85700);
	/* Attr 0x8F: bit 7 gives a bright (dark grey) background, not blink. */
	assert_int_equal(px(ref_on, PATTERN_8F_ROW, PATTERN_8F_COL, 8, 0), 0x575757);
	assert_int_equal(px(ref_off, PATTERN_8F_ROW, PATTERN_8F_COL, 8, 0), 0x575757);
}

static void test_cursor_shape(void **state)
{
	(void)state;
	/* 'X' yellow on blue; scanlines 11-15 fully yellow when the cursor shows. */
	const int r = PATTERN_CURSOR_ROW, c = PATTERN_CURSOR_COL;
	for (int y = 0; y < 16; y++) {
		int in = y >= PATTERN_CURSOR_START && y <= PATTERN_CURSOR_END;
		assert_int_equal(px(ref_on, r, c, 8, y), in ? 0xFFFF57 : 0x0000A8);
		assert_int_equal(px(ref_off, r, c, 8, y), 0x0000A8);
	}
	/* The two phases differ in that cell only. */
	int x, y;
	size_t n = vga_pixels_diff(ref_on, ref_off, VGA_SCREEN_WIDTH, VGA_SCREEN_HEIGHT, &x, &y);
	assert_true(n > 0);
	assert_int_equal(y / 16, r);
	assert_int_equal(x / 9, c);

	/* End beyond the cell is clamped; end before start draws nothing. */
	struct vga_text_state s;
	pattern_state(&s, true);
	s.cursor_end = 31;
	vga_render(&s, font, out);
	assert_identical(ref_on);
	s.cursor_start = 15;
	s.cursor_end = 3;
	vga_render(&s, font, out);
	assert_identical(ref_off);
}

static void test_pixels_diff(void **state)
{
	(void)state;
	uint32_t a[6] = { 1, 2, 3, 4, 5, 6 }, b[6] = { 1, 2, 3, 0xFF000004, 9, 7 };
	int x = -1, y = -1;
	/* The unused top byte is ignored. */
	assert_int_equal(vga_pixels_diff(a, b, 3, 2, &x, &y), 2);
	assert_int_equal(x, 1);
	assert_int_equal(y, 1);
	assert_int_equal(vga_pixels_diff(a, a, 3, 2, NULL, NULL), 0);
}

static void test_image_round_trips(void **state)
{
	(void)state;
	char path[] = "/tmp/test_vga_render.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	char err[600];
	uint32_t *back;
	int w, h;

	assert_int_equal(pngio_write(path, ref_on, 720, 400, err, sizeof(err)), 0);
	assert_int_equal(pngio_read(path, &back, &w, &h, err, sizeof(err)), 0);
	assert_int_equal(w, 720);
	assert_int_equal(h, 400);
	assert_int_equal(vga_pixels_diff(back, ref_on, 720, 400, NULL, NULL), 0);
	free(back);

	assert_int_equal(ppm_write(path, ref_on, 720, 400, err, sizeof(err)), 0);
	assert_int_equal(ppm_read(path, &back, &w, &h, err, sizeof(err)), 0);
	assert_int_equal(w, 720);
	assert_int_equal(h, 400);
	assert_int_equal(vga_pixels_diff(back, ref_on, 720, 400, NULL, NULL), 0);
	free(back);
	unlink(path);

	assert_int_equal(ppm_read(REF_ON, &back, &w, &h, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a binary PPM"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_font_from_rom),
		cmocka_unit_test(test_identical_to_qemu_cursor_on),
		cmocka_unit_test(test_identical_to_qemu_cursor_off),
		cmocka_unit_test(test_cursor_disable_bit),
		cmocka_unit_test(test_start_address),
		cmocka_unit_test(test_glyph_pixels),
		cmocka_unit_test(test_ninth_column),
		cmocka_unit_test(test_palette_and_blink_bit),
		cmocka_unit_test(test_cursor_shape),
		cmocka_unit_test(test_pixels_diff),
		cmocka_unit_test(test_image_round_trips),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
