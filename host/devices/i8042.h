/*
 * The i8042 PS/2 controller and its keyboard: port 0x60 (data), port 0x64
 * (status on read, controller command on write), IRQ1.
 *
 * First the chip, driven through i8042_read/i8042_write and told about keys
 * with i8042_queue_key, with no VM in sight (tests/unit/test_i8042.c drives
 * it so); then i8042_register(), which puts it on a VM's ports and makes it
 * the VM's keyboard (input.h). docs/devices.md describes what is emulated.
 *
 * The keyboard speaks scan code set 2 (or set 1 when the guest asks); the
 * controller translates to set 1 when bit 6 of its command byte is set, as
 * the firmware leaves it. There is no mouse: the aux port answers so that a
 * driver concludes it has no device.
 *
 * Threads: keys come from the display thread (i8042_queue_key, under the
 * chip's mutex); everything else runs on the vCPU thread.
 */
#ifndef VMM_I8042_H
#define VMM_I8042_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define I8042_DATA_PORT 0x60
#define I8042_COMMAND_PORT 0x64
#define I8042_IRQ 1

/* Status register (port 0x64, read). */
#define I8042_STATUS_OBF 0x01      /* a byte waits at port 0x60 */
#define I8042_STATUS_IBF 0x02      /* never set: writes are taken at once */
#define I8042_STATUS_SYSTEM 0x04   /* the system flag: self-test passed */
#define I8042_STATUS_COMMAND 0x08  /* the last write went to port 0x64 */
#define I8042_STATUS_UNLOCKED 0x10 /* the keylock switch is open */
#define I8042_STATUS_AUX_OBF 0x20  /* the byte is the mouse's: never */

/* Command byte. */
#define I8042_CONFIG_IRQ1 0x01
#define I8042_CONFIG_IRQ12 0x02
#define I8042_CONFIG_SYSTEM 0x04
#define I8042_CONFIG_KBD_OFF 0x10 /* keyboard clock disabled */
#define I8042_CONFIG_AUX_OFF 0x20 /* mouse clock disabled */
#define I8042_CONFIG_TRANSLATE 0x40

/* The state SeaBIOS leaves under QEMU 7.2 (read there with kbd_test). */
#define I8042_BOOT_CONFIG 0x61
#define I8042_BOOT_STATUS (I8042_STATUS_SYSTEM | I8042_STATUS_COMMAND | I8042_STATUS_UNLOCKED)

#define I8042_KBD_BUFFER 16  /* the keyboard's own buffer, in bytes */
#define I8042_KEY_QUEUE 64   /* key events waiting for room in it */
#define I8042_REPLY_MAX 4    /* the longest answer: FA AB 83 */

/* What the chip asks of its surroundings. */
struct i8042_io {
	void *ctx;
	void (*set_irq1)(void *ctx, bool level);
	void (*reset)(void *ctx); /* the guest pulsed the CPU reset line */
	void (*taken)(void *ctx); /* the guest's first access to either port */
};

struct i8042_key_event {
	uint16_t keycode; /* KEY_*; I8042_OVERRUN marks lost keys */
	bool down;
};
#define I8042_OVERRUN 0xFFFF

struct i8042 {
	struct i8042_io io;

	/* The controller. */
	uint8_t config;       /* the command byte */
	bool system_flag;
	bool last_was_command;
	uint8_t pending_command; /* a command waiting for its data byte, or 0 */
	uint8_t output_port;
	bool obf;             /* out holds a byte for the guest */
	uint8_t out;
	uint8_t controller_reply[I8042_REPLY_MAX]; /* its own answers go first */
	unsigned controller_reply_count;
	bool break_prefix;    /* translating: a set-2 0xF0 was swallowed */
	bool irq_level;
	bool touched;

	/* The keyboard. */
	bool scanning;
	int scancode_set;     /* 1 or 2 */
	uint8_t leds, typematic;
	uint8_t waiting_argument; /* ED, F0 or F3 waits for its argument, or 0 */
	uint8_t last_sent;    /* for a resend request */
	uint8_t reply[I8042_REPLY_MAX];
	unsigned reply_count;
	uint8_t buffer[I8042_KBD_BUFFER]; /* key bytes, oldest first */
	unsigned buffer_count;

	/* Keys from the display thread, under lock. */
	pthread_mutex_t lock;
	struct i8042_key_event keys[I8042_KEY_QUEUE];
	unsigned key_count;
};

/* The state after SeaBIOS: command byte 0x61, scanning on, set 2. */
void i8042_init(struct i8042 *c, const struct i8042_io *io);
void i8042_destroy(struct i8042 *c);
uint8_t i8042_read(struct i8042 *c, uint16_t port);
void i8042_write(struct i8042 *c, uint16_t port, uint8_t value);
/* Any thread: a key went down or up. False if it was dropped (queue full:
 * the guest then reads an overrun code where keys were lost). */
bool i8042_queue_key(struct i8042 *c, unsigned keycode, bool down);
/* vCPU thread: moves queued keys into the keyboard as its buffer allows. */
void i8042_take_keys(struct i8042 *c);

struct vm;
/* Ports 0x60/0x64, IRQ1, the VM's keyboard. 0, or -1 with a message. */
int i8042_register(struct vm *vm, char *err, size_t errlen);

#endif
