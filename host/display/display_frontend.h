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
#define DISPLAY_FRONTEND_ABI 1

struct display_frontend {
	unsigned abi; /* DISPLAY_FRONTEND_ABI */
	const char *name;
	bool wants_pixels; /* draw gets the rendered 720x400 frame */
	int (*open)(void **state, char *err, size_t errlen);
	/* The screen changed (or redraw was asked for). */
	void (*draw)(void *state, const struct vga_text_state *s, const uint32_t *pixels);
	/* Handles input; returns true if the user asked to stop (ESC, close).
	 * Sets *redraw when the front end lost its picture (window exposed). */
	bool (*poll)(void *state, bool *redraw);
	void (*close)(void *state);
};

/* In the SDL module (vmm-display-sdl.so), found there by name. */
extern const struct display_frontend display_sdl_frontend;
extern const struct display_frontend display_term_frontend;

#endif
