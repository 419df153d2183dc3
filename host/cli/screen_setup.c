/* The CLI's screen: the VGA device with the chosen backing, and the display
 * (front end and stop-time files) reading it. */
#include "screen_setup.h"

#include "display.h"
#include "vga.h"
#include "vm.h"

static void snapshot(void *opaque, struct vga_text_state *s)
{
	vga_snapshot(opaque, s);
}

int screen_setup(struct vm *vm, const struct options *opt, char *err, size_t errlen)
{
	struct vga *vga = vga_create(vm, opt->vga, err, errlen);
	if (!vga)
		return -1;
	struct display_config cfg = {
		.kind = opt->display,
		.screenshot = opt->screenshot,
		.screendump = opt->screendump,
		.verbose = opt->verbose,
		.wait = !opt->no_wait,
	};
	return display_start(vm, &cfg, snapshot, vga, err, errlen);
}
