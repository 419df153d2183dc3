/*
 * COM1's backends (serial_backend.h): parsing -serial, opening the file or
 * socket, the input reader thread with its bounded queue, and the terminal's
 * raw mode with QEMU's Ctrl-A escape.
 */
#include "serial_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"
#include "sandbox.h"
#include "vm.h"

/* Input read but not yet taken by the UART: small, so that vmm reads its
 * input hardly ahead of the guest (the rest stays in the pipe or file). */
#define QUEUE_SIZE 64

#define CTRL_A 0x01

enum backend_kind {
	BACKEND_CONSOLE, /* no spec: output to stdout, no input */
	BACKEND_STDIO,
	BACKEND_NULL,
	BACKEND_FILE,
	BACKEND_UNIX,
};

struct serial_backend {
	struct vm *vm;
	enum backend_kind kind;
	char *name;          /* the spec, for messages */
	int in_fd;           /* input, or -1 */
	int out_fd;          /* output for file: and unix:, or -1 */
	bool owns_in_fd;     /* a socket (closed at the end), not stdin */
	bool escapes;        /* input is the terminal: Ctrl-A x and friends */
	bool output_failed;  /* reported once; output stops */

	/* The reader thread and its queue (in_fd >= 0). */
	int stop_fd;         /* eventfd: the reader ends */
	pthread_t reader;
	bool reader_started;
	pthread_mutex_t lock;
	pthread_cond_t room; /* the UART took bytes, or stop */
	bool stopping;
	uint8_t queue[QUEUE_SIZE];
	size_t head, count;
	bool escape_seen;    /* the last input byte was Ctrl-A (reader thread only) */
};

/* ---- the terminal: raw mode and its restoration ----------------------------
 * Globals, so that atexit, signal handlers and the sandbox's violation
 * handler can restore without a pointer. Only stdin is ever put in raw mode. */

static struct termios term_saved;
static volatile sig_atomic_t term_raw;

static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT,
				     SIGINT, SIGTERM, SIGHUP };
#define N_FATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))
static struct sigaction previous_action[N_FATAL];

void serial_backend_restore_terminal(void)
{
	if (!term_raw)
		return;
	term_raw = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &term_saved); /* TCSETS: allowed by the sandbox */
}

/* A fatal signal (or SIGINT/SIGTERM/SIGHUP before vm_run takes them over):
 * restore, then let whoever handled it before us (another terminal user, a
 * sanitizer, the default action) have it. */
static void on_fatal_signal(int sig)
{
	serial_backend_restore_terminal();
	for (size_t i = 0; i < N_FATAL; i++)
		if (fatal_signals[i] == sig)
			sigaction(sig, &previous_action[i], NULL);
	raise(sig); /* blocked until we return, then delivered to that handler */
}

static void install_restore_hooks(void)
{
	static bool installed;
	if (installed)
		return;
	installed = true;
	atexit(serial_backend_restore_terminal);
	sandbox_on_violation(serial_backend_restore_terminal);
	struct sigaction sa = { .sa_handler = on_fatal_signal };
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < N_FATAL; i++)
		sigaction(fatal_signals[i], &sa, &previous_action[i]);
}

/* QEMU's raw mode for -serial stdio: bytes one by one, no echo, no
 * signals from keys (Ctrl-C goes to the guest), 8 bits; output processing
 * stays on so the guest's "\n" still starts a new line. */
static void enter_raw_mode(void)
{
	if (tcgetattr(STDIN_FILENO, &term_saved) < 0)
		return;
	struct termios raw = term_saved;
	raw.c_iflag &= (tcflag_t)~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	raw.c_lflag &= (tcflag_t)~(ECHO | ECHONL | ICANON | IEXTEN | ISIG);
	raw.c_cflag &= (tcflag_t)~(CSIZE | PARENB);
	raw.c_cflag |= CS8;
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	install_restore_hooks();
	term_raw = 1;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) < 0)
		term_raw = 0;
}

const char *serial_default_spec(bool display_reads_terminal)
{
	/* A background job must not take the terminal (SIGTTOU/SIGTTIN would
	 * stop it), and a shell loop's piped input belongs to the loop. */
	if (!display_reads_terminal && isatty(STDIN_FILENO) &&
	    tcgetpgrp(STDIN_FILENO) == getpgrp())
		return "stdio";
	return NULL;
}

/* ---- output ------------------------------------------------------------------ */

static void write_out(struct serial_backend *b, uint8_t byte)
{
	while (!b->output_failed) {
		ssize_t n = write(b->out_fd, &byte, 1);
		if (n == 1)
			return;
		/* A signal cut the write short: retry, unless it was the stop
		 * (a socket peer that reads nothing must not hold the stop). */
		if (n < 0 && errno == EINTR && atomic_load(&b->vm->stop_reason) == STOP_NONE)
			continue;
		b->output_failed = true;
		if (n < 0 && errno != EPIPE && errno != EINTR) /* EPIPE: the peer left */
			fprintf(stderr, "vmm: -serial %s: output lost: %s\n", b->name, strerror(errno));
	}
}

void serial_backend_write(struct serial_backend *b, uint8_t byte)
{
	switch (b->kind) {
	case BACKEND_CONSOLE:
	case BACKEND_STDIO:
		console_putc((char)byte);
		break;
	case BACKEND_FILE:
	case BACKEND_UNIX:
		write_out(b, byte);
		break;
	case BACKEND_NULL:
		break;
	}
}

/* ---- input: the reader thread and its queue --------------------------------- */

size_t serial_backend_take(struct serial_backend *b, uint8_t *buf, size_t max)
{
	if (b->in_fd < 0)
		return 0;
	pthread_mutex_lock(&b->lock);
	size_t n = 0;
	while (n < max && b->count) {
		buf[n++] = b->queue[b->head];
		b->head = (b->head + 1) % QUEUE_SIZE;
		b->count--;
	}
	if (n)
		pthread_cond_signal(&b->room);
	pthread_mutex_unlock(&b->lock);
	return n;
}

static void push(struct serial_backend *b, uint8_t byte)
{
	b->queue[(b->head + b->count) % QUEUE_SIZE] = byte;
	b->count++;
}

static void print_escape_help(void)
{
	static const char help[] = "\r\n"
				   "C-a h    print this help\r\n"
				   "C-a x    stop the guest and exit (status 0)\r\n"
				   "C-a C-a  send C-a to the guest\r\n";
	ssize_t n = write(STDERR_FILENO, help, sizeof(help) - 1);
	(void)n;
}

/* Queues bytes just read (room for all of them was checked), applying the
 * terminal's Ctrl-A escape. Returns false when the user asked to stop. */
static bool queue_input(struct serial_backend *b, const uint8_t *buf, size_t n)
{
	pthread_mutex_lock(&b->lock);
	bool go_on = true;
	for (size_t i = 0; i < n && go_on; i++) {
		uint8_t c = buf[i];
		if (!b->escapes) {
			push(b, c);
		} else if (b->escape_seen) {
			b->escape_seen = false;
			if (c == CTRL_A)
				push(b, c);
			else if (c == 'x')
				go_on = false;
			else if (c == 'h' || c == '?')
				print_escape_help();
			/* any other key after C-a is swallowed, as in QEMU */
		} else if (c == CTRL_A) {
			b->escape_seen = true;
		} else {
			push(b, c);
		}
	}
	pthread_mutex_unlock(&b->lock);
	vm_post_event(b->vm);
	if (!go_on)
		vm_request_stop(b->vm, STOP_USER, 0);
	return go_on;
}

static void *reader_main(void *arg)
{
	struct serial_backend *b = arg;
	uint8_t buf[QUEUE_SIZE];
	for (;;) {
		/* Read only what the queue can take: nothing is dropped, and the
		 * rest waits in the pipe, file or socket. */
		pthread_mutex_lock(&b->lock);
		while (!b->stopping && b->count == QUEUE_SIZE)
			pthread_cond_wait(&b->room, &b->lock);
		size_t room = QUEUE_SIZE - b->count;
		bool stopping = b->stopping;
		pthread_mutex_unlock(&b->lock);
		if (stopping)
			break;
		struct pollfd fds[2] = { { .fd = b->in_fd, .events = POLLIN },
					 { .fd = b->stop_fd, .events = POLLIN } };
		if (ppoll(fds, 2, NULL, NULL) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[1].revents)
			break;
		if (!fds[0].revents)
			continue;
		/* Ctrl-A x counts as two bytes: a queue with room for one would
		 * deliver the C-a then wait; fine, the escape state carries over. */
		ssize_t n = read(b->in_fd, buf, room);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break; /* end of input (or a hung-up terminal): no more bytes, no spinning */
		if (!queue_input(b, buf, (size_t)n))
			break;
	}
	return NULL;
}

static int start_reader(struct serial_backend *b, char *err, size_t errlen)
{
	b->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->stop_fd < 0) {
		snprintf(err, errlen, "-serial %s: eventfd: %s", b->name, strerror(errno));
		return -1;
	}
	/* Signals (Ctrl-C from kill, SIGTERM) go to the other threads. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&b->reader, NULL, reader_main, b);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		snprintf(err, errlen, "-serial %s: cannot start the reader thread: %s", b->name,
			 strerror(rc));
		return -1;
	}
	b->reader_started = true;
	return 0;
}

/* ---- opening --------------------------------------------------------------- */

static int open_file(struct serial_backend *b, const char *path, char *err, size_t errlen)
{
	b->out_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (b->out_fd < 0) {
		snprintf(err, errlen, "-serial %s: %s", b->name, strerror(errno));
		return -2;
	}
	return 0;
}

/* "PATH[,server][,server=on|off][,wait=on]": QEMU's options that apply. */
static int parse_unix(const char *arg, char *path, size_t pathlen, bool *server)
{
	const char *comma = strchr(arg, ',');
	size_t len = comma ? (size_t)(comma - arg) : strlen(arg);
	if (len == 0 || len >= pathlen)
		return -1;
	memcpy(path, arg, len);
	path[len] = '\0';
	*server = false;
	while (comma) {
		const char *opt = comma + 1;
		comma = strchr(opt, ',');
		size_t n = comma ? (size_t)(comma - opt) : strlen(opt);
		if ((n == 6 && !strncmp(opt, "server", n)) || (n == 9 && !strncmp(opt, "server=on", n)))
			*server = true;
		else if (n == 10 && !strncmp(opt, "server=off", n))
			*server = false;
		else if (!(n == 7 && !strncmp(opt, "wait=on", n)))
			return -1; /* nowait, wait=off (a later client), anything else */
	}
	return 0;
}

static int open_unix(struct serial_backend *b, const char *arg, char *err, size_t errlen)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	bool server;
	if (parse_unix(arg, addr.sun_path, sizeof(addr.sun_path), &server) < 0) {
		snprintf(err, errlen,
			 "bad -serial '%s': use unix:PATH or unix:PATH,server (PATH under %zu bytes)",
			 b->name, sizeof(addr.sun_path));
		return -2;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "-serial %s: socket: %s", b->name, strerror(errno));
		return -1;
	}
	if (!server) {
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
			snprintf(err, errlen, "-serial %s: connect: %s", b->name, strerror(errno));
			close(fd);
			return -2;
		}
	} else {
		/* A socket left by an earlier run is replaced, as QEMU does;
		 * any other file at PATH is not touched. */
		struct stat st;
		if (lstat(addr.sun_path, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(addr.sun_path);
		if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 1) < 0) {
			snprintf(err, errlen, "-serial %s: %s", b->name, strerror(errno));
			close(fd);
			return -2;
		}
		fprintf(stderr, "vmm: waiting for a connection on unix:%s\n", addr.sun_path);
		int client;
		do
			client = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		while (client < 0 && errno == EINTR);
		int saved = errno;
		close(fd);
		unlink(addr.sun_path); /* one client only: nobody else may connect */
		if (client < 0) {
			snprintf(err, errlen, "-serial %s: accept: %s", b->name, strerror(saved));
			return -1;
		}
		fd = client;
	}
	b->in_fd = b->out_fd = fd;
	b->owns_in_fd = true;
	return 0;
}

static int open_kind(struct serial_backend *b, const char *spec, char *err, size_t errlen)
{
	if (!spec) {
		b->kind = BACKEND_CONSOLE;
		return 0;
	}
	if (!strcmp(spec, "stdio")) {
		b->kind = BACKEND_STDIO;
		b->in_fd = STDIN_FILENO;
		if (isatty(STDIN_FILENO)) {
			enter_raw_mode();
			b->escapes = true;
		}
		return 0;
	}
	if (!strcmp(spec, "null")) {
		b->kind = BACKEND_NULL;
		return 0;
	}
	if (!strncmp(spec, "file:", 5) && spec[5]) {
		b->kind = BACKEND_FILE;
		return open_file(b, spec + 5, err, errlen);
	}
	if (!strncmp(spec, "unix:", 5)) {
		b->kind = BACKEND_UNIX;
		return open_unix(b, spec + 5, err, errlen);
	}
	snprintf(err, errlen,
		 "unknown -serial '%s': use stdio, none, null, file:PATH or unix:PATH[,server]", spec);
	return -2;
}

int serial_backend_open(struct vm *vm, const char *spec, struct serial_backend **out, char *err,
			size_t errlen)
{
	*out = NULL;
	if (spec && !strcmp(spec, "none"))
		return 0;
	struct serial_backend *b = calloc(1, sizeof(*b));
	if (!b || !(b->name = strdup(spec ? spec : "stdout"))) {
		free(b);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	b->vm = vm;
	b->in_fd = b->out_fd = b->stop_fd = -1;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->room, NULL);
	int rc = open_kind(b, spec, err, errlen);
	if (rc == 0 && b->in_fd >= 0)
		rc = start_reader(b, err, errlen);
	if (rc < 0) {
		serial_backend_close(b);
		return rc;
	}
	*out = b;
	return 0;
}

void serial_backend_close(struct serial_backend *b)
{
	if (!b)
		return;
	if (b->reader_started) {
		pthread_mutex_lock(&b->lock);
		b->stopping = true;
		pthread_cond_broadcast(&b->room);
		pthread_mutex_unlock(&b->lock);
		uint64_t one = 1;
		ssize_t n = write(b->stop_fd, &one, sizeof(one));
		(void)n;
		pthread_join(b->reader, NULL);
	}
	if (b->kind == BACKEND_STDIO)
		serial_backend_restore_terminal();
	if (b->stop_fd >= 0)
		close(b->stop_fd);
	if (b->out_fd >= 0)
		close(b->out_fd);
	if (b->owns_in_fd && b->in_fd >= 0 && b->in_fd != b->out_fd)
		close(b->in_fd);
	pthread_cond_destroy(&b->room);
	pthread_mutex_destroy(&b->lock);
	free(b->name);
	free(b);
}
