/* COM1, a 16550A UART. Transmit only: enough for a console. */
#ifndef GUEST_SERIAL_H
#define GUEST_SERIAL_H

void serial_init(void); /* 115200 baud, 8 data bits, no parity, 1 stop bit */
void serial_putchar(char c);
void serial_write(const char *s);

#endif
