/* COM1, a 16550A UART: polled transmit and receive, and the receive
 * interrupt (IRQ 4; an IDT handler and the PIC come from idt.h and pic.h). */
#ifndef GUEST_SERIAL_H
#define GUEST_SERIAL_H

#include <stdbool.h>

/* 115200 baud, 8 data bits, no parity, 1 stop bit, FIFOs on (trigger 1),
 * no interrupts. */
void serial_init(void);
void serial_putchar(char c);
void serial_write(const char *s);

/* True when a received byte waits (LSR data ready). */
bool serial_received(void);
/* Waits for the next received byte (polling). */
char serial_getchar(void);
/* The "received data available" interrupt on IRQ 4: IER bit 0 and MCR's
 * OUT2, which gates the UART's interrupt line on a PC. The handler reads
 * bytes while serial_received() and acknowledges the PIC. */
void serial_enable_receive_interrupt(void);

#endif
