#include "ppm.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bigger than any screen we produce; guards malloc against a corrupt header. */
#define PPM_MAX_SIDE 16384

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Next header number; header fields are separated by whitespace and comments. */
static long header_number(FILE *f)
{
	int c;
	for (;;) {
		c = fgetc(f);
		if (c == '#')
			while (c != '\n' && c != EOF)
				c = fgetc(f);
		else if (!isspace(c))
			break;
	}
	long v = 0;
	if (!isdigit(c))
		return -1;
	while (isdigit(c)) {
		if (v > 1000000)
			return -1;
		v = v * 10 + (c - '0');
		c = fgetc(f);
	}
	/* Exactly one whitespace byte ends the header's last field: consumed here. */
	return isspace(c) ? v : -1;
}

int ppm_read(const char *path, uint32_t **pixels, int *w, int *h,
	     char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	char magic[2];
	long width, height, maxval;
	if (fread(magic, 1, 2, f) != 2 || magic[0] != 'P' || magic[1] != '6') {
		fclose(f);
		return fail(err, errlen, "%s: not a binary PPM (P6)", path);
	}
	width = header_number(f);
	height = header_number(f);
	maxval = header_number(f);
	if (width <= 0 || height <= 0 || width > PPM_MAX_SIDE || height > PPM_MAX_SIDE ||
	    maxval != 255) {
		fclose(f);
		return fail(err, errlen, "%s: unsupported PPM header", path);
	}
	size_t n = (size_t)width * (size_t)height;
	uint8_t *rgb = malloc(n * 3);
	uint32_t *out = malloc(n * sizeof(*out));
	if (!rgb || !out || fread(rgb, 3, n, f) != n) {
		free(rgb);
		free(out);
		fclose(f);
		return fail(err, errlen, "%s: truncated PPM or out of memory", path);
	}
	fclose(f);
	for (size_t i = 0; i < n; i++)
		out[i] = (uint32_t)rgb[3 * i] << 16 | (uint32_t)rgb[3 * i + 1] << 8 | rgb[3 * i + 2];
	free(rgb);
	*pixels = out;
	*w = (int)width;
	*h = (int)height;
	return 0;
}

int ppm_write(const char *path, const uint32_t *pixels, int w, int h,
	      char *err, size_t errlen)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	fprintf(f, "P6\n%d %d\n255\n", w, h);
	for (long i = 0; i < (long)w * h; i++) {
		uint8_t rgb[3] = { (uint8_t)(pixels[i] >> 16), (uint8_t)(pixels[i] >> 8),
				   (uint8_t)pixels[i] };
		fwrite(rgb, 1, 3, f);
	}
	int bad = ferror(f);
	if (fclose(f) != 0 || bad)
		return fail(err, errlen, "%s: write failed", path);
	return 0;
}
