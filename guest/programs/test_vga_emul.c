/*
 * Draws the VGA test screen the way a driver on real hardware does: stores
 * to 0xB8000 of every width (rows 0-7 byte by byte, 8-15 by 16-bit cells,
 * 16-23 two cells per 32-bit store, row 24 with rep movsd, after a rep stosw
 * clear), the cursor through the CRTC, one wait for vertical retrace. Then it
 * reads the whole screen back and fails if any cell differs.
 */
#include "vga.h"
#include "vga_test_screen.h"

static uint16_t screen[VGA_COLS * VGA_ROWS];

int main(uint32_t magic, uint32_t info)
{
	pattern_fill(screen);
	vga_clear(0x07);
	vga_write_cells(0, screen, 8 * VGA_COLS, 1);
	vga_write_cells(8 * VGA_COLS, screen + 8 * VGA_COLS, 8 * VGA_COLS, 2);
	vga_write_cells(16 * VGA_COLS, screen + 16 * VGA_COLS, 8 * VGA_COLS, 4);

	const void *src = screen + 24 * VGA_COLS;
	void *dst = (void *)(vga_text() + 24 * VGA_COLS);
	unsigned dwords = VGA_COLS / 2;
	__asm__ volatile("rep movsl" : "+S"(src), "+D"(dst), "+c"(dwords) : : "memory");

	vga_cursor_shape(PATTERN_CURSOR_START, PATTERN_CURSOR_END);
	vga_cursor_move(PATTERN_CURSOR_COL, PATTERN_CURSOR_ROW);
	vga_wait_retrace();

	int ok = 1;
	for (int i = 0; i < VGA_COLS * VGA_ROWS; i++)
		ok &= vga_text()[i] == screen[i];
	vga_test_finish(magic, info, ok);
}
