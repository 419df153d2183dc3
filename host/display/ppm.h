/*
 * Binary PPM (P6) files: what QEMU's `screendump` monitor command writes,
 * so reading them is how we compare our rendering with QEMU's.
 * Pixels are 0x00RRGGBB, row by row.
 */
#ifndef VMM_DISPLAY_PPM_H
#define VMM_DISPLAY_PPM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Reads a P6 file with maxval 255. On success returns 0 and a malloc'd
 * buffer in *pixels (caller frees) with its size in *w, *h; on failure
 * returns -1 with a message in err (if not NULL).
 */
int ppm_read(const char *path, uint32_t **pixels, int *w, int *h,
	     char *err, size_t errlen);

/* Writes a P6 file. Returns 0, or -1 with a message in err. */
int ppm_write(const char *path, const uint32_t *pixels, int w, int h,
	      char *err, size_t errlen);

#endif
