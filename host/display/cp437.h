/*
 * Code page 437 to UTF-8, for the terminal front end and -screendump.
 *
 * The table is not typed in: it is built at run time with iconv's IBM437
 * converter (glibc's gconv module, from IBM's code page tables). iconv maps
 * 0x00-0x1F and 0x7F to control codes, which a terminal would execute rather
 * than show; those become U+00B7 (middle dot), and 0x00 (a blank glyph in the
 * VGA font) a space.
 */
#ifndef VMM_DISPLAY_CP437_H
#define VMM_DISPLAY_CP437_H

#include <stddef.h>

/* UTF-8 of each byte, NUL-terminated (at most 3 bytes for CP437). */
struct cp437_table {
	char utf8[256][5];
};

/* Fills t. Returns 0, or -1 with a message in err (no IBM437 in iconv). */
int cp437_table_init(struct cp437_table *t, char *err, size_t errlen);

#endif
