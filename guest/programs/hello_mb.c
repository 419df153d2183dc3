/*
 * A Multiboot kernel that says hello, checks the loader's magic and shows
 * the command line. Its output is the same under QEMU and vmm except for the
 * command line itself (QEMU puts the kernel's file name first).
 */
#include <stdint.h>

#include "multiboot.h"
#include "printf.h"

/* main returns 0x10: status 16 on vmm, (0x10 << 1) | 1 = 33 on QEMU (isa-debug-exit). */
#define EXIT_SUCCESS_VALUE 0x10
#define EXIT_BAD_MAGIC_VALUE 0x11 /* not 1: vmm's own status for a host error */

int main(uint32_t magic, uint32_t info_address)
{
	const struct multiboot_info *info = multiboot_pointer(info_address);

	printf("Hello, world!\n");
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
		printf("multiboot magic bad: 0x%08x\n", magic);
		return EXIT_BAD_MAGIC_VALUE;
	}
	printf("multiboot magic ok\n");
	if (info->flags & MULTIBOOT_INFO_CMDLINE)
		printf("cmdline: %s\n",
		       (const char *)multiboot_pointer(info->cmdline));
	else
		printf("no cmdline\n");
	return EXIT_SUCCESS_VALUE;
}
