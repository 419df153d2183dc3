/*
 * The 8259A pair (i8259.h). The chip logic follows QEMU's hw/intc/i8259.c
 * (priorities with rotation, edge/level latching, the OCW decoding) so that
 * a guest sees the same registers under both; the VM glue at the end is
 * thin: ports, and the irqchip_ops the run loop and the exit trace call.
 */
#include "i8259.h"

#include <stdlib.h>

#include "vm.h"

#define MASTER 0
#define SLAVE 1
#define SPURIOUS_LINE 7

/* The slave's INT output drives the master's IRQ2 input. */
static struct i8259 *master_of(struct i8259_pair *pic) { return &pic->chip[MASTER]; }
static struct i8259 *slave_of(struct i8259_pair *pic) { return &pic->chip[SLAVE]; }

static void chip_reset(struct i8259 *c, bool is_master)
{
	*c = (struct i8259){ .is_master = is_master, .elcr_mask = is_master ? 0xF8 : 0xDE };
}

void i8259_reset(struct i8259_pair *pic)
{
	struct i8259 *m = master_of(pic), *s = slave_of(pic);
	chip_reset(m, true);
	chip_reset(s, false);
	/* SeaBIOS: ICW1 0x11, ICW2 0x08 / 0x70, ICW3 0x04 / 0x02, ICW4 0x01,
	 * then its drivers open the lines they use; QEMU's `info pic` after
	 * boot shows these masks and ELCR values. */
	m->irq_base = 0x08;
	m->imr = 0xB8;
	s->irq_base = 0x70;
	s->imr = 0x8E;
	s->elcr = 0x0C;
}

/* Priority (0 highest) of the highest-priority bit in mask, 8 if none. */
static int priority_of(const struct i8259 *c, uint8_t mask)
{
	if (!mask)
		return 8;
	int p = 0;
	while (!(mask & (1u << ((p + c->priority_add) & 7))))
		p++;
	return p;
}

/* The line this chip would raise INT for, or -1. */
static int chip_request(const struct i8259 *c)
{
	int p = priority_of(c, c->irr & ~c->imr);
	if (p == 8)
		return -1;
	/* What is in service blocks equal and lower priorities; special mask
	 * mode ignores masked lines' in-service bits, and in special fully
	 * nested mode the master lets the slave interrupt its own IRQ2. */
	uint8_t in_service = c->isr;
	if (c->special_mask)
		in_service &= ~c->imr;
	if (c->special_fully_nested && c->is_master)
		in_service &= ~(1u << I8259_CASCADE_IRQ);
	if (p < priority_of(c, in_service))
		return (p + c->priority_add) & 7;
	return -1;
}

static void chip_set_input(struct i8259 *c, unsigned line, bool level)
{
	uint8_t bit = (uint8_t)(1u << line);
	if (c->ltim || (c->elcr & bit)) {
		/* Level-triggered: the request is the line itself. */
		if (level) {
			c->irr |= bit;
			c->last_irr |= bit;
		} else {
			c->irr &= ~bit;
			c->last_irr &= ~bit;
		}
	} else if (level) {
		/* Edge-triggered: a rising edge latches until acknowledged. */
		if (!(c->last_irr & bit))
			c->irr |= bit;
		c->last_irr |= bit;
	} else {
		c->last_irr &= ~bit;
	}
}

/* Re-samples the cascade after anything that may change the slave's output. */
static void update_cascade(struct i8259_pair *pic)
{
	chip_set_input(master_of(pic), I8259_CASCADE_IRQ, chip_request(slave_of(pic)) >= 0);
}

/* The acknowledge of `line` on one chip (INTA or poll). */
static void chip_ack(struct i8259 *c, int line)
{
	if (c->auto_eoi) {
		if (c->rotate_on_auto_eoi)
			c->priority_add = (uint8_t)((line + 1) & 7);
	} else {
		c->isr |= (uint8_t)(1u << line);
	}
	/* A level-triggered request stays until the device drops its line. */
	if (!(c->elcr & (1u << line)) && !c->ltim)
		c->irr &= (uint8_t)~(1u << line);
	/* The cascade input is consumed with its acknowledge: if the slave
	 * still has a request for the CPU (auto-EOI, special fully nested), the
	 * next update_cascade() latches it again instead of losing it. */
	if (c->is_master && line == I8259_CASCADE_IRQ)
		c->last_irr &= (uint8_t)~(1u << I8259_CASCADE_IRQ);
}

int i8259_pending_vector(const struct i8259_pair *pic)
{
	const struct i8259 *m = &pic->chip[MASTER], *s = &pic->chip[SLAVE];
	int line = chip_request(m);
	if (line < 0)
		return -1;
	if (line != I8259_CASCADE_IRQ)
		return m->irq_base + line;
	int sline = chip_request(s);
	return s->irq_base + (sline >= 0 ? sline : SPURIOUS_LINE);
}

int i8259_inta(struct i8259_pair *pic)
{
	struct i8259 *m = master_of(pic), *s = slave_of(pic);
	int line = chip_request(m);
	if (line < 0)
		return m->irq_base + SPURIOUS_LINE; /* nothing in service */
	int vector;
	if (line == I8259_CASCADE_IRQ) {
		int sline = chip_request(s);
		if (sline >= 0)
			chip_ack(s, sline);
		vector = s->irq_base + (sline >= 0 ? sline : SPURIOUS_LINE);
	} else {
		vector = m->irq_base + line;
	}
	chip_ack(m, line);
	update_cascade(pic);
	return vector;
}

void i8259_set_irq(struct i8259_pair *pic, unsigned irq, bool level)
{
	/* Line 2 is the cascade: on a PC no device drives it. */
	if (irq >= 16 || irq == I8259_CASCADE_IRQ)
		return;
	chip_set_input(&pic->chip[irq / 8], irq % 8, level);
	update_cascade(pic);
}

/* ICW1: the chip starts initialization. ELCR survives, as on the PIIX. */
static void start_init(struct i8259 *c, uint8_t icw1)
{
	c->last_irr = 0;
	c->irr &= c->elcr;
	c->imr = c->isr = 0;
	c->priority_add = 0;
	c->irq_base = 0;
	c->read_isr = c->poll = c->special_mask = false;
	c->auto_eoi = c->rotate_on_auto_eoi = c->special_fully_nested = false;
	c->init4 = icw1 & 0x01;
	c->single_mode = icw1 & 0x02;
	c->ltim = icw1 & 0x08;
	c->init_state = 1;
}

static void write_ocw2(struct i8259 *c, uint8_t value)
{
	int line = value & 7;
	switch (value >> 5) {
	case 0: /* rotate in auto-EOI mode: clear */
	case 4: /* ... set */
		c->rotate_on_auto_eoi = value >> 7;
		break;
	case 1: /* non-specific EOI: the highest-priority line in service */
	case 5: { /* ... and rotate: it becomes the lowest priority */
		int p = priority_of(c, c->isr);
		if (p != 8) {
			line = (p + c->priority_add) & 7;
			c->isr &= (uint8_t)~(1u << line);
			if (value >> 5 == 5)
				c->priority_add = (uint8_t)((line + 1) & 7);
		}
		break;
	}
	case 3: /* specific EOI */
		c->isr &= (uint8_t)~(1u << line);
		break;
	case 6: /* set priority: line becomes the lowest */
		c->priority_add = (uint8_t)((line + 1) & 7);
		break;
	case 7: /* specific EOI and rotate */
		c->isr &= (uint8_t)~(1u << line);
		c->priority_add = (uint8_t)((line + 1) & 7);
		break;
	default: /* 2: no operation */
		break;
	}
}

static void write_command(struct i8259 *c, uint8_t value)
{
	if (value & 0x10) {
		start_init(c, value);
	} else if (value & 0x08) { /* OCW3 */
		if (value & 0x04)
			c->poll = true;
		if (value & 0x02)
			c->read_isr = value & 0x01;
		if (value & 0x40)
			c->special_mask = (value >> 5) & 1;
	} else {
		write_ocw2(c, value);
	}
}

static void write_data(struct i8259_pair *pic, struct i8259 *c, uint8_t value)
{
	switch (c->init_state) {
	case 0: { /* OCW1 */
		uint8_t opened = (uint8_t)~value;
		c->imr = value;
		for (unsigned line = 0; line < 8 && pic->on_unmask; line++)
			if (opened & (1u << line))
				pic->on_unmask(pic->ctx, (c->is_master ? 0 : 8) + line);
		break;
	}
	case 1: /* ICW2 */
		c->irq_base = value & 0xF8;
		c->init_state = c->single_mode ? (c->init4 ? 3 : 0) : 2;
		break;
	case 2: /* ICW3: the wiring is fixed */
		c->init_state = c->init4 ? 3 : 0;
		break;
	case 3: /* ICW4 */
		c->auto_eoi = value & 0x02;
		c->special_fully_nested = value & 0x10;
		c->init_state = 0;
		break;
	}
}

void i8259_write(struct i8259_pair *pic, uint16_t port, uint8_t value)
{
	switch (port) {
	case I8259_MASTER_PORT:
	case I8259_SLAVE_PORT:
		write_command(&pic->chip[port == I8259_SLAVE_PORT], value);
		break;
	case I8259_MASTER_PORT + 1:
	case I8259_SLAVE_PORT + 1:
		write_data(pic, &pic->chip[port == I8259_SLAVE_PORT + 1], value);
		break;
	case I8259_ELCR_PORT:
	case I8259_ELCR_PORT + 1: {
		struct i8259 *c = &pic->chip[port - I8259_ELCR_PORT];
		c->elcr = value & c->elcr_mask;
		break;
	}
	default:
		return;
	}
	update_cascade(pic);
}

/* OCW3's poll: the read is the acknowledge, without a vector. */
static uint8_t poll_read(struct i8259_pair *pic, struct i8259 *c)
{
	c->poll = false;
	int line = chip_request(c);
	if (line < 0)
		return 0;
	chip_ack(c, line);
	update_cascade(pic);
	return (uint8_t)(0x80 | line);
}

uint8_t i8259_read(struct i8259_pair *pic, uint16_t port)
{
	switch (port) {
	case I8259_MASTER_PORT:
	case I8259_SLAVE_PORT: {
		struct i8259 *c = &pic->chip[port == I8259_SLAVE_PORT];
		if (c->poll)
			return poll_read(pic, c);
		return c->read_isr ? c->isr : c->irr;
	}
	case I8259_MASTER_PORT + 1:
	case I8259_SLAVE_PORT + 1: {
		struct i8259 *c = &pic->chip[port == I8259_SLAVE_PORT + 1];
		return c->poll ? poll_read(pic, c) : c->imr;
	}
	case I8259_ELCR_PORT:
	case I8259_ELCR_PORT + 1:
		return pic->chip[port - I8259_ELCR_PORT].elcr;
	default:
		return 0xFF;
	}
}

/* ---- the VM glue ---- */

/* One range per port pair: the opaque tells the handler which. Wider
 * accesses are split into byte accesses of consecutive ports. */
struct pic_range {
	struct i8259_pair *pair;
	uint16_t base;
};

static uint64_t pic_port_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pic_range *r = opaque;
	uint64_t value = 0;
	for (unsigned i = 0; i < size; i++) {
		uint8_t byte = offset + i < 2 ? i8259_read(r->pair, (uint16_t)(r->base + offset + i))
					      : 0xFF;
		value |= (uint64_t)byte << (8 * i);
	}
	return value;
}

static void pic_port_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct pic_range *r = opaque;
	for (unsigned i = 0; i < size && offset + i < 2; i++)
		i8259_write(r->pair, (uint16_t)(r->base + offset + i), (uint8_t)(value >> (8 * i)));
}

static const struct io_ops pic_port_ops = { pic_port_read, pic_port_write };

static void ops_set_irq(void *opaque, unsigned irq, bool level)
{
	i8259_set_irq(opaque, irq, level);
}

static int ops_pending_vector(void *opaque)
{
	return i8259_pending_vector(opaque);
}

/* The run loop acknowledges only what pending_vector() offered (irq.h). */
static int ops_acknowledge(void *opaque)
{
	if (i8259_pending_vector(opaque) < 0)
		return -1;
	return i8259_inta(opaque);
}

/* Each chip's vector base is a multiple of 8 (ICW2): the chip whose base it
 * is, line vector & 7 there. Two chips given one base (a guest's mistake):
 * the master's line is named. */
static int ops_line_of_vector(void *opaque, int vector)
{
	const struct i8259_pair *pic = opaque;
	for (int c = 0; c < 2; c++)
		if ((vector & 0xF8) == pic->chip[c].irq_base)
			return c * 8 + (vector & 7);
	return -1;
}

static const struct irqchip_ops pic_irqchip_ops = { ops_set_irq, ops_pending_vector,
						    ops_acknowledge, ops_line_of_vector };

static void report_unmask(void *ctx, unsigned irq)
{
	vm_irq_unmasked(ctx, irq);
}

struct pic_device {
	struct i8259_pair pair;
	struct pic_range ranges[3];
};

static void pic_free(struct vm *vm, void *opaque)
{
	(void)vm;
	free(opaque);
}

int i8259_register(struct vm *vm)
{
	struct pic_device *dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -1;
	/* Freed with the VM, whatever fails below: the bus may hold it already. */
	if (vm_add_destroy_hook(vm, pic_free, dev) < 0) {
		free(dev);
		return -1;
	}
	i8259_reset(&dev->pair);
	dev->pair.on_unmask = report_unmask;
	dev->pair.ctx = vm;
	static const struct {
		uint16_t base;
		const char *name;
	} ports[3] = {
		{ I8259_MASTER_PORT, "pic-master" },
		{ I8259_SLAVE_PORT, "pic-slave" },
		{ I8259_ELCR_PORT, "pic-elcr" },
	};
	for (int i = 0; i < 3; i++) {
		dev->ranges[i] = (struct pic_range){ &dev->pair, ports[i].base };
		if (vm_register_pio(vm, ports[i].base, 2, ports[i].name, &pic_port_ops, &dev->ranges[i]) < 0)
			return -1;
	}
	/* Writes exit, EOI included. Queuing them in KVM's coalesced ring would
	 * save one exit per interrupt (about 0.1% of a core at 100 Hz here), but
	 * registering the ring's zone waits for KVM's grace periods, about 6 ms
	 * at every start, interrupts used or not (docs/devices.md). */
	return vm_set_irqchip(vm, &pic_irqchip_ops, &dev->pair);
}
