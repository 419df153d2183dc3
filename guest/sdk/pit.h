/*
 * The 8254 programmable interval timer of the PC: three counters fed by a
 * 1.193182 MHz clock. Channel 0 drives IRQ 0 (the system timer); channel 2's
 * gate and output are bits 0 and 5 of port 0x61, which is how kernels
 * measure time with it before any interrupt works (Linux calibrates the TSC
 * this way). Channel 1 (DRAM refresh) is left alone.
 *
 * Modes: all (only port I/O). Ticks from channel 0 arrive on IRQ 0 (pic.h,
 * idt.h); pit_delay_us needs no interrupts at all.
 */
#ifndef GUEST_PIT_H
#define GUEST_PIT_H

#include <stdint.h>

#define PIT_FREQUENCY_HZ 1193182u /* 105/88 MHz, rounded as QEMU does */

#define PIT_CHANNEL0_PORT 0x40
#define PIT_CHANNEL2_PORT 0x42
#define PIT_COMMAND_PORT  0x43
/* System control port B: bit 0 channel 2 gate, bit 1 speaker data, bit 5
 * channel 2 output (read only). */
#define PIT_PORT_61 0x61
#define PORT_61_CHANNEL2_GATE  0x01
#define PORT_61_SPEAKER_DATA   0x02
#define PORT_61_CHANNEL2_OUT   0x20

/* Counter modes for periodic interrupts: a one-clock pulse at each period
 * (rate generator, what Linux uses), or a square wave (what the BIOS sets). */
enum pit_mode {
	PIT_MODE_ONE_SHOT = 0,       /* interrupt on terminal count */
	PIT_MODE_RATE_GENERATOR = 2,
	PIT_MODE_SQUARE_WAVE = 3,
};

/* The reload value closest to `hz` (PIT_FREQUENCY_HZ / hz, rounded, within
 * 1..65536; 65536 is programmed as 0). Valid for hz from 19 to 1193182. */
uint32_t pit_divisor(uint32_t hz);

/* Programs channel 0 to interrupt on IRQ 0 about `hz` times a second, in
 * mode 2 or 3. Returns the divisor used (the exact rate is
 * PIT_FREQUENCY_HZ / divisor). */
uint32_t pit_start_periodic(uint32_t hz, enum pit_mode mode);

/* The current count of channel 0 or 2 (a latch command, then low and high
 * byte): it counts down from the divisor to 1 and reloads. */
uint16_t pit_read_counter(unsigned channel);

/* Waits `us` microseconds by polling channel 2's output in one-shot mode
 * (at most ~54.9 ms per countdown; longer waits take several). Leaves the
 * speaker off and channel 2's gate on. Interrupts are not needed. */
void pit_delay_us(uint32_t us);

/* TSC ticks per millisecond, measured against a 10 ms channel 2 countdown
 * as kernels calibrate it. */
uint64_t pit_tsc_per_ms(void);

#endif
