/* The library is built in every mode; vga_pv.h is for protected and long mode. */
#if !defined(GUEST_MODE_REAL)

#include "vga_pv.h"

#include "hypercall.h"
#include "vga.h"

int vga_pv_write(unsigned first, const uint16_t *cells, unsigned count)
{
	int rc = hc_vga_write(first, cells, count);
	if (rc == HC_ENOSYS && first + count <= VGA_COLS * VGA_ROWS) /* no vmm */
		for (unsigned i = 0; i < count; i++)
			vga_text()[first + i] = cells[i];
	return rc == HC_ENOSYS ? 0 : rc;
}

int vga_pv_putc(int x, int y, char ch, uint8_t attr)
{
	uint16_t cell = VGA_CELL(ch, attr);
	return vga_pv_write((unsigned)(y * VGA_COLS + x), &cell, 1);
}

int vga_pv_puts(int x, int y, const char *s, uint8_t attr)
{
	uint16_t cells[VGA_COLS * VGA_ROWS];
	unsigned first = (unsigned)(y * VGA_COLS + x), n = 0;
	while (s[n] && first + n < VGA_COLS * VGA_ROWS) {
		cells[n] = VGA_CELL(s[n], attr);
		n++;
	}
	return vga_pv_write(first, cells, n);
}

#endif
