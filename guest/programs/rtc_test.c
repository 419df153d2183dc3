/*
 * The RTC guest: reads the CMOS clock as a driver would and prints what it
 * reads, so that tests/integration/rtc.sh can compare vmm with QEMU.
 *
 *   (no -append)  the date and time in BCD and binary, 24- and 12-hour mode;
 *                 the ports' oddities (index port reads, NMI bit, 0x37);
 *                 then, with times it sets itself (SET, divider reset), the
 *                 update that follows (midnight in 12-hour mode, a leap day,
 *                 a new century), the alarm, update-ended and periodic
 *                 flags, polled in register C (interrupts stay off).
 *   -append clock only the first part: the date and time, no waiting.
 *   -append irq   IRQ 8 taken in an IDT handler: an update-ended and alarm
 *                 interrupt, then 32 periodic ones at 1024 Hz (long mode:
 *                 this host's KVM cannot run a 32-bit iret).
 *   -append cmos  all 128 CMOS bytes, 16 a line ("cmos 10: ..."), as a
 *                 firmware or kernel finds them (memory size, equipment).
 *
 * With -rtc base=... fixed, only the seconds of the four date lines depend
 * on how long the guest took to start (QEMU's firmware takes seconds): the
 * test compares them apart. Everything after them is set by the guest.
 * main returns 0x10, as hello_mb does: status 16 on vmm, 33 on QEMU.
 */
#include <stdint.h>

#include "idt.h"
#include "io.h"
#include "multiboot.h"
#include "pic.h"
#include "printf.h"
#include "rtc.h"
#include "string.h"

#define EXIT_SUCCESS_VALUE 0x10

static const char *const weekdays[8] = { "?", "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

static void print_time(const char *label, uint8_t reg_b)
{
	struct rtc_raw raw;
	struct rtc_time t;

	rtc_write(RTC_REG_B, reg_b);
	rtc_read_raw(&raw);
	rtc_decode(&raw, reg_b, &t);
	printf("%s: %04u-%02u-%02u %s %02u:%02u:%02u hour byte %02x\n", label, t.year, t.mon,
	       t.mday, t.wday < 8 ? weekdays[t.wday] : "?", t.hour, t.min, t.sec, raw.hour);
}

static void dump_cmos(void)
{
	for (unsigned row = 0; row < 128; row += 16) {
		printf("cmos %02x:", row);
		for (unsigned i = row; i < row + 16; i++)
			printf(" %02x", rtc_read((uint8_t)i));
		printf("\n");
	}
}

/* The registers' values at start, as firmware left them (UIP masked). */
static void print_registers(void)
{
	printf("reg A %02x B %02x D %02x\n", rtc_read(RTC_REG_A) & ~RTC_A_UIP,
	       rtc_read(RTC_REG_B), rtc_read(RTC_REG_D));
	/* Reading the index port gives 0xff on QEMU; the index is 7 bits, bit 7
	 * of a write being the PC's NMI mask. */
	outb(RTC_INDEX_PORT, RTC_NMI_DISABLE | RTC_REG_D);
	printf("index port reads %02x; index 0x8d reads register D: %02x\n", inb(RTC_INDEX_PORT),
	       inb(RTC_DATA_PORT));
	outb(RTC_INDEX_PORT, RTC_REG_D); /* NMIs back on */
	/* 0x37, the IBM PS/2 century byte: an alias of 0x32 on QEMU. */
	printf("century 0x32 %02x, 0x37 %02x\n", rtc_read(RTC_CENTURY), rtc_read(0x37));
}

/* Sets the clock as a driver does: SET, and the divider held in reset so
 * that the first update comes 500 ms after its release (not up to a second). */
static void set_clock_begin(uint8_t reg_b)
{
	rtc_write(RTC_REG_B, reg_b | RTC_B_SET);
	rtc_write(RTC_REG_A, RTC_A_DIVIDER_RESET | RTC_A_RATE_1024HZ);
}

static void set_clock_end(uint8_t reg_b)
{
	rtc_write(RTC_REG_B, reg_b);
	rtc_write(RTC_REG_A, RTC_A_DIVIDER_32KHZ | RTC_A_RATE_1024HZ);
}

/* Sets the clock, lets it run and prints the first new second. */
static void set_and_tick(const char *label, uint8_t reg_b, const struct rtc_raw *set)
{
	struct rtc_raw raw;
	struct rtc_time t;

	set_clock_begin(reg_b);
	rtc_write(RTC_SECONDS, set->sec);
	rtc_write(RTC_MINUTES, set->min);
	rtc_write(RTC_HOURS, set->hour);
	rtc_write(RTC_DAY_OF_WEEK, set->wday);
	rtc_write(RTC_DAY_OF_MONTH, set->mday);
	rtc_write(RTC_MONTH, set->mon);
	rtc_write(RTC_YEAR, set->year);
	rtc_write(RTC_CENTURY, set->century);
	/* While SET holds, the clock stands: what was written reads back. */
	rtc_read_raw_once(&raw);
	printf("%s: SET holds %s\n", label,
	       raw.sec == set->sec && raw.hour == set->hour && raw.year == set->year ? "yes" : "no");
	set_clock_end(reg_b);
	do
		rtc_read_raw(&raw);
	while (raw.sec == set->sec);
	rtc_decode(&raw, reg_b, &t);
	printf("%s: then %04u-%02u-%02u %s %02u:%02u:%02u hour byte %02x century %02x\n", label,
	       t.year, t.mon, t.mday, t.wday < 8 ? weekdays[t.wday] : "?", t.hour, t.min, t.sec,
	       raw.hour, raw.century);
}

static void updates(void)
{
	/* 11:59:59 PM, Thursday 31 December 2026, 12-hour BCD: midnight is 12 AM. */
	set_and_tick("12h bcd midnight", 0,
		     &(struct rtc_raw){ .sec = 0x59, .min = 0x59, .hour = RTC_HOUR_PM | 0x11,
					.wday = 5, .mday = 0x31, .mon = 0x12, .year = 0x26,
					.century = 0x20 });
	/* 11:59:59 AM in 12-hour binary: noon is 12 PM. */
	set_and_tick("12h binary noon", RTC_B_DM,
		     &(struct rtc_raw){ .sec = 59, .min = 59, .hour = 11, .wday = 3, .mday = 3,
					.mon = 3, .year = 26, .century = 20 });
	/* 28 February 2028, 24-hour binary: a leap year. */
	set_and_tick("24h binary leap", RTC_B_DM | RTC_B_24H,
		     &(struct rtc_raw){ .sec = 59, .min = 59, .hour = 23, .wday = 2, .mday = 28,
					.mon = 2, .year = 28, .century = 20 });
	/* 31 December 2099, 24-hour BCD: the century byte turns. */
	set_and_tick("24h bcd century", RTC_B_24H,
		     &(struct rtc_raw){ .sec = 0x59, .min = 0x59, .hour = 0x23, .wday = 5,
					.mday = 0x31, .mon = 0x12, .year = 0x99, .century = 0x20 });
}

/* Polls register C (IRQ8 is not serviced: interrupts stay off) until `flag`
 * comes, and returns the register's value then. */
static uint8_t wait_flag(uint8_t flag)
{
	uint8_t c;
	while (!((c = rtc_read(RTC_REG_C)) & flag))
		cpu_relax();
	return c;
}

/* Sets the clock to 10:00:00 and the alarm to 10:00:01 (24-hour BCD),
 * clears register C, and lets the clock run with register B = register_b. */
static void ten_oclock_alarm_at_one_second(uint8_t register_b)
{
	set_clock_begin(RTC_B_24H);
	rtc_write(RTC_HOURS, 0x10);
	rtc_write(RTC_MINUTES, 0x00);
	rtc_write(RTC_SECONDS, 0x00);
	rtc_write(RTC_HOURS_ALARM, 0x10);
	rtc_write(RTC_MINUTES_ALARM, 0x00);
	rtc_write(RTC_SECONDS_ALARM, 0x01);
	(void)rtc_read(RTC_REG_C);
	set_clock_end(register_b);
}

static void flags(void)
{
	struct rtc_raw raw;

	/* The alarm at 10:00:01, the clock set to 10:00:00 (24-hour BCD). */
	ten_oclock_alarm_at_one_second(RTC_B_24H | RTC_B_AIE);
	uint8_t c = wait_flag(RTC_C_AF);
	rtc_read_raw(&raw);
	printf("alarm 10:00:01: AF at %02x:%02x:%02x, IRQF %s\n", raw.hour, raw.min, raw.sec,
	       c & RTC_C_IRQF ? "set" : "clear");

	/* Every byte don't-care (0xC0-0xFF): the alarm rings at every update,
	 * with the update-ended flag. The clock set to 10:00:10. */
	set_clock_begin(RTC_B_24H);
	rtc_write(RTC_SECONDS, 0x10);
	rtc_write(RTC_HOURS_ALARM, RTC_ALARM_DONT_CARE);
	rtc_write(RTC_MINUTES_ALARM, 0xC0);
	rtc_write(RTC_SECONDS_ALARM, 0xC5);
	(void)rtc_read(RTC_REG_C);
	set_clock_end(RTC_B_24H);
	c = wait_flag(RTC_C_AF);
	rtc_read_raw(&raw);
	printf("alarm don't care: AF at %02x:%02x:%02x, UF %s, IRQF %s\n", raw.hour, raw.min, raw.sec,
	       c & RTC_C_UF ? "set" : "clear", c & RTC_C_IRQF ? "set" : "clear");

	/* The periodic flag at 1024 Hz (rate 6), with its interrupt enabled
	 * (IRQF) but not taken. */
	rtc_write(RTC_REG_B, RTC_B_24H | RTC_B_PIE);
	(void)rtc_read(RTC_REG_C);
	unsigned seen = 0;
	for (; seen < 16; seen++)
		if (!(wait_flag(RTC_C_PF) & RTC_C_IRQF))
			break;
	printf("periodic rate 6: %u PF flags with IRQF\n", seen);
	rtc_write(RTC_REG_B, RTC_B_24H);
	(void)rtc_read(RTC_REG_C);
}

/* ---- -append irq: IRQ 8 in an IDT handler (long mode on this host) ---- */

#define PERIODIC_INTERRUPTS 32

static volatile unsigned irq8_count;
static volatile uint8_t irq8_flags; /* register C at each interrupt, or-ed */

static void on_rtc(struct interrupt_frame *frame)
{
	(void)frame;
	/* Reading C is the acknowledgement: it lowers IRQ 8, without which the
	 * edge-triggered 8259 would never see the next interrupt. */
	irq8_flags |= rtc_read(RTC_REG_C);
	irq8_count++;
	pic_eoi(8);
}

/* Sleeps in `sti; hlt` until `count` interrupts have come. */
static void wait_interrupts(unsigned count)
{
	cli();
	while (irq8_count < count)
		sti_hlt(); /* no interrupt slips in between the check and hlt */
	cli();
}

static void interrupts(void)
{
	struct rtc_raw raw;

	idt_install();
	idt_set_handler(PIC_IRQ_VECTOR(8), on_rtc);
	pic_remap(PIC_MASTER_VECTOR, PIC_SLAVE_VECTOR);
	pic_unmask(8);

	/* Update-ended and alarm at once: the clock set to 10:00:00, the alarm
	 * at 10:00:01, the first update 500 ms after the divider runs. */
	ten_oclock_alarm_at_one_second(RTC_B_24H | RTC_B_UIE | RTC_B_AIE);
	wait_interrupts(1);
	rtc_read_raw(&raw);
	printf("irq 8: update and alarm at %02x:%02x:%02x, register C %02x\n", raw.hour, raw.min,
	       raw.sec, irq8_flags);

	/* The periodic interrupt at 1024 Hz. */
	rtc_write(RTC_REG_B, RTC_B_24H);
	(void)rtc_read(RTC_REG_C);
	irq8_count = 0;
	irq8_flags = 0;
	rtc_write(RTC_REG_B, RTC_B_24H | RTC_B_PIE);
	wait_interrupts(PERIODIC_INTERRUPTS);
	rtc_write(RTC_REG_B, RTC_B_24H);
	printf("irq 8: %u periodic interrupts, register C %02x\n", irq8_count, irq8_flags);
	pic_mask(8);
	(void)rtc_read(RTC_REG_C);
}

int main(uint32_t magic, uint32_t info_address)
{
	char word[16];

	multiboot_last_word(magic, info_address, word, sizeof(word));
	if (strcmp(word, "cmos") == 0) {
		dump_cmos();
		return EXIT_SUCCESS_VALUE;
	}
	if (strcmp(word, "irq") == 0) {
		interrupts();
		printf("done\n");
		return EXIT_SUCCESS_VALUE;
	}
	print_registers();
	uint8_t reg_b = rtc_read(RTC_REG_B);
	print_time("bcd 24h", RTC_B_24H);
	print_time("binary 24h", RTC_B_DM | RTC_B_24H);
	print_time("binary 12h", RTC_B_DM);
	print_time("bcd 12h", 0);
	rtc_write(RTC_REG_B, reg_b);
	if (strcmp(word, "clock") == 0)
		return EXIT_SUCCESS_VALUE;
	updates();
	flags();
	rtc_write(RTC_REG_B, reg_b);
	printf("done\n");
	return EXIT_SUCCESS_VALUE;
}
