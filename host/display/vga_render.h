/*
 * Draws an 80x25 VGA text screen into a 720x400 pixel buffer the way QEMU
 * 7.2's VGA model does (hw/display/vga.c, vga_draw_text), so that a vmm
 * screenshot and QEMU's `screendump` of the same screen are pixel-identical.
 * Everything here is pure computation: no KVM, no files.
 */
#ifndef VMM_DISPLAY_VGA_RENDER_H
#define VMM_DISPLAY_VGA_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VGA_TEXT_COLS 80
#define VGA_TEXT_ROWS 25
#define VGA_TEXT_CELLS (VGA_TEXT_COLS * VGA_TEXT_ROWS)
#define VGA_CELL_WIDTH 9 /* 8 font columns + the 9th, 720-pixel mode 3 */
#define VGA_CELL_HEIGHT 16
#define VGA_SCREEN_WIDTH (VGA_TEXT_COLS * VGA_CELL_WIDTH)   /* 720 */
#define VGA_SCREEN_HEIGHT (VGA_TEXT_ROWS * VGA_CELL_HEIGHT) /* 400 */
#define VGA_SCREEN_PIXELS (VGA_SCREEN_WIDTH * VGA_SCREEN_HEIGHT)

/* CRTC register 0x0A bit 5: cursor off. */
#define VGA_CURSOR_DISABLE 0x20

/*
 * What the renderer needs to know. Register fields hold the raw CRTC/ATC
 * values so a VGA device model can copy them straight in.
 */
struct vga_text_state {
	/*
	 * The visible screen, row by row: char | attr << 8, i.e. the words
	 * the guest wrote at 0xB8000 + 2 * (start_addr + i).
	 */
	uint16_t cells[VGA_TEXT_CELLS];
	uint16_t start_addr;  /* CRTC 0x0C/0x0D: first visible cell */
	uint16_t cursor_addr; /* CRTC 0x0E/0x0F: absolute cell, like start_addr */
	uint8_t cursor_start; /* CRTC 0x0A: bits 0-4 first scanline, bit 5 off */
	uint8_t cursor_end;   /* CRTC 0x0B: bits 0-4 last scanline */
	/*
	 * The cursor blinks; QEMU flips its phase every 266 ms of virtual time
	 * and draws the cursor only in the "on" half. The caller owns the clock.
	 */
	bool cursor_blink_on;
	/* ATC 0x10 bit 2: chars 0xB0-0xDF extend into the 9th column. */
	bool line_graphics;
	/* 0x00RRGGBB for the 16 attribute colours (ATC palette through DAC). */
	uint32_t palette[16];
};

/*
 * QEMU's colours after SeaBIOS sets mode 3: the EGA palette's 6-bit DAC
 * values widened to 8 bits the way QEMU does (0x2A -> 0xA8, 0x15 -> 0x57,
 * 0x3F -> 0xFF). Measured from QEMU screendumps; brown is 0xA85700.
 */
extern const uint32_t vga_default_palette[16];

/*
 * Resets s to what SeaBIOS leaves after setting mode 3: blank screen
 * (space, light grey on black), start 0, cursor at the top-left cell with
 * scanlines 13-14, blink phase on, line graphics on, default palette.
 */
void vga_text_state_init(struct vga_text_state *s);

/* Puts the cursor on visible (row, col), relative to start_addr. */
void vga_text_set_cursor(struct vga_text_state *s, int row, int col);

/* Draws the whole screen into pixels[VGA_SCREEN_PIXELS], 0x00RRGGBB. */
void vga_render(const struct vga_text_state *s,
		const uint8_t font[256][16], uint32_t *pixels);

/*
 * Compares two w x h buffers (0x00RRGGBB; the top byte is ignored). Returns
 * the number of differing pixels; if there is one, the first (in reading
 * order) is stored in *x, *y when those are not NULL.
 */
size_t vga_pixels_diff(const uint32_t *a, const uint32_t *b, int w, int h,
		       int *x, int *y);

#endif
