/*
 * The 8254 and port 0x61 (i8254.h). Every value is a function of the guest
 * clock: a counter remembers when its count started, and the count, OUT and
 * the next interrupt edge are computed from the clocks elapsed since then.
 */
#include "i8254.h"

#include <stdlib.h>

#include "vm.h"

#define NS_PER_S 1000000000ull

/* Whole input clocks in [start_ns, now_ns). Split in seconds and the rest,
 * so that no product overflows 64 bits however long the guest runs. */
static uint64_t clocks_between(uint64_t start_ns, uint64_t now_ns)
{
	if (now_ns <= start_ns)
		return 0;
	uint64_t d = now_ns - start_ns;
	return d / NS_PER_S * I8254_HZ + d % NS_PER_S * I8254_HZ / NS_PER_S;
}

/* The first instant (ns after the start) at which `clocks` clocks have
 * elapsed: clocks_between(s, s + clocks_to_ns(n)) == n exactly. */
static uint64_t clocks_to_ns(uint64_t clocks)
{
	uint64_t rest = clocks % I8254_HZ;
	return clocks / I8254_HZ * NS_PER_S + (rest * NS_PER_S + I8254_HZ - 1) / I8254_HZ;
}

static uint16_t to_bcd(uint32_t v)
{
	return (uint16_t)(v % 10 | (v / 10 % 10) << 4 | (v / 100 % 10) << 8 | (v / 1000 % 10) << 12);
}

static uint32_t from_bcd(uint16_t v)
{
	return (v & 0xF) + (v >> 4 & 0xF) * 10 + (v >> 8 & 0xF) * 100 + (v >> 12 & 0xF) * 1000u;
}

static uint32_t modulus(const struct i8254_counter *c)
{
	return c->bcd ? 10000 : 65536;
}

/* The count register as a number of clocks: 0 is the largest count. */
static uint32_t decoded_count(const struct i8254_counter *c)
{
	uint32_t n = c->bcd ? from_bcd(c->count_reg) : c->count_reg;
	return n ? n : modulus(c);
}

static uint64_t elapsed(const struct i8254_counter *c, uint64_t now_ns)
{
	if (c->suspended)
		return c->frozen_ticks;
	return c->base_ticks + clocks_between(c->start_ns, now_ns);
}

/* The counting element as a number (0..modulus-1). */
static uint32_t value_at(const struct i8254_counter *c, uint64_t now_ns)
{
	if (!c->counting)
		return c->held;
	uint64_t d = elapsed(c, now_ns);
	uint32_t n = c->initial, mod = modulus(c);
	uint64_t v;
	switch (c->mode) {
	case 2: /* n, n-1 ... 1, reload */
		v = n - d % n;
		break;
	case 3: /* twice as fast, each half period (QEMU's formula for odd n) */
		v = n - (2 * d) % n;
		break;
	default: /* 0, 1, 4, 5: down from n, wrapping past 0 */
		v = (n + mod - d % mod) % mod;
		break;
	}
	return (uint32_t)(v % mod);
}

static bool out_at(const struct i8254_counter *c, uint64_t now_ns)
{
	if (!c->counting)
		return c->mode != 0; /* mode 0 sets OUT low at the control word */
	if (c->suspended && (c->mode == 2 || c->mode == 3))
		return true;
	uint64_t d = elapsed(c, now_ns), n = c->initial;
	switch (c->mode) {
	case 0: /* low until the terminal count */
	case 1: /* low from the trigger until the terminal count */
		return d >= n;
	case 2: /* low for the one clock before the reload */
		return d % n != n - 1;
	case 3: /* high for the first half (rounded up), low for the second */
		return d % n < (n + 1) / 2;
	default: /* 4, 5: low for one clock at the terminal count */
		return d != n;
	}
}

/* The first clock count (> d) at which OUT rises, or UINT64_MAX. */
static uint64_t next_rising_clock(const struct i8254_counter *c, uint64_t d)
{
	uint64_t n = c->initial;
	switch (c->mode) {
	case 0:
	case 1:
		return d < n ? n : UINT64_MAX;
	case 2:
	case 3:
		if (n == 1) /* OUT never changes: mode 2 stays low, mode 3 high */
			return UINT64_MAX;
		return (d / n + 1) * n;
	default:
		return d < n + 1 ? n + 1 : UINT64_MAX;
	}
}

static void start_counting(struct i8254_counter *c, uint64_t now_ns)
{
	c->initial = decoded_count(c);
	c->counting = true;
	c->null_count = false;
	c->start_ns = now_ns;
	c->base_ticks = 0;
	c->suspended = false;
	/* In modes 0, 2, 3, 4 a low gate holds the loaded count. */
	if (!c->gate && c->mode != 1 && c->mode != 5) {
		c->suspended = true;
		c->frozen_ticks = 0;
	}
}

static void stop_counting(struct i8254_counter *c, uint64_t now_ns)
{
	c->held = (uint16_t)value_at(c, now_ns);
	c->counting = false;
	c->suspended = false;
}

/* A whole count was written to the count register. */
static void count_written(struct i8254_counter *c, uint16_t count, uint64_t now_ns)
{
	c->count_reg = count;
	c->count_written = true;
	if (c->mode == 1 || c->mode == 5) {
		c->null_count = true; /* loaded at the next trigger */
		return;
	}
	start_counting(c, now_ns);
}

void i8254_set_gate(struct i8254 *pit, unsigned ctr, bool gate, uint64_t now_ns)
{
	struct i8254_counter *c = &pit->ctr[ctr];
	bool rising = gate && !c->gate;
	bool falling = !gate && c->gate;
	c->gate = gate;
	switch (c->mode) {
	case 0:
	case 4: /* the gate enables counting */
		if (falling && c->counting) {
			c->frozen_ticks = elapsed(c, now_ns);
			c->suspended = true;
		} else if (rising && c->counting && c->suspended) {
			c->base_ticks = c->frozen_ticks;
			c->start_ns = now_ns;
			c->suspended = false;
		}
		break;
	case 1:
	case 5: /* a rising edge triggers the count */
		if (rising && c->count_written)
			start_counting(c, now_ns);
		break;
	default: /* 2, 3: low holds OUT high; a rising edge reloads */
		if (falling && c->counting) {
			c->frozen_ticks = elapsed(c, now_ns);
			c->suspended = true;
		} else if (rising && c->counting) {
			c->start_ns = now_ns;
			c->base_ticks = 0;
			c->suspended = false;
		}
		break;
	}
}

static uint8_t status_of(const struct i8254_counter *c, uint64_t now_ns)
{
	return (uint8_t)(out_at(c, now_ns) << 7 | c->null_count << 6 | c->access << 4 |
			 c->mode_bits << 1 | c->bcd);
}

static void latch_count(struct i8254_counter *c, uint64_t now_ns)
{
	if (c->latch_bytes)
		return; /* the first latch holds until it is read */
	uint32_t v = value_at(c, now_ns);
	c->latched_count = c->bcd ? to_bcd(v) : (uint16_t)v;
	c->latch_bytes = c->access == 3 ? 2 : 1;
}

static void latch_status(struct i8254_counter *c, uint64_t now_ns)
{
	if (c->status_latched)
		return;
	c->latched_status = status_of(c, now_ns);
	c->status_latched = true;
}

static void write_control(struct i8254 *pit, uint8_t value, uint64_t now_ns)
{
	unsigned sel = value >> 6;
	if (sel == 3) { /* read-back: bit 5 clear latches counts, bit 4 statuses */
		for (unsigned i = 0; i < 3; i++) {
			if (!(value & (2u << i)))
				continue;
			if (!(value & 0x20))
				latch_count(&pit->ctr[i], now_ns);
			if (!(value & 0x10))
				latch_status(&pit->ctr[i], now_ns);
		}
		return;
	}
	struct i8254_counter *c = &pit->ctr[sel];
	unsigned access = (value >> 4) & 3;
	if (access == 0) { /* counter latch command */
		latch_count(c, now_ns);
		return;
	}
	/* A control word resets the counter's logic: it waits for a count. */
	stop_counting(c, now_ns);
	c->access = (uint8_t)access;
	c->mode_bits = (value >> 1) & 7;
	c->mode = c->mode_bits > 5 ? c->mode_bits - 4 : c->mode_bits;
	c->bcd = value & 1;
	c->count_written = false;
	c->null_count = true;
	c->write_hi_next = c->read_hi_next = false;
	c->latch_bytes = 0;
	c->status_latched = false;
}

static void write_counter(struct i8254_counter *c, uint8_t value, uint64_t now_ns)
{
	switch (c->access) {
	case 2:
		count_written(c, (uint16_t)(value << 8), now_ns);
		break;
	case 3:
		if (!c->write_hi_next) {
			c->write_lo = value;
			c->write_hi_next = true;
			/* Mode 0: the first byte stops the count, OUT low. */
			if (c->mode == 0 && c->counting) {
				stop_counting(c, now_ns);
				c->count_written = false;
			}
		} else {
			c->write_hi_next = false;
			count_written(c, (uint16_t)(c->write_lo | value << 8), now_ns);
		}
		break;
	default: /* 1, and 0 as QEMU treats it */
		count_written(c, value, now_ns);
		break;
	}
}

static uint8_t read_counter(struct i8254_counter *c, uint64_t now_ns)
{
	if (c->status_latched) {
		c->status_latched = false;
		return c->latched_status;
	}
	uint16_t v;
	bool hi;
	if (c->latch_bytes) {
		v = c->latched_count;
		/* A two-byte latch gives its low byte first. */
		hi = c->access == 2 || (c->access == 3 && c->latch_bytes == 1);
		c->latch_bytes--;
	} else {
		uint32_t now = value_at(c, now_ns);
		v = c->bcd ? to_bcd(now) : (uint16_t)now;
		hi = c->access == 2 || (c->access == 3 && c->read_hi_next);
		if (c->access == 3)
			c->read_hi_next = !c->read_hi_next;
	}
	return (uint8_t)(hi ? v >> 8 : v);
}

void i8254_write(struct i8254 *pit, unsigned offset, uint8_t value, uint64_t now_ns)
{
	if (offset == 3)
		write_control(pit, value, now_ns);
	else if (offset < 3)
		write_counter(&pit->ctr[offset], value, now_ns);
}

uint8_t i8254_read(struct i8254 *pit, unsigned offset, uint64_t now_ns)
{
	if (offset >= 3)
		return 0xFF; /* the control word register cannot be read */
	return read_counter(&pit->ctr[offset], now_ns);
}

void i8254_port61_write(struct i8254 *pit, uint8_t value, uint64_t now_ns)
{
	pit->speaker_data = value & 0x02;
	pit->port61_nmi = value & 0x0C;
	i8254_set_gate(pit, 2, value & 0x01, now_ns);
}

uint8_t i8254_port61_read(struct i8254 *pit, uint64_t now_ns)
{
	const struct i8254_counter *c2 = &pit->ctr[2];
	bool refresh = (now_ns / I8254_REFRESH_NS) & 1;
	return (uint8_t)(c2->gate | pit->speaker_data << 1 | pit->port61_nmi | refresh << 4 |
			 out_at(c2, now_ns) << 5);
}

bool i8254_out(const struct i8254 *pit, unsigned ctr, uint64_t now_ns)
{
	return out_at(&pit->ctr[ctr], now_ns);
}

uint16_t i8254_count(const struct i8254 *pit, unsigned ctr, uint64_t now_ns)
{
	const struct i8254_counter *c = &pit->ctr[ctr];
	uint32_t v = value_at(c, now_ns);
	return c->bcd ? to_bcd(v) : (uint16_t)v;
}

uint64_t i8254_next_rising_edge(const struct i8254 *pit, unsigned ctr, uint64_t after_ns)
{
	const struct i8254_counter *c = &pit->ctr[ctr];
	if (!c->counting || c->suspended)
		return UINT64_MAX;
	uint64_t clock = next_rising_clock(c, elapsed(c, after_ns));
	if (clock == UINT64_MAX)
		return UINT64_MAX;
	/* From the start of this count: whole periods, no accumulated error. */
	return c->start_ns + clocks_to_ns(clock - c->base_ticks);
}

void i8254_reset(struct i8254 *pit, uint64_t now_ns)
{
	*pit = (struct i8254){ 0 };
	for (unsigned i = 0; i < 3; i++) {
		struct i8254_counter *c = &pit->ctr[i];
		/* QEMU's power-on state: mode 3, count 0, gates 0 and 1 high. */
		c->mode = c->mode_bits = 3;
		c->gate = i != 2;
		count_written(c, 0, now_ns);
	}
	/* SeaBIOS: 0x34 to port 0x43, then 0, 0 to port 0x40. */
	i8254_write(pit, 3, 0x34, now_ns);
	i8254_write(pit, 0, 0, now_ns);
	i8254_write(pit, 0, 0, now_ns);
}

/* ---- the VM glue ---- */

struct pit_device {
	struct i8254 pit;
	struct vm *vm;
	struct vm_timer irq0;
	uint64_t edge_ns;       /* the counter 0 edge the timer is armed for */
	uint64_t last_pulse_ns;
};

/* Arms the IRQ0 timer for counter 0's edge at edge_ns (UINT64_MAX: none),
 * never sooner than the minimum interval after the last pulse. */
static void arm_irq0(struct pit_device *dev, uint64_t edge_ns)
{
	dev->edge_ns = edge_ns;
	if (edge_ns == UINT64_MAX) {
		vm_timer_cancel(dev->vm, &dev->irq0);
		return;
	}
	uint64_t earliest = dev->last_pulse_ns + I8254_MIN_IRQ_INTERVAL_NS;
	vm_timer_arm(dev->vm, &dev->irq0, edge_ns > earliest ? edge_ns : earliest);
}

static void pulse_irq0(struct pit_device *dev, uint64_t now_ns)
{
	vm_pulse_irq(dev->vm, 0);
	dev->last_pulse_ns = now_ns;
}

/* The edge at dev->edge_ns has come: pulse, then aim at the edge after it,
 * which is already past if vmm ran late (the host did not schedule it in
 * time): those come next, I8254_MIN_IRQ_INTERVAL_NS apart, unless vmm is
 * more than I8254_MAX_CATCH_UP_NS behind, when it skips to the future. */
static void irq0_due(struct vm *vm, void *opaque)
{
	struct pit_device *dev = opaque;
	uint64_t now = vm_clock_ns(vm);
	pulse_irq0(dev, now);
	uint64_t next = i8254_next_rising_edge(&dev->pit, 0, dev->edge_ns);
	if (next != UINT64_MAX && next + I8254_MAX_CATCH_UP_NS < now)
		next = i8254_next_rising_edge(&dev->pit, 0, now);
	arm_irq0(dev, next);
}

/* Before the guest reprograms counter 0: an edge that came before this
 * write but whose timer has not run yet still reaches the 8259, as it would
 * have from the chip. */
static void deliver_due_edge(struct pit_device *dev, uint64_t now_ns)
{
	if (dev->irq0.armed && dev->edge_ns <= now_ns)
		pulse_irq0(dev, now_ns);
}

static uint64_t pit_port_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pit_device *dev = opaque;
	uint64_t now = vm_clock_ns(dev->vm), value = 0;
	for (unsigned i = 0; i < size; i++) {
		uint8_t byte = offset + i < 4 ? i8254_read(&dev->pit, (unsigned)(offset + i), now) : 0xFF;
		value |= (uint64_t)byte << (8 * i);
	}
	return value;
}

static void pit_port_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct pit_device *dev = opaque;
	uint64_t now = vm_clock_ns(dev->vm);
	for (unsigned i = 0; i < size && offset + i < 4; i++) {
		uint8_t byte = (uint8_t)(value >> (8 * i));
		/* Latches and read-backs change nothing: the armed edge stands. */
		bool to_counter0 = offset + i == 0 || (offset + i == 3 && byte >> 6 == 0 && (byte & 0x30));
		if (to_counter0)
			deliver_due_edge(dev, now);
		i8254_write(&dev->pit, (unsigned)(offset + i), byte, now);
		if (to_counter0)
			arm_irq0(dev, i8254_next_rising_edge(&dev->pit, 0, now));
	}
}

static uint64_t port61_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pit_device *dev = opaque;
	(void)offset;
	uint64_t value = i8254_port61_read(&dev->pit, vm_clock_ns(dev->vm));
	for (unsigned i = 1; i < size; i++)
		value |= 0xFFull << (8 * i); /* past port 0x61: nothing */
	return value;
}

static void port61_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct pit_device *dev = opaque;
	(void)offset, (void)size;
	i8254_port61_write(&dev->pit, (uint8_t)value, vm_clock_ns(dev->vm));
}

static const struct io_ops pit_ops = { pit_port_read, pit_port_write };
static const struct io_ops port61_ops = { port61_read, port61_write };

static void pit_free(struct vm *vm, void *opaque)
{
	struct pit_device *dev = opaque;
	vm_timer_cancel(vm, &dev->irq0);
	free(dev);
}

int i8254_register(struct vm *vm)
{
	struct pit_device *dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -1;
	/* Freed with the VM, whatever fails below: the bus may hold it already. */
	if (vm_add_destroy_hook(vm, pit_free, dev) < 0) {
		free(dev);
		return -1;
	}
	dev->vm = vm;
	vm_timer_init(&dev->irq0, irq0_due, dev);
	uint64_t now = vm_clock_ns(vm);
	i8254_reset(&dev->pit, now);
	dev->last_pulse_ns = now - I8254_MIN_IRQ_INTERVAL_NS;
	if (vm_register_pio(vm, I8254_PORT, 4, "pit", &pit_ops, dev) < 0 ||
	    vm_register_pio(vm, I8254_PORT61, 1, "port61", &port61_ops, dev) < 0)
		return -1;
	arm_irq0(dev, i8254_next_rising_edge(&dev->pit, 0, now));
	return 0;
}
