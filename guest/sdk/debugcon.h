/* The debug console on port 0xE9: one byte out, one byte on stdout. Works
 * the same in vmm, QEMU (-debugcon) and Bochs, and costs one exit a byte. */
#ifndef GUEST_DEBUGCON_H
#define GUEST_DEBUGCON_H

void debugcon_putchar(char c);
void debugcon_write(const char *s);

#endif
