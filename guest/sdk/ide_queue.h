/*
 * The PV disk queue driver (ABI: struct disk_queue in vmm/abi.h): disk
 * requests that cost no VM exit each. A request goes into a slot of a queue
 * in guest memory and a doorbell `out` wakes vmm's disk thread, which KVM
 * does without stopping the guest (an ioeventfd); the guest then watches the
 * queue's `completed` counter. Compare ide_pv.h: one hypercall, one exit.
 *
 * Buffers are guest-physical (SDK guests run with virtual == physical) and
 * must be contiguous in RAM. Statuses are those of ide_pv.h.
 */
#ifndef GUEST_IDE_QUEUE_H
#define GUEST_IDE_QUEUE_H

#include <stdint.h>

#include "io.h"
#include "vmm/abi.h"

/* Registers the queue with vmm. Returns 1 if doorbells cost no exit, 0 if
 * they exit (an older KVM), or a negative status (HC_ENOSYS: no vmm, as in
 * QEMU; HC_ENODEV: no disk). */
int ide_queue_init(void);

/* Everything below is inline: on a slow (emulated) CPU the guest's own
 * instructions are most of a request's cost, and a call with its argument
 * pushes and register saves would add about a third.
 *
 * The two halves, for a guest that keeps several requests in flight: submit
 * returns a ticket (waiting first if all slots are busy); wait returns that
 * request's status. Wait for a ticket before submitting DISK_QUEUE_SLOTS
 * more, or its slot is reused. */
extern struct disk_queue ide_queue;

/* A u64 field from a value that fits in a register. In 32-bit code this is
 * two 32-bit stores; written out, so that GCC does not turn the caller's
 * loop counter into a 64-bit one and spill it (on this slow CPU, a third of
 * the loop's time). */
static inline void ide_queue_put64(volatile unsigned long long *field, uintptr_t value)
{
#if UINTPTR_MAX == 0xFFFFFFFFu
	volatile uint32_t *half = (volatile uint32_t *)field;
	half[0] = value;
	half[1] = 0;
#else
	*field = value;
#endif
}

static inline uint32_t ide_queue_submit(unsigned op, uint32_t lba, uint32_t count,
					const void *buffer)
{
	/* Volatile: vmm's thread reads and writes the queue while we run. */
	volatile struct disk_queue *q = &ide_queue;
	uint32_t ticket = q->submitted;
	while (ticket - q->completed >= DISK_QUEUE_SLOTS)
		cpu_relax(); /* all slots busy */
	volatile struct disk_queue_slot *slot = &q->slot[ticket % DISK_QUEUE_SLOTS];
	slot->op = op;
	ide_queue_put64(&slot->lba, lba);
	ide_queue_put64(&slot->buffer, (uintptr_t)buffer); /* virtual == physical */
	slot->count = count;
	/* x86 keeps stores in order and volatile keeps the compiler from
	 * moving them: vmm sees the slot filled before `submitted` moves. */
	q->submitted = ticket + 1;
	outl(VMM_DISK_QUEUE_PORT, 0);
	return ticket;
}

static inline int ide_queue_wait(uint32_t ticket)
{
	volatile struct disk_queue *q = &ide_queue;
	while ((int32_t)(q->completed - ticket) <= 0)
		cpu_relax();
	return q->slot[ticket % DISK_QUEUE_SLOTS].status;
}

/* One request, waited for: returns its status. */
static inline int ide_queue_read(uint32_t lba, uint32_t count, void *buffer)
{
	return ide_queue_wait(ide_queue_submit(DISK_OP_READ, lba, count, buffer));
}

static inline int ide_queue_write(uint32_t lba, uint32_t count, const void *buffer)
{
	return ide_queue_wait(ide_queue_submit(DISK_OP_WRITE, lba, count, buffer));
}

/* Until the image is on stable storage. */
static inline int ide_queue_flush(void)
{
	return ide_queue_wait(ide_queue_submit(DISK_OP_FLUSH, 0, 0, 0));
}

#endif
