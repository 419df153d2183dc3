#include <vmm/abi.h>

#include "io.h"
#include "serial.h"

/* Register offsets from the base port. With DLAB set, 0 and 1 are the
 * divisor latch instead of THR and IER. */
#define UART_THR 0 /* transmit holding register */
#define UART_IER 1 /* interrupt enable */
#define UART_DLL 0 /* divisor latch, low byte */
#define UART_DLM 1 /* divisor latch, high byte */
#define UART_FCR 2 /* FIFO control */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */
#define UART_RBR 0 /* receive buffer */

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_AND_CLEAR 0x07
#define MCR_DTR_RTS 0x03
#define LSR_THR_EMPTY 0x20
#define LSR_DATA_READY 0x01
#define IER_RECEIVED_DATA 0x01
#define MCR_OUT2 0x08

/* The UART clock is 1.8432 MHz / 16 = 115200 baud at divisor 1. */
#define DIVISOR_115200 1

void serial_init(void)
{
	outb(VMM_COM1_PORT + UART_IER, 0); /* we poll: no interrupts */
	outb(VMM_COM1_PORT + UART_LCR, LCR_DLAB);
	outb(VMM_COM1_PORT + UART_DLL, DIVISOR_115200 & 0xff);
	outb(VMM_COM1_PORT + UART_DLM, DIVISOR_115200 >> 8);
	outb(VMM_COM1_PORT + UART_LCR, LCR_8N1);
	outb(VMM_COM1_PORT + UART_FCR, FCR_ENABLE_AND_CLEAR);
	outb(VMM_COM1_PORT + UART_MCR, MCR_DTR_RTS);
}

void serial_putchar(char c)
{
	while (!(inb(VMM_COM1_PORT + UART_LSR) & LSR_THR_EMPTY))
		;
	outb(VMM_COM1_PORT + UART_THR, (uint8_t)c);
}

void serial_write(const char *s)
{
	while (*s)
		serial_putchar(*s++);
}

bool serial_received(void)
{
	return inb(VMM_COM1_PORT + UART_LSR) & LSR_DATA_READY;
}

char serial_getchar(void)
{
	while (!serial_received())
		cpu_relax();
	return (char)inb(VMM_COM1_PORT + UART_RBR);
}

void serial_enable_receive_interrupt(void)
{
	outb(VMM_COM1_PORT + UART_MCR, inb(VMM_COM1_PORT + UART_MCR) | MCR_OUT2);
	outb(VMM_COM1_PORT + UART_IER, IER_RECEIVED_DATA);
}
