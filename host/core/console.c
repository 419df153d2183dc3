#include "console.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

enum console_state {
	CONSOLE_OPEN,
	CONSOLE_CLOSED, /* the reader went away (EPIPE): output stops, silently */
	CONSOLE_LOST,	/* a write failed otherwise: output stops, reported */
};

#define CONSOLE_BUFFER 8192

/* One lock for the buffer and the descriptor: the vCPU thread writes, the
 * waiting thread flushes. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char buffer[CONSOLE_BUFFER];
static size_t used;
static int out_fd = STDOUT_FILENO;
static bool checked_tty, line_buffered;
static enum console_state state = CONSOLE_OPEN;
static int lost_errno;
static console_tap_fn tap;
static bool tap_holds;

/* Writes everything or ends the console; the lock is held. Unlike stdio,
 * a write cut short by a signal (the vCPU kick) is resumed, not lost. */
static void write_all(const char *p, size_t n)
{
	while (n > 0 && state == CONSOLE_OPEN) {
		ssize_t w = write(out_fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w < 0 && errno == EINTR) {
			continue;
		} else if (w < 0 && errno == EAGAIN) { /* stdout left non-blocking: wait */
			struct pollfd pfd = { .fd = out_fd, .events = POLLOUT };
			poll(&pfd, 1, -1);
		} else if (w < 0 && errno == EPIPE) {
			state = CONSOLE_CLOSED; /* as `cmd | head` users expect */
		} else {
			state = CONSOLE_LOST;
			lost_errno = w < 0 ? errno : EIO;
			fprintf(stderr, "vmm: guest output lost: %s\n", strerror(lost_errno));
		}
	}
}

static void flush_locked(void)
{
	write_all(buffer, used);
	used = 0;
}

static void append_locked(const char *p, size_t len)
{
	if (tap) {
		tap(p, len);
		if (tap_holds)
			return;
	}
	if (state != CONSOLE_OPEN)
		return; /* nobody reads it any more */
	if (!checked_tty) { /* a terminal sees each line as it comes, as stdio does */
		line_buffered = isatty(out_fd);
		checked_tty = true;
	}
	if (len > sizeof(buffer) - used)
		flush_locked();
	if (len >= sizeof(buffer)) {
		write_all(p, len);
		return;
	}
	memcpy(buffer + used, p, len);
	used += len;
	if (line_buffered && memchr(p, '\n', len))
		flush_locked();
}

void console_write(const void *buf, size_t len)
{
	pthread_mutex_lock(&lock);
	append_locked(buf, len);
	pthread_mutex_unlock(&lock);
}

void console_putc(char c)
{
	console_write(&c, 1);
}

void console_flush(void)
{
	pthread_mutex_lock(&lock);
	flush_locked();
	pthread_mutex_unlock(&lock);
}

int console_output_lost(void)
{
	pthread_mutex_lock(&lock);
	int e = state == CONSOLE_LOST ? lost_errno : 0;
	pthread_mutex_unlock(&lock);
	return e;
}

void console_set_output(FILE *f)
{
	pthread_mutex_lock(&lock);
	flush_locked();
	fflush(f ? f : stdout); /* what stdio holds there goes first */
	out_fd = f ? fileno(f) : STDOUT_FILENO;
	checked_tty = false;
	state = CONSOLE_OPEN;
	lost_errno = 0;
	pthread_mutex_unlock(&lock);
}

void console_set_tap(console_tap_fn fn, bool hold)
{
	pthread_mutex_lock(&lock);
	flush_locked(); /* what came before goes out first */
	tap = fn;
	tap_holds = fn && hold;
	pthread_mutex_unlock(&lock);
}
