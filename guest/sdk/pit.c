/* The 8254 timer (pit.h). Register bits from Intel's 82C54 data sheet. */
#include "io.h"
#include "pit.h"

#define COMMAND_CHANNEL(n)    ((unsigned)(n) << 6)
#define COMMAND_LATCH         0x00 /* access bits 00: counter latch */
#define COMMAND_LOW_THEN_HIGH 0x30 /* access bits 11: low byte, then high */
#define COMMAND_MODE(m)       ((unsigned)(m) << 1)
#define MAX_DIVISOR           65536u /* written as 0 */
#define CALIBRATION_US        10000u

uint32_t pit_divisor(uint32_t hz)
{
	if (hz == 0)
		return MAX_DIVISOR;
	uint32_t divisor = (PIT_FREQUENCY_HZ + hz / 2) / hz;
	if (divisor < 1)
		divisor = 1;
	if (divisor > MAX_DIVISOR)
		divisor = MAX_DIVISOR;
	return divisor;
}

static void load_counter(unsigned channel, enum pit_mode mode, uint32_t divisor)
{
	uint16_t port = (uint16_t)(PIT_CHANNEL0_PORT + channel);

	outb(PIT_COMMAND_PORT,
	     (uint8_t)(COMMAND_CHANNEL(channel) | COMMAND_LOW_THEN_HIGH | COMMAND_MODE(mode)));
	outb(port, (uint8_t)divisor); /* 65536 becomes 0, 0 */
	outb(port, (uint8_t)(divisor >> 8));
}

uint32_t pit_start_periodic(uint32_t hz, enum pit_mode mode)
{
	uint32_t divisor = pit_divisor(hz);

	load_counter(0, mode, divisor);
	return divisor;
}

uint16_t pit_read_counter(unsigned channel)
{
	uint16_t port = (uint16_t)(PIT_CHANNEL0_PORT + channel);

	outb(PIT_COMMAND_PORT, (uint8_t)(COMMAND_CHANNEL(channel) | COMMAND_LATCH));
	uint8_t low = inb(port);
	uint8_t high = inb(port);
	return (uint16_t)(low | high << 8);
}

/* One countdown of `ticks` PIT clocks on channel 2 (mode 0: the output goes
 * low when the count is written and high at terminal count). */
static void channel2_countdown(uint32_t ticks)
{
	uint8_t control = inb(PIT_PORT_61);

	outb(PIT_PORT_61, (uint8_t)((control & ~PORT_61_SPEAKER_DATA) | PORT_61_CHANNEL2_GATE));
	load_counter(2, PIT_MODE_ONE_SHOT, ticks);
	while (!(inb(PIT_PORT_61) & PORT_61_CHANNEL2_OUT))
		cpu_relax();
}

void pit_delay_us(uint32_t us)
{
	/* PIT clocks = us * 1.193182, without 64-bit division (32-bit guests
	 * have no libgcc for it): whole milliseconds, then the rest. */
	uint32_t ms = us / 1000, rest = us % 1000;
	uint64_t ticks = (uint64_t)ms * (PIT_FREQUENCY_HZ / 1000) +
			 (ms * (PIT_FREQUENCY_HZ % 1000) + 500) / 1000 +
			 (rest * PIT_FREQUENCY_HZ + 500000) / 1000000;

	while (ticks > 0) {
		uint32_t chunk = ticks > 0xFFFF ? 0xFFFF : (uint32_t)ticks;
		channel2_countdown(chunk);
		ticks -= chunk;
	}
}

uint64_t pit_tsc_per_ms(void)
{
	uint64_t start = rdtsc();
	pit_delay_us(CALIBRATION_US);
	/* 10 ms of any real TSC (< 400 GHz) fits in 32 bits, so 32-bit code
	 * divides without libgcc. */
	uint32_t elapsed = (uint32_t)(rdtsc() - start);
	return elapsed / (CALIBRATION_US / 1000);
}
