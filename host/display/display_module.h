/*
 * Display front ends built as shared objects, loaded only when used, the way
 * QEMU loads its UI modules: vmm-display-NAME.so holds
 * `const struct display_frontend display_NAME_frontend`. Keeping SDL2 in such
 * a module spares every other run of vmm the dynamic loader's work on the
 * ~50 libraries SDL2 pulls in (X11, Wayland, PulseAudio, ...): several
 * milliseconds of each start.
 *
 * Where: the directory named by $VMM_MODULE_DIR if it is set, else the
 * directory of the vmm executable itself (/proc/self/exe), where `make`
 * builds vmm-display-sdl.so, else ../lib/vmm from there, where `make install`
 * puts it (PREFIX/bin/vmm, PREFIX/lib/vmm/).
 */
#ifndef VMM_DISPLAY_MODULE_H
#define VMM_DISPLAY_MODULE_H

#include <stddef.h>

#include "display_frontend.h"

/* The environment variable that overrides where modules are looked for. */
#define DISPLAY_MODULE_DIR_ENV "VMM_MODULE_DIR"

/*
 * Loads (once; the module stays loaded) and returns the front end NAME, or
 * NULL with a one-line reason in err naming the file it tried.
 */
const struct display_frontend *display_module_load(const char *name, char *err, size_t errlen);

#endif
