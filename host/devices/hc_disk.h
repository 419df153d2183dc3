/*
 * The paravirtualized disk: hypercalls DISK_READ (9), DISK_WRITE (10) and
 * DISK_INFO (11) of ABI v1 on the -disk image.
 *
 * Statuses, checked in this order so that a failing call never has a partial
 * effect:
 *   -ENODEV  no -disk (DISK_INFO: ret 0)
 *   -EINVAL  any sector of [lba, lba + count) past the end of the image
 *            (count 0 is a valid, empty request)
 *   -EFAULT  the buffer (count * 512 bytes) is not wholly mapped guest RAM
 *            (or is longer than guest RAM, which only aliasing allows)
 *   -EIO     DISK_WRITE on a read-only disk (-disk-ro): the ABI has no
 *            EROFS, and EIO is what the emulated drive's ABRT means to a
 *            driver; also a failing host read/write (then a part may be done)
 * Any count is served in one exit; the host copies through a bounded buffer
 * (1 MiB pieces) after translating the whole guest buffer once: every byte
 * goes where the guest's mapping pointed when the call began, even when the
 * data read rewrites the guest's own page tables. Writes go straight to
 * the file (pwrite), so they survive vmm being killed once the call returns.
 */
#ifndef VMM_HC_DISK_H
#define VMM_HC_DISK_H

struct vm;
struct disk;

/* Registers the three calls for vm; disk may be NULL (no drive). The disk
 * must outlive the VM's run; the registration ends in vm_destroy. */
int hc_disk_register(struct vm *vm, struct disk *disk);

#endif
