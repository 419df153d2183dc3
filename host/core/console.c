#include "console.h"

static FILE *console_out;

/* stdio's own lock keeps the vCPU thread's writes and the waiting thread's
 * flushes apart. */
static FILE *out(void)
{
	return console_out ? console_out : stdout;
}

void console_write(const void *buf, size_t len)
{
	fwrite(buf, 1, len, out());
}

void console_putc(char c)
{
	putc(c, out());
}

void console_flush(void)
{
	fflush(out());
}

void console_set_output(FILE *f)
{
	console_out = f;
}
