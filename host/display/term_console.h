/*
 * The guest's console under -display term: what the guest prints (debug
 * port 0xe9, COM1, the console hypercall: console.h) scrolls in its own
 * region of the terminal, the rows under the 25 screen rows and the status
 * line, instead of landing over the picture; and when stdout is that same
 * terminal the text is held back and printed whole to the normal screen
 * once the display closes (the alternate screen it was drawn on is gone by
 * then). With stdout elsewhere (a file, a pipe) the text goes there as it
 * comes, and the region shows a copy.
 *
 * The console's tap (console_set_tap) runs on the vCPU thread and only
 * copies; the display thread takes the new bytes each frame and renders
 * them (term_console_render).
 */
#ifndef VMM_TERM_CONSOLE_H
#define VMM_TERM_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

/* The transcript kept for after exit: the latest this many bytes (a guest
 * that prints without end must not take all memory); what was dropped
 * before is said on stderr. */
#define TERM_CONSOLE_KEEP (64u << 20)

/* Taps the console. hold: stdout is the display's terminal, so keep the
 * text for term_console_finish instead of writing it there now. */
void term_console_start(bool hold);

/* Removes the tap; with hold, prints the transcript to stdout (through the
 * console: a failed write is reported as lost output). */
void term_console_finish(void);

/* For a sandbox violation (async-signal-safe): writes the transcript to
 * stdout with write(2) as it is. */
void term_console_dump_now(void);

/* Moves the bytes printed since the last call (at most cap; older ones are
 * skipped if the screen fell behind) into buf; returns their count. */
size_t term_console_take(char *buf, size_t cap);

/* Where the region is, and where the next character goes in it. */
struct term_console_view {
	int top, bottom; /* 1-based terminal rows, top <= bottom; the scroll region */
	int cols;        /* the terminal's width */
	int col;         /* 0-based column of the next character on the bottom row */
	int escape;      /* inside an escape sequence the guest wrote (dropped) */
};

/*
 * Renders in[0..n) at the region's bottom row as terminal output into out
 * (the caller has set the scroll region): printable text wrapped at the
 * terminal's width, newline and carriage return, tabs as spaces to the next
 * multiple of 8, backspace; other control characters and escape sequences
 * (colours a guest meant for a terminal of its own: ESC [ ... final byte)
 * are dropped, whole, even when split between calls. Bytes 0x80 and above
 * pass through (UTF-8 counts one column per character). Stops when out is
 * nearly full: returns the output's length and sets *consumed.
 */
size_t term_console_render(struct term_console_view *v, const char *in, size_t n,
			   size_t *consumed, char *out, size_t cap);

#endif
