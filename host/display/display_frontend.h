/*
 * The front ends the display thread drives (display.c). Every call happens
 * on the display thread, which matters for SDL: its video calls must all
 * come from one thread.
 *
 * The terminal front end is part of vmm; the SDL one is a module,
 * vmm-display-sdl.so, loaded only when a window is wanted (display_module.h),
 * so that vmm itself does not link SDL2 and the ~50 libraries it pulls in.
 */
#ifndef VMM_DISPLAY_FRONTEND_H
#define VMM_DISPLAY_FRONTEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vga_render.h"

/* Changes whenever struct display_frontend does: a module built for another
 * vmm is refused rather than called through the wrong layout. */
#define DISPLAY_FRONTEND_ABI 3

/* How a front end hands the user's keys to the VM (display.c fills it in;
 * the calls go to input.h). */
struct display_input {
	void *ctx;
	/* A key (a Linux KEY_* code) went down or up. */
	void (*key)(void *ctx, unsigned keycode, bool down);
	/* True once the guest has taken the keyboard (input.h): from then on
	 * ESC (and the terminal's Ctrl-C) are keys for the guest. */
	bool (*guest_has_keyboard)(void *ctx);
};

/* poll's answer: go on, or stop vmm with this exit status. */
#define DISPLAY_GO_ON (-1)

struct display_frontend {
	unsigned abi; /* DISPLAY_FRONTEND_ABI */
	const char *name;
	bool wants_pixels; /* draw gets the rendered 720x400 frame */
	int (*open)(void **state, char *err, size_t errlen);
	/* The screen changed (or redraw was asked for). */
	void (*draw)(void *state, const struct vga_text_state *s, const uint32_t *pixels);
	/* Handles input: keys go to in->key. Returns DISPLAY_GO_ON, or the exit
	 * status when the user asked to stop (closed the window, a quit chord).
	 * Sets *redraw when the front end lost its picture (window exposed). */
	int (*poll)(void *state, const struct display_input *in, bool *redraw);
	/* Says why the guest stopped and how to close the display (display.c
	 * writes "guest halted — status 0"; the front end adds its own way out):
	 * the window's title, the terminal's status line under the screen. */
	void (*set_status)(void *state, const char *text);
	void (*close)(void *state);
};

/* In the SDL module (vmm-display-sdl.so), found there by name. */
extern const struct display_frontend display_sdl_frontend;
extern const struct display_frontend display_term_frontend;

#endif
