/*
 * The 16550A's registers as a driver sees them (uart16550.h): the receive
 * FIFO and its trigger levels, the character timeout, IIR's priorities and
 * FIFO bits, LSR, loopback, the THR-empty interrupt, and OUT2 gating the
 * IRQ line. The chip runs alone here: its callbacks record what it did.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "uart16550.h"

struct probe {
	bool irq;              /* the line as last driven */
	int irq_edges;         /* rising edges */
	uint8_t sent[64];      /* transmitted bytes */
	size_t n_sent;
	bool timer_armed;
	uint64_t timer_delay;
};

static void probe_set_irq(void *ctx, bool level)
{
	struct probe *p = ctx;
	if (level && !p->irq)
		p->irq_edges++;
	p->irq = level;
}

static void probe_transmit(void *ctx, uint8_t byte)
{
	struct probe *p = ctx;
	if (p->n_sent < sizeof(p->sent))
		p->sent[p->n_sent++] = byte;
}

static void probe_arm(void *ctx, uint64_t delay_ns)
{
	struct probe *p = ctx;
	p->timer_armed = true;
	p->timer_delay = delay_ns;
}

static void probe_cancel(void *ctx)
{
	struct probe *p = ctx;
	p->timer_armed = false;
}

struct fixture {
	struct uart16550 u;
	struct probe p;
};

static int setup(void **state)
{
	static struct fixture f;
	memset(&f, 0, sizeof(f));
	struct uart16550_io io = { .ctx = &f.p, .set_irq = probe_set_irq,
				   .transmit = probe_transmit, .arm_timeout = probe_arm,
				   .cancel_timeout = probe_cancel };
	uart16550_init(&f.u, &io);
	*state = &f;
	return 0;
}

static uint8_t rd(struct fixture *f, unsigned reg)
{
	return uart16550_read(&f->u, reg);
}

static void wr(struct fixture *f, unsigned reg, uint8_t v)
{
	uart16550_write(&f->u, reg, v);
}

static void receive(struct fixture *f, const char *s)
{
	while (*s)
		uart16550_receive(&f->u, (uint8_t)*s++);
}

/* After reset: nothing pending, THR empty, no FIFO, QEMU's MCR (OUT2). */
static void test_power_on_state(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(rd(f, UART_REG_IIR), UART_IIR_NONE);
	assert_int_equal(rd(f, UART_REG_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(rd(f, UART_REG_MCR), UART_MCR_OUT2);
	assert_int_equal(rd(f, UART_REG_MSR), 0xb0);
	assert_int_equal(uart16550_rx_room(&f->u), 1);
	assert_false(f->p.irq);
}

/* DLAB switches offsets 0 and 1 to the divisor latch; SCR keeps a byte. */
static void test_divisor_latch_and_scratch(void **state)
{
	struct fixture *f = *state;
	wr(f, UART_REG_LCR, UART_LCR_DLAB | 0x03);
	wr(f, UART_REG_DATA, 0x01);
	wr(f, UART_REG_IER, 0x00);
	assert_int_equal(rd(f, UART_REG_DATA), 0x01);
	assert_int_equal(rd(f, UART_REG_IER), 0x00);
	assert_int_equal(f->p.n_sent, 0); /* a divisor write is not a byte sent */
	wr(f, UART_REG_LCR, 0x03);
	wr(f, UART_REG_IER, 0x05);
	assert_int_equal(rd(f, UART_REG_IER), 0x05);
	wr(f, UART_REG_SCR, 0x5a);
	assert_int_equal(rd(f, UART_REG_SCR), 0x5a);
	/* 115200 baud, 10-bit frames: 86.8 us a character */
	assert_int_equal(uart16550_char_ns(&f->u), 86805);
}

/* The FIFO keeps 16 bytes in order; LSR.DR follows it; IIR's top bits say
 * FIFOs are on. */
static void test_fifo_order_and_data_ready(void **state)
{
	struct fixture *f = *state;
	wr(f, UART_REG_IIR, UART_FCR_ENABLE);
	assert_int_equal(rd(f, UART_REG_IIR) & UART_IIR_FIFO, UART_IIR_FIFO);
	assert_int_equal(uart16550_rx_room(&f->u), 16);
	receive(f, "0123456789abcdef");
	assert_int_equal(uart16550_rx_room(&f->u), 0);
	for (const char *c = "0123456789abcdef"; *c; c++) {
		assert_true(rd(f, UART_REG_LSR) & UART_LSR_DR);
		assert_int_equal(rd(f, UART_REG_DATA), *c);
	}
	assert_false(rd(f, UART_REG_LSR) & UART_LSR_DR);
	assert_int_equal(uart16550_rx_room(&f->u), 16);
}

/* A 17th byte overruns: OE set, the FIFO's bytes kept, the new one lost;
 * reading LSR clears OE and the line-status interrupt. */
static void test_overrun(void **state)
{
	struct fixture *f = *state;
	wr(f, UART_REG_IIR, UART_FCR_ENABLE);
	wr(f, UART_REG_IER, UART_IER_RLSI);
	receive(f, "0123456789abcdef");
	assert_false(f->p.irq);
	receive(f, "X");
	assert_true(f->p.irq);
	assert_int_equal(rd(f, UART_REG_IIR), UART_IIR_FIFO | UART_IIR_RLSI);
	assert_int_equal(rd(f, UART_REG_LSR), UART_LSR_OE | UART_LSR_DR | UART_LSR_THRE | UART_LSR_TEMT);
	assert_false(f->p.irq);
	assert_int_equal(rd(f, UART_REG_LSR) & UART_LSR_OE, 0);
	assert_int_equal(rd(f, UART_REG_DATA), '0');
	for (int i = 1; i < 16; i++)
		rd(f, UART_REG_DATA);
	assert_false(rd(f, UART_REG_LSR) & UART_LSR_DR); /* 'X' never arrived */
}

/* Without FIFOs the receiver is one byte: a second one overwrites it. */
static void test_no_fifo_single_holding_register(void **state)
{
	struct fixture *f = *state;
	receive(f, "a");
	assert_int_equal(uart16550_rx_room(&f->u), 0);
	receive(f, "b");
	assert_int_equal(rd(f, UART_REG_LSR) & (UART_LSR_DR | UART_LSR_OE), UART_LSR_DR | UART_LSR_OE);
	assert_int_equal(rd(f, UART_REG_DATA), 'b');
	assert_false(f->p.timer_armed); /* no character timeout without FIFOs */
}

/* Each FCR trigger level: "received data" is pending from that many bytes
 * on, not one before. */
static void test_trigger_levels(void **state)
{
	struct fixture *f = *state;
	static const struct { uint8_t fcr; unsigned level; } levels[] = {
		{ 0x01, 1 }, { 0x41, 4 }, { 0x81, 8 }, { 0xC1, 14 },
	};
	wr(f, UART_REG_IER, UART_IER_RDI);
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		wr(f, UART_REG_IIR, (uint8_t)(levels[i].fcr | UART_FCR_CLEAR_RX));
		for (unsigned n = 1; n <= levels[i].level; n++) {
			uart16550_receive(&f->u, (uint8_t)n);
			bool due = n == levels[i].level;
			assert_int_equal(f->p.irq, due);
			assert_int_equal(rd(f, UART_REG_IIR) & 0x0f, due ? UART_IIR_RDI : UART_IIR_NONE);
		}
	}
}

/* Below the trigger level the character timeout reports the bytes; a read
 * clears it and restarts the wait; an empty FIFO stops the timer. */
static void test_character_timeout(void **state)
{
	struct fixture *f = *state;
	wr(f, UART_REG_IIR, 0xC1); /* trigger 14 */
	wr(f, UART_REG_IER, UART_IER_RDI);
	receive(f, "hi");
	assert_true(f->p.timer_armed);
	assert_int_equal(f->p.timer_delay, 4 * uart16550_char_ns(&f->u));
	assert_false(f->p.irq);
	uart16550_char_timeout(&f->u);
	assert_true(f->p.irq);
	assert_int_equal(rd(f, UART_REG_IIR), UART_IIR_FIFO | UART_IIR_CTI);
	assert_int_equal(rd(f, UART_REG_DATA), 'h');
	assert_false(f->p.irq);
	assert_true(f->p.timer_armed);
	assert_int_equal(rd(f, UART_REG_DATA), 'i');
	assert_false(f->p.timer_armed);
	uart16550_char_timeout(&f->u); /* a late timer with nothing left */
	assert_false(f->p.irq);
}

/* Clearing the receive FIFO (FCR bit 1) drops its bytes and a pending
 * timeout; switching FIFOs off empties them too. */
static void test_fifo_clear(void **state)
{
	struct fixture *f = *state;
	wr(f, UART_REG_IIR, 0xC1);
	wr(f, UART_REG_IER, UART_IER_RDI);
	receive(f, "abc");
	uart16550_char_timeout(&f->u);
	assert_true(f->p.irq);
	wr(f, UART_REG_IIR, 0xC1 | UART_FCR_CLEAR_RX);
	assert_false(f->p.irq);
	assert_false(rd(f, UART_REG_LSR) & UART_LSR_DR);
	receive(f, "x");
	wr(f, UART_REG_IIR, 0x00);
	assert_false(rd(f, UART_REG_LSR) & UART_LSR_DR);
	assert_int_equal(rd(f, UART_REG_IIR) & UART_IIR_FIFO, 0);
}

/* THR empty: raised when IER bit 1 is set with THR empty, cleared by
 * reading IIR while it is the source, raised again after each byte sent
 * (the line rises anew: a new edge for the PIC). */
static void test_thr_empty_interrupt(void **state)
{
	struct fixture *f = *state;
	wr(f, UART_REG_IER, UART_IER_THRI);
	assert_true(f->p.irq);
	assert_int_equal(rd(f, UART_REG_IIR), UART_IIR_THRI);
	assert_false(f->p.irq);
	assert_int_equal(rd(f, UART_REG_IIR), UART_IIR_NONE);
	int edges = f->p.irq_edges;
	wr(f, UART_REG_DATA, 'A');
	assert_int_equal(f->p.n_sent, 1);
	assert_int_equal(f->p.sent[0], 'A');
	assert_true(f->p.irq);
	assert_int_equal(f->p.irq_edges, edges + 1);
	assert_int_equal(rd(f, UART_REG_LSR) & (UART_LSR_THRE | UART_LSR_TEMT),
			 UART_LSR_THRE | UART_LSR_TEMT);
	/* Turning IER bit 1 off forgets it; on again raises it again. */
	wr(f, UART_REG_IER, 0);
	assert_false(f->p.irq);
	wr(f, UART_REG_IER, UART_IER_THRI);
	assert_true(f->p.irq);
}

/* Priorities: line status > received data > THR empty; IIR shows the
 * highest, and the next one once that is served. */
static void test_iir_priorities(void **state)
{
	struct fixture *f = *state;
	wr(f, UART_REG_IIR, UART_FCR_ENABLE); /* trigger 1 */
	wr(f, UART_REG_IER, UART_IER_RDI | UART_IER_THRI | UART_IER_RLSI);
	receive(f, "0123456789abcdefX"); /* 17 bytes: overrun */
	assert_int_equal(rd(f, UART_REG_IIR) & 0x0f, UART_IIR_RLSI);
	rd(f, UART_REG_LSR);
	assert_int_equal(rd(f, UART_REG_IIR) & 0x0f, UART_IIR_RDI);
	for (int i = 0; i < 16; i++)
		rd(f, UART_REG_DATA);
	assert_int_equal(rd(f, UART_REG_IIR) & 0x0f, UART_IIR_THRI);
	assert_int_equal(rd(f, UART_REG_IIR) & 0x0f, UART_IIR_NONE);
	assert_false(f->p.irq);
}

/* With received data pending, reading IIR does not take away the THR
 * interrupt behind it (only showing it does). */
static void test_iir_read_clears_thre_only_when_shown(void **state)
{
	struct fixture *f = *state;
	wr(f, UART_REG_IER, UART_IER_RDI | UART_IER_THRI);
	receive(f, "z");
	assert_int_equal(rd(f, UART_REG_IIR), UART_IIR_RDI);
	assert_int_equal(rd(f, UART_REG_DATA), 'z');
	assert_int_equal(rd(f, UART_REG_IIR), UART_IIR_THRI);
}

/* Loopback: bytes written come back to the receiver, not to the line; the
 * line's input waits (no room); MSR mirrors MCR's outputs. */
static void test_loopback(void **state)
{
	struct fixture *f = *state;
	wr(f, UART_REG_IIR, 0xC7);
	wr(f, UART_REG_MCR, 0x1E); /* the OSDev wiki's self-test */
	assert_int_equal(uart16550_rx_room(&f->u), 0);
	wr(f, UART_REG_DATA, 0xAE);
	assert_int_equal(f->p.n_sent, 0);
	assert_true(rd(f, UART_REG_LSR) & UART_LSR_DR);
	assert_int_equal(rd(f, UART_REG_DATA), 0xAE);
	/* RTS->CTS, OUT1->RI, OUT2->DCD; DTR off so DSR off */
	assert_int_equal(rd(f, UART_REG_MSR), 0xD0);
	wr(f, UART_REG_MCR, 0x11);
	assert_int_equal(rd(f, UART_REG_MSR), 0x20);
	wr(f, UART_REG_MCR, 0x0F);
	assert_int_equal(rd(f, UART_REG_MSR), 0xb0);
	assert_int_equal(uart16550_rx_room(&f->u), 16);
	wr(f, UART_REG_DATA, 'k');
	assert_int_equal(f->p.n_sent, 1);
}

/* OUT2 gates the line: a pending interrupt reaches the PIC only with MCR
 * bit 3 set, and never in loopback; IIR shows it either way. */
static void test_out2_gates_irq(void **state)
{
	struct fixture *f = *state;
	wr(f, UART_REG_MCR, UART_MCR_DTR | UART_MCR_RTS); /* OUT2 off */
	wr(f, UART_REG_IER, UART_IER_RDI);
	receive(f, "q");
	assert_int_equal(rd(f, UART_REG_IIR), UART_IIR_RDI);
	assert_false(f->p.irq);
	wr(f, UART_REG_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	assert_true(f->p.irq);
	wr(f, UART_REG_MCR, UART_MCR_OUT2 | UART_MCR_LOOP);
	assert_false(f->p.irq);
	wr(f, UART_REG_MCR, UART_MCR_OUT2);
	assert_true(f->p.irq);
	rd(f, UART_REG_DATA);
	assert_false(f->p.irq);
}

/* Interrupts off in IER: nothing reaches the line, whatever is pending. */
static void test_ier_masks_everything(void **state)
{
	struct fixture *f = *state;
	wr(f, UART_REG_IIR, 0x01);
	receive(f, "0123456789abcdefX");
	assert_false(f->p.irq);
	assert_int_equal(rd(f, UART_REG_IIR), UART_IIR_FIFO | UART_IIR_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_power_on_state, setup),
		cmocka_unit_test_setup(test_divisor_latch_and_scratch, setup),
		cmocka_unit_test_setup(test_fifo_order_and_data_ready, setup),
		cmocka_unit_test_setup(test_overrun, setup),
		cmocka_unit_test_setup(test_no_fifo_single_holding_register, setup),
		cmocka_unit_test_setup(test_trigger_levels, setup),
		cmocka_unit_test_setup(test_character_timeout, setup),
		cmocka_unit_test_setup(test_fifo_clear, setup),
		cmocka_unit_test_setup(test_thr_empty_interrupt, setup),
		cmocka_unit_test_setup(test_iir_priorities, setup),
		cmocka_unit_test_setup(test_iir_read_clears_thre_only_when_shown, setup),
		cmocka_unit_test_setup(test_loopback, setup),
		cmocka_unit_test_setup(test_out2_gates_irq, setup),
		cmocka_unit_test_setup(test_ier_masks_everything, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
