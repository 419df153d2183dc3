/*
 * Where COM1's bytes come from and go to: the -serial SPEC, QEMU's spelling.
 *
 *   stdio              output to vmm's stdout (with the other console
 *                      output), input from vmm's stdin
 *   null               output discarded, no input
 *   file:PATH          output to PATH (created or truncated), no input
 *   unix:PATH          connect to the Unix socket PATH: both ways
 *   unix:PATH,server   listen on PATH and wait, without a time limit, for
 *                      one client (the path is removed once it connected)
 *   none               no COM1 at all (the UART does not exist; the caller
 *                      handles it: serial_backend_open gives NULL)
 *   (no spec)          output to stdout, no input: what a library user and
 *                      `vmm` with a piped or redirected stdin get
 *
 * Input is read by a thread of its own into a small queue, and only when
 * the queue has room: the UART takes bytes from it as its receiver has room
 * (serial_backend_take), so vmm reads its input no faster than the guest
 * consumes it and never drops a byte. When stdin is a terminal it is put in
 * raw mode (Ctrl-C goes to the guest) and restored however vmm ends: stop,
 * exit(), a fatal signal, a sandbox violation. On a terminal Ctrl-A is
 * QEMU's escape: Ctrl-A x stops the guest (status 0), Ctrl-A Ctrl-A sends
 * one Ctrl-A, Ctrl-A h lists the keys.
 */
#ifndef VMM_SERIAL_BACKEND_H
#define VMM_SERIAL_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct serial_backend;

/*
 * Opens the backend named by spec (NULL: stdout only). For input, a reader
 * thread starts and posts a VM event (events.h) whenever bytes are ready.
 * Returns 0 with *out set (NULL for "none"), -1 (host error) or -2 (a bad
 * spec, a file or socket that cannot be opened), with the reason in err.
 */
int serial_backend_open(struct vm *vm, const char *spec, struct serial_backend **out,
			char *err, size_t errlen);
/* Sends one byte the guest transmitted. */
void serial_backend_write(struct serial_backend *b, uint8_t byte);
/* Takes up to max input bytes, oldest first; 0 when none are ready. Any
 * thread (the UART calls it on the vCPU thread). */
size_t serial_backend_take(struct serial_backend *b, uint8_t *buf, size_t max);
/* Puts the terminal back in the mode vmm found it in (idempotent;
 * async-signal-safe). The UART calls it when the VM stops. */
void serial_backend_restore_terminal(void);
/* Stops the reader thread, restores the terminal, closes and frees. */
void serial_backend_close(struct serial_backend *b);

/* What vmm's CLI uses when no -serial is given: "stdio" when stdin is a
 * terminal in the foreground that the display does not read (-display
 * term), else NULL (stdout only; a piped or redirected stdin stays unread
 * for whoever comes next). */
const char *serial_default_spec(bool display_reads_terminal);

#endif
