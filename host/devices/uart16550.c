/*
 * The 16550A (uart16550.h): first the chip, as the datasheet describes it,
 * then COM1 on the VM: port 0x3F8, IRQ 4, a guest-clock timer for the
 * character timeout, and the -serial backend its bytes come from and go to.
 */
#include "uart16550.h"

#include <stdio.h>
#include <stdlib.h>

#include "console_ports.h"
#include "serial_backend.h"
#include "vm.h"

#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI  0x40
#define MSR_DCD 0x80
/* What the modem inputs say with nothing in loopback: a terminal is
 * attached (clear to send, data set ready, carrier), as QEMU reports. */
#define MSR_ATTACHED (MSR_CTS | MSR_DSR | MSR_DCD)

#define UART_CLOCK_HZ 1843200u /* 16 x 115200 baud at divisor 1 */

/* ---- the chip ------------------------------------------------------------ */

static bool fifo_enabled(const struct uart16550 *u)
{
	return u->fcr & UART_FCR_ENABLE;
}

/* Without FIFOs the receiver is the single RBR (16450 mode). */
static unsigned rx_capacity(const struct uart16550 *u)
{
	return fifo_enabled(u) ? UART_RX_FIFO_SIZE : 1;
}

/* The highest-priority pending source, as IIR bits 3..0. */
static uint8_t interrupt_id(const struct uart16550 *u)
{
	if ((u->ier & UART_IER_RLSI) && (u->lsr & UART_LSR_OE))
		return UART_IIR_RLSI;
	if ((u->ier & UART_IER_RDI) && u->timeout_pending)
		return UART_IIR_CTI;
	if ((u->ier & UART_IER_RDI) && u->rx_count &&
	    (!fifo_enabled(u) || u->rx_count >= u->rx_trigger))
		return UART_IIR_RDI;
	if ((u->ier & UART_IER_THRI) && u->thr_pending)
		return UART_IIR_THRI;
	/* Modem status never changes outside loopback here, and loopback
	 * reads its MSR straight from MCR: no modem status interrupt. */
	return UART_IIR_NONE;
}

static void update_irq(struct uart16550 *u)
{
	bool gate_open = (u->mcr & UART_MCR_OUT2) && !(u->mcr & UART_MCR_LOOP);
	bool level = gate_open && interrupt_id(u) != UART_IIR_NONE;
	if (level != u->irq_level) {
		u->irq_level = level;
		if (u->io.set_irq)
			u->io.set_irq(u->io.ctx, level);
	}
}

static void arm_timeout(struct uart16550 *u)
{
	if (u->io.arm_timeout)
		u->io.arm_timeout(u->io.ctx, 4 * uart16550_char_ns(u));
}

static void clear_rx(struct uart16550 *u)
{
	u->rx_head = u->rx_count = 0;
	u->lsr &= (uint8_t)~UART_LSR_DR;
	u->timeout_pending = false;
	if (u->io.cancel_timeout)
		u->io.cancel_timeout(u->io.ctx);
}

void uart16550_init(struct uart16550 *u, const struct uart16550_io *io)
{
	*u = (struct uart16550){ 0 };
	if (io)
		u->io = *io;
	u->dll = 0x0c; /* 9600 baud */
	u->mcr = UART_MCR_OUT2;
	u->lsr = UART_LSR_THRE | UART_LSR_TEMT;
	u->rx_trigger = 1;
}

uint64_t uart16550_char_ns(const struct uart16550 *u)
{
	unsigned divisor = (unsigned)u->dlm << 8 | u->dll;
	if (!divisor)
		divisor = 1; /* undefined on the chip; the fastest rate here */
	/* start bit, 5..8 data bits, parity, 1 or 2 stop bits */
	unsigned bits = 1 + 5 + (u->lcr & 0x03) + (u->lcr & 0x08 ? 1 : 0) + (u->lcr & 0x04 ? 2 : 1);
	return (uint64_t)divisor * 16 * bits * 1000000000ull / UART_CLOCK_HZ;
}

unsigned uart16550_rx_room(const struct uart16550 *u)
{
	if (u->mcr & UART_MCR_LOOP)
		return 0;
	return rx_capacity(u) - u->rx_count;
}

void uart16550_receive(struct uart16550 *u, uint8_t byte)
{
	if (u->rx_count < rx_capacity(u)) {
		u->rx[(u->rx_head + u->rx_count) % UART_RX_FIFO_SIZE] = byte;
		u->rx_count++;
	} else if (fifo_enabled(u)) {
		u->lsr |= UART_LSR_OE; /* the FIFO keeps its bytes; this one is lost */
	} else {
		u->rx[u->rx_head] = byte; /* 16450: the new byte overwrites RBR */
		u->lsr |= UART_LSR_OE;
	}
	u->lsr |= UART_LSR_DR;
	if (fifo_enabled(u))
		arm_timeout(u);
	update_irq(u);
}

void uart16550_char_timeout(struct uart16550 *u)
{
	if (fifo_enabled(u) && u->rx_count) {
		u->timeout_pending = true;
		update_irq(u);
	}
}

static uint8_t read_rbr(struct uart16550 *u)
{
	uint8_t byte = 0;
	if (u->rx_count) {
		byte = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % UART_RX_FIFO_SIZE;
		u->rx_count--;
	}
	u->timeout_pending = false;
	if (!u->rx_count) {
		u->lsr &= (uint8_t)~UART_LSR_DR;
		if (u->io.cancel_timeout)
			u->io.cancel_timeout(u->io.ctx);
	} else if (fifo_enabled(u)) {
		arm_timeout(u); /* a read restarts the 4-character wait */
	}
	update_irq(u);
	return byte;
}

/* In loopback the modem outputs drive the modem inputs: DTR->DSR, RTS->CTS,
 * OUT1->RI, OUT2->DCD. */
static uint8_t read_msr(const struct uart16550 *u)
{
	if (!(u->mcr & UART_MCR_LOOP))
		return MSR_ATTACHED;
	return (uint8_t)((u->mcr & UART_MCR_DTR) << 5 | (u->mcr & UART_MCR_RTS) << 3 |
			 (u->mcr & (UART_MCR_OUT1 | UART_MCR_OUT2)) << 4);
}

uint8_t uart16550_read(struct uart16550 *u, unsigned reg)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	uint8_t v;
	switch (reg) {
	case UART_REG_DATA:
		return dlab ? u->dll : read_rbr(u);
	case UART_REG_IER:
		return dlab ? u->dlm : u->ier;
	case UART_REG_IIR:
		v = interrupt_id(u);
		/* Reading IIR while it shows THR empty acknowledges that source. */
		if (v == UART_IIR_THRI) {
			u->thr_pending = false;
			update_irq(u);
		}
		return (uint8_t)(v | (fifo_enabled(u) ? UART_IIR_FIFO : 0));
	case UART_REG_LCR:
		return u->lcr;
	case UART_REG_MCR:
		return u->mcr;
	case UART_REG_LSR:
		v = u->lsr;
		if (v & UART_LSR_OE) { /* reading LSR clears the error and its interrupt */
			u->lsr &= (uint8_t)~UART_LSR_OE;
			update_irq(u);
		}
		return v;
	case UART_REG_MSR:
		return read_msr(u);
	default:
		return u->scr;
	}
}

static void write_thr(struct uart16550 *u, uint8_t byte)
{
	/* Writing THR clears its interrupt; the byte leaves at once, THR is
	 * empty again, and that raises the interrupt anew (an edge). */
	u->thr_pending = false;
	u->lsr &= (uint8_t)~(UART_LSR_THRE | UART_LSR_TEMT);
	update_irq(u);
	if (u->mcr & UART_MCR_LOOP)
		uart16550_receive(u, byte);
	else if (u->io.transmit)
		u->io.transmit(u->io.ctx, byte);
	u->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
	u->thr_pending = true;
	update_irq(u);
}

static void write_ier(struct uart16550 *u, uint8_t value)
{
	uint8_t changed = (u->ier ^ value) & 0x0f;
	u->ier = value & 0x0f;
	/* Enabling the THR-empty interrupt while THR is empty raises it at
	 * once (drivers test for this, Windows relies on it); disabling it
	 * forgets it. */
	if (changed & UART_IER_THRI)
		u->thr_pending = (u->ier & UART_IER_THRI) && (u->lsr & UART_LSR_THRE);
	update_irq(u);
}

static void write_fcr(struct uart16550 *u, uint8_t value)
{
	static const unsigned trigger[4] = { 1, 4, 8, 14 };
	/* Switching the FIFOs on or off empties them. */
	if ((value ^ u->fcr) & UART_FCR_ENABLE)
		value |= UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX;
	if (value & UART_FCR_CLEAR_RX)
		clear_rx(u);
	/* The transmitter sends at once: its FIFO is always empty. */
	u->fcr = value & UART_FCR_ENABLE ? (uint8_t)(value & 0xC9) : 0;
	u->rx_trigger = trigger[u->fcr >> 6];
	update_irq(u);
}

void uart16550_write(struct uart16550 *u, unsigned reg, uint8_t value)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	switch (reg) {
	case UART_REG_DATA:
		if (dlab)
			u->dll = value;
		else
			write_thr(u, value);
		break;
	case UART_REG_IER:
		if (dlab)
			u->dlm = value;
		else
			write_ier(u, value);
		break;
	case UART_REG_IIR:
		write_fcr(u, value);
		break;
	case UART_REG_LCR:
		u->lcr = value;
		break;
	case UART_REG_MCR:
		u->mcr = value & 0x1f;
		update_irq(u); /* OUT2 and loopback open or close the IRQ gate */
		break;
	case UART_REG_SCR:
		u->scr = value;
		break;
	default:
		break; /* LSR and MSR are read-only (factory test writes ignored) */
	}
}

/* ---- COM1 on the VM -------------------------------------------------------- */

#define COM1_IRQ 4

struct com1 {
	struct uart16550 uart;
	struct vm *vm;
	struct serial_backend *backend;
	struct vm_timer timeout;
	/* The guest's driver is ready for input (com1_pull_input). */
	bool receiving;
};

static void com1_set_irq(void *ctx, bool level)
{
	struct com1 *c = ctx;
	vm_set_irq(c->vm, COM1_IRQ, level);
}

static void com1_transmit(void *ctx, uint8_t byte)
{
	struct com1 *c = ctx;
	serial_backend_write(c->backend, byte);
}

static void com1_arm_timeout(void *ctx, uint64_t delay_ns)
{
	struct com1 *c = ctx;
	vm_timer_arm(c->vm, &c->timeout, vm_clock_ns(c->vm) + delay_ns);
}

static void com1_cancel_timeout(void *ctx)
{
	struct com1 *c = ctx;
	vm_timer_cancel(c->vm, &c->timeout);
}

static void com1_timeout_fired(struct vm *vm, void *opaque)
{
	(void)vm;
	struct com1 *c = opaque;
	uart16550_char_timeout(&c->uart);
}

/*
 * Moves waiting input into the receiver, as much as it has room for. Not
 * before the guest shows it wants input (reads RBR or LSR, or enables the
 * receive interrupt): a driver's set-up (FIFO reset, loopback self-test)
 * would otherwise lose or trip over bytes that were waiting from the start,
 * as under QEMU, where the first byte piped in is often lost.
 */
static void com1_pull_input(struct com1 *c)
{
	if (!c->receiving)
		return;
	unsigned room = uart16550_rx_room(&c->uart);
	if (!room)
		return;
	uint8_t buf[UART_RX_FIFO_SIZE];
	size_t n = serial_backend_take(c->backend, buf, room);
	for (size_t i = 0; i < n; i++)
		uart16550_receive(&c->uart, buf[i]);
}

static void com1_input_event(struct vm *vm, void *opaque)
{
	(void)vm;
	com1_pull_input(opaque);
}

static uint64_t com1_read(void *opaque, uint64_t offset, unsigned size)
{
	struct com1 *c = opaque;
	(void)size;
	bool dlab = c->uart.lcr & UART_LCR_DLAB;
	uint8_t v = uart16550_read(&c->uart, (unsigned)offset);
	if ((offset == UART_REG_DATA && !dlab) || offset == UART_REG_LSR)
		c->receiving = true;
	com1_pull_input(c); /* reading RBR made room */
	return v;
}

static void com1_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct com1 *c = opaque;
	(void)size;
	uart16550_write(&c->uart, (unsigned)offset, (uint8_t)value);
	if (c->uart.ier & UART_IER_RDI)
		c->receiving = true;
	com1_pull_input(c); /* FCR and MCR change the room */
}

static const struct io_ops com1_ops = { com1_read, com1_write };

/* The guest stopped: the user gets the terminal back now, not at exit. */
static void com1_stopped(struct vm *vm, void *opaque)
{
	(void)vm;
	(void)opaque;
	serial_backend_restore_terminal();
}

static void com1_free(struct vm *vm, void *opaque)
{
	struct com1 *c = opaque;
	vm_timer_cancel(vm, &c->timeout);
	serial_backend_close(c->backend);
	free(c);
}

int com1_register(struct vm *vm, const char *spec, char *err, size_t errlen)
{
	struct serial_backend *backend;
	int rc = serial_backend_open(vm, spec, &backend, err, errlen);
	if (rc < 0 || !backend)
		return rc; /* "none": no COM1 at all */
	struct com1 *c = calloc(1, sizeof(*c));
	if (!c) {
		serial_backend_close(backend);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->vm = vm;
	c->backend = backend;
	struct uart16550_io io = { .ctx = c, .set_irq = com1_set_irq, .transmit = com1_transmit,
				   .arm_timeout = com1_arm_timeout,
				   .cancel_timeout = com1_cancel_timeout };
	uart16550_init(&c->uart, &io);
	vm_timer_init(&c->timeout, com1_timeout_fired, c);
	if (vm_register_pio(vm, VMM_COM1_PORT, 8, "com1", &com1_ops, c) < 0) {
		serial_backend_close(backend);
		free(c);
		snprintf(err, errlen, "cannot register COM1 at port 0x%x", VMM_COM1_PORT);
		return -1;
	}
	if (vm_add_destroy_hook(vm, com1_free, c) < 0) {
		serial_backend_close(backend);
		free(c);
		snprintf(err, errlen, "cannot register COM1's destroy hook");
		return -1;
	}
	if (vm_add_event_hook(vm, com1_input_event, c) < 0 ||
	    vm_add_stop_hook(vm, com1_stopped, c) < 0) {
		snprintf(err, errlen, "cannot register COM1's hooks");
		return -1; /* the destroy hook frees it */
	}
	return 0;
}

/* COM1 with output to stdout and no input, for VMs built without the PC
 * platform (console_ports.h; the fuzz harnesses). */
int uart_register(struct vm *vm)
{
	char err[128];
	return com1_register(vm, NULL, err, sizeof(err));
}
