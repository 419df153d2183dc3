/*
 * The SDL2 window: a 720x400 streaming texture scaled by whole numbers when
 * the window is resized (so glyph pixels stay square and sharp). Every key
 * goes to the VM (input.h: ESC stops vmm only until the guest takes the
 * keyboard); closing the window or Ctrl+Alt+Q (QEMU's chord) stops it.
 * SDL's key repeat is forwarded as repeated make codes, as a real keyboard's
 * typematic repeat sends them (at the host's rate, not the one the guest
 * set with F3).
 *
 * After the guest stops the window stays (display_wait) with the reason in
 * its title. Without a usable video driver it fails with the reason (no X
 * server at $DISPLAY...) instead of letting SDL fall back to its offscreen
 * driver, which runs with no window at all.
 *
 * Built alone into the module vmm-display-sdl.so (the Makefile), the only
 * object linked with SDL2; vmm loads it with display_module_load("sdl").
 */
#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "display_frontend.h"
#include "sdl_keymap.h"

struct sdl_state {
	SDL_Window *window;
	SDL_Renderer *renderer;
	SDL_Texture *texture;
};

static void sdl_close(void *opaque)
{
	struct sdl_state *st = opaque;
	if (!st)
		return;
	if (st->texture)
		SDL_DestroyTexture(st->texture);
	if (st->renderer)
		SDL_DestroyRenderer(st->renderer);
	if (st->window)
		SDL_DestroyWindow(st->window);
	SDL_QuitSubSystem(SDL_INIT_VIDEO);
	SDL_Quit();
	free(st);
}

static void present(struct sdl_state *st)
{
	SDL_SetRenderDrawColor(st->renderer, 0, 0, 0, 255);
	SDL_RenderClear(st->renderer);
	SDL_RenderCopy(st->renderer, st->texture, NULL, NULL);
	SDL_RenderPresent(st->renderer);
}

/* SDL_Init with the video driver the environment points at: X11 when
 * $DISPLAY is set, else Wayland when $WAYLAND_DISPLAY is (SDL's own order),
 * or the one $SDL_VIDEODRIVER names. Left alone, SDL would fall back to its
 * offscreen driver, a "window" nobody sees, and SDL's error names no cause
 * ("x11 not available"): say which server could not be reached. */
static int init_video(char *err, size_t errlen)
{
	const char *forced = getenv("SDL_VIDEODRIVER");
	if (forced && *forced) {
		if (SDL_Init(SDL_INIT_VIDEO) == 0)
			return 0;
		snprintf(err, errlen, "SDL_VIDEODRIVER=%s: %s", forced, SDL_GetError());
		return -1;
	}
	const char *x11 = getenv("DISPLAY"), *wayland = getenv("WAYLAND_DISPLAY");
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	char why[300] = "";
	if (x11 && *x11) {
		SDL_SetHint(SDL_HINT_VIDEODRIVER, "x11");
		if (SDL_Init(SDL_INIT_VIDEO) == 0)
			return 0;
		snprintf(why, sizeof(why), "no X server answers at DISPLAY=%s", x11);
	}
	if (wayland && *wayland) {
		size_t n = strlen(why);
		struct stat st;
		/* libwayland needs it, and prints its own complaint without it. */
		if (!runtime || stat(runtime, &st) < 0 || !S_ISDIR(st.st_mode)) {
			snprintf(why + n, sizeof(why) - n, "%sWAYLAND_DISPLAY=%s but XDG_RUNTIME_DIR is %s",
				 n ? "; " : "", wayland, runtime ? "not a directory" : "not set");
		} else {
			SDL_SetHint(SDL_HINT_VIDEODRIVER, "wayland");
			if (SDL_Init(SDL_INIT_VIDEO) == 0)
				return 0;
			snprintf(why + n, sizeof(why) - n, "%sno Wayland compositor answers at WAYLAND_DISPLAY=%s",
				 n ? "; " : "", wayland);
		}
	}
	snprintf(err, errlen, "%s", *why ? why : "neither DISPLAY nor WAYLAND_DISPLAY is set");
	return -1;
}

static int sdl_open(void **state, char *err, size_t errlen)
{
	/* vmm handles SIGINT/SIGTERM itself (vm_run): SDL must not. */
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	/* Software rendering: one 720x400 frame, redrawn only on change, needs no
	 * GPU, and the GL drivers would open files (their shader cache) on the
	 * first draws, after vmm's sandbox is in place. */
	SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
	SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
	if (init_video(err, errlen) < 0)
		return -1;
	/* At the first key press SDL converts the key's text from ISO-8859-1
	 * with iconv, and glibc then loads its converter module (a file opened
	 * and mapped executable). Load it now, before vmm's sandbox forbids both. */
	SDL_free(SDL_iconv_string("UTF-8", "ISO-8859-1", "", 1));
	struct sdl_state *st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, errlen, "out of memory");
		SDL_Quit();
		return -1;
	}
	st->window = SDL_CreateWindow("vmm", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
				      VGA_SCREEN_WIDTH, VGA_SCREEN_HEIGHT, SDL_WINDOW_RESIZABLE);
	if (st->window) {
		SDL_SetWindowMinimumSize(st->window, VGA_SCREEN_WIDTH, VGA_SCREEN_HEIGHT);
		st->renderer = SDL_CreateRenderer(st->window, -1, 0);
	}
	if (st->renderer) {
		SDL_RenderSetLogicalSize(st->renderer, VGA_SCREEN_WIDTH, VGA_SCREEN_HEIGHT);
		SDL_RenderSetIntegerScale(st->renderer, SDL_TRUE);
		st->texture = SDL_CreateTexture(st->renderer, SDL_PIXELFORMAT_RGB888,
						SDL_TEXTUREACCESS_STREAMING,
						VGA_SCREEN_WIDTH, VGA_SCREEN_HEIGHT);
	}
	if (!st->texture) {
		snprintf(err, errlen, "SDL window: %s", SDL_GetError());
		sdl_close(st);
		return -1;
	}
	*state = st;
	return 0;
}

static void sdl_draw(void *opaque, const struct vga_text_state *s, const uint32_t *pixels)
{
	(void)s;
	struct sdl_state *st = opaque;
	/* 0x00RRGGBB is exactly SDL's RGB888 (XRGB, 32 bits per pixel). */
	SDL_UpdateTexture(st->texture, NULL, pixels, VGA_SCREEN_WIDTH * 4);
	present(st);
}

/* In ASCII, the em dashes made hyphens: SDL sets the UTF-8 title window
 * managers show (_NET_WM_NAME) only in a UTF-8 locale, and vmm runs in the
 * C locale, where a non-ASCII title would leave "vmm" there. */
static void sdl_set_status(void *opaque, const char *text)
{
	struct sdl_state *st = opaque;
	char title[256];
	size_t n = (size_t)snprintf(title, sizeof(title), "vmm: ");
	for (const char *p = text; *p && n + 2 < sizeof(title); p++) {
		if (!strncmp(p, "\u2014", strlen("\u2014"))) {
			title[n++] = '-';
			p += strlen("\u2014") - 1;
		} else if ((unsigned char)*p < 0x80) {
			title[n++] = *p;
		}
	}
	snprintf(title + n, sizeof(title) - n, " - press ESC or close the window");
	SDL_SetWindowTitle(st->window, title);
}

/* Ctrl+Alt+Q, by key position (Q of a QWERTY keyboard), as QEMU. */
static bool quit_chord(const SDL_KeyboardEvent *key)
{
	return key->type == SDL_KEYDOWN && key->keysym.scancode == SDL_SCANCODE_Q &&
	       (key->keysym.mod & KMOD_CTRL) && (key->keysym.mod & KMOD_ALT);
}

static int sdl_poll(void *opaque, const struct display_input *in, bool *redraw)
{
	(void)opaque;
	int stop = DISPLAY_GO_ON;
	SDL_Event ev;
	while (SDL_PollEvent(&ev)) {
		switch (ev.type) {
		case SDL_QUIT:
			stop = 0;
			break;
		case SDL_KEYDOWN:
		case SDL_KEYUP: {
			if (quit_chord(&ev.key)) {
				stop = 0;
				break;
			}
			unsigned key = sdl_scancode_to_key(ev.key.keysym.scancode);
			if (key)
				in->key(in->ctx, key, ev.type == SDL_KEYDOWN);
			break;
		}
		case SDL_WINDOWEVENT:
			if (ev.window.event == SDL_WINDOWEVENT_CLOSE)
				stop = 0;
			else if (ev.window.event == SDL_WINDOWEVENT_EXPOSED ||
				 ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
				*redraw = true;
			break;
		default:
			break;
		}
	}
	return stop;
}

const struct display_frontend display_sdl_frontend = {
	.abi = DISPLAY_FRONTEND_ABI,
	.name = "sdl",
	.wants_pixels = true,
	.open = sdl_open,
	.draw = sdl_draw,
	.poll = sdl_poll,
	.set_status = sdl_set_status,
	.close = sdl_close,
};
