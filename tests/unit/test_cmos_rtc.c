/*
 * Unit tests for the CMOS real-time clock (host/devices/cmos_rtc.c), driven
 * through its two ports as the bus would, on a bare struct vm (no KVM) with
 * a clock the test moves by hand. IRQ 8 is watched in vm->irq_level[8] and
 * vm->stats.irq_raised[8] (irq.c keeps them even without a controller);
 * timers are fired by the test at their deadline, as the run loop would.
 *
 * Expected values are written out by hand from the MC146818A datasheet, or
 * read in QEMU 7.2 with SeaBIOS (the CMOS memory bytes: see mem_dumps).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "cmos_rtc.h"
#include "vm.h"

#define S 1000000000ull
#define MiB (1024ull * 1024)

static uint64_t now_ns;

static uint64_t test_clock(struct vm *vm)
{
	(void)vm;
	return now_ns;
}

struct fx {
	struct vm *vm;
	struct cmos_rtc rtc;
};

static int64_t utc(int y, int mon, int d, int h, int min, int s)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mon - 1, .tm_mday = d,
			 .tm_hour = h, .tm_min = min, .tm_sec = s };
	return (int64_t)timegm(&tm);
}

/* An RTC that starts at start_s now, with mem bytes of RAM. */
static struct fx *make(int64_t start_s, uint64_t mem)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	fx->vm = calloc(1, sizeof(*fx->vm));
	assert_non_null(fx->vm);
	cmos_rtc_init(&fx->rtc, fx->vm, test_clock, start_s, mem);
	return fx;
}

/* An RTC at 2026-01-02 03:04:05 (a Friday), 64 MiB of RAM, the vm clock at
 * a whole second (so a second of the RTC ends at each whole second). */
static int setup(void **state)
{
	now_ns = 1000 * S;
	*state = make(utc(2026, 1, 2, 3, 4, 5), 64 * MiB);
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	free(fx->vm);
	free(fx);
	return 0;
}

static uint8_t rd(struct fx *fx, uint8_t index)
{
	cmos_rtc_write(&fx->rtc, 0, index);
	return cmos_rtc_read(&fx->rtc, 1);
}

static void wr(struct fx *fx, uint8_t index, uint8_t value)
{
	cmos_rtc_write(&fx->rtc, 0, index);
	cmos_rtc_write(&fx->rtc, 1, value);
}

/* Runs a timer's callback at its deadline, as vm_timers_run_due does. */
static void fire(struct fx *fx, struct vm_timer *t)
{
	assert_true(t->armed);
	if (now_ns < t->deadline_ns)
		now_ns = t->deadline_ns;
	vm_timer_cancel(fx->vm, t);
	t->fn(fx->vm, t->opaque);
}

static bool irq8(struct fx *fx)
{
	return fx->vm->irq_level[8];
}

/* Checks the time registers against the given bytes. */
static void expect_time(struct fx *fx, uint8_t sec, uint8_t min, uint8_t hour, uint8_t wday,
			uint8_t mday, uint8_t mon, uint8_t year, uint8_t century)
{
	assert_int_equal(rd(fx, 0x00), sec);
	assert_int_equal(rd(fx, 0x02), min);
	assert_int_equal(rd(fx, 0x04), hour);
	assert_int_equal(rd(fx, 0x06), wday);
	assert_int_equal(rd(fx, 0x07), mday);
	assert_int_equal(rd(fx, 0x08), mon);
	assert_int_equal(rd(fx, 0x09), year);
	assert_int_equal(rd(fx, 0x32), century);
}

/* ---- power-on state ---- */

static void test_power_on_registers(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(rd(fx, 0x0A), 0x26); /* 32.768 kHz, 1024 Hz rate */
	assert_int_equal(rd(fx, 0x0B), 0x02); /* 24 h, BCD, no interrupts */
	assert_int_equal(rd(fx, 0x0C), 0x00);
	assert_int_equal(rd(fx, 0x0D), 0x80); /* VRT: the battery is good */
	assert_int_equal(cmos_rtc_read(&fx->rtc, 0), 0xFF); /* the index port, as QEMU */
	/* A guest that enables no interrupt costs no timer. */
	assert_false(fx->rtc.update_timer.armed);
	assert_false(fx->rtc.periodic_timer.armed);
}

/* ---- encodings ---- */

static void test_bcd_and_binary(void **state)
{
	struct fx *fx = *state;
	expect_time(fx, 0x05, 0x04, 0x03, 0x06, 0x02, 0x01, 0x26, 0x20);
	wr(fx, 0x0B, 0x06); /* binary, 24 h */
	expect_time(fx, 5, 4, 3, 6, 2, 1, 26, 20);
	now_ns += 56 * S; /* 03:05:01 */
	expect_time(fx, 1, 5, 3, 6, 2, 1, 26, 20);
	wr(fx, 0x0B, 0x02);
	expect_time(fx, 0x01, 0x05, 0x03, 0x06, 0x02, 0x01, 0x26, 0x20);
	/* Each register on its own, in BCD past 9: 59 seconds is 0x59. */
	now_ns += 58 * S;
	assert_int_equal(rd(fx, 0x00), 0x59);
	wr(fx, 0x0B, 0x06);
	assert_int_equal(rd(fx, 0x00), 59);
}

static void test_12_hour_pm_bit(void **state)
{
	struct fx *fx = *state;
	static const struct { int hour; uint8_t bcd, binary; } hours[] = {
		{ 0, 0x12, 12 },          /* midnight is 12 AM */
		{ 1, 0x01, 1 },
		{ 11, 0x11, 11 },
		{ 12, 0x92, 0x80 | 12 },  /* noon is 12 PM */
		{ 13, 0x81, 0x80 | 1 },
		{ 15, 0x83, 0x80 | 3 },
		{ 23, 0x91, 0x80 | 11 },
	};
	for (size_t i = 0; i < sizeof(hours) / sizeof(hours[0]); i++) {
		struct fx *f = make(utc(2026, 7, 4, hours[i].hour, 30, 0), 64 * MiB);
		wr(f, 0x0B, 0x00); /* 12 h, BCD */
		assert_int_equal(rd(f, 0x04), hours[i].bcd);
		wr(f, 0x0B, 0x04); /* 12 h, binary */
		assert_int_equal(rd(f, 0x04), hours[i].binary);
		wr(f, 0x0B, 0x02);
		free(f->vm);
		free(f);
	}
	/* An hour written in 12-hour mode reads back in 24-hour mode. */
	wr(fx, 0x0B, 0x80); /* SET, 12 h, BCD */
	wr(fx, 0x04, 0x87); /* 7 PM */
	wr(fx, 0x0B, 0x00);
	wr(fx, 0x0B, 0x02);
	assert_int_equal(rd(fx, 0x04), 0x19);
}

/* ---- update in progress ---- */

static void test_uip_window(void **state)
{
	struct fx *fx = *state;
	uint64_t second_end = now_ns + S;
	/* 244 us (8 cycles of 32.768 kHz: 244140 ns) before the update. */
	now_ns = second_end - 244140 - 1;
	assert_int_equal(rd(fx, 0x0A), 0x26);
	assert_int_equal(rd(fx, 0x00), 0x05);
	now_ns = second_end - 244140;
	assert_int_equal(rd(fx, 0x0A), 0x80 | 0x26);
	now_ns = second_end - 1;
	assert_int_equal(rd(fx, 0x0A), 0x80 | 0x26);
	assert_int_equal(rd(fx, 0x00), 0x05); /* the old second until the update */
	now_ns = second_end;
	assert_int_equal(rd(fx, 0x0A), 0x26);
	assert_int_equal(rd(fx, 0x00), 0x06);
	/* UIP is read-only, and never set while SET stops the updates. */
	wr(fx, 0x0A, 0xA6);
	assert_int_equal(rd(fx, 0x0A), 0x26);
	wr(fx, 0x0B, 0x82);
	now_ns = second_end + S - 1000;
	assert_int_equal(rd(fx, 0x0A), 0x26);
}

/* ---- SET ---- */

static void test_set_bit_freezes_and_clock_continues(void **state)
{
	struct fx *fx = *state;
	now_ns += S / 4; /* a quarter into 03:04:05 */
	wr(fx, 0x0B, 0x82);
	now_ns += 10 * S;
	expect_time(fx, 0x05, 0x04, 0x03, 0x06, 0x02, 0x01, 0x26, 0x20);
	/* The guest sets 1999-12-31 23:59:58, a Friday. */
	wr(fx, 0x00, 0x58);
	wr(fx, 0x02, 0x59);
	wr(fx, 0x04, 0x23);
	wr(fx, 0x06, 0x06);
	wr(fx, 0x07, 0x31);
	wr(fx, 0x08, 0x12);
	wr(fx, 0x09, 0x99);
	wr(fx, 0x32, 0x19);
	now_ns += 5 * S;
	expect_time(fx, 0x58, 0x59, 0x23, 0x06, 0x31, 0x12, 0x99, 0x19);
	wr(fx, 0x0B, 0x02); /* the clock runs on from what was written */
	expect_time(fx, 0x58, 0x59, 0x23, 0x06, 0x31, 0x12, 0x99, 0x19);
	now_ns += 2 * S;
	/* 2000-01-01, a Saturday: the century byte turns too. */
	expect_time(fx, 0x00, 0x00, 0x00, 0x07, 0x01, 0x01, 0x00, 0x20);
	/* SET clears UIE (the datasheet; QEMU). */
	wr(fx, 0x0B, 0x80 | 0x10 | 0x02);
	assert_int_equal(rd(fx, 0x0B), 0x82);
}

static void test_time_write_while_running(void **state)
{
	struct fx *fx = *state;
	now_ns += S / 2;
	wr(fx, 0x02, 0x30); /* minutes, without SET */
	expect_time(fx, 0x05, 0x30, 0x03, 0x06, 0x02, 0x01, 0x26, 0x20);
	now_ns += S / 2; /* the update keeps its phase */
	assert_int_equal(rd(fx, 0x00), 0x06);
	assert_int_equal(rd(fx, 0x02), 0x30);
}

static void test_divider_reset(void **state)
{
	struct fx *fx = *state;
	now_ns += S / 10;
	wr(fx, 0x0A, 0x76); /* divider in reset: the clock stops */
	now_ns += 30 * S;
	assert_int_equal(rd(fx, 0x00), 0x05);
	assert_int_equal(rd(fx, 0x0C), 0x00); /* no update, no UF */
	wr(fx, 0x0A, 0x26); /* released: the first update 500 ms later */
	now_ns += S / 2 - 1;
	assert_int_equal(rd(fx, 0x00), 0x05);
	now_ns += 1;
	assert_int_equal(rd(fx, 0x00), 0x06);
}

/* ---- register C and IRQ 8 ---- */

static void test_register_c_clear_on_read(void **state)
{
	struct fx *fx = *state;
	/* Without UIE: UF appears (read from the clock), no IRQF, no line,
	 * no timer. */
	now_ns += S;
	assert_int_equal(rd(fx, 0x0C), 0x10);
	assert_int_equal(rd(fx, 0x0C), 0x00);
	assert_false(fx->rtc.update_timer.armed);
	assert_int_equal(fx->vm->stats.irq_raised[8], 0);

	/* With UIE: a timer for the next update, which raises IRQF and IRQ 8. */
	wr(fx, 0x0B, 0x12);
	assert_true(fx->rtc.update_timer.armed);
	assert_int_equal(fx->rtc.update_timer.deadline_ns, now_ns + S);
	fire(fx, &fx->rtc.update_timer);
	assert_true(irq8(fx));
	assert_int_equal(fx->vm->stats.irq_raised[8], 1);
	/* UF is in C: nothing to do until the guest reads it. */
	assert_false(fx->rtc.update_timer.armed);
	assert_int_equal(rd(fx, 0x0C), 0x90);
	assert_false(irq8(fx));
	assert_int_equal(rd(fx, 0x0C), 0x00);
	assert_true(fx->rtc.update_timer.armed); /* the next update */
	fire(fx, &fx->rtc.update_timer);
	assert_int_equal(fx->vm->stats.irq_raised[8], 2);

	/* A flag already in C when its interrupt is enabled interrupts at
	 * once; disabling it lowers the line (QEMU). */
	wr(fx, 0x0B, 0x02);
	assert_false(irq8(fx));
	assert_int_equal(rd(fx, 0x0C), 0x10);
	now_ns += S;
	wr(fx, 0x0B, 0x12);
	assert_true(irq8(fx));
	assert_int_equal(rd(fx, 0x0C), 0x90);
	/* C and D are read-only. */
	wr(fx, 0x0C, 0xF0);
	wr(fx, 0x0D, 0x00);
	assert_int_equal(rd(fx, 0x0C), 0x00);
	assert_int_equal(rd(fx, 0x0D), 0x80);
}

/* ---- periodic interrupt ---- */

static void test_periodic_rates(void **state)
{
	struct fx *fx = *state;
	/* The datasheet's table for the 32.768 kHz time base, in ns (rounded
	 * up to the next ns: the timer is never early). Rates 1 and 2 repeat
	 * 8 and 9. */
	static const uint64_t period_ns[16] = {
		0,        3906250,  7812500,  122071,   244141,    488282,
		976563,   1953125,  3906250,  7812500,  15625000,  31250000,
		62500000, 125000000, 250000000, 500000000,
	};
	for (unsigned rate = 0; rate < 16; rate++) {
		wr(fx, 0x0B, 0x02);
		wr(fx, 0x0A, (uint8_t)(0x20 | rate));
		assert_false(fx->rtc.periodic_timer.armed); /* PIE off: no timer */
		wr(fx, 0x0B, 0x42);
		if (rate == 0) {
			assert_false(fx->rtc.periodic_timer.armed);
			continue;
		}
		assert_true(fx->rtc.periodic_timer.armed);
		assert_int_equal(fx->rtc.periodic_timer.deadline_ns - now_ns, period_ns[rate]);
	}
	/* Rate 6 (1024 Hz): each tick sets PF and IRQF and raises IRQ 8. */
	wr(fx, 0x0B, 0x02);
	wr(fx, 0x0A, 0x26);
	wr(fx, 0x0B, 0x42);
	fire(fx, &fx->rtc.periodic_timer);
	assert_true(irq8(fx));
	assert_int_equal(rd(fx, 0x0C), 0xC0);
	assert_false(irq8(fx));
	/* The next tick: 32 cycles after the first (1000 s is a whole number
	 * of cycles), not drifting with when the callback ran. */
	assert_int_equal(fx->rtc.periodic_timer.deadline_ns, 1000 * S + 1953125);
	fire(fx, &fx->rtc.periodic_timer);
	fire(fx, &fx->rtc.periodic_timer);
	assert_int_equal(fx->vm->stats.irq_raised[8], 2); /* C unread: one edge */
	assert_int_equal(rd(fx, 0x0C), 0xC0);
	wr(fx, 0x0B, 0x02);
	assert_false(fx->rtc.periodic_timer.armed);
}

/* ---- alarm ---- */

static void set_time_10h(struct fx *fx)
{
	wr(fx, 0x0B, 0x82);
	wr(fx, 0x04, 0x10);
	wr(fx, 0x02, 0x00);
	wr(fx, 0x00, 0x00);
	wr(fx, 0x0B, 0x02);
	(void)rd(fx, 0x0C);
}

static void test_alarm_exact_and_dont_care(void **state)
{
	struct fx *fx = *state;
	set_time_10h(fx);
	/* 10:00:30 exactly, interrupt on: the timer aims at it. */
	wr(fx, 0x05, 0x10);
	wr(fx, 0x03, 0x00);
	wr(fx, 0x01, 0x30);
	wr(fx, 0x0B, 0x22);
	assert_int_equal(fx->rtc.update_timer.deadline_ns, now_ns + 30 * S);
	fire(fx, &fx->rtc.update_timer);
	assert_int_equal(rd(fx, 0x00), 0x30);
	assert_int_equal(rd(fx, 0x0C), 0xB0); /* IRQF, AF, UF */

	/* Hours and minutes don't care (0xC0-0xFF): every minute at :45. */
	wr(fx, 0x05, 0xFF);
	wr(fx, 0x03, 0xC0);
	wr(fx, 0x01, 0x45);
	assert_int_equal(fx->rtc.update_timer.deadline_ns, now_ns + 15 * S);
	fire(fx, &fx->rtc.update_timer);
	assert_int_equal(rd(fx, 0x0C), 0xB0);
	assert_int_equal(fx->rtc.update_timer.deadline_ns, now_ns + 60 * S);

	/* All three don't care: at every update. */
	wr(fx, 0x01, 0xC7);
	assert_int_equal(fx->rtc.update_timer.deadline_ns, now_ns + S);

	/* Without AIE, AF is read from the clock: set if an update in
	 * between matched, whenever the guest looks. */
	wr(fx, 0x0B, 0x02);
	assert_false(fx->rtc.update_timer.armed);
	wr(fx, 0x05, 0x11); /* 11:00:45 */
	wr(fx, 0x03, 0x00);
	wr(fx, 0x01, 0x45);
	(void)rd(fx, 0x0C);
	now_ns += 3600 * S; /* 11:00:45 is in this hour */
	assert_int_equal(rd(fx, 0x0C), 0x30);
	now_ns += 60 * S; /* and not in this minute */
	assert_int_equal(rd(fx, 0x0C), 0x10);

	/* 12-hour mode: the alarm hour is compared with its PM bit. */
	struct fx *f = make(utc(2026, 7, 4, 13, 59, 59), 64 * MiB);
	wr(f, 0x0B, 0x00);
	wr(f, 0x05, 0x02); /* 2 AM: not 2 PM */
	wr(f, 0x03, 0x00);
	wr(f, 0x01, 0x00);
	now_ns += S;
	assert_int_equal(rd(f, 0x0C), 0x10);
	wr(f, 0x05, 0x82); /* 2 PM: rang at 14:00:00 */
	wr(f, 0x0B, 0x80);
	wr(f, 0x04, 0x81);
	wr(f, 0x02, 0x59);
	wr(f, 0x00, 0x59);
	wr(f, 0x0B, 0x00);
	(void)rd(f, 0x0C);
	now_ns += S;
	assert_int_equal(rd(f, 0x04), 0x82);
	assert_int_equal(rd(f, 0x0C), 0x30);
	free(f->vm);
	free(f);
}

/* ---- century, index ---- */

static void test_century(void **state)
{
	struct fx *fx = *state;
	wr(fx, 0x0B, 0x82);
	wr(fx, 0x09, 0x99);
	wr(fx, 0x08, 0x12);
	wr(fx, 0x07, 0x31);
	wr(fx, 0x04, 0x23);
	wr(fx, 0x02, 0x59);
	wr(fx, 0x00, 0x59);
	wr(fx, 0x0B, 0x02);
	now_ns += S;
	/* 2100-01-01 is a Friday: the weekday follows the date, as in QEMU. */
	expect_time(fx, 0x00, 0x00, 0x00, 0x06, 0x01, 0x01, 0x00, 0x21);
	/* 0x37 (IBM PS/2) is the century byte too, as in QEMU. */
	assert_int_equal(rd(fx, 0x37), 0x21);
	wr(fx, 0x0B, 0x06);
	assert_int_equal(rd(fx, 0x32), 21);
}

static void test_index_wrap_and_nmi_bit(void **state)
{
	struct fx *fx = *state;
	/* Bit 7 of the index is the NMI mask: stored, the index is 7 bits. */
	cmos_rtc_write(&fx->rtc, 0, 0x80 | 0x0D);
	assert_true(fx->rtc.nmi_disabled);
	assert_int_equal(cmos_rtc_read(&fx->rtc, 1), 0x80);
	cmos_rtc_write(&fx->rtc, 0, 0x0D);
	assert_false(fx->rtc.nmi_disabled);
	/* 0xFF is index 0x7F, the last CMOS memory byte. */
	wr(fx, 0xFF, 0x5A);
	assert_int_equal(rd(fx, 0x7F), 0x5A);
	wr(fx, 0x40, 0xA5); /* plain CMOS memory keeps what is written */
	assert_int_equal(rd(fx, 0xC0), 0xA5);
}

/* ---- CMOS memory bytes ---- */

/*
 * Rows 0x10 and 0x30 of the CMOS as QEMU 7.2 (Debian 1:7.2+dfsg-7+deb12u18)
 * with SeaBIOS shows them to a Multiboot kernel, dumped with
 *   qemu-system-x86_64 -enable-kvm -m SIZE -nodefaults -debugcon stdio
 *     -device isa-debug-exit,iobase=0xf4,iosize=4
 *     -kernel rtc_test-multiboot.elf -append cmos
 * (guest/programs/rtc_test.c). Every other byte from 0x0E to 0x7F was 0.
 * -nodefaults: vmm has no floppy drive, so 0x10 is 0 and 0x14 has no
 * floppy bit (QEMU's default machine shows 0x50 and 0x07).
 */
static const struct {
	unsigned mib;
	uint8_t row10[16], row30[16];
} mem_dumps[] = {
	{ 2, { 0, 0, 0, 0, 0x06, 0x80, 0x02, 0x00, 0x04 },
	     { 0x00, 0x04, 0x20, 0, 0x00, 0x00, 0, 0x20, 0x30, 0, 0, 0, 0, 0x12 } },
	{ 16, { 0, 0, 0, 0, 0x06, 0x80, 0x02, 0x00, 0x3c },
	      { 0x00, 0x3c, 0x20, 0, 0x00, 0x00, 0, 0x20, 0x30, 0, 0, 0, 0, 0x12 } },
	{ 64, { 0, 0, 0, 0, 0x06, 0x80, 0x02, 0x00, 0xfc },
	      { 0x00, 0xfc, 0x20, 0, 0x00, 0x03, 0, 0x20, 0x30, 0, 0, 0, 0, 0x12 } },
	{ 100, { 0, 0, 0, 0, 0x06, 0x80, 0x02, 0xff, 0xff },
	       { 0xff, 0xff, 0x20, 0, 0x40, 0x05, 0, 0x20, 0x30, 0, 0, 0, 0, 0x12 } },
	{ 512, { 0, 0, 0, 0, 0x06, 0x80, 0x02, 0xff, 0xff },
	       { 0xff, 0xff, 0x20, 0, 0x00, 0x1f, 0, 0x20, 0x30, 0, 0, 0, 0, 0x12 } },
	{ 1024, { 0, 0, 0, 0, 0x06, 0x80, 0x02, 0xff, 0xff },
		{ 0xff, 0xff, 0x20, 0, 0x00, 0x3f, 0, 0x20, 0x30, 0, 0, 0, 0, 0x12 } },
	{ 3000, { 0, 0, 0, 0, 0x06, 0x80, 0x02, 0xff, 0xff },
		{ 0xff, 0xff, 0x20, 0, 0x80, 0xba, 0, 0x20, 0x30, 0, 0, 0, 0, 0x12 } },
};

static void test_memory_bytes_match_qemu(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mem_dumps) / sizeof(mem_dumps[0]); i++) {
		struct fx *f = make(utc(2026, 1, 2, 3, 4, 5), mem_dumps[i].mib * MiB);
		for (unsigned index = 0x0E; index < 0x80; index++) {
			uint8_t want = 0;
			if (index >= 0x10 && index < 0x20)
				want = mem_dumps[i].row10[index - 0x10];
			else if (index >= 0x30 && index < 0x40)
				want = mem_dumps[i].row30[index - 0x30];
			uint8_t got = rd(f, (uint8_t)index);
			if (got != want)
				fail_msg("-m %u: CMOS 0x%02x is 0x%02x, QEMU has 0x%02x",
					 mem_dumps[i].mib, index, got, want);
		}
		free(f->vm);
		free(f);
	}
}

/* ---- -rtc base=... ---- */

static void test_parse_base(void **state)
{
	(void)state;
	char err[200];
	int64_t s, now = utc(2026, 11, 28, 6, 30, 0);
	assert_int_equal(cmos_rtc_parse_base(NULL, now, &s, err, sizeof(err)), 0);
	assert_int_equal(s, now);
	assert_int_equal(cmos_rtc_parse_base("base=utc", now, &s, err, sizeof(err)), 0);
	assert_int_equal(s, now);
	assert_int_equal(cmos_rtc_parse_base("base=2026-01-02T03:04:05", now, &s, err, sizeof(err)),
			 0);
	assert_int_equal(s, utc(2026, 1, 2, 3, 4, 5));
	assert_int_equal(cmos_rtc_parse_base("base=2028-02-29", now, &s, err, sizeof(err)), 0);
	assert_int_equal(s, utc(2028, 2, 29, 0, 0, 0));
	/* localtime: the host's wall clock, read as UTC. */
	setenv("TZ", "UTC-3", 1); /* POSIX: three hours east of UTC */
	tzset();
	assert_int_equal(cmos_rtc_parse_base("base=localtime", now, &s, err, sizeof(err)), 0);
	assert_int_equal(s, now + 3 * 3600);
	unsetenv("TZ");
	tzset();

	static const char *const bad[] = {
		"base=2026-02-29", "base=2026-13-01", "base=2026-01-00", "base=2026-01-02T24:00:00",
		"base=2026-01-02T03:60:00", "base=2026-01-02T03:04", "base=2026-01-02x",
		"base=2026-01-02T03:04:05Z", "base=", "base=now", "clock=vm", "utc", "",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (cmos_rtc_parse_base(bad[i], now, &s, err, sizeof(err)) != -1)
			fail_msg("-rtc '%s' was accepted", bad[i]);
		assert_non_null(strstr(err, "-rtc"));
		assert_null(strchr(err, '\n'));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_power_on_registers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bcd_and_binary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_12_hour_pm_bit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uip_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_bit_freezes_and_clock_continues, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_time_write_while_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_divider_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_c_clear_on_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_periodic_rates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alarm_exact_and_dont_care, setup, teardown),
		cmocka_unit_test_setup_teardown(test_century, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_wrap_and_nmi_bit, setup, teardown),
		cmocka_unit_test(test_memory_bytes_match_qemu),
		cmocka_unit_test(test_parse_base),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
