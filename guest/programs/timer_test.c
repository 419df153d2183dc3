/*
 * The timer guest: remaps the PIC, programs the PIT at 100 Hz and counts
 * N ticks of IRQ 0 in an IDT handler while it idles in `sti; hlt`, then
 * prints "ticks: N". N is the last word of the command line (-append N),
 * 20 by default. Two other words test how `hlt` waits:
 *   masked   the same set-up with every PIC line masked, then `sti; hlt`
 *            for ever: runs until vmm's -timeout (a tick that arrives
 *            anyway prints "tick while masked" and exits with value 3)
 *   cli-hlt  `cli; hlt` after the set-up: vmm ends the run, status 0
 *
 * Built for multiboot64 (long mode, runs everywhere) and multiboot (32-bit:
 * needs a host that runs a 32-bit iret). Output is the same under vmm and
 * QEMU. Exit: main returns 0 (status 0 on vmm, where the SDK's entry ends
 * with the EXIT hypercall; 1 on QEMU, through isa-debug-exit). A bad
 * argument prints a line and returns 0x12 (status 18 on vmm, 37 on QEMU).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "debug_exit.h"
#include "hypercall.h"
#include "idt.h"
#include "io.h"
#include "multiboot.h"
#include "pic.h"
#include "pit.h"
#include "printf.h"
#include "string.h"

#define TIMER_HZ 100
#define DEFAULT_TICKS 20
#define MAX_TICKS 100000
#define EXIT_BAD_ARGUMENT 0x12 /* not 1 or 2: vmm's own statuses */
#define EXIT_TICK_WHILE_MASKED 3

static volatile uint32_t ticks;
static uint32_t wanted_ticks;

static void on_timer(struct interrupt_frame *frame)
{
	(void)frame;
	/* Stop the timer at the count we wanted, so a tick that arrives while
	 * main is printing cannot change what it prints. */
	if (++ticks == wanted_ticks)
		pic_mask(0);
	pic_eoi(0);
}

/* The word after the kernel's file name (vmm and QEMU put it first), or ""
 * when there is none: multiboot_last_word alone would return the name. */
static const char *argument(uint32_t magic, uint32_t info_address, char *buf, size_t size)
{
	const struct multiboot_info *info = multiboot_pointer(info_address);

	buf[0] = '\0';
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC || !(info->flags & MULTIBOOT_INFO_CMDLINE))
		return buf;
	const char *cmdline = multiboot_pointer(info->cmdline);
	while (*cmdline == ' ')
		cmdline++;
	while (*cmdline && *cmdline != ' ')
		cmdline++;
	while (*cmdline == ' ')
		cmdline++;
	if (!*cmdline)
		return buf;
	return multiboot_last_word(magic, info_address, buf, size);
}

static void on_masked_timer(struct interrupt_frame *frame)
{
	(void)frame;
	printf("tick while masked\n");
	debug_exit(EXIT_TICK_WHILE_MASKED);
}

/* "" gives the default; anything but 1..MAX_TICKS in decimal digits is 0. */
static uint32_t parse_count(const char *word)
{
	return *word ? decimal_value(word, MAX_TICKS) : DEFAULT_TICKS;
}

int main(uint32_t magic, uint32_t info_address)
{
	char word[16];
	const char *mode = argument(magic, info_address, word, sizeof(word));
	bool masked = strcmp(mode, "masked") == 0, cli_hlt = strcmp(mode, "cli-hlt") == 0;

	wanted_ticks = masked || cli_hlt ? 1 : parse_count(mode);
	if (wanted_ticks == 0) {
		printf("timer_test: bad argument '%s' (want 1..%u, masked or cli-hlt)\n", word,
		       MAX_TICKS);
		return EXIT_BAD_ARGUMENT;
	}

	idt_install();
	idt_set_handler(PIC_IRQ_VECTOR(0), masked ? on_masked_timer : on_timer);
	pic_remap(PIC_MASTER_VECTOR, PIC_SLAVE_VECTOR);
	pit_start_periodic(TIMER_HZ, PIT_MODE_RATE_GENERATOR);
	if (masked) {
		pic_set_masks(0xFFFF);
		for (;;)
			sti_hlt();
	}
	if (cli_hlt)
		halt_forever();
	pic_unmask(0);

	/* Check with interrupts off, then sleep: sti_hlt cannot miss the tick
	 * that would end the loop. */
	while (ticks < wanted_ticks)
		sti_hlt(), cli();

	printf("ticks: %u\n", (unsigned)ticks);
	hc_exit(0);
	return 0;
}
