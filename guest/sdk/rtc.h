/*
 * The CMOS real-time clock (Motorola MC146818 and its PC successors): an
 * index port (0x70) and a data port (0x71) in front of 128 bytes of CMOS,
 * of which the first 14 are the clock. Works the same on vmm, QEMU and a PC.
 *
 * Reading the time as real drivers do (Linux's mc146818_get_time): wait while
 * register A's update-in-progress bit is set, read every register, and read
 * again until two readings agree, so no update fell between the bytes.
 * The values are BCD or binary and the hour 12- or 24-hour as register B
 * says; rtc_decode() turns a reading into plain numbers.
 */
#ifndef GUEST_RTC_H
#define GUEST_RTC_H

#include <stdbool.h>
#include <stdint.h>

#include "io.h"

#define RTC_INDEX_PORT 0x70 /* bit 7 written here masks NMIs on a PC */
#define RTC_DATA_PORT  0x71
#define RTC_NMI_DISABLE 0x80

/* Registers (CMOS indexes). */
#define RTC_SECONDS       0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES       0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS         0x04
#define RTC_HOURS_ALARM   0x05
#define RTC_DAY_OF_WEEK   0x06 /* 1 = Sunday */
#define RTC_DAY_OF_MONTH  0x07
#define RTC_MONTH         0x08
#define RTC_YEAR          0x09 /* two digits */
#define RTC_REG_A         0x0A
#define RTC_REG_B         0x0B
#define RTC_REG_C         0x0C
#define RTC_REG_D         0x0D
#define RTC_CENTURY       0x32

/* Register A: update in progress, divider (0x20: normal), periodic rate. */
#define RTC_A_UIP        0x80
#define RTC_A_DIVIDER_32KHZ 0x20 /* the PC's time base: the clock runs */
#define RTC_A_DIVIDER_RESET 0x70 /* the clock stops; the first update comes
				  * 500 ms after the divider is set running */
#define RTC_A_RATE_MASK  0x0F /* period = 2^(rate-1) / 32768 s (rates 1, 2: as 8, 9) */
#define RTC_A_RATE_1024HZ 0x06 /* the PC's default rate */
/* Register B. */
#define RTC_B_SET   0x80 /* updates stop; the guest sets the time */
#define RTC_B_PIE   0x40 /* periodic interrupt */
#define RTC_B_AIE   0x20 /* alarm interrupt */
#define RTC_B_UIE   0x10 /* update-ended interrupt */
#define RTC_B_SQWE  0x08
#define RTC_B_DM    0x04 /* 1: binary, 0: BCD */
#define RTC_B_24H   0x02 /* 1: 24-hour, 0: 12-hour with RTC_HOUR_PM */
#define RTC_B_DSE   0x01
/* Register C (reading it clears it and ends the interrupt). */
#define RTC_C_IRQF  0x80
#define RTC_C_PF    0x40
#define RTC_C_AF    0x20
#define RTC_C_UF    0x10
/* In 12-hour mode the hour byte's bit 7 means PM. */
#define RTC_HOUR_PM 0x80
/* An alarm byte of 0xC0..0xFF matches every value. */
#define RTC_ALARM_DONT_CARE 0xFF

static inline uint8_t rtc_read(uint8_t reg)
{
	outb(RTC_INDEX_PORT, reg);
	return inb(RTC_DATA_PORT);
}

static inline void rtc_write(uint8_t reg, uint8_t value)
{
	outb(RTC_INDEX_PORT, reg);
	outb(RTC_DATA_PORT, value);
}

static inline bool rtc_update_in_progress(void)
{
	return rtc_read(RTC_REG_A) & RTC_A_UIP;
}

/* The clock registers exactly as read. */
struct rtc_raw {
	uint8_t sec, min, hour, wday, mday, mon, year, century;
};

static inline void rtc_read_raw_once(struct rtc_raw *r)
{
	while (rtc_update_in_progress())
		cpu_relax();
	r->sec = rtc_read(RTC_SECONDS);
	r->min = rtc_read(RTC_MINUTES);
	r->hour = rtc_read(RTC_HOURS);
	r->wday = rtc_read(RTC_DAY_OF_WEEK);
	r->mday = rtc_read(RTC_DAY_OF_MONTH);
	r->mon = rtc_read(RTC_MONTH);
	r->year = rtc_read(RTC_YEAR);
	r->century = rtc_read(RTC_CENTURY);
}

/* A consistent reading: twice in a row the same bytes. */
static inline void rtc_read_raw(struct rtc_raw *r)
{
	struct rtc_raw again;

	rtc_read_raw_once(r);
	for (;;) {
		rtc_read_raw_once(&again);
		if (again.sec == r->sec && again.min == r->min && again.hour == r->hour &&
		    again.wday == r->wday && again.mday == r->mday && again.mon == r->mon &&
		    again.year == r->year && again.century == r->century)
			return;
		*r = again;
	}
}

/* A reading in plain numbers: 24-hour clock, four-digit year. */
struct rtc_time {
	unsigned sec, min, hour, wday, mday, mon, year;
};

static inline unsigned rtc_from_bcd(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0x0F);
}

static inline uint8_t rtc_to_bcd(unsigned v)
{
	return (uint8_t)(((v / 10) << 4) | (v % 10));
}

/* Decodes r, read with register B = reg_b. */
static inline void rtc_decode(const struct rtc_raw *r, uint8_t reg_b, struct rtc_time *t)
{
	bool binary = reg_b & RTC_B_DM;
	uint8_t hour = r->hour;
	bool pm = false;

	if (!(reg_b & RTC_B_24H)) {
		pm = hour & RTC_HOUR_PM;
		hour &= (uint8_t)~RTC_HOUR_PM;
	}
#define RTC_VALUE(v) (binary ? (unsigned)(v) : rtc_from_bcd(v))
	t->sec = RTC_VALUE(r->sec);
	t->min = RTC_VALUE(r->min);
	t->hour = RTC_VALUE(hour);
	t->wday = RTC_VALUE(r->wday);
	t->mday = RTC_VALUE(r->mday);
	t->mon = RTC_VALUE(r->mon);
	t->year = RTC_VALUE(r->century) * 100 + RTC_VALUE(r->year);
#undef RTC_VALUE
	if (!(reg_b & RTC_B_24H))
		t->hour = t->hour % 12 + (pm ? 12 : 0); /* 12 AM is 0:00, 12 PM noon */
}

#endif
