/*
 * The guest of bench/irq_bench.sh: a long-mode Multiboot kernel (built for
 * multiboot64 with the guest SDK) that remaps the PIC, programs the PIT at
 * 100 Hz and counts ticks of IRQ 0 in an IDT handler, sleeping in `sti; hlt`
 * in between. The last word of the command line picks what it does:
 *
 *   idle   prints "idle" once the timer runs, then idles for ever (the bench
 *          samples the emulator's CPU time and kills it)
 *   K      (a number, 1..3600) timer accuracy against the CMOS clock: waits
 *          for the RTC's seconds to change, counts ticks until they have
 *          changed K more times, prints "rtc: T ticks in K s" and exits
 *          through isa-debug-exit (status 33). At 100 Hz, T should be 100*K;
 *          the RTC is read once per tick, so each end is seen up to one tick
 *          late: T is exact to +-1 tick.
 *
 * Runs the same on vmm and QEMU (debug console output, isa-debug-exit).
 */
#include <stdint.h>

#include "debug_exit.h"
#include "idt.h"
#include "io.h"
#include "multiboot.h"
#include "pic.h"
#include "pit.h"
#include "printf.h"
#include "string.h"

#define TIMER_HZ 100
#define MAX_SECONDS 3600
#define EXIT_DONE 0x10
#define EXIT_BAD_ARGUMENT 0x12 /* not 1 or 2: vmm's own statuses */
#define EXIT_NO_RTC 0x03

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_SECONDS 0x00
#define RTC_STATUS_A 0x0a
#define RTC_UPDATE_IN_PROGRESS 0x80

static volatile uint32_t ticks;

static void on_timer(struct interrupt_frame *frame)
{
	(void)frame;
	ticks++;
	pic_eoi(0);
}

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

/* The RTC's seconds register, or -1 while an update is under way (the
 * registers may then be half written). BCD or binary does not matter: the
 * bench only looks for a change. */
static int rtc_seconds(void)
{
	if (cmos_read(RTC_STATUS_A) & RTC_UPDATE_IN_PROGRESS)
		return -1;
	return cmos_read(RTC_SECONDS);
}

/* Sleeps tick by tick until the seconds differ from *seconds; returns the
 * tick count then. Called and returns with interrupts off. An RTC that does
 * not tick (or no RTC: all-ones, update in progress for ever) ends the run
 * after NO_RTC_TICKS rather than hanging the bench. */
#define NO_RTC_TICKS (3 * TIMER_HZ)
static uint32_t next_second(int *seconds)
{
	uint32_t start = ticks;
	for (;;) {
		sti_hlt();
		cli();
		int now = rtc_seconds();
		if (now >= 0 && now != *seconds) {
			*seconds = now;
			return ticks;
		}
		if (ticks - start > NO_RTC_TICKS) {
			printf("irq_guest: the RTC's seconds did not change in %u ticks\n",
			       (unsigned)(ticks - start));
			debug_exit(EXIT_NO_RTC);
		}
	}
}

int main(uint32_t magic, uint32_t info_address)
{
	char word[16];
	multiboot_last_word(magic, info_address, word, sizeof(word));
	int idle = strcmp(word, "idle") == 0;
	uint32_t seconds = idle ? 0 : decimal_value(word, MAX_SECONDS);
	if (!idle && seconds == 0) {
		printf("irq_guest: bad argument '%s' (want idle or 1..%u seconds)\n", word,
		       MAX_SECONDS);
		return EXIT_BAD_ARGUMENT;
	}

	idt_install();
	idt_set_handler(PIC_IRQ_VECTOR(0), on_timer);
	pic_remap(PIC_MASTER_VECTOR, PIC_SLAVE_VECTOR);
	pit_start_periodic(TIMER_HZ, PIT_MODE_RATE_GENERATOR);
	pic_unmask(0);

	if (idle) {
		printf("idle\n");
		for (;;)
			sti_hlt();
	}

	int rtc = -1; /* no second reads -1: the first valid read is a change */
	next_second(&rtc);
	next_second(&rtc); /* the first edge: a whole second starts here */
	uint32_t first = ticks;
	uint32_t last = first;
	for (uint32_t i = 0; i < seconds; i++)
		last = next_second(&rtc);
	printf("rtc: %u ticks in %u s\n", (unsigned)(last - first), (unsigned)seconds);
	return EXIT_DONE;
}
