/*
 * Keys -> PS/2 scan codes. Between the front ends and the keyboard a key is
 * a Linux KEY_* code (<linux/input-event-codes.h>); the keyboard turns it
 * into the bytes of scan code set 1 or set 2, written here from the IBM
 * PS/2 specifications. tests/unit/test_scancodes.c checks the tables against
 * SDL's and Linux's headers.
 *
 * Set 2 is what a PS/2 keyboard sends by default; the i8042 translates it to
 * set 1 (scancode_translate) when its command byte says so, as PC firmware
 * leaves it. Set 1: break = make | 0x80. Set 2: break = 0xF0 before the make
 * code. Extended keys have 0xE0 first in both. PrintScreen and Pause send
 * longer sequences; Pause has no break code.
 */
#ifndef VMM_SCANCODES_H
#define VMM_SCANCODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest sequence: Pause in set 2, E1 14 77 E1 F0 14 F0 77. */
#define SCANCODE_MAX_BYTES 8

/* Bytes a keyboard sends that are not keys. */
#define SCANCODE_EXTENDED 0xE0
#define SCANCODE_SET2_BREAK 0xF0
#define SCANCODE_SET2_OVERRUN 0x00 /* the keyboard's buffer overflowed (set 2) */
#define SCANCODE_SET1_OVERRUN 0xFF

/* True if the keyboard has key `keycode` (a KEY_* code). */
bool scancode_known(unsigned keycode);

/* The bytes key `keycode` sends in `set` (1 or 2) when pressed (down) or
 * released; returns their count (0: no such key, or Pause's release). */
size_t scancode_sequence(unsigned keycode, bool down, int set,
			 uint8_t out[SCANCODE_MAX_BYTES]);

/* The i8042's translation of one set-2 byte to set 1 (without the 0xF0
 * prefix, which the controller turns into the break bit of the next byte).
 * Bytes no key uses pass unchanged, except the few the 8042's table maps
 * (0x00 -> 0xFF overrun, 0x02 -> 0x41, the alias of F7, which is also what
 * a translated "get scan code set" answer reads). */
uint8_t scancode_translate(uint8_t set2_byte);

#endif
