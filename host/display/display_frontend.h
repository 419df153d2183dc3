/*
 * The front ends the display thread drives (display.c). Every call happens
 * on the display thread, which matters for SDL: its video calls must all
 * come from one thread.
 */
#ifndef VMM_DISPLAY_FRONTEND_H
#define VMM_DISPLAY_FRONTEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vga_render.h"

struct display_frontend {
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

extern const struct display_frontend display_sdl_frontend;
extern const struct display_frontend display_term_frontend;

#endif
