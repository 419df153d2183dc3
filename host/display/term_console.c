/* The guest's console under -display term (term_console.h). */
#include "term_console.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"

/* The transcript: a list of chunks, each small enough for malloc's heap
 * (no mremap, which the sandbox does not allow, as realloc would need). */
#define CHUNK_SIZE 65536
struct chunk {
	struct chunk *next;
	size_t used;
	char data[CHUNK_SIZE];
};

/* Bytes not yet on the screen: only the latest matter there. */
#define PENDING_SIZE 16384

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	bool holding;
	struct chunk *head, *tail;
	size_t kept, dropped;
	char pending[PENDING_SIZE];
	size_t pending_used;
} tc;

static void keep(const char *p, size_t len)
{
	while (len > 0) {
		if (!tc.tail || tc.tail->used == CHUNK_SIZE) {
			struct chunk *c;
			if (tc.kept >= TERM_CONSOLE_KEEP && tc.head) { /* reuse the oldest */
				c = tc.head;
				tc.head = c->next;
				tc.kept -= c->used;
				tc.dropped += c->used;
				if (!tc.head)
					tc.tail = NULL;
			} else if (!(c = malloc(sizeof(*c)))) {
				tc.dropped += len;
				return;
			}
			c->next = NULL;
			c->used = 0;
			if (tc.tail)
				tc.tail->next = c;
			else
				tc.head = c;
			tc.tail = c;
		}
		size_t n = CHUNK_SIZE - tc.tail->used;
		if (n > len)
			n = len;
		memcpy(tc.tail->data + tc.tail->used, p, n);
		tc.tail->used += n; /* after the copy: term_console_dump_now reads it */
		tc.kept += n;
		p += n;
		len -= n;
	}
}

/* The console's tap: on the vCPU thread, under the console's lock. */
static void tap(const char *p, size_t len)
{
	pthread_mutex_lock(&lock);
	if (tc.holding)
		keep(p, len);
	if (len >= PENDING_SIZE) {
		memcpy(tc.pending, p + len - PENDING_SIZE, PENDING_SIZE);
		tc.pending_used = PENDING_SIZE;
	} else {
		if (tc.pending_used + len > PENDING_SIZE) { /* the screen fell behind */
			size_t drop = tc.pending_used + len - PENDING_SIZE;
			memmove(tc.pending, tc.pending + drop, tc.pending_used - drop);
			tc.pending_used -= drop;
		}
		memcpy(tc.pending + tc.pending_used, p, len);
		tc.pending_used += len;
	}
	pthread_mutex_unlock(&lock);
}

void term_console_start(bool hold)
{
	pthread_mutex_lock(&lock);
	tc.holding = hold;
	tc.pending_used = 0;
	pthread_mutex_unlock(&lock);
	console_set_tap(tap, hold);
}

void term_console_finish(void)
{
	console_set_tap(NULL, false);
	pthread_mutex_lock(&lock);
	struct chunk *c = tc.head;
	size_t dropped = tc.dropped;
	bool held = tc.holding;
	tc.head = tc.tail = NULL;
	tc.kept = tc.dropped = 0;
	tc.holding = false;
	pthread_mutex_unlock(&lock);
	if (held && dropped)
		fprintf(stderr, "vmm: the guest's console printed %zu bytes more than are kept (%u MiB): only the end follows\n",
			dropped, TERM_CONSOLE_KEEP >> 20);
	while (c) {
		console_write(c->data, c->used);
		struct chunk *next = c->next;
		free(c);
		c = next;
	}
	console_flush();
}

void term_console_dump_now(void)
{
	for (struct chunk *c = tc.head; c; c = c->next) {
		size_t off = 0;
		while (off < c->used) {
			ssize_t w = write(STDOUT_FILENO, c->data + off, c->used - off);
			if (w <= 0)
				return;
			off += (size_t)w;
		}
	}
}

size_t term_console_take(char *buf, size_t cap)
{
	pthread_mutex_lock(&lock);
	size_t n = tc.pending_used, skip = 0;
	if (n > cap) {
		skip = n - cap;
		n = cap;
	}
	memcpy(buf, tc.pending + skip, n);
	tc.pending_used = 0;
	pthread_mutex_unlock(&lock);
	return n;
}

enum { ESCAPE_NONE, ESCAPE_STARTED, ESCAPE_CSI };

/* The longest output one input byte makes: a wrap ("\r\n") and a tab's
 * 8 spaces. */
#define RENDER_MAX_PER_BYTE 10

size_t term_console_render(struct term_console_view *v, const char *in, size_t n,
			   size_t *consumed, char *out, size_t cap)
{
	size_t o = 0, i = 0;
	if (cap < 32 + RENDER_MAX_PER_BYTE) {
		*consumed = 0;
		return 0;
	}
	/* col == cols: the last line is full, and the next character starts a
	 * new one (written "\r\n" first: the terminal's own pending wrap does
	 * not survive the cursor's moves between frames). */
	int col = v->col < v->cols ? v->col : v->cols;
	o += (size_t)snprintf(out, cap, "\033[%d;%dH\033[0m", v->bottom,
			      (col < v->cols ? col : v->cols - 1) + 1);
	for (; i < n && o + RENDER_MAX_PER_BYTE < cap; i++) {
		unsigned char c = (unsigned char)in[i];
		if (v->escape == ESCAPE_STARTED) {
			/* ESC [ opens a CSI sequence; ESC and any other byte is whole */
			v->escape = c == '[' ? ESCAPE_CSI : ESCAPE_NONE;
			continue;
		}
		if (v->escape == ESCAPE_CSI) {
			if (c >= 0x40 && c <= 0x7E) /* the final byte */
				v->escape = ESCAPE_NONE;
			continue;
		}
		if (c == 0x1B) {
			v->escape = ESCAPE_STARTED;
		} else if (c == '\n') {
			memcpy(out + o, "\r\n", 2);
			o += 2;
			col = 0;
		} else if (c == '\r') {
			out[o++] = '\r';
			col = 0;
		} else if (c == '\b') {
			if (col > 0 && col < v->cols) {
				out[o++] = '\b';
				col--;
			}
		} else if (c == '\t') {
			if (col >= v->cols) {
				memcpy(out + o, "\r\n", 2);
				o += 2;
				col = 0;
			}
			int to = (col / 8 + 1) * 8;
			if (to > v->cols)
				to = v->cols;
			while (col < to) {
				out[o++] = ' ';
				col++;
			}
		} else if (c >= 0x20 && c != 0x7F) {
			bool continuation = (c & 0xC0) == 0x80; /* inside a UTF-8 character */
			if (!continuation) {
				if (col >= v->cols) {
					memcpy(out + o, "\r\n", 2);
					o += 2;
					col = 0;
				}
				col++;
			}
			out[o++] = (char)c;
		}
		/* other control characters: dropped */
	}
	v->col = col;
	*consumed = i;
	return o;
}
