/*
 * PNG files for screenshots (through libpng; link with -lpng).
 *
 * Named pngio.h, not png.h, on purpose: with host/display on the include
 * path a local png.h would hide libpng's own <png.h>.
 * Pixels are 0x00RRGGBB, row by row; files are 8-bit RGB.
 */
#ifndef VMM_DISPLAY_PNGIO_H
#define VMM_DISPLAY_PNGIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Writes a w x h RGB PNG. Returns 0, or -1 with a message in err. */
int pngio_write(const char *path, const uint32_t *pixels, int w, int h,
		char *err, size_t errlen);
/* The same into a stream already open for writing (name is for messages);
 * the caller closes it. */
int pngio_write_stream(FILE *f, const char *name, const uint32_t *pixels, int w, int h,
		       char *err, size_t errlen);

/*
 * Reads any PNG (converted to 8-bit RGB, alpha dropped). On success returns
 * 0 and a malloc'd buffer in *pixels (caller frees) with its size in *w, *h;
 * on failure -1 with a message in err.
 */
int pngio_read(const char *path, uint32_t **pixels, int *w, int *h,
	       char *err, size_t errlen);

#endif
