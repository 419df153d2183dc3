/*
 * vga_imgcmp IMAGE CANDIDATE...: exit 0 if IMAGE is pixel-identical to at
 * least one CANDIDATE, 1 if to none (with where the first one differs), 2 on
 * errors. Each file may be PNG or binary PPM (QEMU's screendump), so the
 * VGA tests compare vmm's screenshots with QEMU's without ImageMagick.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pngio.h"
#include "ppm.h"
#include "vga_render.h"

static int load(const char *path, uint32_t **px, int *w, int *h)
{
	char err[600], magic[2] = { 0, 0 };
	FILE *f = fopen(path, "rb");
	if (f) {
		if (fread(magic, 1, 2, f) != 2)
			magic[0] = 0;
		fclose(f);
	}
	int rc = magic[0] == 'P' && magic[1] == '6' ? ppm_read(path, px, w, h, err, sizeof(err))
						    : pngio_read(path, px, w, h, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "vga_imgcmp: %s\n", err);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: vga_imgcmp IMAGE CANDIDATE...\n");
		return 2;
	}
	uint32_t *a;
	int aw, ah;
	if (load(argv[1], &a, &aw, &ah) < 0)
		return 2;
	int result = 1;
	for (int i = 2; i < argc && result == 1; i++) {
		uint32_t *b;
		int bw, bh, x = -1, y = -1;
		if (load(argv[i], &b, &bw, &bh) < 0)
			return 2;
		if (aw != bw || ah != bh) {
			printf("%s: %dx%d, %s: %dx%d\n", argv[1], aw, ah, argv[i], bw, bh);
		} else {
			size_t n = vga_pixels_diff(a, b, aw, ah, &x, &y);
			if (n == 0) {
				printf("%s: identical to %s\n", argv[1], argv[i]);
				result = 0;
			} else {
				printf("%s: %zu pixels differ from %s, first at (%d,%d) = cell row %d"
				       " col %d: %06X vs %06X\n", argv[1], n, argv[i], x, y,
				       y / VGA_CELL_HEIGHT, x / VGA_CELL_WIDTH,
				       a[y * aw + x] & 0xFFFFFF, b[y * aw + x] & 0xFFFFFF);
			}
		}
		free(b);
	}
	free(a);
	return result;
}
