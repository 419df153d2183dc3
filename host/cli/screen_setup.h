/* Sets up the VGA device and the display from the command line options. */
#ifndef VMM_SCREEN_SETUP_H
#define VMM_SCREEN_SETUP_H

#include <stddef.h>

#include "options.h"

struct vm;

/* As display_start: 1 with a window, 0, or -1 with a message in err (-2: a
 * usage error). */
int screen_setup(struct vm *vm, const struct options *opt, char *err, size_t errlen);

#endif
