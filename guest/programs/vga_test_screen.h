/*
 * What test_vga_emul and test_vga_pv share: the screen they draw (the
 * pattern the QEMU reference images were made from: every glyph with every
 * fg/bg attribute, text touching all four edges, line graphics at column 79)
 * and how they end.
 *
 * They end by printing VGA_DONE_MARKER on the debug console (tests wait for
 * it before QEMU's screendump) and halting: vmm then exits 0, QEMU keeps the
 * screen. A Multiboot command line containing "loop" makes them spin
 * forever instead, for the window and terminal tests, which stop vmm with ESC.
 */
#ifndef VGA_TEST_SCREEN_H
#define VGA_TEST_SCREEN_H

#include <stdint.h>

#include "../../tests/fixtures/vga/pattern.h"
#include "debug_exit.h"
#include "debugcon.h"
#include "io.h"
#include "multiboot.h"
#include "string.h"

#define VGA_DONE_MARKER "VGA-TEST-DONE\n"

/* `-append loop`: spin after drawing instead of halting (window tests). */
static inline int vga_test_cmdline_has_loop(uint32_t magic, uint32_t info_address)
{
	char word[8];
	return strcmp(multiboot_last_word(magic, info_address, word, sizeof(word)), "loop") == 0;
}

static inline __attribute__((noreturn)) void vga_test_finish(uint32_t magic, uint32_t info,
							     int ok)
{
	if (!ok) {
		debugcon_write("VGA-TEST-FAILED\n");
		debug_exit(1); /* vmm exits 3 */
	}
	debugcon_write(VGA_DONE_MARKER);
	if (vga_test_cmdline_has_loop(magic, info))
		for (;;)
			cpu_relax();
	halt_forever();
}

#endif
