/*
 * The 8x16 code page 437 font that VGA text mode draws with.
 *
 * It is not typed in here: it is found inside a VGA BIOS ROM image (SeaBIOS's
 * vgabios-*.bin from Debian's seabios package). That ROM is what loads the
 * font into VGA plane 2 when a guest boots under QEMU, and QEMU draws text
 * mode from plane 2, so using the same bytes is what makes our screenshots
 * pixel-identical to QEMU's.
 */
#ifndef VMM_DISPLAY_FONT_H
#define VMM_DISPLAY_FONT_H

#include <stddef.h>
#include <stdint.h>

#define VGA_FONT_GLYPHS 256
#define VGA_FONT_HEIGHT 16
#define VGA_FONT_BYTES (VGA_FONT_GLYPHS * VGA_FONT_HEIGHT)

/* The ROM tried first (the one QEMU's default "-vga std" card uses). */
#define VGA_FONT_DEFAULT_ROM "/usr/share/seabios/vgabios-stdvga.bin"

/* NULL-terminated list of ROMs vga_font_load tries when rom_path is NULL. */
extern const char *const vga_font_rom_candidates[];

/*
 * Loads the font from rom_path, or from the first candidate that holds one
 * when rom_path is NULL. Returns 0 on success; otherwise -1 with a message
 * in err (if err is not NULL) naming the file(s) tried and what was wrong.
 */
int vga_font_load(const char *rom_path, uint8_t glyphs[VGA_FONT_GLYPHS][VGA_FONT_HEIGHT],
		  char *err, size_t errlen);

/*
 * Finds the font in an in-memory ROM image. Returns the byte offset of
 * glyph 0, or -1 if no 4096-byte window looks like the CP437 8x16 font.
 * Exposed for tests.
 */
long vga_font_find(const uint8_t *rom, size_t len);

#endif
