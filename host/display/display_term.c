/*
 * The screen in a terminal: 16 ANSI colours, CP437 glyphs as UTF-8 (cp437.h),
 * only changed cells rewritten. It draws on /dev/tty, not stdout, so that
 * `vmm ... > log` still shows the screen. The terminal is put back (colours,
 * cursor, main screen, line mode) however vmm ends: stop hook, exit(),
 * a fatal signal or a sandbox violation.
 *
 * Layout: the 25 screen rows, a status line (what vmm is doing, and after
 * the guest stops why and how to close), and under it the guest's console
 * scrolling in the rest of the terminal (term_console.h). A terminal smaller
 * than 80x26 gets one warning and the picture cut to its size, not wrapped
 * (the size is read once, when vmm starts).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "cp437.h"
#include "display_frontend.h"
#include "sandbox.h"
#include "term_console.h"
#include "term_keys.h"

#define OUT_MAX (VGA_TEXT_CELLS * 40 + 64)
#define STATUS_ROW (VGA_TEXT_ROWS + 1)
#define CONSOLE_TOP (STATUS_ROW + 1)

struct term_state {
	struct cp437_table cp437;
	uint16_t shown[VGA_TEXT_CELLS];
	bool valid;           /* shown[] is what the terminal has */
	struct term_keys keys; /* input bytes -> key presses */
	int rows, cols;       /* the terminal's size when vmm started */
	bool has_console;     /* rows under the status line for the console */
	struct term_console_view console;
	char cursor[32];      /* puts the VGA cursor back after other writes */
	char out[OUT_MAX];
};

/* Global so the signal handler and atexit can restore without a pointer. */
static int tty_fd = -1;
static struct termios tty_saved;
static volatile sig_atomic_t tty_raw;

static const char restore_seq[] = "\033[r\033[0m\033[?25h\033[?1049l";
static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT,
				     SIGINT, SIGTERM, SIGHUP };

/* Async-signal-safe: write and tcsetattr only. */
static void tty_restore(void)
{
	if (!tty_raw)
		return;
	tty_raw = 0;
	ssize_t n = write(tty_fd, restore_seq, sizeof(restore_seq) - 1);
	(void)n;
	tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
}

/* Fatal signals (and SIGINT etc. before vm_run installs its own handlers):
 * restore, then die of the same signal. */
static void on_fatal_signal(int sig)
{
	tty_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void write_all(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(tty_fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* The number of bytes of text that fill at most cols columns (UTF-8). */
static size_t clip_columns(const char *text, int cols)
{
	size_t i = 0;
	int used = 0;
	for (; text[i]; i++) {
		if (((unsigned char)text[i] & 0xC0) == 0x80)
			continue;
		if (used == cols)
			break;
		used++;
	}
	return i;
}

static void draw_status(struct term_state *st, const char *text)
{
	if (st->rows < STATUS_ROW)
		return;
	size_t len = clip_columns(text, st->cols);
	int n = snprintf(st->out, OUT_MAX, "\033[%d;1H\033[0m\033[2K\033[7m%.*s\033[0m%s",
			 STATUS_ROW, (int)len, text, st->cursor);
	write_all(st->out, (size_t)n);
}

/* A sandbox violation ends vmm at once: the terminal and the console's
 * text still come back. */
static void on_violation(void)
{
	tty_restore();
	term_console_dump_now();
}

/* True when stdout is the terminal the display draws on (/dev/tty, the
 * controlling terminal): the console's text would land on the picture, so
 * it waits for the end. */
static bool stdout_is_display_tty(void)
{
	pid_t session = getsid(0);
	return isatty(STDOUT_FILENO) && session >= 0 && tcgetsid(STDOUT_FILENO) == session;
}

/* The terminal's size; a terminal that does not say is taken as big enough. */
static void measure(struct term_state *st)
{
	struct winsize ws;
	st->rows = STATUS_ROW;
	st->cols = VGA_TEXT_COLS;
	if (ioctl(tty_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
		st->rows = ws.ws_row;
		st->cols = ws.ws_col;
	}
	static bool warned;
	if ((st->rows < STATUS_ROW || st->cols < VGA_TEXT_COLS) && !warned) {
		fprintf(stderr, "vmm: -display term: the terminal is %dx%d, smaller than the screen's %dx%d "
			"(%d rows and a status line): the picture is cut\n",
			st->cols, st->rows, VGA_TEXT_COLS, STATUS_ROW, VGA_TEXT_ROWS);
		warned = true;
	}
	st->has_console = st->rows >= CONSOLE_TOP;
	st->console = (struct term_console_view){ .top = CONSOLE_TOP, .bottom = st->rows, .cols = st->cols };
}

static int term_open(void **state, char *err, size_t errlen)
{
	struct term_state *st = calloc(1, sizeof(*st));
	if (!st || cp437_table_init(&st->cp437, err, errlen) < 0) {
		if (!st)
			snprintf(err, errlen, "out of memory");
		free(st);
		return -1;
	}
	/* Blocking: a frame must be written whole (VMIN=0 keeps reads from waiting). */
	tty_fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty_fd < 0 || tcgetattr(tty_fd, &tty_saved) < 0) {
		snprintf(err, errlen, "no terminal: %s", strerror(errno));
		if (tty_fd >= 0)
			close(tty_fd);
		free(st);
		return -1;
	}
	/* Keys arrive one by one without echo, Ctrl-C, Ctrl-Z and Ctrl-\ as
	 * bytes (keys for the guest; term_keys.h says when Ctrl-C stops vmm). */
	struct termios raw = tty_saved;
	raw.c_lflag &= (tcflag_t)~(ICANON | ECHO | IEXTEN | ISIG);
	raw.c_iflag &= (tcflag_t)~(IXON | ICRNL);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	raw.c_cc[VSUSP] = _POSIX_VDISABLE;
	static bool hooks_installed;
	if (!hooks_installed) {
		atexit(tty_restore);
		for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
			signal(fatal_signals[i], on_fatal_signal);
		sandbox_on_violation(on_violation);
		hooks_installed = true;
	}
	measure(st); /* before the alternate screen: its warning stays */
	term_console_start(stdout_is_display_tty());
	tcsetattr(tty_fd, TCSAFLUSH, &raw);
	tty_raw = 1;
	/* Alternate screen, hidden cursor, clear; the console's scroll region. */
	static const char init_seq[] = "\033[?1049h\033[?25l\033[0m\033[2J";
	write_all(init_seq, sizeof(init_seq) - 1);
	if (st->has_console) {
		char region[32];
		int n = snprintf(region, sizeof(region), "\033[%d;%dr", CONSOLE_TOP, st->rows);
		write_all(region, (size_t)n);
	}
	snprintf(st->cursor, sizeof(st->cursor), "\033[?25l");
	draw_status(st, " vmm: guest running \u2014 Ctrl-A x quits ");
	*state = st;
	return 0;
}

/* VGA colour order is BGR-bit, ANSI's is RGB-bit: swap bits 0 and 2. */
static int ansi_colour(int vga)
{
	return (vga & 2) | (vga & 1) << 2 | (vga & 4) >> 2;
}

static void term_draw(void *opaque, const struct vga_text_state *s, const uint32_t *pixels)
{
	(void)pixels;
	struct term_state *st = opaque;
	size_t n = 0;
	int last_attr = -1, next_pos = -1;
	for (int i = 0; i < VGA_TEXT_CELLS; i++) {
		uint16_t cell = s->cells[i];
		if (st->valid && st->shown[i] == cell)
			continue;
		st->shown[i] = cell;
		if (i / VGA_TEXT_COLS >= st->rows || i % VGA_TEXT_COLS >= st->cols)
			continue; /* off a small terminal: cut, not wrapped */
		if (i != next_pos) /* not right after the last cell written */
			n += (size_t)snprintf(st->out + n, OUT_MAX - n, "\033[%d;%dH",
					      i / VGA_TEXT_COLS + 1, i % VGA_TEXT_COLS + 1);
		int attr = cell >> 8;
		if (attr != last_attr) {
			int fg = attr & 15, bg = attr >> 4; /* bit 7: bright bg, as QEMU */
			n += (size_t)snprintf(st->out + n, OUT_MAX - n, "\033[%d;%dm",
					      (fg & 8 ? 90 : 30) + ansi_colour(fg),
					      (bg & 8 ? 100 : 40) + ansi_colour(bg));
			last_attr = attr;
		}
		const char *u = st->cp437.utf8[cell & 0xFF];
		size_t len = strlen(u);
		memcpy(st->out + n, u, len);
		n += len;
		/* The terminal wraps (or not) after column 80: re-position. */
		next_pos = (i + 1) % VGA_TEXT_COLS ? i + 1 : -1;
	}
	st->valid = true;
	int cur = s->cursor_addr - s->start_addr;
	bool visible = !(s->cursor_start & VGA_CURSOR_DISABLE) && cur >= 0 && cur < VGA_TEXT_CELLS &&
		       (s->cursor_start & 0x1F) <= (s->cursor_end & 0x1F) &&
		       cur / VGA_TEXT_COLS < st->rows && cur % VGA_TEXT_COLS < st->cols;
	if (visible)
		snprintf(st->cursor, sizeof(st->cursor), "\033[%d;%dH\033[?25h",
			 cur / VGA_TEXT_COLS + 1, cur % VGA_TEXT_COLS + 1);
	else
		snprintf(st->cursor, sizeof(st->cursor), "\033[?25l");
	n += (size_t)snprintf(st->out + n, OUT_MAX - n, "%s", st->cursor);
	write_all(st->out, n);
}

/* What the guest printed since the last frame, into the console's region. */
static void draw_console(struct term_state *st)
{
	char text[16384];
	size_t len;
	while ((len = term_console_take(text, sizeof(text))) > 0) {
		if (!st->has_console)
			continue; /* no room: the transcript after exit has it */
		size_t done = 0;
		while (done < len) {
			size_t used;
			size_t n = term_console_render(&st->console, text + done, len - done, &used,
						       st->out, OUT_MAX - sizeof(st->cursor));
			memcpy(st->out + n, st->cursor, strlen(st->cursor));
			write_all(st->out, n + strlen(st->cursor));
			done += used;
		}
	}
}

/* Every byte the terminal has (VMIN=0: a read never waits) becomes keys. */
static int term_poll(void *opaque, const struct display_input *in, bool *redraw)
{
	(void)redraw;
	struct term_state *st = opaque;
	unsigned char buf[256];
	ssize_t n;
	draw_console(st);
	while ((n = read(tty_fd, buf, sizeof(buf))) > 0) {
		int rc = term_keys_feed(&st->keys, buf, (size_t)n, in);
		if (rc != DISPLAY_GO_ON)
			return rc;
	}
	return DISPLAY_GO_ON;
}

static void term_set_status(void *opaque, const char *text)
{
	char line[256];
	snprintf(line, sizeof(line), " vmm: %s \u2014 press ESC or q ", text);
	draw_status(opaque, line);
}

/* Back to the normal screen, then the console's transcript on it. */
static void term_close(void *opaque)
{
	tty_restore();
	if (tty_fd >= 0)
		close(tty_fd);
	tty_fd = -1;
	free(opaque);
	term_console_finish();
}

const struct display_frontend display_term_frontend = {
	.abi = DISPLAY_FRONTEND_ABI,
	.name = "term",
	.wants_pixels = false,
	.open = term_open,
	.draw = term_draw,
	.poll = term_poll,
	.set_status = term_set_status,
	.close = term_close,
};
