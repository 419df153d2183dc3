/*
 * Paravirtualized VGA text driver: cells go to vmm in one VGA_WRITE
 * hypercall per string (or per cell), not one trapped store each. Not on
 * vmm (QEMU), the call fails with HC_ENOSYS and the cells are stored at
 * 0xB8000 instead, so the same guest shows the same screen anywhere.
 * The cursor has no hypercall: use vga.h's CRTC functions.
 */
#ifndef GUEST_VGA_PV_H
#define GUEST_VGA_PV_H

/* Its fallback stores at 0xB8000, which real-mode code cannot reach. */
#if defined(GUEST_MODE_REAL)
#error "vga_pv.h: needs protected or long mode (real mode: hc_vga_write in hypercall.h)"
#endif

#include <stdint.h>

/* Cell first = row * 80 + col. Returns 0 or a negative HC_E* status. */
int vga_pv_write(unsigned first, const uint16_t *cells, unsigned count);
int vga_pv_putc(int x, int y, char ch, uint8_t attr);
/* The string at (x, y) in one call, clipped at the end of the screen. */
int vga_pv_puts(int x, int y, const char *s, uint8_t attr);

#endif
