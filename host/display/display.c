/* The 60 Hz display thread and the stop-time screen files (display.h). */
#include "display.h"

#include <errno.h>
#include <linux/input-event-codes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cp437.h"
#include "display_frontend.h"
#include "display_module.h"
#include "font.h"
#include "input.h"
#include "screen_files.h"
#include "vm.h"

#define FRAME_NS 16666667ull      /* 60 Hz */
#define BLINK_NS 266000000ull     /* QEMU's cursor phase */

struct display {
	struct vm *vm;
	struct display_config cfg;
	display_snapshot_fn snapshot;
	void *opaque;
	uint8_t font[256][16];
	struct cp437_table cp437;

	const struct display_frontend *fe;
	void *fe_state;
	pthread_t thread;
	bool thread_started;
	atomic_bool quit;
	/* Start-up handshake: the thread opens the front end and reports. */
	pthread_mutex_t lock;
	pthread_cond_t opened;
	int open_result; /* 1 while pending, then 0 or -1 */
	char open_err[256];

	/* -screenshot/-screendump, opened at setup (screen_files.h). */
	FILE *screenshot, *screendump;

	bool stopped;
	/* Waiting (cfg.wait): the guest has stopped but the front end stays;
	 * the user has asked to close it; the status line to show. */
	atomic_bool guest_stopped, dismissed;
	atomic_bool status_changed;
	char status[160]; /* under lock */
	struct vga_text_state last, cur;
	uint32_t pixels[VGA_SCREEN_PIXELS];
};

/* Field by field: struct padding would make memcmp see phantom changes. */
static bool same_screen(const struct vga_text_state *a, const struct vga_text_state *b)
{
	return !memcmp(a->cells, b->cells, sizeof(a->cells)) &&
	       a->start_addr == b->start_addr && a->cursor_addr == b->cursor_addr &&
	       a->cursor_start == b->cursor_start && a->cursor_end == b->cursor_end &&
	       a->cursor_blink_on == b->cursor_blink_on &&
	       a->line_graphics == b->line_graphics &&
	       !memcmp(a->palette, b->palette, sizeof(a->palette));
}

static void key_to_vm(void *ctx, unsigned keycode, bool down)
{
	vm_key_event(ctx, keycode, down);
}

static bool guest_has_keyboard(void *ctx)
{
	return vm_guest_has_keyboard(ctx);
}

/* A signal that ends the wait (display_wait installs the handler). */
static volatile sig_atomic_t wait_signal;

static void on_wait_signal(int sig)
{
	wait_signal = sig;
}

/* Keys once the guest has stopped: ESC or q closes the display. */
static void key_after_stop(void *ctx, unsigned keycode, bool down)
{
	struct display *d = ctx;
	if (down && (keycode == KEY_ESC || keycode == KEY_Q))
		atomic_store(&d->dismissed, true);
}

static bool no_guest_keyboard(void *ctx)
{
	(void)ctx;
	return false; /* ESC, Ctrl-C: ways out, no guest takes them now */
}

/* The status line display_wait asked for, if it changed. */
static void show_status(struct display *d)
{
	if (!atomic_exchange(&d->status_changed, false))
		return;
	char text[sizeof(d->status)];
	pthread_mutex_lock(&d->lock);
	memcpy(text, d->status, sizeof(text));
	pthread_mutex_unlock(&d->lock);
	d->fe->set_status(d->fe_state, text);
}

static void *display_thread(void *arg)
{
	struct display *d = arg;
	int rc = d->fe->open(&d->fe_state, d->open_err, sizeof(d->open_err));
	pthread_mutex_lock(&d->lock);
	d->open_result = rc;
	pthread_cond_signal(&d->opened);
	pthread_mutex_unlock(&d->lock);
	if (rc < 0)
		return NULL;

	struct vga_text_state *last = &d->last, *cur = &d->cur;
	bool have_last = false;
	const struct display_input input = { d->vm, key_to_vm, guest_has_keyboard };
	const struct display_input after_stop = { d, key_after_stop, no_guest_keyboard };
	uint64_t t0 = host_monotonic_ns(), next = t0;
	while (!atomic_load(&d->quit)) {
		bool redraw = false;
		bool stopped = atomic_load(&d->guest_stopped);
		int status = d->fe->poll(d->fe_state, stopped ? &after_stop : &input, &redraw);
		if (status != DISPLAY_GO_ON) {
			/* Also while the guest runs: a close that raced with the
			 * guest's own stop still closes the display. */
			atomic_store(&d->dismissed, true);
			if (!stopped)
				vm_request_stop(d->vm, STOP_USER, status);
		}
		if (stopped && (atomic_load(&d->dismissed) || wait_signal))
			break;
		show_status(d);
		d->snapshot(d->opaque, cur);
		uint64_t t = host_monotonic_ns();
		/* A hidden cursor does not blink: no redraw 4 times a second. */
		cur->cursor_blink_on = (cur->cursor_start & VGA_CURSOR_DISABLE) ||
				      ((t - t0) / BLINK_NS) % 2 == 0;
		if (redraw || !have_last || !same_screen(cur, last)) {
			if (d->fe->wants_pixels)
				vga_render(cur, (const uint8_t (*)[16])d->font, d->pixels);
			d->fe->draw(d->fe_state, cur, d->pixels);
			*last = *cur;
			have_last = true;
		}
		next += FRAME_NS;
		if (next < t)
			next = t + FRAME_NS; /* fell behind (slow host): don't catch up */
		struct timespec ts = { (time_t)(next / 1000000000ull), (long)(next % 1000000000ull) };
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
	}
	d->fe->close(d->fe_state);
	return NULL;
}

static void close_files(struct display *d)
{
	if (d->screenshot && fclose(d->screenshot) != 0)
		fprintf(stderr, "vmm: -screenshot: %s: %s\n", d->cfg.screenshot, strerror(errno));
	if (d->screendump && fclose(d->screendump) != 0)
		fprintf(stderr, "vmm: -screendump: %s: %s\n", d->cfg.screendump, strerror(errno));
	d->screenshot = d->screendump = NULL;
}

static void write_files(struct display *d)
{
	if (!d->screenshot && !d->screendump)
		return;
	struct vga_text_state s;
	d->snapshot(d->opaque, &s);
	char err[600];
	if (d->screenshot &&
	    screen_write_png(d->screenshot, d->cfg.screenshot, &s, (const uint8_t (*)[16])d->font,
			     err, sizeof(err)) < 0)
		fprintf(stderr, "vmm: -screenshot: %s\n", err);
	if (d->screendump &&
	    screen_write_text(d->screendump, d->cfg.screendump, &s, &d->cp437, err, sizeof(err)) < 0)
		fprintf(stderr, "vmm: -screendump: %s\n", err);
	close_files(d);
}

/* Opened (and emptied) before the guest runs: a path that cannot be
 * written is an error now, not after the run. */
static int open_files(struct display *d, char *err, size_t errlen)
{
	if (d->cfg.screenshot && !(d->screenshot = fopen(d->cfg.screenshot, "wb"))) {
		snprintf(err, errlen, "-screenshot %s: %s", d->cfg.screenshot, strerror(errno));
		return -1;
	}
	if (d->cfg.screendump && !(d->screendump = fopen(d->cfg.screendump, "w"))) {
		snprintf(err, errlen, "-screendump %s: %s", d->cfg.screendump, strerror(errno));
		return -1;
	}
	return 0;
}

static void close_frontend(struct display *d)
{
	if (!d->thread_started)
		return;
	atomic_store(&d->quit, true);
	pthread_join(d->thread, NULL);
	d->thread_started = false;
}

/* The vCPU has stopped: close the front end (restoring the terminal), or
 * with cfg.wait keep it for display_wait; then take the final screen. */
static void display_stop(struct vm *vm, void *opaque)
{
	(void)vm;
	struct display *d = opaque;
	if (d->stopped)
		return;
	d->stopped = true;
	if (d->cfg.wait && d->thread_started)
		atomic_store(&d->guest_stopped, true);
	else
		close_frontend(d);
	write_files(d);
}

/* The display registered on vm (its stop hook's opaque), or NULL. */
static struct display *display_of(struct vm *vm)
{
	for (int i = 0; i < vm->n_stop_hooks; i++)
		if (vm->stop_hooks[i].fn == display_stop)
			return vm->stop_hooks[i].opaque;
	return NULL;
}

static const char *stop_text(enum vm_stop_reason reason)
{
	switch (reason) {
	case STOP_HALT: return "guest halted";
	case STOP_GUEST_EXIT: return "guest exited";
	case STOP_TIMEOUT: return "guest timed out";
	case STOP_TRIPLE_FAULT: return "guest triple fault";
	case STOP_KVM_ERROR: return "KVM internal error";
	case STOP_RESET: return "guest asked for a reset";
	case STOP_HOST_ERROR: return "host error";
	default: return "guest stopped";
	}
}

void display_wait(struct vm *vm, enum vm_stop_reason reason, int status)
{
	struct display *d = display_of(vm);
	if (!d || !d->thread_started)
		return;
	if (reason != STOP_USER && d->cfg.wait) {
		pthread_mutex_lock(&d->lock);
		snprintf(d->status, sizeof(d->status), "%s \u2014 status %d", stop_text(reason), status);
		pthread_mutex_unlock(&d->lock);
		atomic_store(&d->status_changed, true);
		/* vm_run's handlers would only note the signal for a run that
		 * is over: these end the wait. */
		static const int signals[] = { SIGINT, SIGTERM, SIGHUP };
		struct sigaction sa = { .sa_handler = on_wait_signal }, old[3];
		sigemptyset(&sa.sa_mask);
		wait_signal = 0;
		for (int i = 0; i < 3; i++)
			sigaction(signals[i], &sa, &old[i]);
		pthread_join(d->thread, NULL); /* the thread ends when the user closes it */
		d->thread_started = false;
		for (int i = 0; i < 3; i++)
			sigaction(signals[i], &old[i], NULL);
	}
	close_frontend(d);
}

static void display_free(struct vm *vm, void *opaque)
{
	(void)vm;
	struct display *d = opaque;
	close_frontend(d); /* a VM destroyed without running, or without display_wait */
	close_files(d);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->opened);
	free(d);
}

/* Runs fe on the display thread; 0 once it opened, -1 if it could not. */
static int start_frontend(struct display *d, const struct display_frontend *fe)
{
	d->fe = fe;
	d->open_result = 1;
	atomic_store(&d->quit, false);
	if (pthread_create(&d->thread, NULL, display_thread, d) != 0) {
		snprintf(d->open_err, sizeof(d->open_err), "cannot start the display thread");
		return -1;
	}
	pthread_mutex_lock(&d->lock);
	while (d->open_result == 1)
		pthread_cond_wait(&d->opened, &d->lock);
	pthread_mutex_unlock(&d->lock);
	if (d->open_result < 0) {
		pthread_join(d->thread, NULL);
		return -1;
	}
	d->thread_started = true;
	return 0;
}

/* The window front end when one is wanted: asked for, or by default when
 * $DISPLAY/$WAYLAND_DISPLAY says there is a screen. Only then is the SDL
 * module (and SDL2 with it) loaded. NULL when no window is wanted or the
 * default could not have one (said with -v); NULL with *failed set and a
 * message in err when -display sdl cannot have one. */
static const struct display_frontend *window_frontend(const struct display_config *cfg,
						      bool *failed, char *err, size_t errlen)
{
	bool wanted = cfg->kind == DISPLAY_SDL ||
		      (cfg->kind == DISPLAY_AUTO && (getenv("DISPLAY") || getenv("WAYLAND_DISPLAY")));
	if (!wanted)
		return NULL;
	char why[600];
	const struct display_frontend *fe = display_module_load("sdl", why, sizeof(why));
	if (!fe && cfg->kind == DISPLAY_SDL) {
		snprintf(err, errlen, "-display sdl: %s", why);
		*failed = true;
	} else if (!fe && cfg->verbose) {
		fprintf(stderr, "vmm: no window (%s): -display none\n", why);
	}
	return fe;
}

int display_start(struct vm *vm, const struct display_config *cfg,
		  display_snapshot_fn snapshot, void *opaque, char *err, size_t errlen)
{
	int rc = -1;
	bool failed = false;
	const struct display_frontend *fe = cfg->kind == DISPLAY_TERM
		? &display_term_frontend : window_frontend(cfg, &failed, err, errlen);
	if (failed)
		return -1;
	/* Nothing will ever render: no tables, no thread, no hooks. */
	if (!fe && !cfg->screenshot && !cfg->screendump)
		return 0;

	struct display *d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	d->vm = vm;
	d->cfg = *cfg;
	d->snapshot = snapshot;
	d->opaque = opaque;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->opened, NULL);
	/* Only the tables something will use: the font for pixels (a window, a
	 * PNG), CP437 for -screendump (the terminal front end has its own). */
	if ((cfg->screenshot || (fe && fe->wants_pixels)) &&
	    vga_font_load(NULL, d->font, err, errlen) < 0)
		goto fail;
	if (cfg->screendump && cp437_table_init(&d->cp437, err, errlen) < 0)
		goto fail;
	if (open_files(d, err, errlen) < 0) {
		rc = -2;
		goto fail;
	}

	if (fe && start_frontend(d, fe) < 0) {
		if (cfg->kind != DISPLAY_AUTO) {
			if (fe == &display_term_frontend)
				snprintf(err, errlen, "-display %s: %s", fe->name, d->open_err);
			else
				snprintf(err, errlen, "-display %s: no window: %s (use -display term or -display none)",
					 fe->name, d->open_err);
			goto fail;
		}
		if (cfg->verbose)
			fprintf(stderr, "vmm: no window (%s): -display none\n", d->open_err);
	}
	if (vm_add_stop_hook(vm, display_stop, d) < 0 ||
	    vm_add_destroy_hook(vm, display_free, d) < 0) {
		snprintf(err, errlen, "too many stop hooks");
		display_stop(vm, d);
		goto fail;
	}
	return d->thread_started && fe != &display_term_frontend ? 1 : 0;
fail:
	close_files(d);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->opened);
	free(d);
	return rc;
}

int display_kind_parse(const char *name, enum display_kind *out)
{
	static const struct { const char *name; enum display_kind kind; } kinds[] = {
		{ "sdl", DISPLAY_SDL }, { "term", DISPLAY_TERM }, { "none", DISPLAY_NONE },
		{ "auto", DISPLAY_AUTO },
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(name, kinds[i].name)) {
			*out = kinds[i].kind;
			return 0;
		}
	return -1;
}
