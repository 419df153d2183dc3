/*
 * Draws the VGA test screen through the PV driver: one VGA_WRITE for most
 * of the screen, a few single cells and strings, and checks the error cases
 * (past the end: -EINVAL, nothing written; bad buffer: -EFAULT). The cursor
 * has no hypercall: it goes through the CRTC as in test_vga_emul.
 */
#include "hypercall.h"
#include "vga.h"
#include "vga_pv.h"
#include "vga_test_screen.h"

static uint16_t screen[VGA_COLS * VGA_ROWS];

int main(uint32_t magic, uint32_t info)
{
	int ok = 1;
	pattern_fill(screen);
	/* Rows 1-24 at once, row 0 cell by cell. */
	ok &= vga_pv_write(VGA_COLS, screen + VGA_COLS, 24 * VGA_COLS) == 0;
	for (int c = 0; c < VGA_COLS; c++)
		ok &= vga_pv_putc(c, 0, (char)screen[c], (uint8_t)(screen[c] >> 8)) == 0;
	ok &= vga_pv_puts(71, 0, "TOP RIGHT", 0x4E) == 0; /* pattern.h clips the ">" */

	/* Only where vmm answers: QEMU has no hypercalls to fail. */
	if (hc_vga_write(0, screen, 0) == 0) {
		uint16_t x = VGA_CELL('!', 0x4F);
		ok &= hc_vga_write(VGA_COLS * VGA_ROWS - 1, screen, 2) == HC_EINVAL;
		ok &= hc_vga_write(0, (const uint16_t *)0xFFFFF000u, 1) == HC_EFAULT;
		ok &= hc_vga_write(VGA_COLS * VGA_ROWS, &x, 1) == HC_EINVAL;
	}

	vga_cursor_shape(PATTERN_CURSOR_START, PATTERN_CURSOR_END);
	vga_cursor_move(PATTERN_CURSOR_COL, PATTERN_CURSOR_ROW);
	vga_test_finish(magic, info, ok);
}
