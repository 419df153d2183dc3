/*
 * COM1: a 16550A UART at port 0x3F8 on IRQ 4 (docs/devices.md, "COM1").
 *
 * The chip itself (struct uart16550) knows nothing of KVM: it talks to the
 * world through four callbacks, so that the unit tests can drive it alone.
 * What it models: RBR/THR, IER, IIR with the datasheet's priorities (line
 * status > received data or character timeout > THR empty), FCR with the
 * 16-byte receive FIFO and its trigger levels 1/4/8/14, LSR (DR, OE, THRE,
 * TEMT), MCR with loopback, MSR, SCR and the divisor latch (DLAB).
 * Transmission is instant: a THR write goes out at once and THR is empty
 * again. On a PC the chip's interrupt output reaches the PIC only through a
 * gate driven by MCR's OUT2 bit (which loopback forces off): set_irq sees
 * the line after that gate.
 */
#ifndef VMM_UART16550_H
#define VMM_UART16550_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;

#define UART_RX_FIFO_SIZE 16

enum uart_reg {
	UART_REG_DATA = 0, /* RBR (read), THR (write); DLL with DLAB */
	UART_REG_IER = 1,  /* DLM with DLAB */
	UART_REG_IIR = 2,  /* IIR (read), FCR (write) */
	UART_REG_LCR = 3,
	UART_REG_MCR = 4,
	UART_REG_LSR = 5,
	UART_REG_MSR = 6,
	UART_REG_SCR = 7,
};

#define UART_IER_RDI  0x01 /* received data available (and character timeout) */
#define UART_IER_THRI 0x02 /* THR empty */
#define UART_IER_RLSI 0x04 /* receiver line status */
#define UART_IER_MSI  0x08 /* modem status */

#define UART_IIR_NONE 0x01 /* no interrupt pending */
#define UART_IIR_MSI  0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI  0x04
#define UART_IIR_RLSI 0x06
#define UART_IIR_CTI  0x0C /* character timeout */
#define UART_IIR_FIFO 0xC0 /* FIFOs enabled */

#define UART_FCR_ENABLE   0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04

#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR  0x01
#define UART_MCR_RTS  0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08 /* on a PC: the gate of the IRQ line */
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR   0x01
#define UART_LSR_OE   0x02
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40

/* How the chip reaches the rest of the machine. All run on the thread that
 * called into the chip. */
struct uart16550_io {
	void *ctx;
	/* The IRQ line as the PIC sees it; called only when it changes. */
	void (*set_irq)(void *ctx, bool level);
	/* A byte leaves on the serial line (never called in loopback). */
	void (*transmit)(void *ctx, uint8_t byte);
	/* (Re)arms the character-timeout timer: uart16550_char_timeout() is
	 * due delay_ns from now. */
	void (*arm_timeout)(void *ctx, uint64_t delay_ns);
	void (*cancel_timeout)(void *ctx);
};

struct uart16550 {
	struct uart16550_io io;
	uint8_t ier, fcr, lcr, mcr, lsr, scr, dll, dlm;
	uint8_t rx[UART_RX_FIFO_SIZE];
	unsigned rx_head, rx_count;
	unsigned rx_trigger;   /* bytes that raise "received data available" in FIFO mode */
	bool thr_pending;      /* the THR-empty interrupt, until IIR shows it or THR is written */
	bool timeout_pending;  /* the character timeout fired with bytes in the FIFO */
	bool irq_level;        /* what set_irq was last told */
};

/* The power-on state (as QEMU resets it: 9600 baud, MCR = OUT2). */
void uart16550_init(struct uart16550 *u, const struct uart16550_io *io);
uint8_t uart16550_read(struct uart16550 *u, unsigned reg);
void uart16550_write(struct uart16550 *u, unsigned reg, uint8_t value);

/* How many bytes the receiver can take from the line now: the free FIFO
 * slots (one holding register without FIFO), 0 in loopback (the line input
 * is disconnected). Feeding no more than this never overruns. */
unsigned uart16550_rx_room(const struct uart16550 *u);
/* A byte arrives from the line. Without room it is an overrun (LSR.OE) and
 * the byte is lost, as on the chip. */
void uart16550_receive(struct uart16550 *u, uint8_t byte);
/* The character-timeout timer fired: 4 character times without a byte
 * received or read. */
void uart16550_char_timeout(struct uart16550 *u);
/* One character's time on the line at the programmed divisor and frame. */
uint64_t uart16550_char_ns(const struct uart16550 *u);

/*
 * Registers COM1 on the VM, connected as `spec` says (serial_backend.h:
 * stdio, none, null, file:PATH, unix:PATH[,server]; NULL: guest output to
 * vmm's stdout, no input). Returns 0, -1 (host error) or -2 (bad spec or
 * path), with the reason in err.
 */
int com1_register(struct vm *vm, const char *spec, char *err, size_t errlen);

#endif
