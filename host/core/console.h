/*
 * The guest's console: every device that prints (debug port, UART,
 * hypercalls) writes here, so their output reaches stdout in the order the
 * guest produced it. Buffered for speed (line by line on a terminal);
 * flushed at stop and periodically by the thread that waits for the guest,
 * so a long-running guest's output still shows up.
 *
 * Write errors end the output, never the guest: EPIPE (`vmm ... | head`)
 * means nobody reads any more, so output stops silently; any other error
 * (a full disk, EIO, a closed descriptor) means output was lost: reported
 * once on stderr ("vmm: guest output lost: ...") and by
 * console_output_lost(), which vmm turns into exit status 121.
 */
#ifndef VMM_CONSOLE_H
#define VMM_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

void console_write(const void *buf, size_t len);
void console_putc(char c);
void console_flush(void);
/* The errno of the write that lost guest output, or 0 (EPIPE is not a loss). */
int console_output_lost(void);
/* Sends console output to f's file descriptor instead of stdout (tests
 * capture it this way); NULL restores stdout. Either way the output starts
 * afresh: open, nothing lost. */
void console_set_output(FILE *f);

/* A display that shows the console itself (-display term: term_console.h)
 * gets every byte the guest prints, on the printing thread, under the
 * console's lock (fn only copies). hold: the bytes go to fn only, not to
 * stdout (the display prints them there when it closes). fn NULL removes
 * the tap. */
typedef void (*console_tap_fn)(const char *buf, size_t len);
void console_set_tap(console_tap_fn fn, bool hold);

#endif
