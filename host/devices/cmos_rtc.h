/*
 * The CMOS real-time clock (Motorola MC146818): index port 0x70, data port
 * 0x71, IRQ 8. The first 14 bytes of its 128 are the clock and its status
 * registers A-D; the rest is the CMOS memory a PC BIOS fills (memory size,
 * equipment, boot order), here with the bytes QEMU 7.2 puts there for the
 * same amount of RAM. docs/devices.md says what is emulated and what is not.
 *
 * The clock starts at -rtc base=... (UTC now by default, as QEMU) and runs
 * with vm_clock_ns(), so it stands still while the guest is paused. Like
 * QEMU's mc146818rtc, IRQ 8 is a level that is high while register C has
 * IRQF, and reading C lowers it. No timer runs unless the guest enables an
 * interrupt: the update-ended and alarm flags of register C are worked out
 * from the clock when the guest reads C.
 */
#ifndef VMM_CMOS_RTC_H
#define VMM_CMOS_RTC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm_timer.h"

struct vm;

#define CMOS_RTC_PORT 0x70 /* and 0x71 */
#define CMOS_RTC_IRQ 8
#define CMOS_SIZE 128

/* Clock registers (CMOS indexes). */
enum {
	RTC_SECONDS = 0x00,
	RTC_SECONDS_ALARM = 0x01,
	RTC_MINUTES = 0x02,
	RTC_MINUTES_ALARM = 0x03,
	RTC_HOURS = 0x04,
	RTC_HOURS_ALARM = 0x05,
	RTC_DAY_OF_WEEK = 0x06, /* 1 = Sunday */
	RTC_DAY_OF_MONTH = 0x07,
	RTC_MONTH = 0x08,
	RTC_YEAR = 0x09,
	RTC_REG_A = 0x0A,
	RTC_REG_B = 0x0B,
	RTC_REG_C = 0x0C,
	RTC_REG_D = 0x0D,
	RTC_CENTURY = 0x32,
	RTC_PS2_CENTURY = 0x37, /* IBM PS/2's century byte: QEMU makes it 0x32 */
};

#define RTC_A_UIP 0x80        /* update in progress: the last 244 us of a second */
#define RTC_A_DIVIDER 0x70    /* 0x20: 32.768 kHz time base, 0x60/0x70: reset */
#define RTC_A_RATE 0x0F       /* periodic interrupt rate select */
#define RTC_B_SET 0x80
#define RTC_B_PIE 0x40
#define RTC_B_AIE 0x20
#define RTC_B_UIE 0x10
#define RTC_B_SQWE 0x08
#define RTC_B_DM_BINARY 0x04
#define RTC_B_24H 0x02
#define RTC_B_DSE 0x01
#define RTC_C_IRQF 0x80
#define RTC_C_PF 0x40
#define RTC_C_AF 0x20
#define RTC_C_UF 0x10
#define RTC_D_VRT 0x80
#define RTC_HOUR_PM 0x80      /* 12-hour mode */

/*
 * The device. Public so that unit tests can build one on a bare struct vm
 * with a clock of their own; everything else goes through the ports.
 * The time is base_s + base_frac_ns at vm clock ref_ns, and runs on from
 * there whether or not the registers follow it (SET, divider reset): like a
 * real chip's divider chain, it keeps the phase of the updates.
 */
struct cmos_rtc {
	struct vm *vm;
	uint64_t (*clock)(struct vm *vm); /* vm_clock_ns, or a test's */
	uint8_t cmos[CMOS_SIZE];
	uint8_t index;
	bool nmi_disabled;  /* bit 7 of the last index write: stored only */
	bool irq_level;     /* IRQ 8 as we last drove it */
	int64_t base_s;     /* seconds since 1970 (UTC scale) at ref_ns */
	uint64_t base_frac_ns;
	uint64_t ref_ns;
	uint64_t flags_ns;  /* register C holds the flags of updates up to here */
	uint64_t next_periodic_tick; /* in 32768 Hz cycles of the vm clock */
	uint32_t period_ticks;       /* 0: no periodic timer */
	struct vm_timer update_timer, periodic_timer;
};

/* The time the clock starts at for -rtc SPEC (NULL: base=utc): "base=utc",
 * "base=localtime" or "base=YYYY-MM-DD[THH:MM:SS]", QEMU's spellings; `now`
 * is the host's time. 0 with *start_s (seconds since 1970, the wall time
 * read as UTC), or -1 with a message in err. */
int cmos_rtc_parse_base(const char *spec, int64_t now, int64_t *start_s, char *err,
			size_t errlen);

/* Sets rtc up at power-on: registers A-D as QEMU leaves them, the clock at
 * start_s, CMOS memory bytes for mem_size bytes of RAM. No ports. */
void cmos_rtc_init(struct cmos_rtc *rtc, struct vm *vm, uint64_t (*clock)(struct vm *vm),
		   int64_t start_s, uint64_t mem_size);
/* A port access: offset 0 (0x70) or 1 (0x71). */
uint8_t cmos_rtc_read(struct cmos_rtc *rtc, unsigned offset);
void cmos_rtc_write(struct cmos_rtc *rtc, unsigned offset, uint8_t value);

/* Adds the RTC on ports 0x70-0x71 for -rtc SPEC. 0, -1 (host error) or -2
 * (bad SPEC), with the reason in err. */
int cmos_rtc_register(struct vm *vm, const char *spec, char *err, size_t errlen);

#endif
