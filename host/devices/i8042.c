/*
 * The i8042 and its keyboard (i8042.h): first the keyboard, then the
 * controller in front of it, then the VM glue.
 */
#include "i8042.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "scancodes.h"
#include "system_control.h"
#include "vm.h"

/* Controller commands (port 0x64). */
#define CMD_READ_RAM_FIRST 0x20 /* 0x20: the command byte; 0x21-0x3F: its RAM */
#define CMD_READ_RAM_LAST 0x3F
#define CMD_WRITE_RAM_FIRST 0x60
#define CMD_WRITE_RAM_LAST 0x7F
#define CMD_AUX_DISABLE 0xA7
#define CMD_AUX_ENABLE 0xA8
#define CMD_AUX_TEST 0xA9
#define CMD_SELF_TEST 0xAA
#define CMD_KBD_TEST 0xAB
#define CMD_KBD_DISABLE 0xAD
#define CMD_KBD_ENABLE 0xAE
#define CMD_READ_OUTPUT_PORT 0xD0
#define CMD_WRITE_OUTPUT_PORT 0xD1
#define CMD_WRITE_KBD_BUFFER 0xD2
#define CMD_WRITE_AUX_BUFFER 0xD3
#define CMD_WRITE_AUX 0xD4
#define CMD_PULSE_FIRST 0xF0 /* 0xF0-0xFF: pulse output port bits 3-0 low where clear */

#define SELF_TEST_OK 0x55
#define PORT_TEST_OK 0x00
#define AUX_TEST_CLOCK_STUCK_LOW 0x01 /* no mouse port: "clock line stuck low" */

#define OUTPUT_PORT_RESET 0x01 /* clear: the CPU is held in reset */
#define OUTPUT_PORT_A20 0x02
#define OUTPUT_PORT_OBF 0x10
/* QEMU's value: not in reset, A20 on, the unused bits high. */
#define OUTPUT_PORT_BOOT 0xCF

/* The keyboard's commands (port 0x60) and answers. */
#define KBD_SET_LEDS 0xED
#define KBD_ECHO 0xEE
#define KBD_SCANCODE_SET 0xF0
#define KBD_IDENTIFY 0xF2
#define KBD_TYPEMATIC 0xF3
#define KBD_ENABLE 0xF4
#define KBD_DISABLE 0xF5
#define KBD_DEFAULTS 0xF6
#define KBD_RESEND 0xFE
#define KBD_RESET 0xFF
#define KBD_ACK 0xFA
#define KBD_NAK 0xFE /* "resend": an unknown command or a bad argument */
#define KBD_SELF_TEST_PASSED 0xAA
#define KBD_ID_FIRST 0xAB
#define KBD_ID_SECOND 0x83 /* an MF2 keyboard; translated: 0x41 */
#define KBD_TYPEMATIC_DEFAULT 0x2B /* 10.9 characters/s after 500 ms */

/* ---- the keyboard ------------------------------------------------------- */

static void kbd_reply(struct i8042 *c, const uint8_t *bytes, unsigned n)
{
	for (unsigned i = 0; i < n && c->reply_count < I8042_REPLY_MAX; i++)
		c->reply[c->reply_count++] = bytes[i];
}

static void kbd_reply1(struct i8042 *c, uint8_t byte)
{
	kbd_reply(c, &byte, 1);
}

/* Power-on state (also FF, F5, F6): set 2, LEDs off, typematic default,
 * nothing buffered. */
static void kbd_defaults(struct i8042 *c)
{
	c->scancode_set = 2;
	c->leds = 0;
	c->typematic = KBD_TYPEMATIC_DEFAULT;
	c->buffer_count = 0;
	c->waiting_argument = 0;
}

/* The argument of ED, F0 or F3. */
static void kbd_argument(struct i8042 *c, uint8_t command, uint8_t value)
{
	c->waiting_argument = 0;
	switch (command) {
	case KBD_SET_LEDS:
		c->leds = value & 7;
		kbd_reply1(c, KBD_ACK);
		break;
	case KBD_TYPEMATIC:
		c->typematic = value & 0x7F;
		kbd_reply1(c, KBD_ACK);
		break;
	case KBD_SCANCODE_SET:
		if (value == 0) { /* get: ACK, then the set's number */
			const uint8_t answer[] = { KBD_ACK, (uint8_t)c->scancode_set };
			kbd_reply(c, answer, 2);
		} else if (value == 1 || value == 2) {
			c->scancode_set = value;
			c->buffer_count = 0; /* bytes of the old set would be garbage */
			kbd_reply1(c, KBD_ACK);
		} else { /* set 3 is not offered */
			kbd_reply1(c, KBD_NAK);
		}
		break;
	}
}

/* A byte the guest sent to the keyboard. */
static void kbd_receive(struct i8042 *c, uint8_t value)
{
	/* A command byte (>= 0xED) where an argument was expected starts over,
	 * as the keyboard does. */
	if (c->waiting_argument && value < KBD_SET_LEDS) {
		kbd_argument(c, c->waiting_argument, value);
		return;
	}
	c->waiting_argument = 0;
	switch (value) {
	case KBD_SET_LEDS:
	case KBD_SCANCODE_SET:
	case KBD_TYPEMATIC:
		c->waiting_argument = value;
		kbd_reply1(c, KBD_ACK);
		break;
	case KBD_ECHO:
		kbd_reply1(c, KBD_ECHO);
		break;
	case KBD_IDENTIFY: {
		const uint8_t answer[] = { KBD_ACK, KBD_ID_FIRST, KBD_ID_SECOND };
		kbd_reply(c, answer, 3);
		break;
	}
	case KBD_ENABLE:
		c->scanning = true;
		kbd_reply1(c, KBD_ACK);
		break;
	case KBD_DISABLE:
		kbd_defaults(c);
		c->scanning = false;
		kbd_reply1(c, KBD_ACK);
		break;
	case KBD_DEFAULTS:
		kbd_defaults(c);
		c->scanning = true;
		kbd_reply1(c, KBD_ACK);
		break;
	case KBD_RESEND:
		kbd_reply1(c, c->last_sent);
		break;
	case KBD_RESET: {
		kbd_defaults(c);
		c->scanning = true;
		const uint8_t answer[] = { KBD_ACK, KBD_SELF_TEST_PASSED };
		kbd_reply(c, answer, 2);
		break;
	}
	default:
		kbd_reply1(c, KBD_NAK);
		break;
	}
}

/* The next byte the keyboard sends the controller: answers first, then
 * keys. -1 if none. */
static int kbd_next_byte(struct i8042 *c)
{
	uint8_t byte;
	if (c->reply_count) {
		byte = c->reply[0];
		memmove(c->reply, c->reply + 1, --c->reply_count);
	} else if (c->buffer_count) {
		byte = c->buffer[0];
		memmove(c->buffer, c->buffer + 1, --c->buffer_count);
	} else {
		return -1;
	}
	c->last_sent = byte;
	return byte;
}

/* One key event into the keyboard's buffer; false if its bytes do not fit
 * (it then waits in the queue). */
static bool kbd_key(struct i8042 *c, const struct i8042_key_event *k)
{
	if (k->keycode == I8042_OVERRUN) {
		if (c->buffer_count == I8042_KBD_BUFFER)
			return false;
		c->buffer[c->buffer_count++] =
			c->scancode_set == 1 ? SCANCODE_SET1_OVERRUN : SCANCODE_SET2_OVERRUN;
		return true;
	}
	uint8_t seq[SCANCODE_MAX_BYTES];
	size_t n = scancode_sequence(k->keycode, k->down, c->scancode_set, seq);
	if (c->buffer_count + n > I8042_KBD_BUFFER)
		return false;
	memcpy(c->buffer + c->buffer_count, seq, n);
	c->buffer_count += (unsigned)n;
	return true;
}

/* ---- the controller ----------------------------------------------------- */

static void update_irq(struct i8042 *c)
{
	bool level = c->obf && (c->config & I8042_CONFIG_IRQ1);
	if (level != c->irq_level) {
		c->irq_level = level;
		if (c->io.set_irq1)
			c->io.set_irq1(c->io.ctx, level);
	}
}

static void controller_reply(struct i8042 *c, uint8_t byte)
{
	if (c->controller_reply_count < I8042_REPLY_MAX)
		c->controller_reply[c->controller_reply_count++] = byte;
}

/* Fills an empty output buffer: the controller's own answers first, then
 * the keyboard's bytes (unless its clock is off), translated to set 1 when
 * the command byte says so. */
static void fill_output(struct i8042 *c)
{
	if (c->obf)
		return;
	if (c->controller_reply_count) {
		c->out = c->controller_reply[0];
		memmove(c->controller_reply, c->controller_reply + 1, --c->controller_reply_count);
		c->obf = true;
	}
	while (!c->obf && !(c->config & I8042_CONFIG_KBD_OFF)) {
		int byte = kbd_next_byte(c);
		if (byte < 0)
			break;
		if (!(c->config & I8042_CONFIG_TRANSLATE)) {
			c->out = (uint8_t)byte;
		} else if (byte == SCANCODE_SET2_BREAK) {
			c->break_prefix = true; /* becomes bit 7 of the next byte */
			continue;
		} else {
			c->out = scancode_translate((uint8_t)byte) | (c->break_prefix ? 0x80 : 0);
			c->break_prefix = false;
		}
		c->obf = true;
	}
	update_irq(c);
}

static void reset_cpu(struct i8042 *c)
{
	if (c->io.reset)
		c->io.reset(c->io.ctx);
}

static void controller_command(struct i8042 *c, uint8_t command)
{
	c->pending_command = 0;
	if (command >= CMD_READ_RAM_FIRST && command <= CMD_READ_RAM_LAST) {
		/* Only the command byte is kept; the rest of the RAM reads 0. */
		controller_reply(c, command == CMD_READ_RAM_FIRST ? c->config : 0);
		return;
	}
	if (command >= CMD_PULSE_FIRST) {
		if (!(command & OUTPUT_PORT_RESET)) /* 0xFE and friends */
			reset_cpu(c);
		return;
	}
	if (command >= CMD_WRITE_RAM_FIRST && command <= CMD_WRITE_RAM_LAST) {
		c->pending_command = command; /* only 0x60's byte is kept */
		return;
	}
	switch (command) {
	case CMD_WRITE_OUTPUT_PORT:
	case CMD_WRITE_KBD_BUFFER:
	case CMD_WRITE_AUX_BUFFER:
	case CMD_WRITE_AUX:
		c->pending_command = command;
		break;
	case CMD_AUX_DISABLE:
		c->config |= I8042_CONFIG_AUX_OFF;
		break;
	case CMD_AUX_ENABLE:
		/* No mouse port: the clock stays off, so a driver that checks for
		 * a second channel (bit 5 cleared by A8) finds none. */
		break;
	case CMD_AUX_TEST:
		controller_reply(c, AUX_TEST_CLOCK_STUCK_LOW);
		break;
	case CMD_SELF_TEST:
		c->system_flag = true;
		controller_reply(c, SELF_TEST_OK);
		break;
	case CMD_KBD_TEST:
		controller_reply(c, PORT_TEST_OK);
		break;
	case CMD_KBD_DISABLE:
		c->config |= I8042_CONFIG_KBD_OFF;
		break;
	case CMD_KBD_ENABLE:
		c->config &= (uint8_t)~I8042_CONFIG_KBD_OFF;
		break;
	case CMD_READ_OUTPUT_PORT:
		controller_reply(c, (uint8_t)(c->output_port | (c->obf ? OUTPUT_PORT_OBF : 0)));
		break;
	default: /* A20 gate, input port, test inputs...: nothing to do */
		break;
	}
}

/* A byte at port 0x60: the argument of a controller command, or a byte for
 * the keyboard. */
static void data_write(struct i8042 *c, uint8_t value)
{
	uint8_t command = c->pending_command;
	c->pending_command = 0;
	switch (command) {
	case CMD_WRITE_RAM_FIRST:
		c->config = value;
		if (value & I8042_CONFIG_SYSTEM)
			c->system_flag = true;
		break;
	case CMD_WRITE_OUTPUT_PORT:
		c->output_port = value;
		if (!(value & OUTPUT_PORT_RESET))
			reset_cpu(c);
		break;
	case CMD_WRITE_KBD_BUFFER:
		controller_reply(c, value); /* as if the keyboard sent it */
		break;
	case 0:
		/* Sending the keyboard a byte turns its clock back on (IBM's
		 * 8042 firmware does so). */
		c->config &= (uint8_t)~I8042_CONFIG_KBD_OFF;
		kbd_receive(c, value);
		break;
	default:
		/* The rest of the controller's RAM, and bytes for the mouse port
		 * (0xD3, 0xD4): there is none, nothing answers. */
		break;
	}
}

void i8042_init(struct i8042 *c, const struct i8042_io *io)
{
	memset(c, 0, sizeof(*c));
	if (io)
		c->io = *io;
	c->config = I8042_BOOT_CONFIG;
	c->system_flag = true;
	c->last_was_command = true;
	c->output_port = OUTPUT_PORT_BOOT;
	c->scanning = true;
	kbd_defaults(c);
	pthread_mutex_init(&c->lock, NULL);
}

void i8042_destroy(struct i8042 *c)
{
	pthread_mutex_destroy(&c->lock);
}

static void touched(struct i8042 *c)
{
	if (!c->touched) {
		c->touched = true;
		if (c->io.taken)
			c->io.taken(c->io.ctx);
	}
}

uint8_t i8042_read(struct i8042 *c, uint16_t port)
{
	touched(c);
	if (port == I8042_COMMAND_PORT)
		return (uint8_t)((c->obf ? I8042_STATUS_OBF : 0) |
				 (c->system_flag ? I8042_STATUS_SYSTEM : 0) |
				 (c->last_was_command ? I8042_STATUS_COMMAND : 0) |
				 I8042_STATUS_UNLOCKED);
	/* Empty: the last byte again, as QEMU (and real controllers) do. */
	uint8_t value = c->out;
	if (c->obf) {
		c->obf = false;
		update_irq(c); /* lowered, raised again below if more waits */
		i8042_take_keys(c);
		fill_output(c);
	}
	return value;
}

void i8042_write(struct i8042 *c, uint16_t port, uint8_t value)
{
	touched(c);
	c->last_was_command = port == I8042_COMMAND_PORT;
	if (port == I8042_COMMAND_PORT)
		controller_command(c, value);
	else
		data_write(c, value);
	fill_output(c);
}

bool i8042_queue_key(struct i8042 *c, unsigned keycode, bool down)
{
	if (!scancode_known(keycode))
		return false;
	pthread_mutex_lock(&c->lock);
	bool queued = false;
	/* The last slot is kept for the overrun mark. */
	if (c->key_count < I8042_KEY_QUEUE - 1) {
		c->keys[c->key_count++] = (struct i8042_key_event){ (uint16_t)keycode, down };
		queued = true;
	} else if (c->key_count == I8042_KEY_QUEUE - 1) {
		c->keys[c->key_count++] = (struct i8042_key_event){ I8042_OVERRUN, true };
	}
	pthread_mutex_unlock(&c->lock);
	return queued;
}

void i8042_take_keys(struct i8042 *c)
{
	pthread_mutex_lock(&c->lock);
	unsigned taken = 0;
	while (taken < c->key_count) {
		/* A keyboard that does not scan drops its keys. */
		if (c->scanning && !kbd_key(c, &c->keys[taken]))
			break;
		taken++;
	}
	c->key_count -= taken;
	memmove(c->keys, c->keys + taken, c->key_count * sizeof(c->keys[0]));
	pthread_mutex_unlock(&c->lock);
	fill_output(c);
}

/* ---- on a VM ------------------------------------------------------------ */

struct i8042_vm {
	struct i8042 chip;
	struct vm *vm;
};

static void vm_set_irq1(void *ctx, bool level)
{
	struct i8042_vm *d = ctx;
	vm_set_irq(d->vm, I8042_IRQ, level);
}

static void vm_reset(void *ctx)
{
	struct i8042_vm *d = ctx;
	system_reset_request(d->vm, "keyboard controller command 0xfe");
}

static void vm_taken(void *ctx)
{
	struct i8042_vm *d = ctx;
	vm_keyboard_taken(d->vm);
}

static uint64_t port_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)offset, (void)size;
	struct i8042_vm *d = opaque;
	return i8042_read(&d->chip, I8042_DATA_PORT);
}

static void port_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	(void)offset, (void)size;
	struct i8042_vm *d = opaque;
	i8042_write(&d->chip, I8042_DATA_PORT, (uint8_t)value);
}

static uint64_t command_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)offset, (void)size;
	struct i8042_vm *d = opaque;
	return i8042_read(&d->chip, I8042_COMMAND_PORT);
}

static void command_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	(void)offset, (void)size;
	struct i8042_vm *d = opaque;
	i8042_write(&d->chip, I8042_COMMAND_PORT, (uint8_t)value);
}

/* Display thread: queue, then let the vCPU thread move it in. */
static void key_sink(void *opaque, unsigned keycode, bool down)
{
	struct i8042_vm *d = opaque;
	i8042_queue_key(&d->chip, keycode, down);
	vm_post_event(d->vm);
}

static void event_hook(struct vm *vm, void *opaque)
{
	(void)vm;
	struct i8042_vm *d = opaque;
	i8042_take_keys(&d->chip);
}

static void destroy(struct vm *vm, void *opaque)
{
	(void)vm;
	struct i8042_vm *d = opaque;
	i8042_destroy(&d->chip);
	free(d);
}

int i8042_register(struct vm *vm, char *err, size_t errlen)
{
	static const struct io_ops data_ops = { port_read, port_write };
	static const struct io_ops command_ops = { command_read, command_write };
	struct i8042_vm *d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "i8042: out of memory");
		return -1;
	}
	d->vm = vm;
	const struct i8042_io io = { d, vm_set_irq1, vm_reset, vm_taken };
	i8042_init(&d->chip, &io);
	if (vm_add_destroy_hook(vm, destroy, d) < 0) {
		destroy(vm, d);
		snprintf(err, errlen, "i8042: too many destroy hooks");
		return -1;
	}
	if (vm_register_pio(vm, I8042_DATA_PORT, 1, "i8042 data", &data_ops, d) < 0 ||
	    vm_register_pio(vm, I8042_COMMAND_PORT, 1, "i8042 status/command", &command_ops, d) < 0 ||
	    vm_add_event_hook(vm, event_hook, d) < 0 || vm_set_key_sink(vm, key_sink, d) < 0) {
		snprintf(err, errlen, "i8042: cannot register ports 0x60/0x64 or the keyboard");
		return -1;
	}
	return 0;
}
