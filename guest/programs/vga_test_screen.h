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

#define VGA_DONE_MARKER "VGA-TEST-DONE\n"

static inline int vga_test_cmdline_has_loop(uint32_t magic, uint32_t info_address)
{
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		return 0;
	const struct multiboot_info *info = multiboot_pointer(info_address);
	if (!(info->flags & MULTIBOOT_INFO_CMDLINE))
		return 0;
	for (const char *s = multiboot_pointer(info->cmdline); *s; s++)
		if (s[0] == 'l' && s[1] == 'o' && s[2] == 'o' && s[3] == 'p')
			return 1;
	return 0;
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
			__asm__ volatile("pause");
	halt_forever();
}

#endif
