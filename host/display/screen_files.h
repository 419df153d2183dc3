/*
 * -screenshot FILE.png and -screendump FILE.txt: the screen as it is when
 * the guest stops, written from a stop hook into files opened at setup
 * (display.c): a path that cannot be written is refused before the guest
 * runs, and the sandbox never has to let vmm open a file.
 */
#ifndef VMM_DISPLAY_SCREEN_FILES_H
#define VMM_DISPLAY_SCREEN_FILES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cp437.h"
#include "vga_render.h"

/* Renders s with the cursor in its visible phase (a screenshot must not
 * depend on when it was taken) and writes a 720x400 PNG. 0 or -1 + err. */
int screen_write_png(FILE *f, const char *path, const struct vga_text_state *s,
		     const uint8_t font[256][16], char *err, size_t errlen);

/* Writes the 25 rows as UTF-8 lines, trailing blanks removed. 0 or -1. */
int screen_write_text(FILE *f, const char *path, const struct vga_text_state *s,
		      const struct cp437_table *t, char *err, size_t errlen);

/* One row as UTF-8 into out (NUL-terminated, trailing blanks removed). */
void screen_row_utf8(const struct vga_text_state *s, int row,
		     const struct cp437_table *t, char *out, size_t outlen);

#endif
