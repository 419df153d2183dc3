/*
 * Finds the 8x16 CP437 font inside a VGA BIOS ROM by its shape rather than
 * by a fixed offset, so a rebuilt ROM with a different layout still works
 * and a ROM without the font is rejected with a clear message.
 */
#include "font.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const vga_font_rom_candidates[] = {
	VGA_FONT_DEFAULT_ROM,
	"/usr/share/seabios/vgabios.bin",
	"/usr/share/seabios/vgabios-isavga.bin",
	"/usr/share/seabios/vgabios-cirrus.bin",
	"/usr/share/qemu/vgabios-stdvga.bin",
	"/usr/share/qemu/vgabios.bin",
	NULL,
};

/* A ROM image larger than this is not a VGA option ROM. */
#define ROM_MAX_SIZE (256 * 1024)

static bool rows_all(const uint8_t *g, uint8_t v)
{
	for (int r = 0; r < VGA_FONT_HEIGHT; r++)
		if (g[r] != v)
			return false;
	return true;
}

static bool rows_none(const uint8_t *g, uint8_t v)
{
	for (int r = 0; r < VGA_FONT_HEIGHT; r++)
		if (g[r] == v)
			return false;
	return true;
}

/*
 * Glyphs whose shape any CP437 font must have, whatever its style. Together
 * they make a false match in code or in the 8x8/8x14 fonts (which the same
 * ROMs also carry) practically impossible.
 */
static bool looks_like_cp437_8x16(const uint8_t *f)
{
	const uint8_t *g = f;
#define GLYPH(c) (g + (c) * VGA_FONT_HEIGHT)
	if (!rows_all(GLYPH(0x00), 0) || !rows_all(GLYPH(0x20), 0) ||
	    !rows_all(GLYPH(0xFF), 0))
		return false; /* NUL, space, NBSP: blank */
	if (!rows_all(GLYPH(0xDB), 0xFF))
		return false; /* full block */
	if (!rows_all(GLYPH(0xDD), 0xF0) || !rows_all(GLYPH(0xDE), 0x0F))
		return false; /* left and right half blocks */
	if (GLYPH(0xDC)[0] != 0 || GLYPH(0xDC)[15] != 0xFF ||
	    GLYPH(0xDF)[0] != 0xFF || GLYPH(0xDF)[15] != 0)
		return false; /* lower and upper half blocks */
	for (int c = 0xB0; c <= 0xB2; c++)
		if (!rows_none(GLYPH(c), 0) || !rows_none(GLYPH(c), 0xFF))
			return false; /* shades: every row partly lit */
	if (!rows_all(GLYPH(0xB3), 0x18))
		return false; /* vertical box line, centred */
	int lit = 0;
	for (int r = 0; r < VGA_FONT_HEIGHT; r++)
		lit += GLYPH(0xC4)[r] == 0xFF ? 1 : GLYPH(0xC4)[r] == 0 ? 0 : 100;
	if (lit != 1)
		return false; /* horizontal box line: one full row */
	if (rows_all(GLYPH('A'), 0) || !memcmp(GLYPH('A'), GLYPH('a'), VGA_FONT_HEIGHT))
		return false; /* letters present and cased */
#undef GLYPH
	return true;
}

long vga_font_find(const uint8_t *rom, size_t len)
{
	if (len < VGA_FONT_BYTES)
		return -1;
	for (size_t off = 0; off + VGA_FONT_BYTES <= len; off++)
		if (looks_like_cp437_8x16(rom + off))
			return (long)off;
	return -1;
}

/* Reads a whole (small) file; returns its length, or -1 with errno set. */
static long read_rom(const char *path, uint8_t **out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	uint8_t *buf = malloc(ROM_MAX_SIZE + 1);
	if (!buf) {
		fclose(f);
		errno = ENOMEM;
		return -1;
	}
	size_t n = fread(buf, 1, ROM_MAX_SIZE + 1, f);
	int bad = ferror(f);
	fclose(f);
	if (bad || n > ROM_MAX_SIZE) {
		free(buf);
		errno = bad ? EIO : EFBIG;
		return -1;
	}
	*out = buf;
	return (long)n;
}

/* 0 on success, else -1 with a one-line reason for this file in why. */
static int load_one(const char *path, uint8_t glyphs[VGA_FONT_GLYPHS][VGA_FONT_HEIGHT],
		    char *why, size_t whylen)
{
	uint8_t *rom;
	long len = read_rom(path, &rom);
	if (len < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	long off = vga_font_find(rom, (size_t)len);
	if (off < 0) {
		snprintf(why, whylen, "%s: no 8x16 CP437 font found in %ld bytes", path, len);
		free(rom);
		return -1;
	}
	memcpy(glyphs, rom + off, VGA_FONT_BYTES);
	free(rom);
	return 0;
}

int vga_font_load(const char *rom_path, uint8_t glyphs[VGA_FONT_GLYPHS][VGA_FONT_HEIGHT],
		  char *err, size_t errlen)
{
	char why[512];

	if (rom_path) {
		if (load_one(rom_path, glyphs, why, sizeof(why)) == 0)
			return 0;
		if (err && errlen)
			snprintf(err, errlen, "VGA font: %s", why);
		return -1;
	}
	/* Report the first failure: it is about the ROM most systems have. */
	char first[512] = "";
	for (int i = 0; vga_font_rom_candidates[i]; i++) {
		if (load_one(vga_font_rom_candidates[i], glyphs, why, sizeof(why)) == 0)
			return 0;
		if (!first[0])
			snprintf(first, sizeof(first), "%s", why);
	}
	if (err && errlen)
		snprintf(err, errlen,
			 "VGA font: no usable VGA BIOS ROM (%s); install Debian's seabios package",
			 first);
	return -1;
}
