/*
 * A 16550A UART on COM1, enough for a polling driver: transmitted bytes go to
 * stdout, the transmitter is always ready, nothing is ever received, and every
 * register reads back what the guest wrote (DLAB selects the divisor latch).
 * Loopback mode (MCR bit 4) sends transmitted bytes back to the receiver, as
 * drivers use it to probe for the chip.
 */
#include <stdlib.h>

#include "console.h"
#include "console_ports.h"
#include "vm.h"

enum uart_reg { REG_DATA, REG_IER, REG_IIR_FCR, REG_LCR, REG_MCR, REG_LSR, REG_MSR, REG_SCR };

#define LCR_DLAB 0x80
#define MCR_LOOP 0x10
#define LSR_DR   0x01 /* data ready */
#define LSR_THRE 0x20 /* transmit holding register empty */
#define LSR_TEMT 0x40 /* transmitter empty */
#define IIR_NO_INTERRUPT 0x01
#define IIR_FIFO_ENABLED 0xc0
#define FCR_FIFO_ENABLE 0x01

struct uart {
	uint8_t ier, fcr, lcr, mcr, scr, dll, dlm;
	uint8_t rbr;       /* received byte (loopback only) */
	bool rx_full;
};

static uint64_t uart_read(void *opaque, uint64_t offset, unsigned size)
{
	struct uart *u = opaque;
	(void)size;
	bool dlab = u->lcr & LCR_DLAB;
	switch (offset) {
	case REG_DATA:
		if (dlab)
			return u->dll;
		u->rx_full = false;
		return u->rbr;
	case REG_IER:
		return dlab ? u->dlm : u->ier;
	case REG_IIR_FCR:
		return IIR_NO_INTERRUPT | (u->fcr & FCR_FIFO_ENABLE ? IIR_FIFO_ENABLED : 0);
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		return LSR_THRE | LSR_TEMT | (u->rx_full ? LSR_DR : 0);
	case REG_MSR:
		/* In loopback the modem inputs mirror MCR's outputs (DTR->DSR, RTS->CTS...). */
		if (u->mcr & MCR_LOOP)
			return (uint64_t)((u->mcr & 0x1) << 5 | (u->mcr & 0x2) << 3 |
					  (u->mcr & 0x4) << 4 | (u->mcr & 0x8) << 4);
		return 0xb0; /* CTS, DSR, DCD: a terminal is attached */
	default:
		return u->scr;
	}
}

static void uart_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct uart *u = opaque;
	uint8_t v = (uint8_t)value;
	(void)size;
	bool dlab = u->lcr & LCR_DLAB;
	switch (offset) {
	case REG_DATA:
		if (dlab) {
			u->dll = v;
		} else if (u->mcr & MCR_LOOP) {
			u->rbr = v;
			u->rx_full = true;
		} else {
			console_putc((char)v);
		}
		break;
	case REG_IER:
		if (dlab)
			u->dlm = v;
		else
			u->ier = v & 0x0f;
		break;
	case REG_IIR_FCR:
		u->fcr = v;
		break;
	case REG_LCR:
		u->lcr = v;
		break;
	case REG_MCR:
		u->mcr = v & 0x1f;
		break;
	case REG_SCR:
		u->scr = v;
		break;
	default:
		break; /* LSR and MSR are read-only */
	}
}

static const struct io_ops uart_ops = { uart_read, uart_write };

static void uart_free(struct vm *vm, void *opaque)
{
	(void)vm;
	free(opaque);
}

int uart_register(struct vm *vm)
{
	struct uart *u = calloc(1, sizeof(*u));
	if (!u)
		return -1;
	u->dll = 0x0c; /* 9600 baud, the power-on divisor */
	if (vm_register_pio(vm, VMM_COM1_PORT, 8, "com1", &uart_ops, u) < 0 ||
	    vm_add_destroy_hook(vm, uart_free, u) < 0) {
		free(u);
		return -1;
	}
	return 0;
}
