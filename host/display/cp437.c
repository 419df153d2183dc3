/* CP437 -> UTF-8 through iconv (see cp437.h for why not a typed table). */
#include "cp437.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>

int cp437_table_init(struct cp437_table *t, char *err, size_t errlen)
{
	iconv_t cd = iconv_open("UTF-8", "IBM437");
	if (cd == (iconv_t)-1) {
		snprintf(err, errlen, "iconv has no IBM437 converter: %s", strerror(errno));
		return -1;
	}
	for (int b = 0; b < 256; b++) {
		char in = (char)b, *inp = &in, *out = t->utf8[b];
		size_t inleft = 1, outleft = sizeof(t->utf8[b]) - 1;
		memset(t->utf8[b], 0, sizeof(t->utf8[b]));
		if (iconv(cd, &inp, &inleft, &out, &outleft) == (size_t)-1 ||
		    b < 0x20 || b == 0x7F)
			strcpy(t->utf8[b], b == 0 ? " " : "\xC2\xB7");
	}
	iconv_close(cd);
	return 0;
}
