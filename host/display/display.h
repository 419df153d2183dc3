/*
 * What the user sees of the VGA text screen: a display thread that looks at
 * the screen 60 times a second and redraws a front end (SDL window or
 * terminal) only when something changed, and the -screenshot/-screendump
 * files written when the guest stops. The vCPU thread never waits for any
 * of it: the thread only takes snapshots (see vga_snapshot).
 */
#ifndef VMM_DISPLAY_H
#define VMM_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "vga_render.h"

#include "vm.h"

enum display_kind {
	DISPLAY_AUTO, /* sdl if $DISPLAY/$WAYLAND_DISPLAY is set and SDL starts, else none */
	DISPLAY_NONE,
	DISPLAY_SDL,
	DISPLAY_TERM,
};

/* Copies the current screen into s (the VGA device's vga_snapshot). */
typedef void (*display_snapshot_fn)(void *opaque, struct vga_text_state *s);

struct display_config {
	enum display_kind kind;
	const char *screenshot; /* PNG written at stop, or NULL */
	const char *screendump; /* text written at stop, or NULL */
	bool verbose;
	/* The window or terminal stays after the guest stops, showing its last
	 * screen, until the user closes it (display_wait); false: it closes
	 * when the guest stops (-no-wait). */
	bool wait;
};

/*
 * Opens the front end on a new thread and registers the stop hook that
 * closes it and writes the files, and a destroy hook that frees it all.
 * Does nothing at all (no thread, no tables, no SDL) when nothing will be
 * drawn: -display none, or the default without a screen, and no files. The
 * SDL front end is loaded from its module only here, when a window is
 * wanted (display_module.h); the font is read only for pixels (a window,
 * -screenshot), the CP437 table only for -screendump.
 * Returns 1 when a window is open (the sandbox then allows its X11 calls),
 * 0 otherwise, or -1 with a message in err (unknown font, no terminal, SDL
 * or its module failing when asked for explicitly), or -2 when a
 * -screenshot/-screendump file cannot be created (a usage error: bad path).
 */
int display_start(struct vm *vm, const struct display_config *cfg,
		  display_snapshot_fn snapshot, void *opaque, char *err, size_t errlen);

/*
 * After vm_run: a display kept open (cfg.wait) shows why the guest stopped,
 * "guest halted — status 0" with the front end's way out (the window's title,
 * the terminal's status line), and waits until the user closes it: ESC or q,
 * the window closed, the quit chords (Ctrl+Alt+Q, Ctrl-A x), Ctrl-C in the
 * terminal, SIGINT, SIGTERM or SIGHUP. Then closes it (the terminal display
 * prints the console transcript). Returns at once when there is nothing to
 * wait for: no display, -no-wait, or the user stopped the guest (STOP_USER).
 */
void display_wait(struct vm *vm, enum vm_stop_reason reason, int status);

int display_kind_parse(const char *name, enum display_kind *out);

#endif
