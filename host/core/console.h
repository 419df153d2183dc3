/*
 * The guest's console: every device that prints (debug port, UART,
 * hypercalls) writes here, so their output reaches stdout in the order the
 * guest produced it. Buffered for speed; flushed at stop and periodically by
 * the thread that waits for the guest, so a long-running guest's output
 * still shows up.
 */
#ifndef VMM_CONSOLE_H
#define VMM_CONSOLE_H

#include <stddef.h>
#include <stdio.h>

void console_write(const void *buf, size_t len);
void console_putc(char c);
void console_flush(void);
/* Sends console output to f instead of stdout (tests capture it this way);
 * NULL restores stdout. */
void console_set_output(FILE *f);

#endif
