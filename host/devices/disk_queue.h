/*
 * The PV disk queue: the HC_DISK_QUEUE call and the VMM_DISK_QUEUE_PORT
 * doorbell of include/vmm/abi.h, on the -disk image.
 *
 * Each slot gets a status, checked in this order (a failing slot has no
 * effect on the image or on guest memory):
 *   -EINVAL  unknown op, or a sector of [lba, lba + count) past the end
 *   -EFAULT  the buffer (count * 512 bytes, guest-physical) is not wholly in RAM
 *   -EIO     a write to a read-only disk, or a failing host read/write/flush
 * HC_DISK_QUEUE itself: -ENODEV without a disk, -EINVAL for an address that
 * is not 8-byte aligned, -EFAULT for a queue not wholly in RAM; ret = 1 when
 * doorbells cost no exit (ioeventfd), 0 when they exit (the same results).
 *
 * A guest that breaks the protocol (submitted more than DISK_QUEUE_SLOTS
 * ahead of completed) gets nothing more served on that queue until it
 * registers one again; vmm reports it once.
 */
#ifndef VMM_DISK_QUEUE_H
#define VMM_DISK_QUEUE_H

#include <stdbool.h>

struct vm;
struct disk;
struct disk_queue_device;

/* Registers the call and the doorbell for vm; disk may be NULL (no drive).
 * No thread runs until a guest registers a queue. Freed by vm_destroy (the
 * thread is stopped first). NULL if out of memory or registration failed. */
struct disk_queue_device *disk_queue_attach(struct vm *vm, struct disk *disk);

/* Serves what the guest has submitted and not yet seen completed: at stop,
 * before the image is flushed, so that no submitted write is lost. */
void disk_queue_drain(struct disk_queue_device *dq);

#endif
