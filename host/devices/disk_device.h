/*
 * The machine's disk: the -disk image behind both the emulated ATA
 * controller (ports 0x1F0-0x1F7 and 0x3F6) and the PV disk hypercalls.
 */
#ifndef VMM_DISK_DEVICE_H
#define VMM_DISK_DEVICE_H

#include <stdbool.h>
#include <stddef.h>

struct vm;

/*
 * Opens path (NULL: no disk) and attaches it. The ATA controller is there
 * even without a disk, as on a PC or in QEMU: the channel then reads status
 * 0 (no drive) and the PV calls answer -ENODEV. Every stop of the VM
 * fdatasyncs the image; vm_destroy closes it.
 * Returns 0; -2 when the image is unusable (missing, wrong size...: a usage
 * error, the file untouched); -1 on a host failure. err gets one line.
 */
int disk_device_attach(struct vm *vm, const char *path, bool read_only, char *err, size_t errlen);

#endif
