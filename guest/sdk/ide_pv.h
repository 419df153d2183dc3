/*
 * The paravirtualized disk driver: the same operations as the ATA driver
 * (ata.h), over vmm's DISK_READ / DISK_WRITE / DISK_INFO hypercalls. One
 * call moves any number of sectors in one VM exit, where the emulated
 * controller needs at least one exit per 16 or 32 bits written.
 *
 * Returns 0 or a negative HC_E* status (HC_ENODEV: no disk, HC_EINVAL: past
 * the end, HC_EFAULT: bad buffer, HC_EIO: read-only disk or host error).
 */
#ifndef GUEST_IDE_PV_H
#define GUEST_IDE_PV_H

#include <stdint.h>

/* Sectors of the disk, or a negative status. */
long long ide_pv_sectors(void);
int ide_pv_read(uint32_t lba, uint32_t count, void *buffer);
int ide_pv_write(uint32_t lba, uint32_t count, const void *buffer);

#endif
