/*
 * Uses libpng's simplified png_image API (libpng >= 1.6): it reports errors
 * through a message in the png_image instead of longjmp, which keeps this
 * file free of setjmp handling.
 */
#include "pngio.h"

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errlen, const char *path, const char *why)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", path, why);
	return -1;
}

int pngio_write(const char *path, const uint32_t *pixels, int w, int h,
		char *err, size_t errlen)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return fail(err, errlen, path, strerror(errno));
	int rc = pngio_write_stream(f, path, pixels, w, h, err, errlen);
	if (fclose(f) != 0 && rc == 0)
		rc = fail(err, errlen, path, strerror(errno));
	return rc;
}

int pngio_write_stream(FILE *f, const char *path, const uint32_t *pixels, int w, int h,
		       char *err, size_t errlen)
{
	size_t n = (size_t)w * (size_t)h;
	uint8_t *rgb = malloc(n * 3);
	if (!rgb)
		return fail(err, errlen, path, "out of memory");
	for (size_t i = 0; i < n; i++) {
		rgb[3 * i] = (uint8_t)(pixels[i] >> 16);
		rgb[3 * i + 1] = (uint8_t)(pixels[i] >> 8);
		rgb[3 * i + 2] = (uint8_t)pixels[i];
	}

	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)w;
	img.height = (png_uint_32)h;
	img.format = PNG_FORMAT_RGB;
	int ok = png_image_write_to_stdio(&img, f, 0, rgb, 0, NULL);
	free(rgb);
	if (!ok) {
		fail(err, errlen, path, img.message);
		png_image_free(&img);
		return -1;
	}
	return 0;
}

int pngio_read(const char *path, uint32_t **pixels, int *w, int *h,
	       char *err, size_t errlen)
{
	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path))
		return fail(err, errlen, path, img.message);
	img.format = PNG_FORMAT_RGB;

	size_t n = (size_t)img.width * img.height;
	uint8_t *rgb = malloc(PNG_IMAGE_SIZE(img));
	uint32_t *out = malloc(n * sizeof(*out));
	if (!rgb || !out) {
		free(rgb);
		free(out);
		png_image_free(&img);
		return fail(err, errlen, path, "out of memory");
	}
	if (!png_image_finish_read(&img, NULL, rgb, 0, NULL)) {
		fail(err, errlen, path, img.message);
		free(rgb);
		free(out);
		png_image_free(&img);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = (uint32_t)rgb[3 * i] << 16 | (uint32_t)rgb[3 * i + 1] << 8 | rgb[3 * i + 2];
	free(rgb);
	*pixels = out;
	*w = (int)img.width;
	*h = (int)img.height;
	return 0;
}
