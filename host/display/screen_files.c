#include "screen_files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pngio.h"

int screen_write_png(FILE *f, const char *path, const struct vga_text_state *s,
		     const uint8_t font[256][16], char *err, size_t errlen)
{
	uint32_t *px = malloc(VGA_SCREEN_PIXELS * sizeof(*px));
	if (!px) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	struct vga_text_state shown = *s;
	shown.cursor_blink_on = true;
	vga_render(&shown, font, px);
	int rc = pngio_write_stream(f, path, px, VGA_SCREEN_WIDTH, VGA_SCREEN_HEIGHT, err, errlen);
	free(px);
	return rc;
}

void screen_row_utf8(const struct vga_text_state *s, int row,
		     const struct cp437_table *t, char *out, size_t outlen)
{
	size_t n = 0, keep = 0;
	out[0] = '\0';
	for (int c = 0; c < VGA_TEXT_COLS; c++) {
		const char *u = t->utf8[s->cells[row * VGA_TEXT_COLS + c] & 0xFF];
		size_t len = strlen(u);
		if (n + len + 1 > outlen)
			break;
		memcpy(out + n, u, len);
		n += len;
		if (strcmp(u, " "))
			keep = n;
	}
	out[keep] = '\0';
}

int screen_write_text(FILE *f, const char *path, const struct vga_text_state *s,
		      const struct cp437_table *t, char *err, size_t errlen)
{
	char line[VGA_TEXT_COLS * 4 + 1];
	for (int r = 0; r < VGA_TEXT_ROWS; r++) {
		screen_row_utf8(s, r, t, line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
	if (fflush(f) != 0 || ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
