/*
 * Scan code tables (scancodes.h): the keys of a 105-key PC keyboard (US
 * and ISO layouts: the ISO one adds KEY_102ND), with their set-1 and set-2
 * make codes from the IBM PS/2 keyboard specification.
 */
#include "scancodes.h"

#include <linux/input-event-codes.h>

struct key_codes {
	uint16_t keycode; /* KEY_* */
	uint8_t set1, set2;
	bool extended; /* 0xE0 first, in both sets */
};

static const struct key_codes keys[] = {
	{ KEY_ESC, 0x01, 0x76, false },
	{ KEY_1, 0x02, 0x16, false },
	{ KEY_2, 0x03, 0x1E, false },
	{ KEY_3, 0x04, 0x26, false },
	{ KEY_4, 0x05, 0x25, false },
	{ KEY_5, 0x06, 0x2E, false },
	{ KEY_6, 0x07, 0x36, false },
	{ KEY_7, 0x08, 0x3D, false },
	{ KEY_8, 0x09, 0x3E, false },
	{ KEY_9, 0x0A, 0x46, false },
	{ KEY_0, 0x0B, 0x45, false },
	{ KEY_MINUS, 0x0C, 0x4E, false },
	{ KEY_EQUAL, 0x0D, 0x55, false },
	{ KEY_BACKSPACE, 0x0E, 0x66, false },
	{ KEY_TAB, 0x0F, 0x0D, false },
	{ KEY_Q, 0x10, 0x15, false },
	{ KEY_W, 0x11, 0x1D, false },
	{ KEY_E, 0x12, 0x24, false },
	{ KEY_R, 0x13, 0x2D, false },
	{ KEY_T, 0x14, 0x2C, false },
	{ KEY_Y, 0x15, 0x35, false },
	{ KEY_U, 0x16, 0x3C, false },
	{ KEY_I, 0x17, 0x43, false },
	{ KEY_O, 0x18, 0x44, false },
	{ KEY_P, 0x19, 0x4D, false },
	{ KEY_LEFTBRACE, 0x1A, 0x54, false },
	{ KEY_RIGHTBRACE, 0x1B, 0x5B, false },
	{ KEY_ENTER, 0x1C, 0x5A, false },
	{ KEY_LEFTCTRL, 0x1D, 0x14, false },
	{ KEY_A, 0x1E, 0x1C, false },
	{ KEY_S, 0x1F, 0x1B, false },
	{ KEY_D, 0x20, 0x23, false },
	{ KEY_F, 0x21, 0x2B, false },
	{ KEY_G, 0x22, 0x34, false },
	{ KEY_H, 0x23, 0x33, false },
	{ KEY_J, 0x24, 0x3B, false },
	{ KEY_K, 0x25, 0x42, false },
	{ KEY_L, 0x26, 0x4B, false },
	{ KEY_SEMICOLON, 0x27, 0x4C, false },
	{ KEY_APOSTROPHE, 0x28, 0x52, false },
	{ KEY_GRAVE, 0x29, 0x0E, false },
	{ KEY_LEFTSHIFT, 0x2A, 0x12, false },
	{ KEY_BACKSLASH, 0x2B, 0x5D, false },
	{ KEY_Z, 0x2C, 0x1A, false },
	{ KEY_X, 0x2D, 0x22, false },
	{ KEY_C, 0x2E, 0x21, false },
	{ KEY_V, 0x2F, 0x2A, false },
	{ KEY_B, 0x30, 0x32, false },
	{ KEY_N, 0x31, 0x31, false },
	{ KEY_M, 0x32, 0x3A, false },
	{ KEY_COMMA, 0x33, 0x41, false },
	{ KEY_DOT, 0x34, 0x49, false },
	{ KEY_SLASH, 0x35, 0x4A, false },
	{ KEY_RIGHTSHIFT, 0x36, 0x59, false },
	{ KEY_KPASTERISK, 0x37, 0x7C, false },
	{ KEY_LEFTALT, 0x38, 0x11, false },
	{ KEY_SPACE, 0x39, 0x29, false },
	{ KEY_CAPSLOCK, 0x3A, 0x58, false },
	{ KEY_F1, 0x3B, 0x05, false },
	{ KEY_F2, 0x3C, 0x06, false },
	{ KEY_F3, 0x3D, 0x04, false },
	{ KEY_F4, 0x3E, 0x0C, false },
	{ KEY_F5, 0x3F, 0x03, false },
	{ KEY_F6, 0x40, 0x0B, false },
	{ KEY_F7, 0x41, 0x83, false },
	{ KEY_F8, 0x42, 0x0A, false },
	{ KEY_F9, 0x43, 0x01, false },
	{ KEY_F10, 0x44, 0x09, false },
	{ KEY_NUMLOCK, 0x45, 0x77, false },
	{ KEY_SCROLLLOCK, 0x46, 0x7E, false },
	{ KEY_KP7, 0x47, 0x6C, false },
	{ KEY_KP8, 0x48, 0x75, false },
	{ KEY_KP9, 0x49, 0x7D, false },
	{ KEY_KPMINUS, 0x4A, 0x7B, false },
	{ KEY_KP4, 0x4B, 0x6B, false },
	{ KEY_KP5, 0x4C, 0x73, false },
	{ KEY_KP6, 0x4D, 0x74, false },
	{ KEY_KPPLUS, 0x4E, 0x79, false },
	{ KEY_KP1, 0x4F, 0x69, false },
	{ KEY_KP2, 0x50, 0x72, false },
	{ KEY_KP3, 0x51, 0x7A, false },
	{ KEY_KP0, 0x52, 0x70, false },
	{ KEY_KPDOT, 0x53, 0x71, false },
	{ KEY_102ND, 0x56, 0x61, false }, /* the ISO key between left shift and Z */
	{ KEY_F11, 0x57, 0x78, false },
	{ KEY_F12, 0x58, 0x07, false },
	{ KEY_KPENTER, 0x1C, 0x5A, true },
	{ KEY_RIGHTCTRL, 0x1D, 0x14, true },
	{ KEY_KPSLASH, 0x35, 0x4A, true },
	{ KEY_RIGHTALT, 0x38, 0x11, true },
	{ KEY_HOME, 0x47, 0x6C, true },
	{ KEY_UP, 0x48, 0x75, true },
	{ KEY_PAGEUP, 0x49, 0x7D, true },
	{ KEY_LEFT, 0x4B, 0x6B, true },
	{ KEY_RIGHT, 0x4D, 0x74, true },
	{ KEY_END, 0x4F, 0x69, true },
	{ KEY_DOWN, 0x50, 0x72, true },
	{ KEY_PAGEDOWN, 0x51, 0x7A, true },
	{ KEY_INSERT, 0x52, 0x70, true },
	{ KEY_DELETE, 0x53, 0x71, true },
	{ KEY_LEFTMETA, 0x5B, 0x1F, true },
	{ KEY_RIGHTMETA, 0x5C, 0x27, true },
	{ KEY_COMPOSE, 0x5D, 0x2F, true }, /* the menu key */
};

#define KEY_COUNT (sizeof(keys) / sizeof(keys[0]))

/* PrintScreen alone (no modifier held): a fake left shift around the key. */
static const uint8_t sysrq_set1_make[] = { 0xE0, 0x2A, 0xE0, 0x37 };
static const uint8_t sysrq_set1_break[] = { 0xE0, 0xB7, 0xE0, 0xAA };
static const uint8_t sysrq_set2_make[] = { 0xE0, 0x12, 0xE0, 0x7C };
static const uint8_t sysrq_set2_break[] = { 0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12 };
/* Pause: make and break at once on the press, nothing on the release. */
static const uint8_t pause_set1[] = { 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5 };
static const uint8_t pause_set2[] = { 0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77 };

static const struct key_codes *find_key(unsigned keycode)
{
	for (size_t i = 0; i < KEY_COUNT; i++)
		if (keys[i].keycode == keycode)
			return &keys[i];
	return NULL;
}

bool scancode_known(unsigned keycode)
{
	return keycode == KEY_SYSRQ || keycode == KEY_PAUSE || find_key(keycode);
}

static size_t copy(uint8_t *out, const uint8_t *seq, size_t len)
{
	for (size_t i = 0; i < len; i++)
		out[i] = seq[i];
	return len;
}

size_t scancode_sequence(unsigned keycode, bool down, int set, uint8_t out[SCANCODE_MAX_BYTES])
{
	if (set != 1 && set != 2)
		return 0;
	if (keycode == KEY_SYSRQ) {
		if (set == 1)
			return down ? copy(out, sysrq_set1_make, sizeof(sysrq_set1_make))
				    : copy(out, sysrq_set1_break, sizeof(sysrq_set1_break));
		return down ? copy(out, sysrq_set2_make, sizeof(sysrq_set2_make))
			    : copy(out, sysrq_set2_break, sizeof(sysrq_set2_break));
	}
	if (keycode == KEY_PAUSE) {
		if (!down)
			return 0;
		return set == 1 ? copy(out, pause_set1, sizeof(pause_set1))
				: copy(out, pause_set2, sizeof(pause_set2));
	}
	const struct key_codes *k = find_key(keycode);
	if (!k)
		return 0;
	size_t n = 0;
	if (k->extended)
		out[n++] = SCANCODE_EXTENDED;
	if (set == 1) {
		out[n++] = down ? k->set1 : (uint8_t)(k->set1 | 0x80);
	} else {
		if (!down)
			out[n++] = SCANCODE_SET2_BREAK;
		out[n++] = k->set2;
	}
	return n;
}

uint8_t scancode_translate(uint8_t set2_byte)
{
	/* The extended keys' second bytes are those of the base keys (E0 75,
	 * up, is keypad 8's 75), so one table serves both; the test checks it. */
	for (size_t i = 0; i < KEY_COUNT; i++)
		if (keys[i].set2 == set2_byte)
			return keys[i].set1;
	switch (set2_byte) {
	case SCANCODE_SET2_OVERRUN:
		return SCANCODE_SET1_OVERRUN;
	case 0x02: /* an alias of F7 in the 8042's table */
		return 0x41;
	default: /* key prefixes (E0, E1) and the keyboard's answers (FA, AA...) */
		return set2_byte;
	}
}
