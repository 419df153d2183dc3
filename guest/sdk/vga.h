/*
 * Emulated VGA text mode driver: what a driver does on a real PC. Cells
 * (char | attr << 8) are stored in the text buffer at 0xB8000, the cursor is
 * programmed through the CRTC at 0x3D4/0x3D5. Needs 0xB8000 identity-mapped
 * (protected mode, Multiboot, vmm's long mode). attr = fg | bg << 4.
 * Compare vga_pv.h: the same screen through one hypercall.
 */
#ifndef GUEST_VGA_H
#define GUEST_VGA_H

/* Real-mode code (-m16, DS = 0) cannot reach 0xB8000 through a C pointer:
 * the stores would wrap inside the first 64 KiB and overwrite the guest. */
#if defined(GUEST_MODE_REAL)
#error "vga.h: the text buffer at 0xB8000 needs protected or long mode (real mode: hypercalls, debugcon.h)"
#endif

#include <stdint.h>
#include <vmm/abi.h>

#define VGA_TEXT_ADDR 0xB8000u
#define VGA_CELL(ch, attr) ((uint16_t)((uint8_t)(ch) | (uint16_t)(attr) << 8))

/* The text buffer. volatile: every store is a real (possibly trapped)
 * access of exactly the width the code asks for. */
static inline volatile uint16_t *vga_text(void)
{
	return (volatile uint16_t *)(uintptr_t)VGA_TEXT_ADDR;
}

void vga_putc(int x, int y, char ch, uint8_t attr);
void vga_puts(int x, int y, const char *s, uint8_t attr);
/* Fills the whole screen with one cell (rep stosw: one store per cell). */
void vga_clear(uint8_t attr);
/* Writes count cells from cells[] at cell first, with 8-, 16- or 32-bit
 * stores (width 1, 2 or 4): the driver's choice, same picture. A 32-bit
 * store writes two cells at once. */
void vga_write_cells(unsigned first, const uint16_t *cells, unsigned count, int width);

/* Cursor: CRTC 0x0E/0x0F position, 0x0A/0x0B shape (scanlines). */
void vga_cursor_move(int x, int y);
void vga_cursor_shape(uint8_t first_line, uint8_t last_line);
void vga_cursor_hide(void);
/* Waits for the start of the next vertical retrace (port 0x3DA bit 3). */
void vga_wait_retrace(void);

#endif
