/*
 * Terminal bytes -> key presses, for -display term. A terminal sends
 * characters and escape sequences, never key releases, so each one becomes
 * a press and release of the key a US keyboard types it with, with the
 * modifiers it needs pressed around it (shift for 'A' or '!', ctrl for
 * Ctrl-C, alt for ESC-prefixed characters).
 *
 * What a terminal can deliver: printable ASCII, Enter, Tab, Backspace, ESC,
 * Ctrl+letter and Ctrl with space \ ] ^ _, Alt+character (ESC prefix),
 * arrows, Home, End, Insert, Delete, Page Up/Down, F1-F12 (xterm's CSI and
 * SS3 sequences, with their shift/alt/ctrl parameter) and Shift+Tab. Not:
 * modifier keys alone, key releases held apart from presses, Caps/Num/Scroll
 * Lock, PrintScreen, Pause, the keypad (it sends the same as the main keys),
 * and any key the terminal itself keeps. Non-ASCII characters are dropped.
 *
 * Quitting (QEMU's -nographic chord): Ctrl-A x stops vmm (status 0),
 * Ctrl-A Ctrl-A sends Ctrl-A. Ctrl-C stops vmm as SIGINT would (status 130)
 * until the guest takes the keyboard; then it goes to the guest.
 */
#ifndef VMM_TERM_KEYS_H
#define VMM_TERM_KEYS_H

#include <stddef.h>

#include "display_frontend.h"

struct term_keys {
	unsigned char seq[32]; /* an escape sequence being read */
	size_t seq_len;
	int chord; /* Ctrl-A seen, waiting for the command key */
};

#define TERM_KEYS_CHORD 0x01 /* Ctrl-A */
#define TERM_KEYS_INTERRUPT_STATUS 130 /* 128 + SIGINT */

/* Feeds n bytes read from the terminal; keys go to in->key. A lone ESC at
 * the end of the bytes is the ESC key (a terminal writes a whole sequence at
 * once). Returns DISPLAY_GO_ON or the status to stop with. */
int term_keys_feed(struct term_keys *t, const unsigned char *bytes, size_t n,
		   const struct display_input *in);

#endif
