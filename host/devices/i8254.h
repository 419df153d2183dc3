/*
 * The 8254 programmable interval timer and port 0x61, emulated in vmm (the
 * default, -irqchip user). Nothing ticks in software: each counter holds the
 * time its count started, and its value and OUT level are computed from the
 * guest clock (vm_clock_ns) at 1.193182 MHz whenever the guest looks.
 *
 * Ports: 0x40-0x42 counters 0-2, 0x43 control word (write only; reads give
 * 0xFF); 0x61 (system control port B): bit 0 counter 2's gate, bit 1
 * speaker data (no sound is made), bits 2-3 read back as written, bit 4 the
 * refresh toggle (flips every 15.085 us of guest time, as counter 1's DRAM
 * refresh would), bit 5 counter 2's OUT; writes to bits 4-7 are ignored.
 *
 * Counter 0's OUT drives ISA line 0 (IRQ0): a vm_timer is armed for its next
 * rising edge, computed from the time the count started plus whole periods,
 * so ticks do not drift; the callback pulses the line and arms the next one.
 * When vmm itself ran late (the host did not schedule it at the edge), the
 * edges it missed follow I8254_MIN_IRQ_INTERVAL_NS apart, so that a guest
 * that counts ticks keeps time (as KVM's own PIT reinjects them); more than
 * I8254_MAX_CATCH_UP_NS behind, the missed ones are dropped. At most one
 * edge is delivered per I8254_MIN_IRQ_INTERVAL_NS (a rate above 10 kHz is
 * cut down to that), so that a guest cannot flood vmm. An edge that comes
 * while the previous one is still latched in the 8259 is lost, as on a PC.
 * Counter 1's OUT goes nowhere; counter 2's goes to port 0x61 bit 5.
 *
 * Emulated (Intel 8254 data sheet): modes 0-5 (6 and 7 are 2 and 3) with
 * their OUT levels; access modes lobyte, hibyte, lobyte-then-hibyte (each
 * with its own read and write byte order), counter latch commands and the
 * read-back command (count and/or status for any counters; a second latch
 * before the first is read is ignored); BCD counting (counts 0-9999, 0
 * meaning 10000); the null-count status bit; gates (only counter 2's can
 * change; counters 0 and 1 are tied high): in modes 0 and 4 a low gate
 * suspends counting, in modes 2 and 3 it suspends counting with OUT high
 * and its rising edge restarts the count, in modes 1 and 5 its rising edge
 * (only) starts the count; writing the first byte of a two-byte count in
 * mode 0 stops the counter with OUT low.
 *
 * Differences from the chip, as in QEMU: a new count takes effect at once
 * in modes 0, 2, 3 and 4 (the chip waits for the end of the current period
 * in modes 2 and 3; in modes 1 and 5 it waits for the next trigger, here
 * too), and counting starts at the write, not one clock later. An odd count in mode 3
 * reads as QEMU computes it. Differences from QEMU: OUT follows the data
 * sheet in modes 1, 2, 4 and 5 (QEMU inverts it: its mode 2 OUT is high only
 * for the reload clock; a mode 4 edge comes one clock later), and modes 1 and 5 wait for a gate edge (QEMU starts
 * them at the write); both show only in status bit 7 and port 0x61 bit 5.
 *
 * Start state: what SeaBIOS leaves under QEMU 7.2, read there with the
 * read-back command: counter 0 mode 2, lobyte/hibyte, binary, count 0
 * (65536: IRQ0 at 18.2065 Hz) running since the VM was created; counters 1
 * and 2 mode 3, count 0, access bits 0 (QEMU's power-on state: such a
 * counter reads and writes as lobyte), counter 2's gate low; port 0x61's
 * writable bits clear (it reads 0x20 or 0x30: counter 2's OUT is high).
 *
 * The i8254_* functions take the time explicitly, so unit tests drive the
 * chip at chosen instants; i8254_register() wires it to a VM.
 */
#ifndef VMM_I8254_H
#define VMM_I8254_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

#define I8254_HZ 1193182u
#define I8254_PORT 0x40   /* counters 0-2, control word at 0x43 */
#define I8254_PORT61 0x61
#define I8254_MIN_IRQ_INTERVAL_NS 100000u   /* 100 us */
#define I8254_MAX_CATCH_UP_NS 100000000ull  /* 100 ms */
#define I8254_REFRESH_NS 15085u

struct i8254_counter {
	/* Programming */
	uint8_t mode_bits;   /* bits 3-1 of the control word, for status */
	uint8_t mode;        /* 0..5 */
	uint8_t access;      /* 0 (as lobyte), 1 lobyte, 2 hibyte, 3 lobyte then hibyte */
	bool bcd;
	uint16_t count_reg;  /* the count register as written (BCD if bcd) */
	bool count_written;  /* count_reg holds a whole count since the control word */
	bool null_count;     /* status bit 6: a count written but not loaded yet */
	bool gate;
	/* Counting: the counting element holds `initial` at time start_ns,
	 * `base_ticks` clocks into the count (non-zero after a suspension). */
	bool counting;
	bool suspended;      /* gate low in modes 0, 2, 3, 4 */
	uint32_t initial;    /* 1..65536 (1..10000 in BCD) */
	uint64_t start_ns, base_ticks, frozen_ticks;
	uint16_t held;       /* the value shown while not counting */
	/* The byte sequences and latches */
	bool write_hi_next, read_hi_next;
	uint8_t write_lo;
	uint8_t latch_bytes;     /* latched count bytes left to read (0: none) */
	uint16_t latched_count;
	bool status_latched;
	uint8_t latched_status;
};

struct i8254 {
	struct i8254_counter ctr[3];
	bool speaker_data;  /* port 0x61 bit 1 */
	uint8_t port61_nmi; /* port 0x61 bits 2-3, as written */
};

/* The state SeaBIOS leaves (above), counters started at now_ns. */
void i8254_reset(struct i8254 *pit, uint64_t now_ns);
/* A byte access to port 0x40 + offset (offset 0..3), at guest time now_ns. */
void i8254_write(struct i8254 *pit, unsigned offset, uint8_t value, uint64_t now_ns);
uint8_t i8254_read(struct i8254 *pit, unsigned offset, uint64_t now_ns);
/* Port 0x61. */
void i8254_port61_write(struct i8254 *pit, uint8_t value, uint64_t now_ns);
uint8_t i8254_port61_read(struct i8254 *pit, uint64_t now_ns);
/* Drives a counter's gate (counter 2's is port 0x61 bit 0). */
void i8254_set_gate(struct i8254 *pit, unsigned ctr, bool gate, uint64_t now_ns);
/* The counter's OUT level and its counting element's value at now_ns. */
bool i8254_out(const struct i8254 *pit, unsigned ctr, uint64_t now_ns);
uint16_t i8254_count(const struct i8254 *pit, unsigned ctr, uint64_t now_ns);
/* The time of OUT's first rising edge strictly after after_ns, computed
 * from the count's start time and whole periods; UINT64_MAX if none comes
 * (stopped, suspended, one-shot done). */
uint64_t i8254_next_rising_edge(const struct i8254 *pit, unsigned ctr, uint64_t after_ns);

/* Creates the PIT, claims ports 0x40-0x43 and 0x61, and starts counter 0's
 * IRQ0 timer. 0, or -1. */
int i8254_register(struct vm *vm);

#endif
