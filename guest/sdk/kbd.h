/*
 * The PS/2 keyboard behind the i8042 controller (ports 0x60 data, 0x64
 * status/command), as a PC BIOS leaves it: scan code set 2 translated by the
 * controller into set 1, so every byte a guest reads is a set-1 code (make
 * codes < 0x80, break = make | 0x80, 0xE0 before the extended keys).
 *
 * Polling helpers for set-up (controller commands, the keyboard's own
 * commands and their ACKs) and a set-1 decoder for the interrupt handler.
 * Works the same in vmm and QEMU. docs/devices.md describes the device.
 */
#ifndef GUEST_KBD_H
#define GUEST_KBD_H

#include <stdbool.h>
#include <stdint.h>

#define KBD_DATA_PORT    0x60
#define KBD_STATUS_PORT  0x64 /* read: status; write: a controller command */

/* Status register bits. */
#define KBD_STATUS_OBF    0x01 /* a byte waits in the output buffer (port 0x60) */
#define KBD_STATUS_IBF    0x02 /* the controller has not taken our last write yet */
#define KBD_STATUS_SYSTEM 0x04 /* the system flag: self-test passed */
#define KBD_STATUS_AUX    0x20 /* the waiting byte is from the mouse port */

/* Controller commands (port 0x64). */
#define KBD_CTL_READ_CONFIG  0x20 /* the command byte -> port 0x60 */
#define KBD_CTL_WRITE_CONFIG 0x60 /* the next byte to port 0x60 becomes the command byte */
#define KBD_CTL_SELF_TEST    0xAA /* answers 0x55 */
#define KBD_CTL_PORT_TEST    0xAB /* answers 0x00 */
#define KBD_CTL_DISABLE_KBD  0xAD
#define KBD_CTL_ENABLE_KBD   0xAE

/* Command byte bits. */
#define KBD_CONFIG_IRQ1      0x01 /* keyboard bytes raise IRQ1 */
#define KBD_CONFIG_IRQ12     0x02
#define KBD_CONFIG_SYSTEM    0x04
#define KBD_CONFIG_NO_KBD    0x10 /* keyboard clock off */
#define KBD_CONFIG_NO_AUX    0x20 /* mouse clock off */
#define KBD_CONFIG_TRANSLATE 0x40 /* set 2 -> set 1 */

/* The keyboard's own commands (port 0x60) and answers. */
#define KBD_CMD_SET_LEDS  0xED
#define KBD_CMD_ECHO      0xEE
#define KBD_CMD_SCANCODES 0xF0
#define KBD_CMD_IDENTIFY  0xF2
#define KBD_CMD_ENABLE    0xF4
#define KBD_CMD_DISABLE   0xF5
#define KBD_CMD_RESET     0xFF
#define KBD_ACK    0xFA
#define KBD_RESEND 0xFE

/* Set-1 codes with a meaning for the decoder. */
#define KBD_SC_EXTENDED    0xE0
#define KBD_SC_BREAK       0x80
#define KBD_SC_LEFT_SHIFT  0x2A
#define KBD_SC_RIGHT_SHIFT 0x36
#define KBD_SC_CTRL        0x1D
#define KBD_SC_ESC         0x01

/* Sends a controller command (waits until the controller can take it). */
void kbd_controller_command(uint8_t command);
/* Writes a byte to port 0x60: to the keyboard, or the argument of the last
 * controller command. */
void kbd_write_data(uint8_t value);
/* Waits for a byte in the output buffer and reads it; -1 if none came
 * within `spins` status reads. */
int kbd_read_data(unsigned long spins);
/* Reads (and drops) whatever waits in the output buffer. */
void kbd_flush(void);
uint8_t kbd_read_config(void);
void kbd_write_config(uint8_t config);

/* Decodes set-1 codes one byte at a time, keeping the shift, ctrl and 0xE0
 * state between calls. */
struct kbd_decoder {
	bool extended;          /* the last byte was 0xE0 */
	unsigned char pause_left; /* bytes left of Pause's E1 sequence */
	bool shift, ctrl;
};

struct kbd_key {
	uint8_t code;    /* the make code (break bit cleared) */
	bool extended;   /* it came after 0xE0 */
	bool released;   /* a break code */
	char ch;         /* the character of a make code (shift applied), or 0 */
	const char *name; /* a name for keys without a character ("up", "enter"...), or 0 */
};

/* Feeds one byte; returns true when it completed a key (out is filled),
 * false for a prefix. */
bool kbd_decode(struct kbd_decoder *d, uint8_t byte, struct kbd_key *out);

#endif
