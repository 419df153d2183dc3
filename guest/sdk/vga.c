/* The library is built in every mode; vga.h is for protected and long mode. */
#if !defined(GUEST_MODE_REAL)

#include "vga.h"

#include "io.h"

#define CRTC_INDEX 0x3D4
#define CRTC_DATA 0x3D5
#define VGA_STATUS 0x3DA

static void crtc_write(uint8_t index, uint8_t value)
{
	outb(CRTC_INDEX, index);
	outb(CRTC_DATA, value);
}

void vga_putc(int x, int y, char ch, uint8_t attr)
{
	vga_text()[y * VGA_COLS + x] = VGA_CELL(ch, attr);
}

void vga_puts(int x, int y, const char *s, uint8_t attr)
{
	for (int i = y * VGA_COLS + x; *s && i < VGA_COLS * VGA_ROWS; i++, s++)
		vga_text()[i] = VGA_CELL(*s, attr);
}

void vga_clear(uint8_t attr)
{
	void *dst = (void *)vga_text();
	unsigned count = VGA_COLS * VGA_ROWS;
	__asm__ volatile("rep stosw" : "+D"(dst), "+c"(count)
			 : "a"(VGA_CELL(' ', attr)) : "memory");
}

void vga_write_cells(unsigned first, const uint16_t *cells, unsigned count, int width)
{
	volatile uint16_t *w16 = vga_text() + first;
	volatile uint8_t *w8 = (volatile uint8_t *)w16;
	volatile uint32_t *w32 = (volatile uint32_t *)w16;
	unsigned i = 0;
	if (width == 4) /* pairs of cells; an odd one at the end is a 16-bit store */
		for (; i + 1 < count; i += 2)
			w32[i / 2] = cells[i] | (uint32_t)cells[i + 1] << 16;
	if (width == 1)
		for (; i < count; i++) {
			w8[2 * i] = (uint8_t)cells[i];
			w8[2 * i + 1] = (uint8_t)(cells[i] >> 8);
		}
	for (; i < count; i++)
		w16[i] = cells[i];
}

void vga_cursor_move(int x, int y)
{
	unsigned pos = (unsigned)(y * VGA_COLS + x);
	crtc_write(0x0E, (uint8_t)(pos >> 8));
	crtc_write(0x0F, (uint8_t)pos);
}

void vga_cursor_shape(uint8_t first_line, uint8_t last_line)
{
	crtc_write(0x0A, first_line & 0x1F); /* bit 5 clear: cursor shown */
	crtc_write(0x0B, last_line & 0x1F);
}

void vga_cursor_hide(void)
{
	crtc_write(0x0A, 0x20);
}

void vga_wait_retrace(void)
{
	while (inb(VGA_STATUS) & 0x08)
		;
	while (!(inb(VGA_STATUS) & 0x08))
		;
}

#endif
