/* kernel.c: writes a line to the VGA text screen and to the debug console. */
#include <stdint.h>

static inline void outb(uint16_t port, uint8_t value)
{
	__asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

void kmain(uint32_t magic, uint32_t info)
{
	(void)info;
	const char *msg = magic == 0x2BADB002 ? "Hello from my kernel" : "not booted by Multiboot";
	volatile uint16_t *vga = (uint16_t *)0xB8000;
	for (int i = 0; msg[i]; i++) {
		vga[i] = (uint16_t)(0x1F00 | msg[i]); /* white on blue */
		outb(0xE9, (uint8_t)msg[i]);          /* debug console: vmm's stdout */
	}
	outb(0xE9, '\n');
}
