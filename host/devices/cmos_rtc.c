/*
 * The CMOS real-time clock (cmos_rtc.h), after the MC146818A datasheet and
 * QEMU 7.2's hw/rtc/mc146818rtc.c, whose guest-visible behaviour it follows:
 * the time registers are worked out from the clock whenever the guest reads
 * them; SET and a divider reset freeze them; register C's update-ended (UF)
 * and alarm (AF) flags are folded in from the clock when the guest looks
 * (reads C, changes a register), so a guest that enables no interrupt
 * arms no timer. Timers run only for what the guest enabled: the periodic
 * interrupt (PIE), the update-ended one (UIE) and the alarm (AIE).
 */
#include "cmos_rtc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vm.h"

#define NS_PER_S 1000000000ull
#define SECONDS_PER_DAY 86400
#define RTC_CLOCK_HZ 32768
/* Register A's UIP bit is set for the 244 us before each update (8 cycles
 * of the 32.768 kHz time base; the datasheet's tBUC, QEMU's UIP_HOLD_LENGTH). */
#define UIP_HOLD_NS (8 * NS_PER_S / RTC_CLOCK_HZ)
/* The datasheet: after a divider reset, the first update comes 500 ms later. */
#define FIRST_UPDATE_AFTER_RESET_NS (NS_PER_S / 2)
/* An alarm that rings at all rings within a day; the flags need no more. */
#define ALARM_SEARCH_S (2 * SECONDS_PER_DAY)

/* CMOS memory bytes (QEMU's hw/i386/pc.c pc_cmos_init, read back in QEMU
 * 7.2 under SeaBIOS: tests/unit/test_cmos_rtc.c holds the dumps). */
#define CMOS_FLOPPY_TYPES 0x10
#define CMOS_EQUIPMENT 0x14
#define CMOS_BASE_MEM_LO 0x15
#define CMOS_EXT_MEM_LO 0x17
#define CMOS_EXT_MEM2_LO 0x30
#define CMOS_MEM_ABOVE_16M_LO 0x34
#define CMOS_BOOT_ORDER_3RD 0x38 /* third boot device << 4 | 0: check the floppy signature */
#define CMOS_BOOT_ORDER_1ST_2ND 0x3D
#define CMOS_MEM_ABOVE_4G 0x5B   /* 0x5B-0x5D, in 64 KiB units */
#define CMOS_CPUS_MINUS_1 0x5F
#define EQUIPMENT_FPU 0x02
#define EQUIPMENT_PS2_MOUSE 0x04
/* QEMU's default boot order "cad": hard disk (2), floppy (1), CD-ROM (3). */
#define BOOT_ORDER_1ST_2ND 0x12
#define BOOT_ORDER_3RD 0x30

/* ---- The clock ---- */

struct rtc_now {
	int64_t s;       /* seconds since 1970 */
	uint64_t frac;   /* and nanoseconds */
};

static struct rtc_now clock_at(const struct cmos_rtc *rtc, uint64_t now_ns)
{
	uint64_t elapsed = now_ns > rtc->ref_ns ? now_ns - rtc->ref_ns : 0;
	uint64_t frac = rtc->base_frac_ns + elapsed;
	return (struct rtc_now){ rtc->base_s + (int64_t)(frac / NS_PER_S), frac % NS_PER_S };
}

/* The vm clock time at which the clock reaches second s (s > now). */
static uint64_t deadline_of_second(const struct cmos_rtc *rtc, int64_t s)
{
	return rtc->ref_ns + (uint64_t)(s - rtc->base_s) * NS_PER_S - rtc->base_frac_ns;
}

static bool dividers_in_reset(const struct cmos_rtc *rtc)
{
	return (rtc->cmos[RTC_REG_A] & 0x60) == 0x60;
}

/* Do the time registers follow the clock? Not under SET, not while the
 * divider is in reset or a test mode (QEMU's rtc_running). */
static bool registers_run(const struct cmos_rtc *rtc)
{
	return !(rtc->cmos[RTC_REG_B] & RTC_B_SET) && (rtc->cmos[RTC_REG_A] & RTC_A_DIVIDER) <= 0x20;
}

static bool is_time_register(unsigned index)
{
	return index <= RTC_YEAR && index != RTC_SECONDS_ALARM && index != RTC_MINUTES_ALARM &&
	       index != RTC_HOURS_ALARM;
}

/* ---- Register encodings: BCD or binary, 12- or 24-hour ---- */

static uint8_t encode(const struct cmos_rtc *rtc, unsigned v)
{
	if (rtc->cmos[RTC_REG_B] & RTC_B_DM_BINARY)
		return (uint8_t)v;
	return (uint8_t)(((v / 10 % 10) << 4) | (v % 10));
}

static int decode(const struct cmos_rtc *rtc, uint8_t v)
{
	if (rtc->cmos[RTC_REG_B] & RTC_B_DM_BINARY)
		return v;
	return (v >> 4) * 10 + (v & 0x0F);
}

static uint8_t encode_hour(const struct cmos_rtc *rtc, unsigned hour)
{
	if (rtc->cmos[RTC_REG_B] & RTC_B_24H)
		return encode(rtc, hour);
	unsigned h12 = hour % 12 ? hour % 12 : 12;
	return encode(rtc, h12) | (hour >= 12 ? RTC_HOUR_PM : 0);
}

static int decode_hour(const struct cmos_rtc *rtc, uint8_t v)
{
	if (rtc->cmos[RTC_REG_B] & RTC_B_24H)
		return decode(rtc, v);
	return decode(rtc, v & ~RTC_HOUR_PM) % 12 + (v & RTC_HOUR_PM ? 12 : 0);
}

/* Writes second s of the clock into the time registers. */
static void render(struct cmos_rtc *rtc, int64_t s)
{
	time_t t = (time_t)s;
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return;
	int year = tm.tm_year + 1900;
	rtc->cmos[RTC_SECONDS] = encode(rtc, (unsigned)tm.tm_sec);
	rtc->cmos[RTC_MINUTES] = encode(rtc, (unsigned)tm.tm_min);
	rtc->cmos[RTC_HOURS] = encode_hour(rtc, (unsigned)tm.tm_hour);
	rtc->cmos[RTC_DAY_OF_WEEK] = encode(rtc, (unsigned)tm.tm_wday + 1);
	rtc->cmos[RTC_DAY_OF_MONTH] = encode(rtc, (unsigned)tm.tm_mday);
	rtc->cmos[RTC_MONTH] = encode(rtc, (unsigned)tm.tm_mon + 1);
	rtc->cmos[RTC_YEAR] = encode(rtc, (unsigned)(year % 100));
	rtc->cmos[RTC_CENTURY] = encode(rtc, (unsigned)(year / 100));
}

/* The time the registers hold, as seconds since 1970 (timegm normalises
 * out-of-range values, as QEMU's mktimegm does). */
static int64_t registers_time(const struct cmos_rtc *rtc)
{
	struct tm tm = {
		.tm_sec = decode(rtc, rtc->cmos[RTC_SECONDS]),
		.tm_min = decode(rtc, rtc->cmos[RTC_MINUTES]),
		.tm_hour = decode_hour(rtc, rtc->cmos[RTC_HOURS]),
		.tm_mday = decode(rtc, rtc->cmos[RTC_DAY_OF_MONTH]),
		.tm_mon = decode(rtc, rtc->cmos[RTC_MONTH]) - 1,
		.tm_year = decode(rtc, rtc->cmos[RTC_CENTURY]) * 100 +
			   decode(rtc, rtc->cmos[RTC_YEAR]) - 1900,
	};
	return (int64_t)timegm(&tm);
}

/* Brings the time registers up to date, unless they are frozen. */
static void refresh_registers(struct cmos_rtc *rtc, uint64_t now)
{
	if (registers_run(rtc))
		render(rtc, clock_at(rtc, now).s);
}

/* The clock goes on from the time in the registers, at frac_ns into the
 * second (the phase of the updates is kept unless the divider restarts). */
static void restart_clock(struct cmos_rtc *rtc, uint64_t now, uint64_t frac_ns)
{
	rtc->base_s = registers_time(rtc);
	rtc->base_frac_ns = frac_ns;
	rtc->ref_ns = now;
}

/* ---- The alarm ---- */

/* One alarm byte: -1 matches everything (0xC0-0xFF), -2 nothing, else the
 * one value (0..limit-1) whose encoding it is. */
static int alarm_value(const struct cmos_rtc *rtc, uint8_t byte, unsigned limit, bool hour)
{
	if ((byte & 0xC0) == 0xC0)
		return -1;
	for (unsigned v = 0; v < limit; v++)
		if ((hour ? encode_hour(rtc, v) : encode(rtc, v)) == byte)
			return (int)v;
	return -2;
}

/* The first second in (from, to] at which the alarm rings, or -1. Jumps
 * over hours and minutes that cannot match: at most a few hundred steps. */
static int64_t next_alarm(const struct cmos_rtc *rtc, int64_t from, int64_t to)
{
	int hour = alarm_value(rtc, rtc->cmos[RTC_HOURS_ALARM], 24, true);
	int min = alarm_value(rtc, rtc->cmos[RTC_MINUTES_ALARM], 60, false);
	int sec = alarm_value(rtc, rtc->cmos[RTC_SECONDS_ALARM], 60, false);
	if (hour == -2 || min == -2 || sec == -2)
		return -1;
	if (to - from > ALARM_SEARCH_S)
		from = to - ALARM_SEARCH_S;
	for (int64_t s = from + 1; s <= to;) {
		int64_t day_s = ((s % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY;
		int h = (int)(day_s / 3600), m = (int)(day_s / 60 % 60), sc = (int)(day_s % 60);
		if (hour >= 0 && h != hour)
			s += 3600 - day_s % 3600;
		else if (min >= 0 && m != min)
			s += 60 - sc;
		else if (sec >= 0 && sc != sec)
			s += sec > sc ? sec - sc : 60 - sc;
		else
			return s;
	}
	return -1;
}

/* ---- Register C and IRQ 8 ---- */

static void drive_irq(struct cmos_rtc *rtc, bool level)
{
	if (rtc->irq_level != level) {
		rtc->irq_level = level;
		vm_set_irq(rtc->vm, CMOS_RTC_IRQ, level);
	}
}

/* Sets flags in C; an enabled one raises IRQF and the line (QEMU's rule). */
static void add_flags(struct cmos_rtc *rtc, uint8_t flags)
{
	uint8_t fresh = flags & ~rtc->cmos[RTC_REG_C];
	rtc->cmos[RTC_REG_C] |= flags;
	if (fresh & rtc->cmos[RTC_REG_B] & (RTC_C_PF | RTC_C_AF | RTC_C_UF)) {
		rtc->cmos[RTC_REG_C] |= RTC_C_IRQF;
		drive_irq(rtc, true);
	}
}

/* Folds in the updates that happened since the last call: UF for any (the
 * dividers run even under SET, as QEMU has it), AF when one of them brought
 * the registers to the alarm time. Called before any change of state, so
 * that the interval it looks at saw one state only. */
static void sync_flags(struct cmos_rtc *rtc, uint64_t now)
{
	if (now <= rtc->flags_ns)
		return;
	int64_t from = clock_at(rtc, rtc->flags_ns).s, to = clock_at(rtc, now).s;
	rtc->flags_ns = now;
	if (to <= from || dividers_in_reset(rtc))
		return;
	uint8_t flags = RTC_C_UF;
	if (registers_run(rtc) && next_alarm(rtc, from, to) >= 0)
		flags |= RTC_C_AF;
	add_flags(rtc, flags);
}

/* ---- Timers: only for enabled interrupts ---- */

/* The periodic rate in 32768 Hz cycles: rates 1 and 2 are 8 and 9 on the
 * 32.768 kHz time base, as in the datasheet's table and QEMU. */
static uint32_t periodic_ticks(const struct cmos_rtc *rtc)
{
	unsigned rate = rtc->cmos[RTC_REG_A] & RTC_A_RATE;
	if (!(rtc->cmos[RTC_REG_B] & RTC_B_PIE) || rate == 0)
		return 0;
	if (rate <= 2)
		rate += 7;
	return 1u << (rate - 1);
}

static uint64_t ns_to_ticks(uint64_t ns)
{
	return (uint64_t)((unsigned __int128)ns * RTC_CLOCK_HZ / NS_PER_S);
}

static uint64_t ticks_to_ns(uint64_t ticks) /* rounded up: never early */
{
	return (uint64_t)(((unsigned __int128)ticks * NS_PER_S + RTC_CLOCK_HZ - 1) / RTC_CLOCK_HZ);
}

/* After PIE or the rate changed: QEMU's periodic_timer_update. A new period
 * counts from the last tick, and a tick already overdue comes at once. */
static void update_periodic(struct cmos_rtc *rtc, uint64_t now)
{
	uint32_t old = rtc->period_ticks, period = periodic_ticks(rtc);
	rtc->period_ticks = period;
	if (!period) {
		vm_timer_cancel(rtc->vm, &rtc->periodic_timer);
		return;
	}
	uint64_t cur = ns_to_ticks(now), next = cur + period;
	if (old) {
		uint64_t last = rtc->next_periodic_tick - old;
		next = last + period > cur ? last + period : cur;
	}
	rtc->next_periodic_tick = next;
	vm_timer_arm(rtc->vm, &rtc->periodic_timer, ticks_to_ns(next));
}

static void periodic_fired(struct vm *vm, void *opaque)
{
	struct cmos_rtc *rtc = opaque;
	uint64_t now = rtc->clock(vm);
	if (!rtc->period_ticks)
		return;
	add_flags(rtc, RTC_C_PF);
	/* Ticks the vCPU missed (a stopped host) are dropped, not replayed:
	 * register C has one PF however many there were. */
	uint64_t next = rtc->next_periodic_tick + rtc->period_ticks, cur = ns_to_ticks(now);
	if (next <= cur)
		next += (cur - next) / rtc->period_ticks * rtc->period_ticks + rtc->period_ticks;
	rtc->next_periodic_tick = next;
	vm_timer_arm(vm, &rtc->periodic_timer, ticks_to_ns(next));
}

/* Arms the update timer for the next moment a flag the guest enabled can
 * newly appear: the next update for UIE, the next alarm for AIE. Once the
 * flag is in C nothing can change until the guest reads C (QEMU's
 * check_update_timer makes the same saving). */
static void schedule_update(struct cmos_rtc *rtc, uint64_t now)
{
	uint8_t b = rtc->cmos[RTC_REG_B], c = rtc->cmos[RTC_REG_C];
	int64_t s = clock_at(rtc, now).s, when = -1;
	if (!dividers_in_reset(rtc)) {
		if ((b & RTC_B_UIE) && !(c & RTC_C_UF))
			when = s + 1;
		else if ((b & RTC_B_AIE) && !(c & RTC_C_AF) && registers_run(rtc))
			when = next_alarm(rtc, s, s + SECONDS_PER_DAY);
	}
	if (when < 0)
		vm_timer_cancel(rtc->vm, &rtc->update_timer);
	else
		vm_timer_arm(rtc->vm, &rtc->update_timer, deadline_of_second(rtc, when));
}

static void update_fired(struct vm *vm, void *opaque)
{
	struct cmos_rtc *rtc = opaque;
	uint64_t now = rtc->clock(vm);
	sync_flags(rtc, now);
	schedule_update(rtc, now);
}

/* ---- Registers ---- */

static void write_reg_a(struct cmos_rtc *rtc, uint8_t value, uint64_t now)
{
	bool was_running = registers_run(rtc), was_reset = dividers_in_reset(rtc);
	if (was_running)
		refresh_registers(rtc, now);
	rtc->cmos[RTC_REG_A] = value & ~RTC_A_UIP; /* UIP is read-only */
	if (!was_running && registers_run(rtc))
		restart_clock(rtc, now,
			      was_reset ? FIRST_UPDATE_AFTER_RESET_NS : clock_at(rtc, now).frac);
	else if (was_reset && !dividers_in_reset(rtc))
		restart_clock(rtc, now, FIRST_UPDATE_AFTER_RESET_NS); /* still under SET */
	update_periodic(rtc, now);
}

static void write_reg_b(struct cmos_rtc *rtc, uint8_t value, uint64_t now)
{
	bool was_running = registers_run(rtc);
	uint8_t old_pie = rtc->cmos[RTC_REG_B] & RTC_B_PIE;
	if (was_running)
		refresh_registers(rtc, now); /* SET freezes them at this moment */
	if (value & RTC_B_SET)
		value &= ~RTC_B_UIE; /* the datasheet: SET clears UIE */
	rtc->cmos[RTC_REG_B] = value;
	if (!was_running && registers_run(rtc))
		restart_clock(rtc, now, clock_at(rtc, now).frac);
	/* A flag already in C whose interrupt becomes enabled interrupts at
	 * once; with none, IRQF and the line go down (QEMU). */
	if (value & rtc->cmos[RTC_REG_C] & (RTC_C_PF | RTC_C_AF | RTC_C_UF)) {
		rtc->cmos[RTC_REG_C] |= RTC_C_IRQF;
		drive_irq(rtc, true);
	} else {
		rtc->cmos[RTC_REG_C] &= ~RTC_C_IRQF;
		drive_irq(rtc, false);
	}
	if ((value & RTC_B_PIE) != old_pie)
		update_periodic(rtc, now);
}

static void write_data(struct cmos_rtc *rtc, uint8_t value)
{
	uint64_t now = rtc->clock(rtc->vm);
	unsigned index = rtc->index;

	if (index == RTC_PS2_CENTURY)
		index = rtc->index = RTC_CENTURY; /* QEMU moves the index too */
	sync_flags(rtc, now);
	if (is_time_register(index) || index == RTC_CENTURY) {
		bool running = registers_run(rtc);
		if (running)
			refresh_registers(rtc, now); /* the other fields are current */
		rtc->cmos[index] = value;
		if (running) /* the clock goes on from the new time at once */
			restart_clock(rtc, now, clock_at(rtc, now).frac);
	} else if (index == RTC_REG_A) {
		write_reg_a(rtc, value, now);
	} else if (index == RTC_REG_B) {
		write_reg_b(rtc, value, now);
	} else if (index == RTC_REG_C || index == RTC_REG_D) {
		return; /* read-only */
	} else {
		rtc->cmos[index] = value; /* alarm bytes and CMOS memory */
	}
	schedule_update(rtc, now);
}

static uint8_t read_data(struct cmos_rtc *rtc)
{
	uint64_t now = rtc->clock(rtc->vm);
	unsigned index = rtc->index;

	if (index == RTC_PS2_CENTURY)
		index = rtc->index = RTC_CENTURY;
	if (is_time_register(index) || index == RTC_CENTURY) {
		refresh_registers(rtc, now);
		return rtc->cmos[index];
	}
	if (index == RTC_REG_A) {
		uint8_t a = rtc->cmos[RTC_REG_A];
		if (registers_run(rtc) && clock_at(rtc, now).frac >= NS_PER_S - UIP_HOLD_NS)
			a |= RTC_A_UIP;
		return a;
	}
	if (index == RTC_REG_C) {
		sync_flags(rtc, now);
		uint8_t c = rtc->cmos[RTC_REG_C];
		rtc->cmos[RTC_REG_C] = 0;
		drive_irq(rtc, false);
		if (c & (RTC_C_UF | RTC_C_AF))
			schedule_update(rtc, now);
		return c;
	}
	return rtc->cmos[index];
}

uint8_t cmos_rtc_read(struct cmos_rtc *rtc, unsigned offset)
{
	if (offset == 0)
		return 0xFF; /* the index port is write-only; QEMU reads 0xff */
	return read_data(rtc);
}

void cmos_rtc_write(struct cmos_rtc *rtc, unsigned offset, uint8_t value)
{
	if (offset == 0) {
		rtc->index = value & 0x7F;
		rtc->nmi_disabled = value & 0x80; /* vmm has no NMI source */
	} else {
		write_data(rtc, value);
	}
}

/* ---- Power-on state ---- */

static void set_word(uint8_t *cmos, unsigned index, uint64_t value)
{
	cmos[index] = (uint8_t)value;
	cmos[index + 1] = (uint8_t)(value >> 8);
}

/* The memory-size bytes, as QEMU's pc_cmos_init computes them (all of vmm's
 * RAM is below 4 GiB, so 0x5B-0x5D stay 0). */
static void set_memory_bytes(uint8_t *cmos, uint64_t mem_size)
{
	const uint64_t KiB = 1024, MiB = 1024 * KiB;
	uint64_t base_kib = mem_size / KiB < 640 ? mem_size / KiB : 640;
	uint64_t ext_kib = mem_size > MiB ? (mem_size - MiB) / KiB : 0;
	uint64_t above_16m = mem_size > 16 * MiB ? (mem_size - 16 * MiB) / (64 * KiB) : 0;
	if (ext_kib > 0xFFFF)
		ext_kib = 0xFFFF;
	if (above_16m > 0xFFFF)
		above_16m = 0xFFFF;
	set_word(cmos, CMOS_BASE_MEM_LO, base_kib);
	set_word(cmos, CMOS_EXT_MEM_LO, ext_kib);
	set_word(cmos, CMOS_EXT_MEM2_LO, ext_kib);
	set_word(cmos, CMOS_MEM_ABOVE_16M_LO, above_16m);
	cmos[CMOS_MEM_ABOVE_4G] = cmos[CMOS_MEM_ABOVE_4G + 1] = cmos[CMOS_MEM_ABOVE_4G + 2] = 0;
}

void cmos_rtc_init(struct cmos_rtc *rtc, struct vm *vm, uint64_t (*clock)(struct vm *vm),
		   int64_t start_s, uint64_t mem_size)
{
	memset(rtc, 0, sizeof(*rtc));
	rtc->vm = vm;
	rtc->clock = clock;
	/* QEMU's power-on values: 32.768 kHz time base with rate 6 (1024 Hz),
	 * BCD and 24 hours, the valid-RAM bit. */
	rtc->cmos[RTC_REG_A] = 0x26;
	rtc->cmos[RTC_REG_B] = RTC_B_24H;
	rtc->cmos[RTC_REG_D] = RTC_D_VRT;
	rtc->cmos[CMOS_FLOPPY_TYPES] = 0; /* no floppy drive */
	rtc->cmos[CMOS_EQUIPMENT] = EQUIPMENT_FPU | EQUIPMENT_PS2_MOUSE;
	rtc->cmos[CMOS_BOOT_ORDER_1ST_2ND] = BOOT_ORDER_1ST_2ND;
	rtc->cmos[CMOS_BOOT_ORDER_3RD] = BOOT_ORDER_3RD;
	rtc->cmos[CMOS_CPUS_MINUS_1] = 0;
	set_memory_bytes(rtc->cmos, mem_size);

	uint64_t now = clock(vm);
	rtc->base_s = start_s;
	rtc->ref_ns = rtc->flags_ns = now;
	render(rtc, start_s);
	vm_timer_init(&rtc->update_timer, update_fired, rtc);
	vm_timer_init(&rtc->periodic_timer, periodic_fired, rtc);
}

/* ---- -rtc base=... ---- */

static bool valid_date(int y, int mon, int d, int h, int min, int s)
{
	static const int days[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1000 || y > 9999 || mon < 1 || mon > 12 || d < 1 || d > days[mon - 1] ||
	    (mon == 2 && d == 29 && !leap))
		return false;
	return h >= 0 && h < 24 && min >= 0 && min < 60 && s >= 0 && s < 60;
}

int cmos_rtc_parse_base(const char *spec, int64_t now, int64_t *start_s, char *err,
			size_t errlen)
{
	const char *value = spec ? spec : "base=utc";
	if (strncmp(value, "base=", 5) != 0)
		goto bad;
	value += 5;
	if (strcmp(value, "utc") == 0) {
		*start_s = now;
		return 0;
	}
	if (strcmp(value, "localtime") == 0) {
		/* The host's wall clock now, read as if it were UTC (QEMU). */
		time_t t = (time_t)now;
		struct tm tm;
		if (!localtime_r(&t, &tm))
			goto bad;
		*start_s = (int64_t)timegm(&tm);
		return 0;
	}
	int y, mon, d, h = 0, min = 0, s = 0, end = 0;
	if (!((sscanf(value, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mon, &d, &h, &min, &s, &end) == 6 &&
	       value[end] == '\0') ||
	      (end = 0, sscanf(value, "%4d-%2d-%2d%n", &y, &mon, &d, &end) == 3 && value[end] == '\0')) ||
	    !valid_date(y, mon, d, h, min, s))
		goto bad;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mon - 1, .tm_mday = d,
			 .tm_hour = h, .tm_min = min, .tm_sec = s };
	*start_s = (int64_t)timegm(&tm);
	return 0;
bad:
	snprintf(err, errlen,
		 "bad -rtc '%s': use base=utc, base=localtime or base=YYYY-MM-DD[THH:MM:SS]",
		 spec ? spec : "");
	return -1;
}

/* ---- Registration ---- */

static uint64_t rtc_port_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)size; /* wider accesses read the byte, as QEMU's 1-byte region */
	return cmos_rtc_read(opaque, (unsigned)offset);
}

static void rtc_port_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	(void)size;
	cmos_rtc_write(opaque, (unsigned)offset, (uint8_t)value);
}

static const struct io_ops cmos_rtc_ops = { rtc_port_read, rtc_port_write };

static void cmos_rtc_destroy(struct vm *vm, void *opaque)
{
	struct cmos_rtc *rtc = opaque;
	vm_timer_cancel(vm, &rtc->update_timer);
	vm_timer_cancel(vm, &rtc->periodic_timer);
	free(rtc);
}

int cmos_rtc_register(struct vm *vm, const char *spec, char *err, size_t errlen)
{
	int64_t start_s;
	if (cmos_rtc_parse_base(spec, (int64_t)time(NULL), &start_s, err, errlen) < 0)
		return -2;
	struct cmos_rtc *rtc = malloc(sizeof(*rtc));
	if (!rtc) {
		snprintf(err, errlen, "out of memory for the RTC");
		return -1;
	}
	cmos_rtc_init(rtc, vm, vm_clock_ns, start_s, vm->mem_size);
	if (vm_add_destroy_hook(vm, cmos_rtc_destroy, rtc) < 0) {
		free(rtc);
		snprintf(err, errlen, "cannot register the RTC");
		return -1;
	}
	if (vm_register_pio(vm, CMOS_RTC_PORT, 2, "cmos-rtc", &cmos_rtc_ops, rtc) < 0) {
		snprintf(err, errlen, "cannot register the RTC on ports 0x70-0x71");
		return -1;
	}
	return 0;
}
