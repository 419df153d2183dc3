/* Glue between the -disk image, the ATA controller, the PV disk calls and
 * the VM's life cycle. */
#include "disk_device.h"

#include <stdio.h>
#include <stdlib.h>

#include "vm.h"
#include "ata.h"
#include "disk_queue.h"
#include "hc_disk.h"

struct disk_device {
	struct disk disk;
	bool present;
	struct ata *ata;
	struct disk_queue_device *queue;
};

/* Stop hook: whatever way the guest stopped, its writes reach stable
 * storage before vmm exits (they are already in the file: write-through). */
static void flush_on_stop(struct vm *vm, void *opaque)
{
	(void)vm;
	struct disk_device *dev = opaque;
	disk_queue_drain(dev->queue); /* requests the guest submitted before it stopped */
	if (dev->present && !dev->disk.read_only)
		disk_flush(&dev->disk); /* a failure is reported by disk_image.c, once */
}

static void free_on_destroy(struct vm *vm, void *opaque)
{
	(void)vm;
	struct disk_device *dev = opaque;
	ata_destroy(dev->ata);
	if (dev->present)
		disk_close(&dev->disk);
	free(dev);
}

int disk_device_attach(struct vm *vm, const char *path, bool read_only, char *err, size_t errlen)
{
	struct disk_device *dev = calloc(1, sizeof(*dev));
	if (!dev) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	dev->disk.fd = -1;
	if (path) {
		if (disk_open(&dev->disk, path, read_only, err, errlen) < 0) {
			free(dev);
			return -2;
		}
		dev->present = true;
	}
	struct disk *disk = dev->present ? &dev->disk : NULL;
	dev->ata = ata_create(disk);
	if (!dev->ata || vm_add_destroy_hook(vm, free_on_destroy, dev) < 0) {
		ata_destroy(dev->ata);
		disk_close(&dev->disk);
		free(dev);
		snprintf(err, errlen, "cannot set up the disk controller");
		return -1;
	}
	/* From here on vm_destroy frees dev. */
	if (vm_register_pio(vm, ATA_CMD_BASE, ATA_CMD_LEN, "ata", &ata_cmd_ops, dev->ata) < 0 ||
	    vm_register_pio(vm, ATA_CTL_BASE, ATA_CTL_LEN, "ata-ctl", &ata_ctl_ops, dev->ata) < 0 ||
	    !(dev->queue = disk_queue_attach(vm, disk)) ||
	    vm_add_stop_hook(vm, flush_on_stop, dev) < 0 || hc_disk_register(vm, disk) < 0) {
		snprintf(err, errlen, "cannot register the disk controller");
		return -1;
	}
	/*
	 * The data port (and the three task-file registers beside it that a
	 * 32-bit access touches) only changes what the guest can see when it
	 * next reads a register or writes the command, and those always exit;
	 * so their writes can wait in KVM's coalesced ring: a sector written
	 * with 256 outw then costs one exit instead of 256. Without the host
	 * capability they simply exit as before. Only with a drive: without one
	 * there is nothing to coalesce, and registering a zone is not free (KVM
	 * waits for an SRCU grace period at the next memslot change and again at
	 * teardown: about 6 ms of every run on this host, measured).
	 */
	if (disk)
		vm_coalesce_pio(vm, ATA_CMD_BASE, 4);
	return 0;
}
