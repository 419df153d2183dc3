/*
 * VGA text mode, 80x25, the way a PC's VGA (and QEMU's) looks to a driver:
 * the text buffer at 0xB8000-0xBFFFF (cells of char | attr << 8), the CRTC
 * registers at 0x3D4/0x3D5 (cursor, start address), the status register at
 * 0x3DA, the attribute controller at 0x3C0, and the ABI's VGA_WRITE
 * hypercall, which writes a batch of cells in one exit.
 *
 * Two ways to back the text buffer (-vga):
 *   mapped   a KVM memslot over guest RAM: guest writes cost no exit and the
 *            display reads the memory (default: the fast one);
 *   trapped  no memslot: every guest access is a KVM_EXIT_MMIO that this
 *            device decodes (the emulation exercise; ~8 us per access here).
 * vga_snapshot gives the display thread a consistent copy of the screen.
 */
#ifndef VMM_VGA_H
#define VMM_VGA_H

#include "vga_render.h"

struct vm;
struct vga;

enum vga_backing { VGA_MAPPED, VGA_TRAPPED };

#define VGA_TEXT_BASE 0xB8000ull
#define VGA_TEXT_SIZE 0x8000ull /* 16 Ki cells; the screen shows 2000 */
#define VGA_MEMSLOT 2           /* slots 0 and 1 are guest RAM (vm.c) */

/* Creates the device and registers its ports, memory and hypercall. It is
 * freed with the VM (destroy hook). Returns NULL with a message in err. */
struct vga *vga_create(struct vm *vm, enum vga_backing backing, char *err, size_t errlen);


/* Copies the visible screen and the registers the renderer needs into s.
 * Callable from any thread while the vCPU runs; cursor_blink_on is set to
 * true (the caller owns the blink clock). */
void vga_snapshot(struct vga *vga, struct vga_text_state *s);

int vga_backing_parse(const char *name, enum vga_backing *out);
const char *vga_backing_name(enum vga_backing backing);

#endif
