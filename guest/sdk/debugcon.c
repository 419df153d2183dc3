#include <vmm/abi.h>

#include "debugcon.h"
#include "io.h"

void debugcon_putchar(char c)
{
	outb(VMM_DEBUGCON_PORT, (uint8_t)c);
}

void debugcon_write(const char *s)
{
	while (*s)
		debugcon_putchar(*s++);
}
