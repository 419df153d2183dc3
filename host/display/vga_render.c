/*
 * Text-mode drawing, rule for rule as QEMU 7.2 draws it, because the goal is
 * pixel identity with QEMU's screendump, not with a real IBM VGA:
 *  - background = palette[attr >> 4]: attribute bit 7 is a bright
 *    background, never blink (QEMU does not implement character blink);
 *  - the 9th column repeats the 8th for chars 0xB0-0xDF (QEMU's range; real
 *    VGA uses 0xC0-0xDF) when line graphics are enabled, else background;
 *  - the cursor fills scanlines start..min(end, 15) of its cell across all
 *    9 columns in the cell's foreground colour, and nothing if end < start.
 */
#include "vga_render.h"

#include <string.h>

const uint32_t vga_default_palette[16] = {
	0x000000, 0x0000A8, 0x00A800, 0x00A8A8, /* black blue green cyan */
	0xA80000, 0xA800A8, 0xA85700, 0xA8A8A8, /* red magenta brown grey */
	0x575757, 0x5757FF, 0x57FF57, 0x57FFFF, /* bright variants */
	0xFF5757, 0xFF57FF, 0xFFFF57, 0xFFFFFF,
};

void vga_text_state_init(struct vga_text_state *s)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < VGA_TEXT_CELLS; i++)
		s->cells[i] = 0x0720;
	s->cursor_start = 13; /* what SeaBIOS programs for mode 3 */
	s->cursor_end = 14;
	s->cursor_blink_on = true;
	s->line_graphics = true;
	memcpy(s->palette, vga_default_palette, sizeof(s->palette));
}

void vga_text_set_cursor(struct vga_text_state *s, int row, int col)
{
	s->cursor_addr = (uint16_t)(s->start_addr + row * VGA_TEXT_COLS + col);
}

static void draw_cell(uint32_t *p, const uint8_t glyph[16], uint32_t fg,
		      uint32_t bg, int dup9)
{
	for (int y = 0; y < VGA_CELL_HEIGHT; y++, p += VGA_SCREEN_WIDTH) {
		uint8_t bits = glyph[y];
		for (int x = 0; x < 8; x++)
			p[x] = (bits & (0x80 >> x)) ? fg : bg;
		p[8] = (dup9 && (bits & 1)) ? fg : bg;
	}
}

/* Visible index of the cursor cell, or -1 when it is off or off-screen. */
static long cursor_cell(const struct vga_text_state *s)
{
	if (!s->cursor_blink_on || (s->cursor_start & VGA_CURSOR_DISABLE))
		return -1;
	long i = (long)s->cursor_addr - (long)s->start_addr;
	return (i >= 0 && i < VGA_TEXT_CELLS) ? i : -1;
}

void vga_render(const struct vga_text_state *s,
		const uint8_t font[256][16], uint32_t *pixels)
{
	long cursor = cursor_cell(s);

	for (int i = 0; i < VGA_TEXT_CELLS; i++) {
		uint8_t ch = (uint8_t)s->cells[i], attr = (uint8_t)(s->cells[i] >> 8);
		uint32_t fg = s->palette[attr & 0x0F], bg = s->palette[attr >> 4];
		int dup9 = s->line_graphics && ch >= 0xB0 && ch <= 0xDF;
		uint32_t *p = pixels + (i / VGA_TEXT_COLS) * VGA_CELL_HEIGHT * VGA_SCREEN_WIDTH +
			      (i % VGA_TEXT_COLS) * VGA_CELL_WIDTH;

		draw_cell(p, font[ch], fg, bg, dup9);
		if (i != cursor)
			continue;
		int first = s->cursor_start & 0x1F, last = s->cursor_end & 0x1F;
		if (last > VGA_CELL_HEIGHT - 1)
			last = VGA_CELL_HEIGHT - 1; /* QEMU clamps to the cell */
		for (int y = first; y <= last; y++)
			for (int x = 0; x < VGA_CELL_WIDTH; x++)
				p[y * VGA_SCREEN_WIDTH + x] = fg;
	}
}

size_t vga_pixels_diff(const uint32_t *a, const uint32_t *b, int w, int h,
		       int *x, int *y)
{
	size_t n = 0;
	for (int i = 0; i < w * h; i++) {
		if (((a[i] ^ b[i]) & 0xFFFFFF) == 0)
			continue;
		if (n++ == 0) {
			if (x)
				*x = i % w;
			if (y)
				*y = i / w;
		}
	}
	return n;
}
