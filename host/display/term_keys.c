/* Terminal bytes -> key presses (term_keys.h). */
#include "term_keys.h"

#include <linux/input-event-codes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define ESC 0x1B
#define MOD_SHIFT 1 /* xterm's modifier parameter is 1 + these bits */
#define MOD_ALT 2
#define MOD_CTRL 4

struct typed {
	uint16_t key;
	uint8_t mods;
};

/* Printable ASCII on a US keyboard (index: character - 0x20). */
static const struct typed printable[0x5F] = {
	{ KEY_SPACE, 0 }, { KEY_1, MOD_SHIFT }, { KEY_APOSTROPHE, MOD_SHIFT }, { KEY_3, MOD_SHIFT },
	{ KEY_4, MOD_SHIFT }, { KEY_5, MOD_SHIFT }, { KEY_7, MOD_SHIFT }, { KEY_APOSTROPHE, 0 },
	{ KEY_9, MOD_SHIFT }, { KEY_0, MOD_SHIFT }, { KEY_8, MOD_SHIFT }, { KEY_EQUAL, MOD_SHIFT },
	{ KEY_COMMA, 0 }, { KEY_MINUS, 0 }, { KEY_DOT, 0 }, { KEY_SLASH, 0 },
	{ KEY_0, 0 }, { KEY_1, 0 }, { KEY_2, 0 }, { KEY_3, 0 }, { KEY_4, 0 },
	{ KEY_5, 0 }, { KEY_6, 0 }, { KEY_7, 0 }, { KEY_8, 0 }, { KEY_9, 0 },
	{ KEY_SEMICOLON, MOD_SHIFT }, { KEY_SEMICOLON, 0 }, { KEY_COMMA, MOD_SHIFT },
	{ KEY_EQUAL, 0 }, { KEY_DOT, MOD_SHIFT }, { KEY_SLASH, MOD_SHIFT }, { KEY_2, MOD_SHIFT },
	/* 'A'..'Z' and 'a'..'z' are filled in by letter_key() */
	[0x3B] = { KEY_LEFTBRACE, 0 }, { KEY_BACKSLASH, 0 }, { KEY_RIGHTBRACE, 0 },
	{ KEY_6, MOD_SHIFT }, { KEY_MINUS, MOD_SHIFT }, { KEY_GRAVE, 0 },
	[0x5B] = { KEY_LEFTBRACE, MOD_SHIFT }, { KEY_BACKSLASH, MOD_SHIFT },
	{ KEY_RIGHTBRACE, MOD_SHIFT }, { KEY_GRAVE, MOD_SHIFT },
};

/* KEY_A.. are not in alphabetical order: they follow the keyboard rows. */
static const uint16_t letters[26] = {
	KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I, KEY_J, KEY_K, KEY_L, KEY_M,
	KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R, KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z,
};

/* The key and modifiers that type byte c; key 0 if none. */
static struct typed byte_key(unsigned char c)
{
	switch (c) {
	case '\r':
	case '\n':
		return (struct typed){ KEY_ENTER, 0 };
	case '\t':
		return (struct typed){ KEY_TAB, 0 };
	case 0x7F:
	case '\b':
		return (struct typed){ KEY_BACKSPACE, 0 };
	case ESC:
		return (struct typed){ KEY_ESC, 0 };
	case 0x00:
		return (struct typed){ KEY_SPACE, MOD_CTRL };
	case 0x1C:
		return (struct typed){ KEY_BACKSLASH, MOD_CTRL };
	case 0x1D:
		return (struct typed){ KEY_RIGHTBRACE, MOD_CTRL };
	case 0x1E:
		return (struct typed){ KEY_6, MOD_CTRL };
	case 0x1F:
		return (struct typed){ KEY_MINUS, MOD_CTRL };
	}
	if (c >= 0x01 && c <= 0x1A)
		return (struct typed){ letters[c - 1], MOD_CTRL };
	if (c >= 'A' && c <= 'Z')
		return (struct typed){ letters[c - 'A'], MOD_SHIFT };
	if (c >= 'a' && c <= 'z')
		return (struct typed){ letters[c - 'a'], 0 };
	if (c >= 0x20 && c < 0x7F)
		return printable[c - 0x20];
	return (struct typed){ 0, 0 };
}

/* Press and release, with the modifiers held around it. */
static void type_key(struct typed k, const struct display_input *in)
{
	static const struct { uint8_t bit; uint16_t key; } mods[] = {
		{ MOD_CTRL, KEY_LEFTCTRL }, { MOD_ALT, KEY_LEFTALT }, { MOD_SHIFT, KEY_LEFTSHIFT },
	};
	if (!k.key)
		return;
	for (size_t i = 0; i < 3; i++)
		if (k.mods & mods[i].bit)
			in->key(in->ctx, mods[i].key, true);
	in->key(in->ctx, k.key, true);
	in->key(in->ctx, k.key, false);
	for (size_t i = 3; i-- > 0;)
		if (k.mods & mods[i].bit)
			in->key(in->ctx, mods[i].key, false);
}

/* CSI n ~ keys. */
static uint16_t tilde_key(unsigned n)
{
	switch (n) {
	case 1: case 7: return KEY_HOME;
	case 2: return KEY_INSERT;
	case 3: return KEY_DELETE;
	case 4: case 8: return KEY_END;
	case 5: return KEY_PAGEUP;
	case 6: return KEY_PAGEDOWN;
	case 11: return KEY_F1;
	case 12: return KEY_F2;
	case 13: return KEY_F3;
	case 14: return KEY_F4;
	case 15: return KEY_F5;
	case 17: return KEY_F6;
	case 18: return KEY_F7;
	case 19: return KEY_F8;
	case 20: return KEY_F9;
	case 21: return KEY_F10;
	case 23: return KEY_F11;
	case 24: return KEY_F12;
	default: return 0;
	}
}

/* The final letter of CSI or SS3 sequences. */
static uint16_t final_key(unsigned char f)
{
	switch (f) {
	case 'A': return KEY_UP;
	case 'B': return KEY_DOWN;
	case 'C': return KEY_RIGHT;
	case 'D': return KEY_LEFT;
	case 'H': return KEY_HOME;
	case 'F': return KEY_END;
	case 'P': return KEY_F1;
	case 'Q': return KEY_F2;
	case 'R': return KEY_F3;
	case 'S': return KEY_F4;
	default: return 0;
	}
}

/* A complete sequence in t->seq (ESC first): its key. */
static struct typed sequence_key(const struct term_keys *t)
{
	const unsigned char *s = t->seq;
	size_t n = t->seq_len;
	unsigned char final = s[n - 1];
	if (s[1] == 'O') /* SS3 */
		return (struct typed){ final_key(final), 0 };
	/* CSI p1 ; p2 final */
	unsigned params[2] = { 0, 0 }, np = 0;
	for (size_t i = 2; i < n - 1 && np < 2; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			params[np] = params[np] * 10 + (unsigned)(s[i] - '0');
		else if (s[i] == ';')
			np++;
	}
	uint8_t mods = params[1] > 1 ? (uint8_t)((params[1] - 1) & 7) : 0;
	if (final == '~')
		return (struct typed){ tilde_key(params[0]), mods };
	if (final == 'Z')
		return (struct typed){ KEY_TAB, MOD_SHIFT };
	return (struct typed){ final_key(final), mods };
}

/* A byte that ends a CSI sequence (ECMA-48: 0x40..0x7E). */
static bool csi_final(unsigned char c)
{
	return c >= 0x40 && c <= 0x7E;
}

/* One byte outside a sequence. */
static int plain_byte(struct term_keys *t, unsigned char c, const struct display_input *in)
{
	if (t->chord) {
		t->chord = 0;
		if (c == 'x' || c == 'X')
			return 0;
		if (c == TERM_KEYS_CHORD) {
			type_key(byte_key(c), in);
			return DISPLAY_GO_ON;
		}
		/* Anything else: the chord is forgotten, the key typed. */
	} else if (c == TERM_KEYS_CHORD) {
		t->chord = 1;
		return DISPLAY_GO_ON;
	}
	if (c == 0x03 && !in->guest_has_keyboard(in->ctx))
		return TERM_KEYS_INTERRUPT_STATUS;
	type_key(byte_key(c), in);
	return DISPLAY_GO_ON;
}

int term_keys_feed(struct term_keys *t, const unsigned char *bytes, size_t n,
		   const struct display_input *in)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = bytes[i];
		if (t->seq_len == 1) { /* after ESC */
			if (c == '[' || c == 'O') {
				t->seq[t->seq_len++] = c;
				continue;
			}
			t->seq_len = 0;
			if (c == ESC) { /* ESC ESC: the first was the key */
				int rc = plain_byte(t, ESC, in);
				if (rc != DISPLAY_GO_ON)
					return rc;
				t->seq[t->seq_len++] = c;
				continue;
			}
			/* ESC + character: Alt held. */
			struct typed k = byte_key(c);
			k.mods |= MOD_ALT;
			type_key(k, in);
			continue;
		}
		if (t->seq_len >= 2) {
			t->seq[t->seq_len++] = c;
			bool done = t->seq[1] == 'O' ? true : csi_final(c);
			if (done || t->seq_len == sizeof(t->seq)) {
				if (done)
					type_key(sequence_key(t), in);
				t->seq_len = 0; /* too long: dropped */
			}
			continue;
		}
		if (c == ESC && !t->chord) {
			t->seq[0] = c;
			t->seq_len = 1;
			continue;
		}
		if (c >= 0x80)
			continue; /* not ASCII: no key types it */
		int rc = plain_byte(t, c, in);
		if (rc != DISPLAY_GO_ON)
			return rc;
	}
	if (t->seq_len == 1) { /* a lone ESC: the key */
		t->seq_len = 0;
		return plain_byte(t, ESC, in);
	}
	return DISPLAY_GO_ON;
}
